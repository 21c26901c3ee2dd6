// `neuromesh map`: place a network's neurons on a chip's cores and show the load of each core.

import ChipDescription
import ChipEmulator
import SpikingModel
import StrictJSON

let mapCommand = Command(
    name: "map",
    summary: "place a network's neurons on a chip's cores",
    help: """
        Usage: neuromesh map --chip CHIP --network NETWORK [--strategy fill|spread]
                             [--placement FILE] [--learning MODE] [--spikes-per-neuron X] [--json]

        Assigns every neuron of NETWORK (neuromesh-network/1) to a core of CHIP
        (neuromesh-chip/1) and checks every core capacity in the chip file:
          neurons          neurons per core
          synapse memory   synapses live on the core of their postsynaptic neuron; each stores
                           a weight, a delay (if the projection has delays) and, when learning,
                           a gradient accumulator plus optimiser state (momentum: 1 word,
                           Adam: 2 words)
          fan-in           synapses per neuron, or distinct input axons per core (per chip file)
          fan-out          destination cores per neuron, or core-to-core edges per core
          spike log        when learning: spikes-per-neuron x (neurons + input axons) entries
        Input populations occupy no core: their spikes enter through the chip's I/O port.
        Limits the chip file gives as null are listed as not checked.

        Options:
          --chip CHIP              the chip description (required)
          --network NETWORK        the network (required)
        \(PlacementOptions.help)
          --learning MODE          inference (default), sgd, sgd-momentum or adam
          --spikes-per-neuron X    expected spikes per neuron per sample for the spike-log check
                                   (default 1; at most 1000000); needs a --learning mode other
                                   than inference, as the spike log is checked only when learning
          --json                   print a neuromesh-mapping/1 JSON object instead of tables;
                                   saved to a file, --placement reads it back (its
                                   "placement" array can also be edited)

        Exit status: 0 mapped, 1 an input file is invalid or the network does not fit (every
        exceeded capacity is printed as "core N: LIMIT: needs X, capacity Y"), 2 wrong arguments.

        Examples:
          neuromesh map --chip chips/loihi.json --network net.json
          neuromesh map --chip chips/tiny.json --network net.json --strategy spread --learning adam
          neuromesh map --chip chips/loihi.json --network net.json --placement my-placement.json --json
            (my-placement.json: a neuromesh-placement/1 file you write, see chips/README.md)

        """,
    run: { args, console in
        let json = try args.flag("json")
        let chipPath = try args.required("chip")
        let networkPath = try args.required("network")
        let placement = try PlacementOptions(&args)
        let learningText = try args.choice("learning", LearningMode.allCases.map(\.rawValue), default: "inference")!
        let learning = LearningMode(rawValue: learningText)!
        let spikesGiven = args.isGiven("spikes-per-neuron")
        // Bounded so the expected spike-log entries (spikes × neurons) stay far from Int's range.
        let spikes = try args.double("spikes-per-neuron", default: 1, "a number in (0, 1000000]") { $0 > 0 && $0 <= 1e6 }
        // Without learning there is no spike log to check: the option would change nothing checked.
        if spikesGiven && !learning.isLearning {
            let modes = LearningMode.allCases.filter(\.isLearning).map(\.rawValue)
            throw CLIError.usage(
                "--spikes-per-neuron needs --learning \(modes.dropLast().joined(separator: ", ")) or \(modes.last!): the spike log it sizes is checked only when learning")
        }
        try args.finish()
        let chip = try ChipSpec.load(path: chipPath)
        let network = try NetworkFile.load(networkPath)
        let options = MappingOptions(learning: learning, spikesPerNeuron: spikes)
        let mapping = try placement.map(NetworkShape(network), onto: chip, options: options, networkPath: networkPath)
        console.out(json ? JSONWriter.string(mapping.encode()) : mappingReport(mapping, networkPath: networkPath))
        if let note = emulationNote(chip, chipPath) { console.err(note) }
        return 0
    })

/// The placement and the per-core utilisation as text tables.
func mappingReport(_ mapping: Mapping, networkPath: String) -> String {
    let chip = mapping.chip
    let shape = mapping.shape
    var out = "\(networkPath) on chip \"\(chip.name)\" (\(mapping.strategy), learning \(mapping.options.learning.rawValue)): "
    out += "\(groupedDigits(shape.placedNeuronCount)) neurons on \(mapping.usedCores.count) of \(groupedDigits(chip.mesh.coreCount)) cores\n"
    let inputs = shape.populationIDs.filter { !shape.isPlaced($0) }
    if !inputs.isEmpty {
        out += "Inputs \(inputs.map { "\"\(shape[$0].name)\" (\(groupedDigits(shape[$0].size)))" }.joined(separator: ", ")) enter through the I/O port at router \(chip.ioPort).\n"
    }
    out += "\nPlacement\n"
    out += renderTable(
        header: ["population", "neurons", "count", "core", "router", "local"],
        rows: mapping.placement.segments.map { segment in
            let coordinate = chip.mesh.coordinate(of: segment.core)
            return [
                shape[segment.population].name, "\(segment.neurons.lowerBound)...\(segment.neurons.upperBound - 1)",
                groupedDigits(segment.neurons.count), "\(segment.core.rawValue)", "\(coordinate.router)", "\(coordinate.local)",
            ]
        }, rightAligned: [2, 3, 5])
    let core = chip.core
    func cell(_ need: Int, _ capacity: Int?) -> String {
        guard let capacity else { return "\(groupedDigits(need)) / ?" }
        return "\(groupedDigits(need)) / \(groupedDigits(capacity)) \(percentText(need, of: capacity))"
    }
    let fanInTitle = core.fanIn.kind == .synapsesPerNeuron ? "fan-in (max synapses/neuron)" : "fan-in (input axons)"
    let fanOutTitle = core.fanOut.kind == .coresPerNeuron ? "fan-out (max cores/neuron)" : "fan-out (edges)"
    let learning = mapping.options.learning.isLearning
    out += "\nPer-core utilisation (used cores; need / capacity)\n"
    out += renderTable(
        header: ["core", "router", "neurons", "synapses", "synapse memory (bytes)", fanInTitle, fanOutTitle, learning ? "spike log (expected)" : "spike log"],
        rows: mapping.usedCores.map { usage in
            [
                "\(usage.core.rawValue)", "\(chip.mesh.coordinate(of: usage.core).router)",
                cell(usage.neurons, core.neuronsMax), groupedDigits(usage.synapses),
                cell(usage.synapseMemoryBytes, core.synapseMemoryBytes),
                cell(usage.fanIn(core.fanIn.kind), core.fanIn.max), cell(usage.fanOut(core.fanOut.kind), core.fanOut.max),
                learning ? cell(usage.spikeLogEntries, core.spikeLogEntries) : "not needed",
            ]
        }, rightAligned: [0, 3])
    if !mapping.uncheckedLimits.isEmpty {
        out += "\nNot checked (unknown in the chip file):\n" + mapping.uncheckedLimits.map { "  \($0)\n" }.joined()
    }
    if learning {
        out += "\nSpike-log check assumes \(mapping.options.spikesPerNeuron) spike(s) per neuron per sample (--spikes-per-neuron).\n"
    }
    return out
}
