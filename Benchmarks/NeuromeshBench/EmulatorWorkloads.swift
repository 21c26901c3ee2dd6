// EmulatorWorkloads: the forward pass run as packet traffic on an emulated chip.

import ChipDescription
import ChipEmulator
import Foundation
import SpikingModel
import StrictJSON
import Training

/// Where the emulator workloads find the chip files (relative to the package root).
let defaultChipsDirectory = "chips"

/// ``Emulator``: one forward pass per sample on a chip, one thread.
struct EmulatorWorkload: PreparedWorkload {
    var emulator: Emulator
    var inputs: [InputSpikes]
    var details: [(String, JSONValue)]
    var populationNames: [String]
    var notes: [String]
    var threads: Int { 1 }

    init(network: Network, chipFile: String, inputs: [InputSpikes], details: [(String, JSONValue)], notes: [String] = []) throws {
        let chip: ChipSpec
        do {
            chip = try ChipSpec.load(path: defaultChipsDirectory + "/" + chipFile)
        } catch {
            throw BenchmarkError(description: "\(error) (run neuromesh-bench from the package root)")
        }
        let mapping: Mapping
        do {
            mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .fill)
        } catch {
            throw BenchmarkError(description: "mapping onto \(chipFile): \(error)")
        }
        do {
            emulator = try Emulator(network: network, mapping: mapping)
        } catch {
            throw BenchmarkError(description: error.message)
        }
        self.inputs = inputs
        populationNames = network.populations.map(\.name)
        let sizes = network.populations.map { String($0.size) }.joined(separator: "-")
        self.details = [
            ("network", .string(sizes)), ("chip", .string(chip.name)), ("cores_used", .count(mapping.usedCores.count)),
            ("duration_s", .finite(network.duration)),
            ("bytes_per_synapse", .finite(Double(emulator.inferenceStateBytes) / Double(network.synapseCount))),
        ] + details
        self.notes = notes
    }

    mutating func runRepetition(countActivity: Bool) -> RepetitionResult {
        var events = 0
        var packets = 0
        var spikes = Array(repeating: 0, count: populationNames.count)
        var checksum = 0.0
        for input in inputs {
            let result: EmulationResult
            do {
                result = try emulator.run(input, spikeTrains: countActivity)
            } catch {
                fatalError("emulation failed: \(error)")
            }
            // The energy report and the latency are the emulator's output: every repetition makes them.
            checksum += Double(result.latency) * 1e-12 + result.energy().total
            guard countActivity else { continue }
            let cores = result.counters.cores[Phase.forward.rawValue]
            events &+= Int(cores.reduce(0) { $0 + $1.synapticOps })
            packets &+= Int(cores.reduce(0) { $0 + $1.packetsInjected + $1.syncSent })
            for (p, trains) in result.spikes.trains.enumerated() { spikes[p] &+= trains.reduce(0) { $0 + $1.count } }
        }
        return RepetitionResult(
            synapticEvents: events, forwardSynapticEvents: events, samples: inputs.count, spikesPerPopulation: spikes,
            checksum: checksum, packets: packets)
    }

    // MARK: The workloads

    static func yinYang(_ configuration: BenchmarkConfiguration) throws -> EmulatorWorkload {
        try EmulatorWorkload(
            network: FunctionalWorkload.paperYinYangNetwork(), chipFile: "loihi.json",
            inputs: FunctionalWorkload.yinYangInputs(configuration), details: [("inputs", "yinyang"), ("weights_seed", 1)])
    }

    static func mnist(_ configuration: BenchmarkConfiguration) throws -> EmulatorWorkload {
        let (inputs, source, notes) = try FunctionalWorkload.mnistInputs(configuration, count: configuration.quick ? 50 : 500)
        return try EmulatorWorkload(
            network: FunctionalWorkload.paperMNISTNetwork(hidden: 1000), chipFile: "loihi.json", inputs: inputs,
            details: [("inputs", .string(source)), ("weights_seed", 1)], notes: notes)
    }
}
