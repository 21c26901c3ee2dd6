// `neuromesh init-network`: a random layered network with a given seed.

import Foundation
import SpikingModel
import StrictJSON

let initNetworkCommand = Command(
    name: "init-network",
    summary: "write a random layered network (seeded)",
    help: """
        Usage: neuromesh init-network --sizes N0,N1,…,Nk [options] [--out FILE]

        Writes a neuromesh-network/1 file: N0 inputs → LIF hidden layers → Nk outputs, with
        Gaussian weights drawn from a seeded generator (the same seed gives the same bytes on
        every machine). Without --out the network is printed.

        Options:
          --sizes LIST        layer sizes, at least two (required), e.g. 5,200,3
          --output KIND       lif (spiking outputs, default) or li (non-spiking readouts)
          --seed N            random seed (default 0)
          --init PRESET|LIST  weights of the feed-forward projections, one per pair of
                              neighbouring layers (5,200,3 has 2; --recurrent projections are
                              not counted): MEAN:STD per projection, comma-separated (fewer
                              items than projections: the last repeats; more are an error), or
                              a preset of two items: yinyang (the paper's in→hid N(1.5, 0.78),
                              hid→out N(0.93, 0.1)) or mnist (N(0.078, 0.045), N(0.2, 0.37));
                              without a hidden layer only a preset's first item is used;
                              default yinyang
          --recurrent MEAN:STD  add a recurrent projection to each hidden layer; it needs a
                              hidden layer (at least three --sizes)
          --delays MIN:MAX    uniform per-synapse delays in seconds on every projection
          --duration-s T      trial duration in seconds, in (0, \(Network.maxDuration)] (default 0.05)
          --tau-mem-s S, --tau-syn-s S, --threshold X, --reset X
                              neuron parameters (defaults 0.02, 0.005, 1, 0): time constants
                              in [\(Network.timeConstants.lowerBound), \(Network.timeConstants.upperBound)] s, threshold > 0, reset below it
          --out FILE          write here (atomically) instead of printing

        The network is checked by the rules every command applies when it loads a network file;
        options that break them are an error, and so is a MEAN:STD that draws a weight that is
        not a finite number (e.g. 1e308:1e308), so nothing is written that cannot be loaded.

        Example:
          neuromesh init-network --sizes 5,200,3 --seed 7 --out yinyang.json

        """,
    run: { arguments, console in
        let sizesText = try arguments.required("sizes")
        let sizes = sizesText.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard sizes.count >= 2, sizes.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= 1_000_000 }) else {
            throw CLIError.usage("--sizes must be at least two integers in 1...1000000 separated by commas (no empty items), got '\(sizesText)'")
        }
        let layerSizes = sizes.map { $0! }
        let synapses = zip(layerSizes, layerSizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        guard synapses <= 1 << 28 else {
            throw CLIError.usage("--sizes \(sizesText) has \(synapses) synapses; at most \(1 << 28) can be generated")
        }
        let outputKind = try arguments.choice("output", ["lif", "li"], default: "lif")!
        let seed = try arguments.int("seed", default: 0)
        // Checked by the rules a network file's values must meet (NetworkRules), so that what
        // init-network writes every command can load.
        let duration = try arguments.networkValue("duration-s", default: 0.05, NetworkRules.duration) { NetworkRules.isValid(duration: $0) }
        let tauMem = try arguments.networkValue("tau-mem-s", default: 20e-3, NetworkRules.timeConstant) { NetworkRules.isValid(timeConstant: $0) }
        let tauSyn = try arguments.networkValue("tau-syn-s", default: 5e-3, NetworkRules.timeConstant) { NetworkRules.isValid(timeConstant: $0) }
        let threshold = try arguments.networkValue("threshold", default: 1, NetworkRules.threshold) { NetworkRules.isValid(threshold: $0) }
        // (The rules let an LI population's reset be anything finite; here every population shares
        // the parameters, so the reset is below the threshold even with `--output li`.)
        let reset = try arguments.networkValue("reset", default: 0, NetworkRules.reset(below: threshold)) { $0 < threshold }
        let delays = try arguments.option("delays").map { text -> ClosedRange<Double> in
            let (low, high) = try pair(text, option: "delays")
            guard low >= 0, high >= low else { throw CLIError.usage("--delays needs 0 ≤ MIN ≤ MAX, got '\(text)'") }
            return low...high
        }
        let initText = try arguments.option("init") ?? "yinyang"
        // One layer-to-layer projection per pair of neighbouring sizes; the recurrent ones take
        // --recurrent's weights and are not counted.
        let feedForward = layerSizes.count - 1
        var inits: [WeightInit]
        // The MEAN:STD items as given, to name the one that draws bad weights (none for a preset).
        var initItems: [String] = []
        switch initText {
        case "yinyang": inits = [WeightInit(mean: 1.5, std: 0.78), WeightInit(mean: 0.93, std: 0.1)]
        case "mnist": inits = [WeightInit(mean: 0.078, std: 0.045), WeightInit(mean: 0.2, std: 0.37)]
        default:
            // Every item must be MEAN:STD: an empty one (`--init ''`, `1:1,`, `1:1,,2:0`) is an error.
            initItems = initText.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            inits = try initItems.map { part in
                guard !part.isEmpty else {
                    throw CLIError.usage("--init expects yinyang, mnist or MEAN:STD items separated by commas (no empty items), got '\(initText)'")
                }
                let (mean, std) = try pair(part, option: "init")
                guard std >= 0 else { throw CLIError.usage("--init: a standard deviation must not be negative, got '\(part)'") }
                return WeightInit(mean: mean, std: std)
            }
            // Fewer items than projections repeat the last; more would be silently dropped.
            if inits.count > feedForward {
                throw CLIError.usage(
                    "--init has \(inits.count) items but the network has \(feedForward) feed-forward projection\(feedForward == 1 ? "" : "s") (--sizes \(sizesText); --recurrent projections are not counted)")
            }
        }
        inits = inits.map { WeightInit(mean: $0.mean, std: $0.std, delayRange: delays) }
        let recurrentText = try arguments.option("recurrent")
        let recurrent = try recurrentText.map { text -> WeightInit in
            let (mean, std) = try pair(text, option: "recurrent")
            guard std >= 0 else { throw CLIError.usage("--recurrent: the standard deviation must not be negative, got '\(text)'") }
            return WeightInit(mean: mean, std: std, delayRange: delays)
        }
        if recurrentText != nil && layerSizes.count < 3 {
            throw CLIError.usage("--recurrent needs a hidden layer: --sizes \(sizesText) has none")
        }
        let out = try arguments.option("out")
        try arguments.finish()
        if let out { try OutputPath.checkFile(out, option: "out") }

        let network = NetworkBuilder.layered(
            sizes: layerSizes, output: outputKind == "li" ? .li : .lif,
            parameters: NeuronParameters(tauMem: tauMem, tauSyn: tauSyn, threshold: threshold, reset: reset),
            inits: inits, recurrent: recurrent, duration: duration, seed: UInt64(seed))
        // A huge MEAN or STD can draw weights beyond Double's range; name the option that did.
        for (index, projection) in network.projections.enumerated() where !projection.weights.allSatisfy({ NetworkRules.isValid(weight: $0) }) {
            let option: String
            if projection.source == projection.target {
                option = "--recurrent \(recurrentText ?? "")"
            } else {
                let item = min(projection.source.rawValue, inits.count - 1)
                option = initItems.count <= 1 ? "--init \(initText)" : "--init item \(item + 1) (\(initItems[item]))"
            }
            let bad = projection.weights.count { !NetworkRules.isValid(weight: $0) }
            throw CLIError.usage(
                "\(option) draws weights that are not finite numbers (\(bad) of \(projection.weights.count) in projection \(index), \"\(network.populations[projection.source.rawValue].name)\" → \"\(network.populations[projection.target.rawValue].name)\")")
        }
        // Everything else the options can break is checked above; this is the same check a
        // network file gets when it is loaded, so nothing is written that cannot be read back.
        if let problem = network.firstProblem {
            throw CLIError.usage("these options give a network that no command would load: \(problem)")
        }
        let text = JSONWriter.string(NetworkFile.encode(network))
        if let out {
            do {
                try JSONFile.writeAtomically(text, to: out)
            } catch {
                throw OutputPath.writeFailure(out, error)
            }
            console.err("wrote \(out): \(sizes.map { String($0!) }.joined(separator: "-")) network, \(network.synapseCount) synapses, seed \(seed)\n")
        } else {
            console.out(text)
        }
        return 0
    })

extension Arguments {
    /// `--NAME X` for a value of a network file, with the file's rule: a finite number that
    /// `isValid` accepts, else "--NAME X is invalid: RULE" (the rule's own words).
    mutating func networkValue(_ name: String, default fallback: Double, _ rule: String, _ isValid: (Double) -> Bool) throws(CLIError) -> Double {
        guard let text = try option(name) else { return fallback }
        guard let value = Double(text), value.isFinite else { throw .usage("--\(name) must be a finite number, got '\(text)'") }
        guard isValid(value) else { throw .usage("--\(name) \(text) is invalid: \(rule)") }
        return value
    }
}

/// `A:B` as two numbers (exactly two, neither empty: `:1:2` and `1::2` are errors).
func pair(_ text: String, option: String) throws(CLIError) -> (Double, Double) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), a.isFinite, b.isFinite else {
        throw CLIError.usage("--\(option) expects NUMBER:NUMBER, got '\(text)'")
    }
    return (a, b)
}
