// `neuromesh run --dataset`: many samples on the emulated chip — accuracy and per-sample costs.

import ChipDescription
import ChipEmulator
import Dispatch
import Foundation
import SpikingModel
import StrictJSON
import Synchronization
import Training

/// What one sample's emulation gave: its prediction and what it cost.
struct SampleOutcome: Sendable {
    var prediction: Int?
    var label: Int?
    var energy: EnergyReport
    /// Hardware latency, seconds.
    var latency: Double
    var spikePackets: UInt64
    var syncMessages: UInt64
    var exact: Bool
}

/// What the samples of a dataset run cost on average, and how many were classified correctly.
struct DatasetRunSummary {
    var classification = Classification()
    var samples: Int { classification.samples }
    var energy: [String: Double] = [:]
    var latency = 0.0
    var spikePackets = 0.0
    var syncMessages = 0.0
    var unpriced: [String: UInt64] = [:]
    var exact = true

    /// Adds one sample (in sample order, so the sums do not depend on the thread count).
    mutating func add(_ outcome: SampleOutcome) {
        classification.add(prediction: outcome.prediction, label: outcome.label)
        for (category, joules) in outcome.energy.joules { energy[category, default: 0] += joules }
        for (operation, count) in outcome.energy.unpriced { unpriced[operation, default: 0] += count }
        latency += outcome.latency
        spikePackets += Double(outcome.spikePackets)
        syncMessages += Double(outcome.syncMessages)
        exact = exact && outcome.exact
    }
}

/// How a sample's class is read off the output population.
enum OutputRule: Sendable {
    /// Spiking outputs: the earliest first spike (the lower index on an exact tie); none if no
    /// output spikes.
    case firstSpike(population: Int)
    /// LI readouts: the largest `max_t V` or `(1/T)∫e^{-t/T} V dt` (``Loss/maxVoltage`` or
    /// ``Loss/expVoltage``), the lower index on a tie — the prediction of that loss.
    case readout(Loss)

    func prediction(_ result: EmulationResult, _ emulator: Emulator, label: Int?) -> Int? {
        switch self {
        case .firstSpike(let population):
            let firsts = result.spikes.trains[population].map { $0.first ?? .infinity }
            guard let earliest = firsts.min(), earliest.isFinite else { return nil }
            return firsts.firstIndex(of: earliest)
        case .readout(let loss):
            return loss.evaluate(readouts: emulator.readouts, label: label).prediction
        }
    }
}

