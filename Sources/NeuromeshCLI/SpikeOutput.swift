// SpikeOutput: the spike listing shared by `simulate --json` and `run --json`.

import SpikingModel
import StrictJSON
import Training

enum SpikeOutput {
    /// `[{"population": name, "times_s": [[t, …] per neuron]}, …]` for every non-input population.
    /// `neuromesh run --json` carries exactly this shape under `"spikes"`.
    static func json(_ trains: SpikeTrains, network: Network) -> JSONValue {
        trains.encode(network: network)
    }

    /// A readable listing: per population, spike counts and each spiking neuron's times in ms.
    static func text(_ trains: SpikeTrains, network: Network, limit: Int = 20) -> String {
        var out = ""
        for (p, population) in network.populations.enumerated() where population.kind != .input {
            let counts = trains.trains[p].map(\.count)
            let total = counts.reduce(0, +)
            let active = counts.filter { $0 > 0 }.count
            out += "\(population.name) (\(population.kind.rawValue), \(counted(population.size, "neuron"))): \(counted(total, "spike")), \(counted(active, "neuron")) active\n"
            var shown = 0
            for (n, times) in trains.trains[p].enumerated() where !times.isEmpty {
                if shown == limit {
                    out += "  … \(active - limit) more active neurons (use --json for all)\n"
                    break
                }
                out += "  \(n): " + times.map { formatMilliseconds($0) }.joined(separator: ", ") + " ms\n"
                shown += 1
            }
        }
        return out
    }
}

/// Seconds as milliseconds with enough digits to tell close spikes apart.
func formatMilliseconds(_ seconds: Double) -> String {
    let ms = seconds * 1000
    let rounded = (ms * 1e6).rounded() / 1e6
    return "\(rounded)"
}

/// Reads `--network` and either `--input FILE` or `--yinyang INDEX [--split S]`, checks that no
/// other argument is left, then loads (every problem of a file is reported).
func loadNetworkAndInput(_ arguments: inout Arguments) throws -> (Network, InputSpikes, networkPath: String, inputPath: String?) {
    let networkPath = try arguments.required("network")
    let inputPath = try arguments.option("input")
    let sample = try arguments.option("yinyang")
    let splitOption = try arguments.choice("split", YinYang.Split.allCases.map(\.rawValue))
    try arguments.finish()
    guard (inputPath == nil) != (sample == nil) else {
        throw CLIError.usage("give the input as either --input FILE or --yinyang INDEX")
    }
    // --split picks the Yin-Yang split of --yinyang; with --input it would be silently ignored.
    if splitOption != nil && sample == nil { throw CLIError.usage("--split applies only to --yinyang INDEX") }
    let split = splitOption ?? "train"
    let network = try NetworkFile.load(networkPath)
    if let inputPath { return (network, try InputFile.load(inputPath, for: network), networkPath, inputPath) }
    let samples = YinYang.generate(split: YinYang.Split(rawValue: split)!)
    guard let index = Int(sample!), samples.indices.contains(index) else {
        throw CLIError.usage("--yinyang must be a sample index in 0...\(samples.count - 1) of the \(split) split, got '\(sample!)'")
    }
    guard network.inputCount == YinYangEncoding.inputCount else {
        throw CLIError.failure("\(networkPath) has \(network.inputCount) input neurons; Yin-Yang samples need \(YinYangEncoding.inputCount) (x, y, 1−x, 1−y, bias)")
    }
    try checkTrialHoldsYinYang(network, networkPath)
    let times = YinYangEncoding().spikeTimes(for: samples[index])
    return (network, InputSpikes(times: times, label: samples[index].label), networkPath, nil)
}

/// Yin-Yang input spikes fall anywhere up to the encoding's latest time: a trial that ends
/// earlier would silently lose some of them (an `--input` file with such spikes is refused too).
func checkTrialHoldsYinYang(_ network: Network, _ networkPath: String) throws(CLIError) {
    let encoding = YinYangEncoding()
    let latest = encoding.latestSpikeTime
    guard network.duration >= latest else {
        throw .failure("\(networkPath)'s trial ends at \(network.duration) s (duration_s), before the Yin-Yang input spikes do (up to \(latest) s)")
    }
}
