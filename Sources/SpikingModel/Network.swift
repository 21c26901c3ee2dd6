// Network: populations of neurons and the weighted, optionally delayed projections between them.

/// Index of a population in ``Network/populations``.
public struct PopulationID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ value: Int) { self.rawValue = value }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "population \(rawValue)" }
}

/// Index of a projection in ``Network/projections``.
public struct ProjectionID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ value: Int) { self.rawValue = value }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "projection \(rawValue)" }
}

/// A neuron's index across the whole network: populations are numbered consecutively in the
/// order of ``Network/populations`` (see ``Network/firstNeuron(of:)``).
public struct NeuronID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ index: Int) { self.rawValue = Int32(index) }
    public var index: Int { Int(rawValue) }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "neuron \(rawValue)" }
}

/// What a population's neurons are.
public enum NeuronKind: String, Sendable, CaseIterable {
    /// Stateless sources whose spike times are given by the input file.
    case input
    /// Current-based leaky integrate-and-fire neurons (spike at threshold, then reset).
    case lif
    /// Leaky integrators: the same dynamics with an infinite threshold (non-spiking readouts).
    case li
}

/// Parameters shared by all neurons of a population (eventprop.md §1.1).
///
/// Dynamics between events: `τm dV/dt = −V + I`, `τs dI/dt = −I`; an arriving spike of weight
/// `w` adds `w` to `I` (no scaling). A LIF neuron spikes when `V` reaches `threshold` from
/// below and is then set to `reset`.
public struct NeuronParameters: Sendable, Equatable {
    /// Membrane time constant τm, in seconds (> 0).
    public var tauMem: Double
    /// Synaptic time constant τs, in seconds (> 0).
    public var tauSyn: Double
    /// Threshold ϑ (dimensionless voltage, > 0). Ignored for LI neurons.
    public var threshold: Double
    /// Reset value V_r (< ϑ). Ignored for LI neurons.
    public var reset: Double

    public init(tauMem: Double = 20e-3, tauSyn: Double = 5e-3, threshold: Double = 1, reset: Double = 0) {
        self.tauMem = tauMem
        self.tauSyn = tauSyn
        self.threshold = threshold
        self.reset = reset
    }
}

/// A named group of neurons of one kind.
public struct Population: Sendable, Equatable {
    public var name: String
    public var kind: NeuronKind
    public var size: Int
    /// The dynamics; unused for ``NeuronKind/input``.
    public var parameters: NeuronParameters

    public init(name: String, kind: NeuronKind, size: Int, parameters: NeuronParameters = NeuronParameters()) {
        self.name = name
        self.kind = kind
        self.size = size
        self.parameters = parameters
    }
}

/// All-to-all synapses from every neuron of `source` to every neuron of `target`.
///
/// Storage is flat and in **fan-out order**: the synapse from presynaptic neuron `pre` to
/// postsynaptic neuron `post` is at `pre * targetSize + post`, so one spike's targets are
/// contiguous. (The file format writes `weights[post][pre]`; see ``weight(post:pre:)``.)
public struct Projection: Sendable, Equatable {
    public var source: PopulationID
    public var target: PopulationID
    public var sourceSize: Int
    public var targetSize: Int
    /// Weights `w_post,pre` in fan-out order (dimensionless: a jump of the synaptic current).
    public var weights: [Double]
    /// Per-synapse delays `d_post,pre` in seconds, fan-out order; `nil` means all zero.
    public var delays: [Double]?

    public init(source: PopulationID, target: PopulationID, sourceSize: Int, targetSize: Int, weights: [Double], delays: [Double]? = nil) {
        precondition(weights.count == sourceSize * targetSize, "weights must have sourceSize × targetSize entries")
        precondition(delays == nil || delays!.count == weights.count, "delays must have the shape of weights")
        self.source = source
        self.target = target
        self.sourceSize = sourceSize
        self.targetSize = targetSize
        self.weights = weights
        self.delays = delays
    }

