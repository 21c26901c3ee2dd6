// Mapping+JSON: a mapping as a versioned JSON report (`neuromesh-mapping/1`).

import ChipDescription
import StrictJSON

extension Mapping {
    public static let format = "neuromesh-mapping/1"

    /// The mapping as JSON: chip, options, the placement (in the `neuromesh-placement/1` entry
    /// format, so it can be edited and passed back with `--placement`), the capacities, and
    /// the load of every used core.
    public func encode() -> JSONValue {
        let capacities: JSONValue = [
            "neurons": .count(chip.core.neuronsMax),
            "synapse_memory_bytes": .count(chip.core.synapseMemoryBytes),
            "fan_in": ["counts": .string(chip.core.fanIn.kind.rawValue), "max": chip.core.fanIn.max.map { .count($0) } ?? .null],
            "fan_out": ["counts": .string(chip.core.fanOut.kind.rawValue), "max": chip.core.fanOut.max.map { .count($0) } ?? .null],
            "spike_log_entries": chip.core.spikeLogEntries.map { .count($0) } ?? .null,
        ]
        let placementDocument = PlacementFile.encode(placement, shape: shape, chip: chip)
        var placementEntries: JSONValue = []
        if case .object(let object) = placementDocument, let entries = object["placement"] { placementEntries = entries }
        return [
            "format": .string(Mapping.format),
            "chip": .string(chip.name),
            "strategy": .string(strategy),
            "learning": .string(options.learning.rawValue),
            "spikes_per_neuron": .number(options.spikesPerNeuron),
            "cores_total": .count(chip.mesh.coreCount),
            "cores_used": .count(usedCores.count),
            "capacity_per_core": capacities,
            "unchecked_limits": .array(uncheckedLimits.map(JSONValue.string)),
            "placement": placementEntries,
            "cores": .array(usedCores.map { usage in
                let coordinate = chip.mesh.coordinate(of: usage.core)
                return [
                    "core": .count(usage.core.rawValue),
                    "router": ["x": .count(coordinate.router.x), "y": .count(coordinate.router.y)],
                    "local": .count(coordinate.local),
                    "neurons": .count(usage.neurons),
                    "synapses": .count(usage.synapses),
                    "synapse_memory_bytes": .count(usage.synapseMemoryBytes),
                    "input_axons": .count(usage.inputAxons),
                    "max_synapses_per_neuron": .count(usage.maxSynapsesPerNeuron),
                    "max_cores_per_neuron": .count(usage.maxCoresPerNeuron),
                    "fan_out_edges": .count(usage.fanOutEdges),
                    "spike_log_entries": .count(usage.spikeLogEntries),
                ]
            }),
        ]
    }
}
