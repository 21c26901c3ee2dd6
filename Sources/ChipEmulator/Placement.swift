// Placement: which core each placed neuron lives on.

import ChipDescription
import SpikingModel

/// A run of consecutive neurons of one population on one core.
public struct PlacementSegment: Sendable, Equatable {
    public var population: PopulationID
    /// Indices within the population.
    public var neurons: Range<Int>
    public var core: CoreID

    public init(population: PopulationID, neurons: Range<Int>, core: CoreID) {
        self.population = population
        self.neurons = neurons
        self.core = core
    }
}

/// The core of every neuron that occupies a core (input populations occupy none: their spikes
/// enter through the chip's I/O port).
public struct Placement: Sendable, Equatable {
    /// `cores[population][neuron]`; empty for input populations.
    public private(set) var cores: [[CoreID]]

    /// - Precondition: `cores[p].count` is the size of population `p` for placed populations
    ///   and 0 for input populations.
    public init(cores: [[CoreID]]) { self.cores = cores }

    /// Why this placement does not fit `shape` on `chip`, or `nil` if it does: one row per
    /// population, as many cores as neurons for placed populations and none for input
    /// populations, every core on the chip.
    func mismatch(_ shape: NetworkShape, chip: ChipSpec) -> String? {
        guard cores.count == shape.populations.count else {
            return "the placement has \(cores.count) populations, but the network has \(shape.populations.count)"
        }
        for p in shape.populationIDs {
            let expected = shape.isPlaced(p) ? shape[p].size : 0
            guard cores[p.rawValue].count == expected else {
                return "the placement places \(cores[p.rawValue].count) neurons of population \"\(shape[p].name)\", which has \(expected) to place"
            }
            if let core = cores[p.rawValue].first(where: { !chip.mesh.contains($0) }) {
                return "the placement puts a neuron of population \"\(shape[p].name)\" on \(core), which is not one of the chip's \(chip.mesh.coreCount) cores"
            }
        }
        return nil
    }

    /// A placement from segments that cover every placed neuron exactly once.
    init(segments: [PlacementSegment], shape: NetworkShape) {
        var cores = shape.populationIDs.map { shape.isPlaced($0) ? Array(repeating: CoreID(-1), count: shape[$0].size) : [] }
        for segment in segments {
            for neuron in segment.neurons { cores[segment.population.rawValue][neuron] = segment.core }
        }
        self.cores = cores
    }

    public func core(of population: PopulationID, neuron: Int) -> CoreID? {
        let row = cores[population.rawValue]
        return row.indices.contains(neuron) ? row[neuron] : nil
    }

    /// Maximal runs of consecutive neurons on the same core, by population then neuron.
    public var segments: [PlacementSegment] {
        var result: [PlacementSegment] = []
        for (p, row) in cores.enumerated() {
            var start = 0
            for i in row.indices where i + 1 == row.count || row[i + 1] != row[i] {
                result.append(PlacementSegment(population: PopulationID(p), neurons: start..<(i + 1), core: row[i]))
                start = i + 1
            }
        }
        return result
    }

    /// Neurons of each population on each core: `counts[core][population]`.
    func counts(coreCount: Int) -> [[Int]] {
        var counts = Array(repeating: Array(repeating: 0, count: cores.count), count: coreCount)
        for (p, row) in cores.enumerated() {
            for core in row { counts[core.rawValue][p] += 1 }
        }
        return counts
    }
}