func runDataset(_ dataset: String, chipPath: String, placement: PlacementOptions, json: Bool, _ args: inout Arguments, _ console: Console) throws -> Int32 {
    let networkPath = try args.required("network")
    let directory = try args.option("data-dir")
    if directory == "" { throw CLIError.usage("--data-dir needs a directory path, got ''") }
    if let directory, let problem = OutputPath.notADirectory(directory) { throw CLIError.failure("--data-dir \(directory): \(problem)") }
    let splitName: String
    switch dataset {
    case "mnist":
        guard directory != nil else { throw CLIError.usage("--dataset mnist needs --data-dir DIR (the directory holding the MNIST IDX files)") }
        splitName = try args.choice("split", MNIST.Split.allCases.map(\.rawValue), default: MNIST.Split.test.rawValue)!
    default:
        if directory != nil { throw CLIError.usage("--data-dir applies only to --dataset mnist") }
        splitName = try args.choice("split", YinYang.Split.allCases.map(\.rawValue), default: YinYang.Split.test.rawValue)!
    }
    let samplesText = try args.option("samples")
    let threads = try args.int("threads", default: 1, in: 1...256)
    let readoutName = try args.choice("readout", [Loss.maxVoltage.name, Loss.expVoltage.name])
    try args.finish()

    let network = try NetworkFile.load(networkPath)
    let samples: DatasetSamples
    if let directory {
        let split = MNIST.Split(rawValue: splitName)!
        do {
            samples = DatasetSamples(mnist: try MNIST.load(directory: directory, split: split), split: split)
        } catch {
            throw CLIError.failure(error.description)
        }
    } else {
        samples = DatasetSamples(yinYang: YinYang.Split(rawValue: splitName)!)
    }
    if samples.count == 0, let directory {
        let split = MNIST.Split(rawValue: splitName)!
        let file = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(split.imagesFile).path
        throw CLIError.failure("\(file): contains no images (its header counts 0)")
    }
    var count = samples.count
    if let samplesText {
        guard let k = Int(samplesText), (1...samples.count).contains(k) else {
            throw CLIError.usage("--samples must be an integer in 1...\(samples.count) (\(samples.name)'s \(splitName) split has \(samples.count) samples), got '\(samplesText)'")
        }
        count = k
    }
    let rule = try outputRule(network, networkPath, samples, readout: readoutName)

    let chip = try ChipSpec.load(path: chipPath)
    let mapping = try placement.map(NetworkShape(network), onto: chip, options: MappingOptions(), networkPath: networkPath)
    let emulator: Emulator
    do throws(EmulatorError) {
        emulator = try Emulator(network: network, mapping: mapping)
    } catch {
        throw CLIError.failure("emulating \(networkPath) on chip \"\(chip.name)\" failed: \(error.message)")
    }

    // The samples go in chunks (one progress update each), every chunk spread over the
    // workers, and are added to the summary in sample order.
    var summary = DatasetRunSummary()
    let workers = min(threads, count)
    let started = ContinuousClock.now
    var emulators = [Emulator](repeating: emulator, count: workers)
    var done = 0
    while done < count {
        let chunk = done..<min(count, done + 64 * workers)
        for outcome in try emulate(chunk, of: samples, on: &emulators, rule: rule) { summary.add(outcome) }
        done = chunk.upperBound
        if console.isTerminal && !json && done < count {
            let elapsed = started.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let left = seconds / Double(done) * Double(count - done)
            console.out("\r  sample \(done)/\(count), accuracy so far \(formatPercent(summary.classification.accuracy)), ETA \(formatSeconds(left))   ")
        }
    }
    if console.isTerminal && !json && count > 64 * workers { console.out("\r\u{1B}[2K") }

    let n = Double(summary.samples)
    let total = EnergyReport.categories.reduce(0) { $0 + (summary.energy[$1] ?? 0) } / n
    let readout: Loss? = if case .readout(let loss) = rule { loss } else { nil }
    if json {
        var energy = JSONObject()
        for category in EnergyReport.categories { energy[category] = .finite((summary.energy[category] ?? 0) / n) }
        energy["total"] = .finite(total)
        let unpriced = JSONObject(summary.unpriced.keys.sorted().map { ($0, .count(summary.unpriced[$0]!)) })
        console.out(JSONWriter.string(.object(JSONObject([
            ("format", "neuromesh-run-summary/1"), ("chip", .string(chip.name)), ("network", .string(networkPath)),
            ("dataset", .string(dataset)), ("split", .string(splitName)), ("samples", .count(summary.samples)),
            ("classified_by", .string(readout?.name ?? "first-spike")),
            ("accuracy", .finite(summary.classification.accuracy)),
            ("no_output_spike", .count(summary.classification.withoutPrediction)),
            ("energy_j_per_sample", .object(energy)),
            ("latency_s_per_sample", .finite(summary.latency / n)),
            ("messages_per_sample", .object(JSONObject([
                ("spike_packets", .finite(summary.spikePackets / n)), ("sync", .finite(summary.syncMessages / n)),
            ]))),
            ("unpriced", .object(unpriced)), ("exact", .bool(summary.exact)),
        ]))))
        return 0
    }
    var text = "\(networkPath) on chip \"\(chip.name)\": \(counted(summary.samples, "sample")) of the \(samples.name) \(splitName) split\n"
    let classification = summary.classification
    let how = readout.map { "the largest readout \($0 == .maxVoltage ? "max_t V" : "(1/T)∫e^{-t/T} V dt")" } ?? "the earliest output spike"
    text += "  Accuracy:            \(formatPercent(classification.accuracy)) (\(classification.correct) of \(summary.samples); class = \(how))\n"
    if classification.withoutPrediction > 0 {
        text += "                       (\(classification.withoutPrediction) samples without any output spike, counted as errors)\n"
    }
    text += "  Energy per sample:   \(formatJoules(total)) (priced operations only)\n"
    for category in EnergyReport.categories where (summary.energy[category] ?? 0) > 0 {
        text += "    \(category.padding(toLength: 18)) \(formatJoules(summary.energy[category]! / n))\n"
    }
    text += "  Latency per sample:  \(formatSeconds(summary.latency / n))\n"
    text += "  Messages per sample: \(String(format2(summary.spikePackets / n))) spike packets, \(String(format2(summary.syncMessages / n))) sync messages or barriers\n"
    if !summary.unpriced.isEmpty {
        text += "  Unpriced operations (not in the energy; totals over all samples): "
            + summary.unpriced.keys.sorted().map { "\($0) × \(summary.unpriced[$0]!)" }.joined(separator: ", ") + "\n"
    }
    text += "  Exact:               \(summary.exact ? "yes" : "NO (late or reordered packets)")\n"
    console.out(text)
    return 0
}

