// Small typed readers shared by the chip decoder (nullable integers and enumerations).

import StrictJSON

extension JSONNode {
    /// `null` (unknown) or an integer in `range`: `.some(nil)` for null, `nil` on error.
    func nullableInt(in range: ClosedRange<Int>) -> Int?? {
        if isNull { return .some(nil) }
        guard let n = int(in: range) else { return nil }
        return .some(n)
    }

    /// A string naming a case of `E`.
    func enumeration<E: RawRepresentable & CaseIterable>(_: E.Type) -> E? where E.RawValue == String {
        string(oneOf: E.allCases.map(\.rawValue)).flatMap(E.init(rawValue:))
    }

    /// A latency in seconds, `0 ... ChipLimits.maxLatency`.
    func latency() -> Double? {
        double("must be between 0 and \(ChipLimits.maxLatency) s (a latency per operation or message)") { $0 >= 0 && $0 <= ChipLimits.maxLatency }
    }

    /// `null` (unknown) or a latency (``latency()``).
    func nullableLatency() -> Double?? {
        if isNull { return .some(nil) }
        guard let x = latency() else { return nil }
        return .some(x)
    }

    /// `null` (unknown) or an energy in joules, `0 ... ChipLimits.maxEnergy`.
    func nullableEnergy() -> Double?? {
        if isNull { return .some(nil) }
        guard let x = double("must be between 0 and \(ChipLimits.maxEnergy) J (an energy per operation or message)", { $0 >= 0 && $0 <= ChipLimits.maxEnergy }) else { return nil }
        return .some(x)
    }

    /// `null` (unknown) or a static power in watts per core, `0 ... ChipLimits.maxStaticPower`.
    func nullableStaticPower() -> Double?? {
        if isNull { return .some(nil) }
        guard let x = double("must be between 0 and \(ChipLimits.maxStaticPower) W (static power of one core)", { $0 >= 0 && $0 <= ChipLimits.maxStaticPower }) else { return nil }
        return .some(x)
    }

    /// A string that is not empty.
    func nonEmptyString() -> String? {
        guard let s = string() else { return nil }
        guard !s.isEmpty else {
            report("must not be empty")
            return nil
        }
        return s
    }
}

/// Integer ranges accepted by the chip schema (generous, but small enough that products of
/// them cannot overflow `Int`).
enum ChipLimits {
    static let meshSide = 1...4096
    static let coresPerRouter = 1...1024
    static let maxCores = 1 << 24
    static let neurons = 1...(1 << 24)
    static let bytes = 1...(1 << 40)
    static let wordBits = 1...64
    static let delayBits = 0...64
    static let fan = 1...(1 << 30)
    static let logEntries = 1...(1 << 40)
    static let bufferPackets = 1...(1 << 20)
    static let bits = 1...4096
    static let routers = 1...(1 << 24)
    /// One millisecond per operation or message: six orders of magnitude above real chips, and
    /// small enough that the picosecond clock (64 bits, ≈ 5 hours) holds ten million of them.
    static let maxLatency = 1e-3
    /// One joule per operation or message: far above any chip, and small enough that totals
    /// over any run stay finite.
    static let maxEnergy = 1.0
    /// A kilowatt of static power per core: far above any chip, and small enough that static
    /// energy (power × cores × hardware time) stays finite; 1e308 W made the total infinite.
    static let maxStaticPower = 1000.0
}
