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
          --init PRESET|LIST  weight initialisation: yinyang (the paper's in→hid N(1.5, 0.78),
                              hid→out N(0.93, 0.1)), mnist (N(0.078, 0.045), N(0.2, 0.37)), or
                              MEAN:STD per projection, comma-separated (the last repeats);
                              default yinyang
          --recurrent MEAN:STD  add a recurrent projection to each hidden layer
          --delays MIN:MAX    uniform per-synapse delays in seconds on every projection
          --duration-s T      trial duration in seconds (default 0.05)
          --tau-mem-s S, --tau-syn-s S, --threshold X, --reset X
                              neuron parameters (defaults 0.02, 0.005, 1, 0)
          --out FILE          write here (atomically) instead of printing

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
        let duration = try arguments.double("duration-s", default: 0.05, "a positive number of seconds, at most \(Network.maxDuration)") { $0 > 0 && $0 <= Network.maxDuration }
        let tauMem = try arguments.double("tau-mem-s", default: 20e-3, "a positive number of seconds") { $0 > 0 }
        let tauSyn = try arguments.double("tau-syn-s", default: 5e-3, "a positive number of seconds") { $0 > 0 }
        let threshold = try arguments.double("threshold", default: 1, "a positive number") { $0 > 0 }
        let reset = try arguments.double("reset", default: 0, "a number below the threshold") { $0 < threshold }
        let delays = try arguments.option("delays").map { text -> ClosedRange<Double> in
            let (low, high) = try pair(text, option: "delays")
            guard low >= 0, high >= low else { throw CLIError.usage("--delays needs 0 ≤ MIN ≤ MAX, got '\(text)'") }
            return low...high
        }
        let initText = try arguments.option("init") ?? "yinyang"
        var inits: [WeightInit]
        switch initText {
        case "yinyang": inits = [WeightInit(mean: 1.5, std: 0.78), WeightInit(mean: 0.93, std: 0.1)]
        case "mnist": inits = [WeightInit(mean: 0.078, std: 0.045), WeightInit(mean: 0.2, std: 0.37)]
        default:
            // Every item must be MEAN:STD: an empty one (`--init ''`, `1:1,`, `1:1,,2:0`) is an error.
            inits = try initText.split(separator: ",", omittingEmptySubsequences: false).map { part in
                guard !part.isEmpty else {
                    throw CLIError.usage("--init expects yinyang, mnist or MEAN:STD items separated by commas (no empty items), got '\(initText)'")
                }
                let (mean, std) = try pair(String(part), option: "init")
                guard std >= 0 else { throw CLIError.usage("--init: a standard deviation must not be negative, got '\(part)'") }
                return WeightInit(mean: mean, std: std)
            }
        }
        inits = inits.map { WeightInit(mean: $0.mean, std: $0.std, delayRange: delays) }
        let recurrent = try arguments.option("recurrent").map { text -> WeightInit in
            let (mean, std) = try pair(text, option: "recurrent")
            guard std >= 0 else { throw CLIError.usage("--recurrent: the standard deviation must not be negative, got '\(text)'") }
            return WeightInit(mean: mean, std: std, delayRange: delays)
        }
        let out = try arguments.option("out")
        try arguments.finish()
        if let out { try OutputPath.checkFile(out, option: "out") }

        let network = NetworkBuilder.layered(
            sizes: sizes.map { $0! }, output: outputKind == "li" ? .li : .lif,
            parameters: NeuronParameters(tauMem: tauMem, tauSyn: tauSyn, threshold: threshold, reset: reset),
            inits: inits, recurrent: recurrent, duration: duration, seed: UInt64(seed))
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

/// `A:B` as two numbers (exactly two, neither empty: `:1:2` and `1::2` are errors).
func pair(_ text: String, option: String) throws(CLIError) -> (Double, Double) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), a.isFinite, b.isFinite else {
        throw CLIError.usage("--\(option) expects NUMBER:NUMBER, got '\(text)'")
    }
    return (a, b)
}
