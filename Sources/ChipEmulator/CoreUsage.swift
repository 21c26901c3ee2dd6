// CoreUsage: what each core must hold under a placement, and the check against the chip.

import ChipDescription
import SpikingModel

/// The load one core carries under a placement. Every field is what counts against the chip
/// capacity of the same name (see chips/README.md, "Mapping rules").
public struct CoreUsage: Sendable, Equatable {
    public var core: CoreID
    /// Neurons placed on the core.
    public var neurons: Int
    /// Synapses stored on the core: those onto its neurons (synapses live with the
    /// postsynaptic neuron).
    public var synapses: Int
    /// Bytes of synapse memory: ⌈Σ synapses × (weight bits + delay bits if the projection has
    /// delays + learning words × learning-state bits) / 8⌉.
    public var synapseMemoryBytes: Int
    /// Distinct presynaptic neurons (input axons) with a synapse onto the core's neurons.
    public var inputAxons: Int
    /// The largest fan-in (synapses per neuron) among the core's neurons.
    public var maxSynapsesPerNeuron: Int
    /// The largest number of distinct destination cores among the core's neurons.
    public var maxCoresPerNeuron: Int
    /// Σ over the core's neurons of their distinct destination cores.
    public var fanOutEdges: Int
    /// Expected spike-log entries: ⌈spikes per neuron × (neurons + input axons)⌉: the core
    /// logs its own spikes and every presynaptic spike that arrives (once per core, not per
    /// synapse).
    public var spikeLogEntries: Int

    public var isUsed: Bool { neurons > 0 }

    /// The value compared with the chip's fan-in limit.
    public func fanIn(_ kind: FanInLimitKind) -> Int {
        kind == .synapsesPerNeuron ? maxSynapsesPerNeuron : inputAxons
    }

    /// The value compared with the chip's fan-out limit.
    public func fanOut(_ kind: FanOutLimitKind) -> Int {
        kind == .coresPerNeuron ? maxCoresPerNeuron : fanOutEdges
    }
}

/// Population-granular bookkeeping: how many neurons of each population sit on each core.
/// Projections are all-to-all, so this determines every usage figure.
struct CoreLoads {
    let shape: NetworkShape
    let chip: ChipSpec
    let options: MappingOptions
    /// `counts[core][population]`.
    var counts: [[Int]]
    /// Per population: the projections onto it, in network order (listed once, so that the
    /// per-neuron checks of `fill` do not scan every projection).
    let incoming: [[NetworkShape.ProjectionShape]]

    init(shape: NetworkShape, chip: ChipSpec, options: MappingOptions) {
        self.shape = shape
        self.chip = chip
        self.options = options
        counts = Array(repeating: Array(repeating: 0, count: shape.populations.count), count: chip.mesh.coreCount)
        var incoming = Array(repeating: [NetworkShape.ProjectionShape](), count: shape.populations.count)
        for projection in shape.projections { incoming[projection.target.rawValue].append(projection) }
        self.incoming = incoming
    }

    /// Bits of synapse memory one neuron of `population` needs.
    func synapseBits(perNeuronOf population: PopulationID) -> Int {
        let stateBits = options.learning.stateWordsPerSynapse * (chip.core.learningStateBits ?? 0)
        return incoming[population.rawValue].reduce(0) { sum, projection in
            let delayBits = projection.hasDelays ? (chip.core.delayBits ?? 0) : 0
            return sum + shape[projection.source].size * (chip.core.weightBits + delayBits + stateBits)
        }
    }

    /// Populations whose neurons feed `population`.
    func sources(of population: PopulationID) -> Set<PopulationID> {
        Set(incoming[population.rawValue].map(\.source))
    }

    func inputAxons(onto populations: Set<PopulationID>) -> Int {
        populations.reduce(into: Set<PopulationID>()) { $0.formUnion(sources(of: $1)) }
            .reduce(0) { $0 + shape[$1].size }
    }

