// NeuronState: one neuron's forward state and the exact operations on it, shared by the
// functional reference and the chip emulator so both do the same arithmetic in the same order.
//
// The kernel types the chip emulator calls in its inner loops (NeuronState, DecayCache,
// NeuronSchedule, ForwardEvent, EventQueue) are `@_spi(Kernel) public` with `@inlinable` members
// rather than `package`: this toolchain does not inline `@inlinable package` code across modules,
// which left every such call in ChipEmulator an opaque call with retains around it (about 5 % of
// the emulated forward pass, measured). The SPI keeps them out of the public API: only modules
// that write `@_spi(Kernel) import SpikingModel` see them.

/// The forward state of one LIF or LI neuron, anchored at the time of its last update.
///
/// Stored as an array of these records (fields used together stay together: every arrival reads
/// and writes all of them). The neuron's pending check or spike lives in a ``NeuronSchedule``.
@_spi(Kernel) public struct NeuronState: Sendable {
    /// `V` at ``time``.
    public var voltage: Double = 0
    /// `I` at ``time``.
    public var current: Double = 0
    /// Model time of the anchor, seconds.
    public var time: Double = 0

    @inlinable public init() {}

    @inlinable @inline(__always) public init(voltage: Double, current: Double, time: Double) {
        self.voltage = voltage
        self.current = current
        self.time = time
    }

    /// Advances the anchor to `t`, sharing decay factors through `cache` when the step repeats.
    @inlinable @inline(__always) public mutating func advance(to t: Double, _ c: LIFConstants, _ cache: inout DecayCache) {
        let u = t - time
        guard u != 0 else { return }
        let (mem, syn) = cache.factors(u, c)
        voltage = c.voltage(v0: voltage, i0: current, u: u, mem: mem, syn: syn)
        current *= syn
        time = t
    }

    /// An arrival of weight `w` at time `t`: `I += w`, a new trajectory.
    @inlinable @inline(__always) public mutating func receive(_ w: Double, at t: Double, _ c: LIFConstants, _ cache: inout DecayCache) {
        advance(to: t, c, &cache)
        current += w
    }

    /// When to check the current trajectory for a crossing: a cheap lower bound of the crossing
    /// time (``LIFConstants/crossingLowerBound(v0:i0:)``), or `+∞` if it cannot cross before `end`.
    @inlinable @inline(__always) public func checkTime(_ c: LIFConstants, end: Double) -> Double {
        guard let bound = c.crossingLowerBound(v0: voltage, i0: current) else { return .infinity }
        let check = time + bound
        return check <= end ? check : .infinity
    }

    /// The exact crossing of the current trajectory before `end`, or `+∞`. It is computed from
    /// the anchor, so it does not depend on when the check runs: lazy checking gives the spike
    /// times of eager prediction.
    @inlinable @inline(__always) public func crossing(_ c: LIFConstants, end: Double) -> Double {
        guard let u = c.nextCrossing(v0: voltage, i0: current, horizon: end - time) else { return .infinity }
        return time + u
    }

    /// The neuron spikes at `t`: returns `I(t⁻)` and resets `V` to `V_r`.
    @inlinable @inline(__always) public mutating func fire(at t: Double, _ c: LIFConstants) -> Double {
        var cache = DecayCache()
        advance(to: t, c, &cache)
        let currentAtSpike = current
        voltage = c.reset
        return currentAtSpike
    }
}

/// Remembers the decay factors of the last step length, so that the targets of one spike that
/// were last touched at the same time (the common case in dense layers) share two `exp` calls.
/// Reuse is exact: the same `u` gives bit-identical factors.
@_spi(Kernel) public struct DecayCache {
    @usableFromInline var u = -1.0
    @usableFromInline var mem = 1.0
    @usableFromInline var syn = 1.0

    @inlinable public init() {}

    @inlinable @inline(__always) public mutating func factors(_ step: Double, _ c: LIFConstants) -> (Double, Double) {
        if step != u {
            u = step
            (mem, syn) = c.decay(step)
        }
        return (mem, syn)
    }
}
