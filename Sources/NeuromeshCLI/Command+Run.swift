// `neuromesh run`: a network on an emulated chip — spikes, counters, energy, hardware time.

import ChipDescription
import ChipEmulator
import Foundation
import SpikingModel
import StrictJSON

let runCommand = Command(
    name: "run",
    summary: "run a network on an emulated chip and report energy, time and messages",
    help: """
        Usage: neuromesh run --chip CHIP --network NETWORK (--input INPUT | --yinyang INDEX [--split S])
                             [--strategy fill|spread | --placement FILE] [--json] [--csv DIR]
               neuromesh run --chip CHIP --network NETWORK --dataset yinyang|mnist [--data-dir DIR]
                             [--split S] [--samples K] [--threads N] [--readout R]
                             [--strategy … | --placement FILE] [--json]

        Maps NETWORK (neuromesh-network/1) onto CHIP (neuromesh-chip/1) as `neuromesh map`
        does, then emulates one forward pass on INPUT (neuromesh-input/1): spikes travel as
        packets through the mesh, cores compute window by window, and hardware time and energy
        come from the chip file (energy = counted operations x their costs + static power x
        time). The spikes equal those of `neuromesh simulate` (unless the chip's router queues
        are lossy and drop packets, which the report counts).

        The default report is readable text:
          - a header: chip, network, strategy, windows, input spikes;
          - per used core (and the I/O port): neurons, synapses, spikes, synaptic ops, neuron
            updates, packets in / out, sync messages, busy and stall time, energy, and sparsity
            (neurons that spiked, spikes per neuron, synapses whose presynaptic neuron spiked);
          - per router that saw traffic: hops on each outgoing link (N/E/S/W), local
            deliveries, forwarded packets, peak buffer occupancy, stall, drops, link
            utilisation (link busy time / hardware latency), energy;
          - totals: energy by category and in all, the unpriced operations (operations whose
            cost the chip file gives as null, with counts: they are not in the total, never
            taken as zero), hardware latency (marked a lower bound when operations have no
            latency in the chip file), messages, packets, and whether the run was
            exact (no late or reordered packets).
        `run` emulates the forward pass (inference); `grad --chip` and `train --chip` add the
        backward and update phases of training.

        With --dataset, runs the first K samples of a split (default: all of the test split),
        latency-encoded as in the EventProp paper, and reports the accuracy and per-sample
        means of energy by category, hardware latency and messages. The class of a sample is
        its earliest output spike for spiking (lif) outputs — a sample without any output
        spike is wrong, as in the EventProp paper — and the largest readout statistic for
        non-spiking (li) readouts: max_t V (--readout max-voltage, the default; the paper's
        MNIST rule) or (1/T)∫e^{-t/T} V dt (--readout exp-voltage). With --json one object
        {"format": "neuromesh-run-summary/1", "chip", "network", "dataset", "split", "samples",
        "classified_by": "first-spike"|"max-voltage"|"exp-voltage", "accuracy",
        "no_output_spike", "energy_j_per_sample": {…, "total"}, "latency_s_per_sample",
        "messages_per_sample": {"spike_packets", "sync"}, "unpriced": {OPERATION: count over
        all samples}, "exact"}. Results do not depend on --threads. On a terminal a progress
        line shows the samples done and the time left.

        Options:
          --chip CHIP              the chip description (required)
          --network NETWORK        the network (required)
          --input FILE             the input spike trains (neuromesh-input/1), or
          --yinyang INDEX          Yin-Yang sample INDEX (latency-encoded), with
                                   --split train|validation|test (default train)
        \(PlacementOptions.help)
          --json                   print a neuromesh-report/1 JSON object instead of the text:
                                   {"format": "neuromesh-report/1", "chip", "network", "strategy",
                                    "sync", "window_s", "windows", "duration_s", "input_spikes",
                                    "cores_used", "latency_s",
                                    "energy_j": {CATEGORY: J, …, "total": J},
                                    "unpriced": {OPERATION: count},  (no energy in the chip file)
                                    "untimed": {OPERATION: count},   (no latency: latency_s is then
                                                                      a lower bound)
                                    "messages": {"spike_packets", "sync_messages", "barriers", "total"},
                                    "packets": {"created", "delivered", "dropped", "late", "reordered"},
                                    "spike_log_dropped": count,      (spike-log entries dropped)
                                    "exact": bool,
                                    "phases": {"forward": {"energy_j", "unpriced", "barriers",
                                      "cores": [{"core", "router": [x, y], "local", "neurons",
                                        "synapses", "spikes", "synaptic_ops", "neuron_updates",
                                        "packets_injected", "packets_received", "sync_sent",
                                        "sync_received", "busy_s", "stall_s", "outbox_peak",
                                        "energy_j", "sparsity": {…}}],
                                      "port": {…}, "routers": [{"router", "hops", …,
                                        "link_utilisation": {"north", "east", "south", "west"}}]}},
                                    "spikes": [{"population", "times_s": [[…] per neuron]}]}
                                   "spikes" is exactly what `neuromesh simulate --json` prints.
                                   Seconds and joules throughout; keys in this order.
          --dataset yinyang|mnist  many samples: --samples K (default: the whole split),
                                   --threads N (default 1), and
                                   yinyang: --split train|validation|test (default test; the
                                     published splits, 5 inputs);
                                   mnist: --data-dir DIR (required: the directory holding the
                                     uncompressed IDX files under their original names) and
                                     --split train|test (default test; 784 inputs)
          --readout max-voltage|exp-voltage
                                   with --dataset and li readout outputs: the statistic whose
                                   largest value is the class (default max-voltage)
          --csv DIR                also write cores.csv, routers.csv, totals.csv (one row per
                                   sample) and spikes.csv (population,neuron,time_s) into DIR,
                                   creating it if needed

        Exit status: 0 emulated, 1 an input file is invalid, the network does not fit the chip
        (every exceeded capacity is printed), the emulation fails, or DIR cannot be written;
        2 wrong arguments.

        Examples:
          neuromesh init-network --sizes 5,20,3 --seed 1 --out net.json
          neuromesh run --chip chips/loihi.json --network net.json --yinyang 0
          echo '{"format": "neuromesh-input/1", "spikes": [[0.001], [0.02], [0.029], [0.01], [0]]}' > input.json
          neuromesh run --chip chips/truenorth.json --network net.json --input input.json --json
          neuromesh run --chip chips/spinnaker2.json --network net.json --yinyang 3 --strategy spread --csv out/
          neuromesh init-network --sizes 784,350,10 --output li --init mnist --seed 1 --out mnist.json
          neuromesh run --chip chips/loihi.json --network mnist.json --dataset mnist --data-dir ~/data/mnist --samples 1000

        """,
    run: { args, console in
        let chipPath = try args.required("chip")
        let placement = try PlacementOptions(&args)
        let json = try args.flag("json")
        if let dataset = try args.choice("dataset", ["yinyang", "mnist"]) {
            return try runDataset(dataset, chipPath: chipPath, placement: placement, json: json, &args, console)
        }
        let csvDirectory = try args.option("csv")
        if let csvDirectory { try OutputPath.checkDirectory(csvDirectory, option: "csv") }
        let (network, input, networkPath, inputPath) = try loadNetworkAndInput(&args)  // checks nothing else is left
        if let csvDirectory {
            for name in EmulationCSV.fileNames {
                try OutputPath.checkNotAnInput((csvDirectory as NSString).appendingPathComponent(name), describedAs: "--csv \(csvDirectory) (its \(name))", inputs: [
                    ("--chip", chipPath), ("--network", networkPath), ("--input", inputPath), ("--placement", placement.placementPath),
                ])
            }
        }
        let chip = try ChipSpec.load(path: chipPath)
        let mapping = try placement.map(NetworkShape(network), onto: chip, options: MappingOptions(), networkPath: networkPath)
        let result: EmulationResult
        do throws(EmulatorError) {
            var emulator = try Emulator(network: network, mapping: mapping)
            result = try emulator.run(input)
        } catch {
            throw CLIError.failure("emulating \(networkPath) on chip \"\(chip.name)\" failed: \(error.message)")
        }
        if let csvDirectory {
            try EmulationCSV.write(result, network: network, mapping: mapping, networkPath: networkPath, to: csvDirectory)
        }
        if json {
            // Its "spikes" are `SpikeTrains.encode(network:)`, the function behind
            // `SpikeOutput.json` that `simulate --json` prints.
            let report = result.encodeReport(network: network, mapping: mapping, networkPath: networkPath)
            console.out(JSONWriter.string(report))
        } else {
            console.out(emulationReportText(result, network: network, mapping: mapping, networkPath: networkPath))
            if let csvDirectory {
                console.out("\nCSV: \(EmulationCSV.fileNames.joined(separator: ", ")) written to \(csvDirectory)\n")
            }
        }
        return 0
    })
