// LearningMode: what a synapse must store besides its weight.

/// The training regime a mapping must leave room for. Each learning-state word has
/// ``ChipDescription/CoreSpec/learningStateBits`` bits and lives in the synapse memory of the
/// postsynaptic neuron's core, beside the weight.
public enum LearningMode: String, Sendable, CaseIterable {
    /// Weights only.
    case inference
    /// Weight + gradient accumulator.
    case sgd
    /// Weight + gradient accumulator + momentum.
    case sgdMomentum = "sgd-momentum"
    /// Weight + gradient accumulator + first and second moments.
    case adam

    /// Learning-state words stored per synapse.
    public var stateWordsPerSynapse: Int {
        switch self {
        case .inference: return 0
        case .sgd: return 1
        case .sgdMomentum: return 2
        case .adam: return 3
        }
    }

    /// Whether the backward pass runs (and needs the spike log).
    public var isLearning: Bool { self != .inference }
}

/// Inputs to the mapper besides the network and the chip.
public struct MappingOptions: Sendable, Equatable {
    public var learning: LearningMode
    /// Expected spikes per neuron per sample, used only to check spike-log capacity (which
    /// depends on activity the mapper cannot know). Default 1.
    public var spikesPerNeuron: Double

    public init(learning: LearningMode = .inference, spikesPerNeuron: Double = 1) {
        self.learning = learning
        self.spikesPerNeuron = spikesPerNeuron
    }
}
