// Mapping: placing a network's neurons on a chip's cores under every capacity.

import ChipDescription
import SpikingModel

/// How the mapper chooses cores.
public enum PlacementStrategy: Sendable, Equatable {
    /// Neurons in network order, each on the current core while it still fits, then the next
    /// core: few cores, short fan-out.
    case fill
    /// Each population divided evenly over min(size, cores) consecutive cores, continuing
    /// where the previous population stopped: the most parallelism per population, but every
    /// neuron then fans out to more cores.
    case spread
    /// A placement given by the user (``PlacementFile``).
    case explicit(Placement)

    public var name: String {
        switch self {
        case .fill: return "fill"
        case .spread: return "spread"
        case .explicit: return "placement file"
        }
    }
}

/// A network placed on a chip: the core of every neuron and the load of every core.
public struct Mapping: Sendable {
    public let chip: ChipSpec
    public let shape: NetworkShape
    public let options: MappingOptions
    public let strategy: String
    public let placement: Placement
    /// One entry per core of the chip, in core order (unused cores have zero load).
    public let usage: [CoreUsage]
    /// Limits the chip file leaves unknown, which were therefore not checked.
    public let uncheckedLimits: [String]

    public var usedCores: [CoreUsage] { usage.filter(\.isUsed) }

    /// Places `shape` on `chip`.
    ///
    /// Synapses live on the core of their postsynaptic neuron; input populations occupy no
    /// core. Every capacity the chip file states is checked on every core: neurons, synapse
    /// memory (weights, delays, learning state), fan-in, fan-out and, when learning, the
    /// expected spike-log entries.
    ///
    /// - Throws: ``MappingError`` listing every problem: each capacity a core exceeds (with
    ///   the need and the capacity), neurons left over when all cores are full, or features
    ///   the chip file cannot support (learning without a learning-state word size, delays
    ///   without a delay field).
    public static func map(
        _ shape: NetworkShape, onto chip: ChipSpec, strategy: PlacementStrategy = .fill, options: MappingOptions = MappingOptions()
    ) throws(MappingError) -> Mapping {
        try checkSupported(shape, chip: chip, options: options)
        var loads = CoreLoads(shape: shape, chip: chip, options: options)
        let placement: Placement
        switch strategy {
        case .fill: placement = try fill(&loads)
        case .spread: placement = spread(&loads)
        case .explicit(let given):
            if let problem = given.mismatch(shape, chip: chip) { throw MappingError([.unsupported(problem)]) }
            placement = given
            loads.counts = given.counts(coreCount: chip.mesh.coreCount)
        }
        let usage = loads.usage()
        let violations = usage.flatMap { chip.violations(of: $0, learning: options.learning) }
        if !violations.isEmpty { throw MappingError(violations.map(MappingIssue.capacity)) }
        return Mapping(
            chip: chip, shape: shape, options: options, strategy: strategy.name, placement: placement, usage: usage,
            uncheckedLimits: chip.uncheckedLimits(for: options.learning))
    }

    /// Why this mapping cannot place `network`, or `nil` if it can: the network must have the
    /// shape that was mapped (``NetworkShape``: the same population kinds and sizes, the same
    /// projections in the same order, and delays only where the mapping reserved room for them).
    /// Names and weights may differ.
    public func mismatch(_ network: Network) -> String? {
        let given = NetworkShape(network)
        guard given.populations.count == shape.populations.count else {
            return "the mapping is for a network of \(shape.populations.count) populations, not \(given.populations.count)"
        }
        for (p, (mapped, actual)) in zip(shape.populations, given.populations).enumerated()
        where mapped.kind != actual.kind || mapped.size != actual.size {
            return "the mapping is for a network whose population \(p) (\"\(mapped.name)\") has \(mapped.size) \(mapped.kind.rawValue) neurons, but \"\(actual.name)\" has \(actual.size) \(actual.kind.rawValue) neurons"
        }
        guard given.projections.count == shape.projections.count else {
            return "the mapping is for a network of \(shape.projections.count) projections, not \(given.projections.count)"
        }
        for (p, (mapped, actual)) in zip(shape.projections, given.projections).enumerated() {
            if mapped.source != actual.source || mapped.target != actual.target {
                return "projection \(p) of the mapped network goes from population \(mapped.source.rawValue) to \(mapped.target.rawValue), but the network's from \(actual.source.rawValue) to \(actual.target.rawValue)"
            }
            if actual.hasDelays && !mapped.hasDelays {
                return "projection \(p) has delays, but the network was mapped without them (no delay memory was reserved): map the network with its delays"
            }
        }
        return nil
    }

