// `neuromesh train`: EventProp training on Yin-Yang with the exact functional reference.

import ChipDescription
import ChipEmulator
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
        τm 20 ms, τs 5 ms, its weight initialisation) with exact EventProp gradients and
        minibatch Adam, and reports per epoch the training loss and accuracy and the test
        accuracy (published test split, 1000 samples). Without --chip the samples run on the
        exact functional reference; with --chip CHIP they run on the emulated chip — the forward
        pass as spike packets, the backward pass as error packets, every synapse's update charged
        on its core — and each epoch also reports the energy per training sample by phase
        (forward / backward / update) and the messages per sample. Results do not depend on
        --threads.

        Options (defaults = the paper's settings):
          --dataset yinyang   the dataset (required)
          --epochs N          epochs (100)
          --batch N           batch size (32; at most the 5000 training samples)
          --lr X              Adam learning rate (0.005)
          --lr-decay X        learning-rate factor after every epoch (0.95)
          --seed N            weight initialisation and sample order (0)
          --loss ttfs         the loss (the paper's time-to-first-spike cross-entropy; the only
                              one for Yin-Yang's spiking outputs)
          --hidden N          hidden neurons (200)
          --duration-s T      trial duration in seconds (0.05); must be longer than the latest
                              input spike (30 ms)
          --threads N         host threads (1)
          --chip CHIP         train on the emulated chip (placed with --strategy fill|spread or
                              --placement FILE, which need --chip; synapse memory must hold the
                              Adam state)
          --save FILE         write the trained network (neuromesh-network/1), atomically; its
                              directory is checked before training starts (it may be the
                              --checkpoint directory, created by the run), and FILE must not
                              be the chip, placement or checkpoint file
          --checkpoint DIR    after every epoch write DIR/checkpoint.json (atomically): weights,
                              optimizer state, epoch, learning rate
          --resume            continue from DIR/checkpoint.json (same settings required; an error
                              if there is none); the result is identical to an uninterrupted
                              run. A checkpoint that already completed --epochs only evaluates
                              (and --save writes) its network; one with more epochs than
                              --epochs is an error
          --json              one JSON object per epoch, then a final one with "test_accuracy"

        Test accuracy counts a sample whose outputs never spike as an error, as the EventProp
        paper's code did (the number of such samples is "test_no_output_spike").

        Example:
          neuromesh train --dataset yinyang --epochs 20 --threads 2 --save yinyang-trained.json

        """,
    run: { arguments, console in
        let json = try arguments.flag("json")
        guard let dataset = try arguments.choice("dataset", ["yinyang"]) else {
            throw CLIError.usage("missing required option --dataset (yinyang)")
        }
        var configuration = TrainingConfiguration()
        configuration.epochs = try arguments.int("epochs", default: 100, in: 1...100_000)
        // A batch is at most the whole training split (larger ones would be the same batch).
        configuration.batchSize = try arguments.int("batch", default: 32, in: 1...YinYang.Split.train.size)
        configuration.learningRate = try arguments.double("lr", default: 5e-3, "a positive number") { $0 > 0 }
        configuration.learningRateDecay = try arguments.double("lr-decay", default: 0.95, "a number in (0, 1]") { $0 > 0 && $0 <= 1 }
        let seed = try arguments.int("seed", default: 0)
        configuration.seed = UInt64(seed)
        configuration.threads = try arguments.int("threads", default: 1, in: 1...256)
        let hidden = try arguments.int("hidden", default: 200, in: 1...100_000)
        // Yin-Yang classifies by first-spike times: the paper's time-to-first-spike loss.
        _ = try arguments.choice("loss", ["ttfs"], default: "ttfs")
        // Every input spike must fall inside the trial, or the samples cannot be classified.
        let encoding = YinYangEncoding()
        let latestInput = encoding.latestSpikeTime
        let duration = try arguments.double("duration-s", default: 0.05, "a number of seconds greater than \(latestInput) (the latest Yin-Yang input spike), at most \(Network.maxDuration)") { $0 > latestInput && $0 <= Network.maxDuration }
        let save = try arguments.option("save")
        let chipPath = try arguments.option("chip")
        let placement = try PlacementOptions(&arguments)
        let checkpointDirectory = try arguments.option("checkpoint")
        let resume = try arguments.flag("resume")
        try arguments.finish()
        if resume && checkpointDirectory == nil { throw CLIError.usage("--resume needs --checkpoint DIR") }
        if chipPath == nil {
            if placement.strategy != nil { throw CLIError.usage("--strategy needs --chip CHIP (without it training runs on the functional reference)") }
            if placement.placementPath != nil { throw CLIError.usage("--placement needs --chip CHIP (without it training runs on the functional reference)") }
        }
        precondition(dataset == "yinyang")
        // Fail now, not after hours of training, if the results cannot be written.
        let checkpointPath = checkpointDirectory.map { ($0 as NSString).appendingPathComponent("checkpoint.json") }
        if let save {
            try OutputPath.checkFile(save, option: "save", inDirectoryCreated: checkpointDirectory)
            try OutputPath.checkNotAnInput(save, describedAs: "--save \(save)", inputs: [
                ("--chip", chipPath), ("--placement", placement.placementPath), ("the checkpoint", checkpointPath),
            ])
        }
        if let checkpointDirectory, let checkpointPath {
            try OutputPath.checkDirectory(checkpointDirectory, option: "checkpoint")
            if resume && !FileManager.default.fileExists(atPath: checkpointPath) {
                throw CLIError.failure("--resume: there is no checkpoint to resume from (\(checkpointPath) does not exist); run without --resume to start training afresh")
            }
        }

        let network = NetworkBuilder.layered(
            sizes: [YinYangEncoding.inputCount, hidden, YinYang.classCount], output: .lif,
            parameters: NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: 0),
            inits: [WeightInit(mean: 1.5, std: 0.78), WeightInit(mean: 0.93, std: 0.1)], duration: duration, seed: UInt64(seed))
        // Each batch keeps one gradient row per sample (for the thread-independent reduction in
        // sample order): refuse sizes that cannot fit rather than die allocating.
        let synapses = network.projections.reduce(0) { $0 + $1.synapseCount }
        let gradientBytes = Double(configuration.batchSize) * Double(synapses) * Double(MemoryLayout<Double>.size)
        let memory = Double(ProcessInfo.processInfo.physicalMemory)
        if gradientBytes > memory / 2 {
            throw CLIError.failure(
                "--batch \(configuration.batchSize) with --hidden \(hidden) needs \(formatBytes(gradientBytes)) for the batch's per-sample gradients (batch × \(synapses) synapses × 8 bytes), more than half of this machine's \(formatBytes(memory)); use a smaller --batch or --hidden")
        }
        func inputs(_ split: YinYang.Split) -> [InputSpikes] {
            YinYang.generate(split: split).map { InputSpikes(times: encoding.spikeTimes(for: $0), label: $0.label) }
        }
        let testInputs = inputs(.test)
        var backend = TrainingBackend.reference
        var chipName: String? = nil
        // On a chip the trajectory depends (at rounding level) on the chip file and the placement:
        // a resumed run must use the same, so the checkpoint's settings carry digests of both.
        var chipSetting = "reference"
        if let chipPath {
            let chip = try ChipSpec.load(path: chipPath)
            chipName = chip.name
            let mapping = try placement.map(NetworkShape(network), onto: chip, options: MappingOptions(learning: .adam), networkPath: "the Yin-Yang network")
            backend = .chip(mapping)
            let placementText = JSONWriter.string(PlacementFile.encode(mapping.placement, shape: NetworkShape(network), chip: chip), style: .compact)
            chipSetting = "\(chip.name) chip-digest=\(digest(JSONWriter.string(chip.encode(), style: .compact))) placement-digest=\(digest(placementText))"
        }
        var trainer: Trainer
        do throws(EmulatorError) {
            trainer = try Trainer(network: network, train: inputs(.train), test: testInputs, configuration: configuration, backend: backend)
        } catch {
            throw CLIError.failure("cannot train on chip \"\(chipName ?? "")\": \(error.message)")
        }
        let settings = "yinyang hidden=\(hidden) duration=\(duration) batch=\(configuration.batchSize) lr=\(configuration.learningRate) decay=\(configuration.learningRateDecay) seed=\(seed) chip=\(chipSetting)"
        if let checkpointDirectory, let checkpointPath {
            do {
                try FileManager.default.createDirectory(atPath: checkpointDirectory, withIntermediateDirectories: true)
            } catch {
                throw CLIError.failure("cannot create the checkpoint directory \(checkpointDirectory): \(OutputPath.systemReason(error))")
            }
            if let problem = OutputPath.problem(file: checkpointPath) { throw CLIError.failure("cannot write the checkpoint \(checkpointPath): \(problem)") }
        }
        if resume, let checkpointPath {
            let checkpoint = try Checkpoint.load(checkpointPath, optimizer: configuration.optimizer)
            guard checkpoint.settings == settings else {
                throw CLIError.failure("\(checkpointPath) was written with other settings (\(checkpoint.settings)); this run has \(settings)")
            }
            if let mismatch = checkpoint.networkMismatch(network) {
                throw CLIError.failure("\(checkpointPath) cannot be resumed by this run: \(mismatch)")
            }
            guard checkpoint.epoch <= configuration.epochs else {
                throw CLIError.failure("\(checkpointPath) has already completed \(checkpoint.epoch) epochs, more than --epochs \(configuration.epochs); resume with --epochs \(checkpoint.epoch) or more")
            }
            // The rate is a setting too: --lr decayed once per completed epoch, as the trainer does it.
            var rate = configuration.learningRate
            for _ in 0..<checkpoint.epoch { rate *= configuration.learningRateDecay }
            guard checkpoint.learningRate == rate else {
                throw CLIError.failure("\(checkpointPath): /learning_rate: \(checkpoint.learningRate) is not the rate after \(checkpoint.epoch) epochs of --lr \(configuration.learningRate) × --lr-decay \(configuration.learningRateDecay) per epoch (\(rate))")
            }
            // So is Adam's step count (its bias correction): one step per batch of every epoch.
            let steps = checkpoint.epoch * ((YinYang.Split.train.size + configuration.batchSize - 1) / configuration.batchSize)
            guard checkpoint.optimizer.step == steps else {
                throw CLIError.failure("\(checkpointPath): /optimizer_step: \(checkpoint.optimizer.step) is not the step count after \(checkpoint.epoch) epochs of batch \(configuration.batchSize) (\(steps))")
            }
            trainer.restore(network: checkpoint.network, optimizer: checkpoint.optimizer, epoch: checkpoint.epoch, learningRate: checkpoint.learningRate)
            if !json { console.out("Resuming from \(checkpointPath) after epoch \(checkpoint.epoch)\n") }
            if checkpoint.epoch == configuration.epochs {
                console.err("neuromesh train: \(checkpointPath) has already completed all \(configuration.epochs) epochs; nothing to train, evaluating its network\n")
            }
        }
        if !json {
            console.out("Training 5-\(hidden)-3 on Yin-Yang (5000 train / 1000 test)\(chipName.map { " on chip \"\($0)\"" } ?? " (functional reference)"), \(configuration.epochs) epoch\(configuration.epochs == 1 ? "" : "s"), batch \(configuration.batchSize), Adam lr \(configuration.learningRate) × \(configuration.learningRateDecay)/epoch, seed \(seed), \(configuration.threads) thread(s)\n")
        }
        let clock = ContinuousClock()
        let runStart = clock.now
        let firstEpoch = trainer.epoch
        var last: EpochReport? = nil
        /// The unpriced operations last named in an epoch line (named again only when they change).
        var namedUnpriced: [String] = []
        while trainer.epoch < configuration.epochs {
            let start = clock.now
            let epoch = trainer.epoch + 1
            let report: EpochReport
            do throws(EmulatorError) {
                report = try trainer.runEpoch { progress in
                    guard console.isTerminal && !json else { return }
                    // A live line: progress, loss and accuracy so far, events/s, the time left for the run.
                    let elapsed = (clock.now - runStart).seconds
                    let epochSeconds = max((clock.now - start).seconds, 1e-9)
                    let done = Double(epoch - 1 - firstEpoch) + Double(progress.batch) / Double(progress.batches)
                    let left = elapsed / max(done, 1e-9) * (Double(configuration.epochs - firstEpoch) - done)
                    let width = 20
                    let filled = min(width, Int(Double(width) * Double(progress.batch) / Double(progress.batches)))
                    let rate = 2 * Double(progress.synapticEvents) / epochSeconds / 1e6
                    console.out(
                        "\r  epoch \(epoch)/\(configuration.epochs) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] batch \(progress.batch)/\(progress.batches), loss \(lossText(progress.loss)), acc \(String(format: "%.1f", 100 * progress.accuracy)) %, \(String(format: "%.1f", rate)) M events/s, ETA \(formatSeconds(left))   ")
                }
            } catch {
                if console.isTerminal && !json { console.out("\r\u{1B}[2K") }
                throw CLIError.failure("training on \(chipName.map { "chip \($0)" } ?? "the reference") stopped in epoch \(epoch): \(error.message)")
            }
            let seconds = (clock.now - start).seconds
            last = report
            // Diverged weights (NaN or infinite) would be written as null: stop instead.
            if let p = trainer.network.projections.firstIndex(where: { !$0.weights.allSatisfy(\.isFinite) }) {
                throw CLIError.failure("training diverged in epoch \(epoch): a weight of projection \(p) is not finite; nothing more is written")
            }
            if let checkpointPath {
                do {
                    try Checkpoint(trainer: trainer, settings: settings).save(to: checkpointPath)
                } catch {
                    throw OutputPath.writeFailure(checkpointPath, error, what: "the checkpoint ")
                }
            }
            if json {
                var members: [(String, JSONValue)] = [
                    ("epoch", .count(report.epoch)), ("train_loss", .finite(report.trainLoss)),
                    ("silent_label_samples", .count(report.silentLabelSamples)),
                    ("train_accuracy", .finite(report.trainAccuracy)), ("test_accuracy", .finite(report.testAccuracy)),
                    ("test_no_output_spike", .count(report.test.withoutPrediction)),
                    ("learning_rate", .finite(report.learningRate)), ("seconds", .finite(seconds)),
                    ("synaptic_events_per_s", .finite((2 * Double(report.synapticEvents) / seconds).rounded())),
                    ("tangent_guarded", .count(report.tangentGuarded)),
                ]
                if let c = report.chip {
                    members.append(("energy_j_per_sample", .object(JSONObject([
                        ("forward", .finite(c.forwardEnergy)), ("backward", .finite(c.backwardEnergy)),
                        ("update", c.updateEnergy.map { .finite($0) } ?? .null),
                    ]))))
                    members.append(("latency_s_per_sample", .object(JSONObject([
                        ("forward", .finite(c.forwardLatency)), ("backward", .finite(c.backwardLatency)),
                    ]))))
                    members.append(("messages_per_sample", .object(JSONObject([
                        ("forward", .finite(c.forwardMessages)), ("backward", .finite(c.backwardMessages)),
                    ]))))
                    members.append(("unpriced", .object(JSONObject(c.unpriced.keys.sorted().map { ($0, .count(c.unpriced[$0]!)) }))))
                    members.append(("spike_log_dropped", .count(c.spikeLogDropped)))
                    members.append(("packets_dropped", .count(c.packetsDropped)))
                }
                console.out(JSONWriter.string(.object(JSONObject(members)), style: .compact) + "\n")
            } else {
                if console.isTerminal { console.out("\r\u{1B}[2K") }  // clear the progress line
                var line = "  epoch \(report.epoch): loss \(lossText(report.trainLoss)), train \(String(format: "%.2f", 100 * report.trainAccuracy)) %, test \(String(format: "%.2f", 100 * report.testAccuracy)) %, \(String(format: "%.2f", seconds)) s"
                if let c = report.chip {
                    line += "; per sample: energy \(formatJoules(c.forwardEnergy)) fwd / \(formatJoules(c.backwardEnergy)) bwd / \(c.updateEnergy.map(formatJoules) ?? "unpriced") update, messages \(format2(c.forwardMessages)) fwd / \(format2(c.backwardMessages)) bwd"
                    // Unknown costs are never counted as zero: say what the energy leaves out (on
                    // the first epoch line, and again only if that changes).
                    let unpriced = c.unpriced.keys.sorted()
                    if !unpriced.isEmpty && unpriced != namedUnpriced {
                        line += " (energy of priced operations only; no energy in the chip file for \(unpriced.joined(separator: ", ")))"
                    }
                    namedUnpriced = unpriced
                }
                if report.silentLabelSamples > 0 {
                    line += ", \(counted(report.silentLabelSamples, "sample")) with a silent label neuron (no gradient; left out of the loss)"
                }
                if report.tangentGuarded > 0 { line += ", \(report.tangentGuarded) near-tangent spikes clamped" }
                if let lost = report.chip?.packetsDropped, lost > 0 {
                    line += "; warning: the lossy queue policy dropped \(lost) packet destinations, so the chip's spikes and gradients were not the reference's"
                }
                if let dropped = report.chip?.spikeLogDropped, dropped > 0 {
                    line += "; warning: the cores' spike logs overflowed (\(dropped) entries dropped), so the gradients were not exact"
                }
                console.out(line + "\n")
            }
            // Nobody can read the epochs that are left (a full disk, say): stop now, not after
            // the whole run. The checkpoint of this epoch, if asked for, is already written.
            if console.outFailed() {
                var message = "standard output failed, so training stopped after epoch \(epoch) of \(configuration.epochs)"
                if let checkpointPath { message += "; \(checkpointPath) holds that epoch (continue with --resume)" }
                if let save { message += "; \(save) was not written" }
                throw CLIError.failure(message)
            }
        }
        /// How the current weights classify the test split (when no epoch ran, e.g. a resumed finished run).
        func testClassification() throws -> Classification {
            do throws(EmulatorError) { return try trainer.classify(testInputs) } catch { throw CLIError.failure("evaluating the test split: \(error.message)") }
        }
        if let save {
            do {
                try NetworkFile.save(trainer.network, to: save)
            } catch {
                throw OutputPath.writeFailure(save, error)
            }
        }
        let test = try last?.test ?? testClassification()
        if json {
            console.out(JSONWriter.string(.object(JSONObject([
                ("final", true), ("epochs", .count(trainer.epoch)), ("test_accuracy", .finite(test.accuracy)),
                ("test_no_output_spike", .count(test.withoutPrediction)),
                ("seed", .count(seed)), ("saved", save.map { .string($0) } ?? .null),
            ])), style: .compact) + "\n")
        } else {
            var line = "Test accuracy: \(String(format: "%.2f", 100 * test.accuracy)) %"
            if test.withoutPrediction > 0 {
                line += " (\(test.withoutPrediction) samples without any output spike, counted as errors)"
            }
            console.out(line + "\(save.map { "; network saved to \($0)" } ?? "")\n")
        }
        return 0
    })

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// FNV-1a (64 bits) of `text`, in hex: a short fingerprint for comparing settings, not security.
func digest(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01b3
    }
    return String(hash, radix: 16)
}

/// A mean loss for the text output: "n/a" when no sample had one (every label neuron silent;
/// `--json` writes null).
private func lossText(_ loss: Double) -> String { loss.isFinite ? String(format: "%.4f", loss) : "n/a" }