    func expectedLogEntries(neurons: Int, axons: Int) -> Int {
        Int((options.spikesPerNeuron * Double(neurons + axons)).rounded(.up))
    }

    /// The usage of every core.
    func usage() -> [CoreUsage] {
        let populations = shape.populationIDs
        // Destination cores of each population's neurons (all neurons of a population share them).
        var destinations = Array(repeating: Set<Int>(), count: populations.count)
        for projection in shape.projections {
            for core in counts.indices where counts[core][projection.target.rawValue] > 0 {
                destinations[projection.source.rawValue].insert(core)
            }
        }
        let bitsPerNeuron = populations.map(synapseBits(perNeuronOf:))
        let fanIns = populations.map(shape.fanIn(of:))
        return counts.indices.map { core in
            let present = Set(populations.filter { counts[core][$0.rawValue] > 0 })
            let neurons = counts[core].reduce(0, +)
            let axons = inputAxons(onto: present)
            var bits = 0
            var synapses = 0
            var edges = 0
            for population in present {
                let n = counts[core][population.rawValue]
                bits += n * bitsPerNeuron[population.rawValue]
                synapses += n * fanIns[population.rawValue]
                edges += n * destinations[population.rawValue].count
            }
            return CoreUsage(
                core: CoreID(core), neurons: neurons, synapses: synapses, synapseMemoryBytes: (bits + 7) / 8,
                inputAxons: axons, maxSynapsesPerNeuron: present.map { fanIns[$0.rawValue] }.max() ?? 0,
                maxCoresPerNeuron: present.map { destinations[$0.rawValue].count }.max() ?? 0, fanOutEdges: edges,
                spikeLogEntries: neurons == 0 ? 0 : expectedLogEntries(neurons: neurons, axons: axons))
        }
    }
}

extension ChipSpec {
    /// Every capacity `usage` exceeds on this chip. Limits the chip file leaves unknown are not
    /// checked (see ``uncheckedLimits(for:)``); the spike log is checked only when learning.
    public func violations(of usage: CoreUsage, learning: LearningMode) -> [CapacityViolation] {
        var result: [CapacityViolation] = []
        func check(_ kind: CapacityKind, _ counts: String, _ need: Int, _ capacity: Int?, _ unit: String) {
            if let capacity, need > capacity {
                result.append(CapacityViolation(core: usage.core, kind: kind, counts: counts, need: need, capacity: capacity, unit: unit))
            }
        }
        check(.neurons, "", usage.neurons, core.neuronsMax, "neurons")
        check(.synapseMemory, "", usage.synapseMemoryBytes, core.synapseMemoryBytes, "bytes")
        switch core.fanIn.kind {
        case .synapsesPerNeuron: check(.fanIn, "synapses per neuron", usage.maxSynapsesPerNeuron, core.fanIn.max, "synapses")
        case .inputAxonsPerCore: check(.fanIn, "input axons per core", usage.inputAxons, core.fanIn.max, "axons")
        }
        switch core.fanOut.kind {
        case .coresPerNeuron: check(.fanOut, "destination cores per neuron", usage.maxCoresPerNeuron, core.fanOut.max, "cores")
        case .edgesPerCore: check(.fanOut, "core-to-core edges per core", usage.fanOutEdges, core.fanOut.max, "edges")
        }
        if learning.isLearning {
            check(.spikeLog, "expected entries", usage.spikeLogEntries, core.spikeLogEntries, "entries")
        }
        return result
    }

    /// The limits this chip file leaves unknown (`null`), which a mapping therefore cannot check.
    public func uncheckedLimits(for learning: LearningMode) -> [String] {
        var result: [String] = []
        if core.fanIn.max == nil { result.append("fan-in (\(core.fanIn.kind.rawValue)): /core/fan_in/max is null") }
        if core.fanOut.max == nil { result.append("fan-out (\(core.fanOut.kind.rawValue)): /core/fan_out/max is null") }
        if learning.isLearning && core.spikeLogEntries == nil {
            result.append("spike log: /core/spike_log_entries is null")
        }
        return result
    }
}
