// TrainingWorkloads: one epoch of EventProp training as traffic on an emulated chip.

import ChipDescription
import ChipEmulator
import SpikingModel
import StrictJSON
import Training

/// One epoch of Yin-Yang training (5000 samples forward + backward + updates) on a chip, with the
/// paper's settings, on `--threads` host threads; a fresh trainer per repetition (same start).
struct TrainingWorkload: PreparedWorkload {
    let network: Network
    let inputs: [InputSpikes]
    let mapping: Mapping
    let configuration: TrainingConfiguration
    var details: [(String, JSONValue)]
    var populationNames: [String]
    var notes: [String] = []
    var threads: Int { configuration.threads }

    mutating func runRepetition(countActivity: Bool) -> RepetitionResult {
        var trainer = try! Trainer(network: network, train: inputs, test: [], configuration: configuration, backend: .chip(mapping))
        let report = try! trainer.runEpoch()
        return RepetitionResult(
            synapticEvents: 2 * report.synapticEvents, forwardSynapticEvents: report.synapticEvents, samples: inputs.count,
            spikesPerPopulation: [], checksum: report.trainLoss)
    }

    static func yinYangOnLoihi(_ configuration: BenchmarkConfiguration) throws -> TrainingWorkload {
        let network = FunctionalWorkload.paperYinYangNetwork()
        let chip: ChipSpec
        do {
            chip = try ChipSpec.load(path: defaultChipsDirectory + "/loihi.json")
        } catch {
            throw BenchmarkError(description: "\(error) (run neuromesh-bench from the package root)")
        }
        let mapping: Mapping
        do {
            mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .fill, options: MappingOptions(learning: .adam))
        } catch {
            throw BenchmarkError(description: "mapping onto loihi.json: \(error)")
        }
        var training = TrainingConfiguration()
        training.threads = configuration.threads
        return TrainingWorkload(
            network: network, inputs: FunctionalWorkload.yinYangInputs(configuration), mapping: mapping, configuration: training,
            details: [("network", "5-200-3"), ("chip", .string(chip.name)), ("inputs", "yinyang"), ("batch", 32), ("optimizer", "adam")],
            populationNames: [])
    }
}