/// Checks that `network` can classify `samples` — their inputs, a trial that sees every input
/// spike, an output per class — and returns how its outputs give the class.
private func outputRule(_ network: Network, _ networkPath: String, _ samples: DatasetSamples, readout: String?) throws(CLIError) -> OutputRule {
    guard network.inputCount == samples.inputCount else {
        throw .failure("\(networkPath) has \(network.inputCount) input neurons; \(samples.name) samples need \(samples.inputCount)")
    }
    guard network.duration >= samples.latestInputSpike else {
        throw .failure("\(networkPath)'s trial ends at \(network.duration) s (duration_s), before the \(samples.name) input spikes do (up to \(samples.latestInputSpike) s)")
    }
    let output = network.populations[network.output.rawValue]
    // Every class must name an output neuron, or its samples could never be classified right.
    guard output.size >= samples.classCount else {
        throw .failure("\(samples.name) has \(samples.classCount) classes, but \(networkPath)'s output population \"\(output.name)\" has \(output.size) neurons (one per class needed)")
    }
    switch output.kind {
    case .lif:
        if let readout {
            throw .failure("--readout \(readout) reads LI readouts, but \(networkPath)'s output population \"\(output.name)\" is lif (classified by its earliest spike)")
        }
        return .firstSpike(population: network.output.rawValue)
    case .li:
        return .readout(readout.flatMap(Loss.init(name:)) ?? .maxVoltage)
    case .input:
        throw .failure("\(networkPath)'s output population \"\(output.name)\" is an input population: it has no outputs to classify by")
    }
}

/// Emulates samples `range` on the `emulators` (one per worker thread; worker `w` takes every
/// `emulators.count`-th sample from the `w`-th) and returns their outcomes in sample order.
///
/// After a sample fails, the samples after it are skipped (a failing sample may take seconds to
/// reach the event limit, and every later one may fail alike); every sample before the earliest
/// failure is still run, so which failure is reported does not depend on the threads.
/// - Throws: the failure of the first sample (in sample order) whose emulation failed.
private func emulate(_ range: Range<Int>, of samples: DatasetSamples, on emulators: inout [Emulator], rule: OutputRule) throws(CLIError) -> [SampleOutcome] {
    let workers = min(emulators.count, range.count)
    let results = UnsafeMutableBufferPointer<Result<SampleOutcome, EmulatorError>?>.allocate(capacity: range.count)
    results.initialize(repeating: nil)
    defer {
        results.deinitialize()
        results.deallocate()
    }
    // The earliest failed sample so far (`Int.max`: none); it only decreases.
    let earliestFailure = Atomic<Int>(.max)
    emulators.withUnsafeMutableBufferPointer { emulators in
        nonisolated(unsafe) let results_ = results, emulators_ = emulators
        let work: @Sendable (Int) -> Void = { worker in
            for i in stride(from: worker, to: range.count, by: workers) {
                if i > earliestFailure.load(ordering: .relaxed) { return }
                let input = samples.input(range.lowerBound + i)
                let outcome: Result<SampleOutcome, EmulatorError>
                do throws(EmulatorError) {
                    let result = try emulators_[worker].run(input)
                    let messages = result.messages()
                    outcome = .success(SampleOutcome(
                        prediction: rule.prediction(result, emulators_[worker], label: input.label), label: input.label, energy: result.energy(),
                        latency: Double(result.latency) * 1e-12, spikePackets: messages.spikePackets, syncMessages: messages.sync, exact: result.isExact))
                } catch {
                    outcome = .failure(error)
                    earliestFailure.min(i, ordering: .relaxed)
                }
                results_[i] = outcome
            }
        }
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
    }
    var outcomes: [SampleOutcome] = []
    outcomes.reserveCapacity(range.count)
    for (i, result) in results.enumerated() {
        switch result {
        case .success(let outcome): outcomes.append(outcome)
        case .failure(let error): throw CLIError.failure("sample \(range.lowerBound + i): emulation failed: \(error.message)")
        case nil: preconditionFailure("sample \(range.lowerBound + i) was skipped before any failure")
        }
    }
    return outcomes
}

func formatPercent(_ x: Double) -> String { format2(100 * x) + " %" }

func format2(_ x: Double) -> String {
    let rounded = (x * 100).rounded() / 100
    return "\(rounded)"
}

func formatJoules(_ joules: Double) -> String {
    let units: [(Double, String)] = [(1, "J"), (1e-3, "mJ"), (1e-6, "µJ"), (1e-9, "nJ"), (1e-12, "pJ")]
    for (scale, unit) in units where abs(joules) >= scale { return format2(joules / scale) + " " + unit }
    return joules == 0 ? "0 J" : format2(joules / 1e-12) + " pJ"
}

func formatSeconds(_ seconds: Double) -> String {
    let units: [(Double, String)] = [(1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")]
    for (scale, unit) in units where abs(seconds) >= scale { return format2(seconds / scale) + " " + unit }
    return seconds == 0 ? "0 s" : format2(seconds / 1e-12) + " ps"
}

/// A byte count in binary units ("32.0 GiB").
func formatBytes(_ bytes: Double) -> String {
    let units: [(Double, String)] = [(0x1p40, "TiB"), (0x1p30, "GiB"), (0x1p20, "MiB"), (0x1p10, "KiB")]
    for (scale, unit) in units where bytes >= scale { return format1(bytes / scale) + " " + unit }
    return "\(Int(bytes)) bytes"
}

func format1(_ x: Double) -> String { "\((x * 10).rounded() / 10)" }
