// CapacityViolation and MappingError: why a network does not fit a chip.

import ChipDescription

/// A core capacity from the chip file.
public enum CapacityKind: String, Sendable, CaseIterable {
    case neurons
    case synapseMemory = "synapse memory"
    case fanIn = "fan-in"
    case fanOut = "fan-out"
    case spikeLog = "spike log"
}

/// One core needing more of one capacity than the chip gives.
public struct CapacityViolation: Sendable, Equatable, CustomStringConvertible {
    public var core: CoreID
    public var kind: CapacityKind
    /// What the limit counts, e.g. "input axons per core" (empty when the kind says it all).
    public var counts: String
    public var need: Int
    public var capacity: Int
    /// The unit of `need` and `capacity`: "neurons", "bytes", "axons", …
    public var unit: String

    public var description: String {
        let what = counts.isEmpty ? kind.rawValue : "\(kind.rawValue) (\(counts))"
        return "\(core): \(what): needs \(groupedDigits(need)) \(unit), capacity \(groupedDigits(capacity)) \(unit)"
    }
}

/// One reason a mapping failed.
public enum MappingIssue: Sendable, Equatable, CustomStringConvertible {
    case capacity(CapacityViolation)
    /// Neurons left over once every core is full.
    case outOfCores(population: String, neurons: Range<Int>, cores: Int)
    /// The network needs something the chip file does not describe.
    case unsupported(String)

    public var description: String {
        switch self {
        case .capacity(let violation): return violation.description
        case .outOfCores(let population, let neurons, let cores):
            return "out of cores: all \(groupedDigits(cores)) cores are full; neurons \(neurons.lowerBound)...\(neurons.upperBound - 1) of population \"\(population)\" do not fit"
        case .unsupported(let text): return text
        }
    }
}

/// A network that does not fit: every problem found.
public struct MappingError: Error, Sendable, CustomStringConvertible {
    public var issues: [MappingIssue]
    public init(_ issues: [MappingIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// `1203200` → `"1,203,200"` (also used by the CLI's reports).
package func groupedDigits(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, character) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return n < 0 ? "-" + out : out
}