    private static func checkSupported(_ shape: NetworkShape, chip: ChipSpec, options: MappingOptions) throws(MappingError) {
        var issues: [MappingIssue] = []
        if options.learning.isLearning && chip.core.learningStateBits == nil {
            issues.append(
                .unsupported(
                    "learning \(options.learning.rawValue) needs learning state in synapse memory, but chip \"\(chip.name)\" gives no learning-state word size (/core/learning_state_bits is null); only --learning inference can be mapped"))
        }
        if chip.core.delayBits == nil && shape.projections.contains(where: \.hasDelays) {
            issues.append(
                .unsupported(
                    "the network has synaptic delays, but chip \"\(chip.name)\" gives no delay field size (/core/delay_bits is null), so synapse memory cannot be checked"))
        }
        for projection in shape.projections where !shape.isPlaced(projection.target) {
            issues.append(.unsupported("a projection targets input population \"\(shape[projection.target].name)\"; inputs cannot receive synapses"))
        }
        if !issues.isEmpty { throw MappingError(issues) }
    }

    // MARK: - Strategies

    private static func fill(_ loads: inout CoreLoads) throws(MappingError) -> Placement {
        let shape = loads.shape
        let chip = loads.chip
        let learning = loads.options.learning
        var cores = shape.populationIDs.map { shape.isPlaced($0) ? [CoreID]() : [] }
        var core = 0
        // Running per-core state for the current core (fan-out is checked once all are placed).
        var neurons = 0
        var bits = 0
        var feeding = Set<PopulationID>()
        for population in shape.populationIDs where shape.isPlaced(population) {
            let bitsPerNeuron = loads.synapseBits(perNeuronOf: population)
            let fanIn = shape.fanIn(of: population)
            let size = shape[population].size
            var neuron = 0
            while neuron < size {
                guard core < chip.mesh.coreCount else {
                    throw MappingError([.outOfCores(population: shape[population].name, neurons: neuron..<size, cores: chip.mesh.coreCount)])
                }
                let present = feeding.union([population])
                let axons = loads.inputAxons(onto: present)
                let trial = CoreUsage(
                    core: CoreID(core), neurons: neurons + 1, synapses: 0, synapseMemoryBytes: (bits + bitsPerNeuron + 7) / 8,
                    inputAxons: axons, maxSynapsesPerNeuron: fanIn, maxCoresPerNeuron: 0, fanOutEdges: 0,
                    spikeLogEntries: loads.expectedLogEntries(neurons: neurons + 1, axons: axons))
                let problems = chip.violations(of: trial, learning: learning)
                if problems.isEmpty {
                    // It fits: place it and try the next neuron on the same core.
                    neurons += 1
                    bits += bitsPerNeuron
                    feeding = present
                    cores[population.rawValue].append(CoreID(core))
                    loads.counts[core][population.rawValue] += 1
                    neuron += 1
                } else if neurons == 0 {
                    // Not even one neuron fits on an empty core, and all cores are alike.
                    throw MappingError(problems.map(MappingIssue.capacity))
                } else {
                    core += 1
                    neurons = 0
                    bits = 0
                    feeding = []
                }
            }
        }
        return Placement(cores: cores)
    }

    private static func spread(_ loads: inout CoreLoads) -> Placement {
        let shape = loads.shape
        let coreCount = loads.chip.mesh.coreCount
        var cores = shape.populationIDs.map { _ in [CoreID]() }
        var cursor = 0
        for population in shape.populationIDs where shape.isPlaced(population) {
            let size = shape[population].size
            let k = min(size, coreCount)
            guard k > 0 else { continue }
            for part in 0..<k {
                let count = size / k + (part < size % k ? 1 : 0)
                let core = (cursor + part) % coreCount
                cores[population.rawValue].append(contentsOf: repeatElement(CoreID(core), count: count))
                loads.counts[core][population.rawValue] += count
            }
            cursor = (cursor + k) % coreCount
        }
        return Placement(cores: cores)
    }
}
