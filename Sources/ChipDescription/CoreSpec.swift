// CoreSpec: what one core can hold (all cores of a chip are alike).

/// What the chip's fan-in limit counts.
public enum FanInLimitKind: String, Sendable, CaseIterable {
    /// Synapses onto one postsynaptic neuron (= the summed sizes of its source populations).
    case synapsesPerNeuron = "synapses_per_neuron"
    /// Distinct presynaptic neurons (input axons) with a synapse onto any neuron of the core
    /// (Loihi's N_axin, TrueNorth's 256 axons).
    case inputAxonsPerCore = "input_axons_per_core"
}

/// What the chip's fan-out limit counts.
public enum FanOutLimitKind: String, Sendable, CaseIterable {
    /// Distinct destination cores of one neuron (TrueNorth: 1 target axon per neuron).
    case coresPerNeuron = "cores_per_neuron"
    /// The sum over the core's neurons of their distinct destination cores: the core-to-core
    /// edges (routing entries) a core must store (Loihi's N_axout).
    case edgesPerCore = "edges_per_core"
}

/// A fan-in or fan-out limit: what it counts and its maximum (`nil` = unknown or not limited;
/// the mapper then reports the limit as unchecked).
public struct CapacityLimit<Kind: Sendable & Equatable>: Sendable, Equatable {
    public var kind: Kind
    public var max: Int?
    public init(kind: Kind, max: Int?) {
        self.kind = kind
        self.max = max
    }
}

/// What a core does when its spike log for the backward pass is full.
public enum OverflowPolicy: String, Sendable, CaseIterable {
    /// The run stops with an error naming the core.
    case error
    /// The entry is dropped and counted; gradients are then no longer exact (reported).
    case count
}

/// The capacities of one core.
public struct CoreSpec: Sendable, Equatable {
    /// Neurons (compartments) per core (≥ 1).
    public var neuronsMax: Int
    /// Synapse memory per core, in bytes (≥ 1): weights, per-synapse delays and learning state.
    public var synapseMemoryBytes: Int
    /// Bits per stored weight (≥ 1).
    public var weightBits: Int
    /// Bits per stored synaptic delay, charged only for projections with delays; `nil` = unknown
    /// (a network with delays then cannot be checked against synapse memory).
    public var delayBits: Int?
    /// Bits per learning-state word (gradient accumulator, momentum, Adam moments); `nil` =
    /// unknown or no on-chip learning (only inference mappings are possible).
    public var learningStateBits: Int?
    public var fanIn: CapacityLimit<FanInLimitKind>
    public var fanOut: CapacityLimit<FanOutLimitKind>
    /// Spike-log entries per core for the backward pass; `nil` = unknown (unchecked).
    public var spikeLogEntries: Int?
    public var spikeLogOverflow: OverflowPolicy

    public init(
        neuronsMax: Int, synapseMemoryBytes: Int, weightBits: Int, delayBits: Int?, learningStateBits: Int?,
        fanIn: CapacityLimit<FanInLimitKind>, fanOut: CapacityLimit<FanOutLimitKind>, spikeLogEntries: Int?,
        spikeLogOverflow: OverflowPolicy = .error
    ) {
        self.neuronsMax = neuronsMax
        self.synapseMemoryBytes = synapseMemoryBytes
        self.weightBits = weightBits
        self.delayBits = delayBits
        self.learningStateBits = learningStateBits
        self.fanIn = fanIn
        self.fanOut = fanOut
        self.spikeLogEntries = spikeLogEntries
        self.spikeLogOverflow = spikeLogOverflow
    }
}