    public var synapseCount: Int { weights.count }

    /// The flat index of synapse pre → post.
    @inline(__always) public func synapse(post: Int, pre: Int) -> Int { pre &* targetSize &+ post }

    public func weight(post: Int, pre: Int) -> Double { weights[synapse(post: post, pre: pre)] }

    /// `matrix[post][pre]` from a fan-out-ordered flat array of this projection's shape.
    public func byPost(_ flat: [Double]) -> [[Double]] {
        (0..<targetSize).map { post in (0..<sourceSize).map { pre in flat[synapse(post: post, pre: pre)] } }
    }

    /// Whether any delay is non-zero.
    public var hasDelays: Bool { delays?.contains { $0 != 0 } ?? false }
}

/// A spiking network: populations, projections, a trial duration and an output population.
public struct Network: Sendable, Equatable {
    public var populations: [Population]
    public var projections: [Projection]
    /// Trial duration T in seconds: the simulation covers model time [0, T].
    public var duration: Double
    /// The population losses read (by default the last one).
    public var output: PopulationID

    /// The longest trial a network may ask for, in seconds: far beyond any experiment, and
    /// short enough that times and window counts stay well within `Double` and `Int` arithmetic.
    public static let maxDuration = 1e4
    /// The time constants a network may have, in seconds (a nanosecond to ~3 hours: below a
    /// nanosecond the decay underflows within one picosecond-scale step and activity runs away).
    public static let timeConstants = 1e-9...1e4

    /// Nothing is checked here: ``problems()`` lists what is wrong (an empty network, an `output`
    /// that is not a lif or li population, time constants outside ``timeConstants``, a duration
    /// outside `(0, maxDuration]` s, projections whose sizes or array lengths do not fit their
    /// populations, non-finite weights, negative or non-finite delays, …) and ``validate()``
    /// throws it. ``NetworkFile/decode(_:file:)``, ``Trainer`` and the chip emulator check it and
    /// throw; ``ReferenceSimulator/init(network:)`` and ``NetworkFile/encode(_:)`` require a
    /// network without problems (they trap or compute nonsense otherwise).
    public init(populations: [Population], projections: [Projection], duration: Double, output: PopulationID? = nil) {
        self.populations = populations
        self.projections = projections
        self.duration = duration
        self.output = output ?? PopulationID(populations.count - 1)
    }

    /// Total number of neurons (inputs included).
    public var neuronCount: Int { populations.reduce(0) { $0 + $1.size } }

    /// Global index of the first neuron of `population`.
    public func firstNeuron(of population: PopulationID) -> Int {
        populations[..<population.rawValue].reduce(0) { $0 + $1.size }
    }

    public func population(named name: String) -> PopulationID? {
        populations.firstIndex { $0.name == name }.map { PopulationID($0) }
    }

    /// The populations of kind ``NeuronKind/input``.
    public var inputPopulations: [PopulationID] {
        populations.indices.filter { populations[$0].kind == .input }.map { PopulationID($0) }
    }

    /// Total input neurons across input populations (the length of an input file's `spikes`).
    public var inputCount: Int { inputPopulations.reduce(0) { $0 + populations[$1.rawValue].size } }

    /// Total synapses.
    public var synapseCount: Int { projections.reduce(0) { $0 + $1.synapseCount } }
}

extension Network {
    /// Copies `weights` (one array per projection, of its synapse count) into the projections'
    /// own storage instead of sharing the caller's arrays: simulators on other threads given the
    /// same arrays would otherwise update one reference count for every delivery.
    package mutating func copyWeights(from weights: [[Double]]) {
        precondition(weights.count == projections.count && weights.indices.allSatisfy { weights[$0].count == projections[$0].synapseCount },
            "weights must keep their shapes")
        for p in weights.indices { projections[p].weights.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: weights[p]) } }
    }
}
