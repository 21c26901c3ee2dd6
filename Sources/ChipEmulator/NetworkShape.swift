// NetworkShape: what mapping needs to know about a network (sizes, kinds, connectivity).

import SpikingModel

/// The shape of a network: population sizes and kinds, and which populations project onto
/// which. Weights are not needed to place neurons; every synapse of a projection counts
/// against capacity, including zero weights (learning can make them non-zero).
public struct NetworkShape: Sendable, Equatable {
    public struct PopulationShape: Sendable, Equatable {
        public var name: String
        public var kind: NeuronKind
        public var size: Int
        public init(name: String, kind: NeuronKind, size: Int) {
            self.name = name
            self.kind = kind
            self.size = size
        }
    }

    /// All-to-all synapses from every neuron of `source` onto every neuron of `target`.
    public struct ProjectionShape: Sendable, Equatable {
        public var source: PopulationID
        public var target: PopulationID
        /// Whether the synapses store delays (any non-zero delay).
        public var hasDelays: Bool
        public init(source: PopulationID, target: PopulationID, hasDelays: Bool = false) {
            self.source = source
            self.target = target
            self.hasDelays = hasDelays
        }
    }

    public var populations: [PopulationShape]
    public var projections: [ProjectionShape]

    public init(populations: [PopulationShape], projections: [ProjectionShape]) {
        self.populations = populations
        self.projections = projections
    }

    public init(_ network: Network) {
        populations = network.populations.map { PopulationShape(name: $0.name, kind: $0.kind, size: $0.size) }
        projections = network.projections.map { ProjectionShape(source: $0.source, target: $0.target, hasDelays: $0.hasDelays) }
    }

    public var populationIDs: [PopulationID] { populations.indices.map { PopulationID($0) } }

    public subscript(population: PopulationID) -> PopulationShape { populations[population.rawValue] }

    /// Whether the population's neurons occupy cores (every kind except ``NeuronKind/input``,
    /// whose spikes enter through the chip's I/O port).
    public func isPlaced(_ population: PopulationID) -> Bool { self[population].kind != .input }

    /// Synapses onto one neuron of `population`: the summed sizes of its source populations.
    public func fanIn(of population: PopulationID) -> Int {
        projections.filter { $0.target == population }.reduce(0) { $0 + self[$1.source].size }
    }

    /// Total neurons that occupy cores.
    public var placedNeuronCount: Int {
        populationIDs.filter(isPlaced).reduce(0) { $0 + self[$1].size }
    }

    public func population(named name: String) -> PopulationID? {
        populations.firstIndex { $0.name == name }.map { PopulationID($0) }
    }
}
