// `neuromesh run --dataset`: many samples on the emulated chip — accuracy and per-sample costs.

import ChipDescription
import ChipEmulator
import Dispatch
import SpikingModel
import StrictJSON
import Training

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
    mutating func add(_ result: EmulationResult, label: Int?, outputs: Range<Int>, outputPopulation: Int) {
        let firsts = result.spikes.trains[outputPopulation].map { $0.first ?? .infinity }
        let earliest = firsts.min().flatMap { $0.isFinite ? $0 : nil }
        classification.add(prediction: earliest.flatMap { firsts.firstIndex(of: $0) }, label: label)
        let report = result.energy()
        for (category, joules) in report.joules { energy[category, default: 0] += joules }
        for (operation, count) in report.unpriced { unpriced[operation, default: 0] += count }
        latency += Double(result.latency) * 1e-12
        let messages = result.messages()
        spikePackets += Double(messages.spikePackets)
        syncMessages += Double(messages.sync)
        exact = exact && result.isExact
    }
}

func runDataset(_ dataset: String, chipPath: String, placement: PlacementOptions, json: Bool, _ args: inout Arguments, _ console: Console) throws -> Int32 {
    let networkPath = try args.required("network")
    let split = YinYang.Split(rawValue: try args.choice("split", YinYang.Split.allCases.map(\.rawValue), default: "test")!)!
    let samples = YinYang.generate(split: split)
    let count = try args.int("samples", default: samples.count, in: 1...samples.count)
    let threads = try args.int("threads", default: 1, in: 1...256)
    try args.finish()
    let network = try NetworkFile.load(networkPath)
    guard network.inputCount == YinYangEncoding.inputCount else {
        throw CLIError.failure("\(networkPath) has \(network.inputCount) input neurons; Yin-Yang samples need \(YinYangEncoding.inputCount)")
    }
    try checkTrialHoldsYinYang(network, networkPath)
    let output = network.output.rawValue
    guard network.populations[output].kind == .lif else {
        throw CLIError.failure("accuracy over a dataset needs spiking (lif) outputs; \(networkPath)'s output is \(network.populations[output].kind.rawValue)")
    }
    // Every class must name an output neuron, or its samples could never be classified right.
    guard network.populations[output].size >= YinYang.classCount else {
        throw CLIError.failure("Yin-Yang has \(YinYang.classCount) classes, but \(networkPath)'s output population \"\(network.populations[output].name)\" has \(network.populations[output].size) neurons (one per class needed)")
    }
    let chip = try ChipSpec.load(path: chipPath)
    let mapping = try placement.map(NetworkShape(network), onto: chip, options: MappingOptions(), networkPath: networkPath)
    let emulator: Emulator
    do throws(EmulatorError) {
        emulator = try Emulator(network: network, mapping: mapping)
    } catch {
        throw CLIError.failure("emulating \(networkPath) on chip \"\(chip.name)\" failed: \(error.message)")
    }
    let encoding = YinYangEncoding()
    let inputs = samples.prefix(count).map { InputSpikes(times: encoding.spikeTimes(for: $0), label: $0.label) }

    // Emulate on `threads` host threads, each with its own emulator; collect in sample order.
    let workers = min(threads, inputs.count)
    let results = UnsafeMutableBufferPointer<Result<EmulationResult, EmulatorError>>.allocate(capacity: inputs.count)
    defer { results.deallocate() }
    nonisolated(unsafe) let output_ = results
    let work: @Sendable (Int) -> Void = { worker in
        var local = emulator
        for i in stride(from: worker, to: inputs.count, by: workers) {
            let outcome: Result<EmulationResult, EmulatorError>
            do throws(EmulatorError) { outcome = .success(try local.run(inputs[i])) } catch { outcome = .failure(error) }
            (output_.baseAddress! + i).initialize(to: outcome)
        }
    }
    if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
    defer { results.baseAddress!.deinitialize(count: inputs.count) }

    var summary = DatasetRunSummary()
    let outputs = 0..<network.populations[output].size
    for (i, outcome) in results.enumerated() {
        switch outcome {
        case .success(let result): summary.add(result, label: inputs[i].label, outputs: outputs, outputPopulation: output)
        case .failure(let error): throw CLIError.failure("sample \(i): emulation failed: \(error.message)")
        }
    }
    let n = Double(summary.samples)
    let total = EnergyReport.categories.reduce(0) { $0 + (summary.energy[$1] ?? 0) } / n
    if json {
        var energy = JSONObject()
        for category in EnergyReport.categories { energy[category] = .finite((summary.energy[category] ?? 0) / n) }
        energy["total"] = .finite(total)
        let unpriced = JSONObject(summary.unpriced.keys.sorted().map { ($0, .count(summary.unpriced[$0]!)) })
        console.out(JSONWriter.string(.object(JSONObject([
            ("format", "neuromesh-run-summary/1"), ("chip", .string(chip.name)), ("network", .string(networkPath)),
            ("dataset", .string(dataset)), ("split", .string(split.rawValue)), ("samples", .count(summary.samples)),
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
    var text = "\(networkPath) on chip \"\(chip.name)\": \(summary.samples) samples of the Yin-Yang \(split.rawValue) split\n"
    let classification = summary.classification
    text += "  Accuracy:            \(formatPercent(classification.accuracy)) (\(classification.correct) of \(summary.samples))\n"
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
