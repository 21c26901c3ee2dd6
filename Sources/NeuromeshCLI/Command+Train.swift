// `neuromesh train`: EventProp training on Yin-Yang with the exact functional reference.

import Foundation
import SpikingModel
import StrictJSON
import Training

let trainCommand = Command(
    name: "train",
    summary: "train a network with exact EventProp (Yin-Yang, the paper's settings)",
    help: """
        Usage: neuromesh train --dataset yinyang [options]

        Trains the EventProp paper's Yin-Yang network (5 inputs – HIDDEN LIF – 3 LIF outputs,
        τm 20 ms, τs 5 ms, its weight initialisation) with exact EventProp gradients computed by
        the functional reference, minibatch Adam, and reports per epoch the training loss and
        accuracy and the test accuracy (published test split, 1000 samples). Results do not
        depend on --threads. (Training as traffic on an emulated chip, --chip, comes with the
        on-chip backward pass.)

        Options (defaults = the paper's settings):
          --dataset yinyang   the dataset (required)
          --epochs N          epochs (100)
          --batch N           batch size (32)
          --lr X              Adam learning rate (0.005)
          --lr-decay X        learning-rate factor after every epoch (0.95)
          --seed N            weight initialisation and sample order (0)
          --hidden N          hidden neurons (200)
          --duration-s T      trial duration in seconds (0.05)
          --threads N         host threads (1)
          --save FILE         write the trained network (neuromesh-network/1), atomically
          --json              one JSON object per epoch, then a final one with "test_accuracy"

        Example:
          neuromesh train --dataset yinyang --epochs 20 --threads 2 --save yinyang-trained.json

        """,
    run: { arguments, console in
        let json = arguments.flag("json")
        guard let dataset = try arguments.choice("dataset", ["yinyang"]) else {
            throw CLIError.usage("missing required option --dataset (yinyang)")
        }
        var configuration = TrainingConfiguration()
        configuration.epochs = try arguments.int("epochs", default: 100, in: 1...100_000)
        configuration.batchSize = try arguments.int("batch", default: 32, in: 1...1_000_000)
        configuration.learningRate = try arguments.double("lr", default: 5e-3, "a positive number") { $0 > 0 }
        configuration.learningRateDecay = try arguments.double("lr-decay", default: 0.95, "a number in (0, 1]") { $0 > 0 && $0 <= 1 }
        let seed = try arguments.int("seed", default: 0)
        configuration.seed = UInt64(seed)
        configuration.threads = try arguments.int("threads", default: 1, in: 1...256)
        let hidden = try arguments.int("hidden", default: 200, in: 1...100_000)
        let duration = try arguments.double("duration-s", default: 0.05, "a positive number of seconds") { $0 > 0 }
        let save = try arguments.option("save")
        try arguments.finish()
        precondition(dataset == "yinyang")

        let network = NetworkBuilder.layered(
            sizes: [YinYangEncoding.inputCount, hidden, YinYang.classCount], output: .lif,
            parameters: NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: 0),
            inits: [WeightInit(mean: 1.5, std: 0.78), WeightInit(mean: 0.93, std: 0.1)], duration: duration, seed: UInt64(seed))
        let encoding = YinYangEncoding()
        func inputs(_ split: YinYang.Split) -> [InputSpikes] {
            YinYang.generate(split: split).map { InputSpikes(times: encoding.spikeTimes(for: $0), label: $0.label) }
        }
        var trainer = Trainer(network: network, train: inputs(.train), test: inputs(.test), configuration: configuration)
        if !json {
            console.out("Training 5-\(hidden)-3 on Yin-Yang (5000 train / 1000 test), \(configuration.epochs) epochs, batch \(configuration.batchSize), Adam lr \(configuration.learningRate) × \(configuration.learningRateDecay)/epoch, seed \(seed), \(configuration.threads) thread(s)\n")
        }
        let clock = ContinuousClock()
        var last: EpochReport? = nil
        for _ in 0..<configuration.epochs {
            let start = clock.now
            let epoch = trainer.epoch + 1
            let report = trainer.runEpoch { batch, batches, loss in
                if console.isTerminal && !json {
                    console.out("\r  epoch \(epoch): batch \(batch)/\(batches), loss \(String(format: "%.4f", loss))   ")
                }
            }
            let seconds = (clock.now - start).seconds
            last = report
            if json {
                console.out(JSONWriter.string(.object(JSONObject([
                    ("epoch", .count(report.epoch)), ("train_loss", .finite(report.trainLoss)),
                    ("train_accuracy", .finite(report.trainAccuracy)), ("test_accuracy", .finite(report.testAccuracy)),
                    ("learning_rate", .finite(report.learningRate)), ("seconds", .finite(seconds)),
                    ("synaptic_events_per_s", .finite((2 * Double(report.synapticEvents) / seconds).rounded())),
                    ("tangent_guarded", .count(report.tangentGuarded)),
                ])), style: .compact) + "\n")
            } else {
                if console.isTerminal { console.out("\r") }
                console.out("  epoch \(report.epoch): loss \(String(format: "%.4f", report.trainLoss)), train \(String(format: "%.2f", 100 * report.trainAccuracy)) %, test \(String(format: "%.2f", 100 * report.testAccuracy)) %, \(String(format: "%.2f", seconds)) s\(report.tangentGuarded > 0 ? ", \(report.tangentGuarded) near-tangent spikes clamped" : "")\n")
            }
        }
        if let save {
            do {
                try NetworkFile.save(trainer.network, to: save)
            } catch {
                throw CLIError.failure("cannot write \(save): \(error)")
            }
        }
        if json {
            console.out(JSONWriter.string(.object(JSONObject([
                ("final", true), ("epochs", .count(trainer.epoch)), ("test_accuracy", .finite(last?.testAccuracy ?? .nan)),
                ("seed", .count(seed)), ("saved", save.map { .string($0) } ?? .null),
            ])), style: .compact) + "\n")
        } else {
            console.out("Test accuracy: \(String(format: "%.2f", 100 * (last?.testAccuracy ?? 0))) %\(save.map { "; network saved to \($0)" } ?? "")\n")
        }
        return 0
    })

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
