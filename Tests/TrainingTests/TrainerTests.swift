import Foundation
import Testing

@testable import SpikingModel
@testable import Training
import ChipDescription
@testable import ChipEmulator

@Suite("Optimizers")
struct OptimizerTests {
    @Test func adamMatchesTheFormulaWithBiasCorrection() {
        var optimizer = Optimizer(kind: .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), shapes: [2])
        var weights = [[1.0, -2.0]]
        let g = [[0.5, -0.25]]
        optimizer.update(&weights, gradient: g, rate: 0.1)
        // Step 1: m̂ = g, v̂ = g², so the step is rate · g/(|g| + ε) = ±0.1 (to ε).
        #expect(abs(weights[0][0] - 0.9) < 1e-7)
        #expect(abs(weights[0][1] - (-1.9)) < 1e-7)
        let w1 = weights[0][0]
        optimizer.update(&weights, gradient: g, rate: 0.1)
        let m = 0.9 * 0.1 * 0.5 + 0.1 * 0.5, v = 0.999 * 0.001 * 0.25 + 0.001 * 0.25
        let expected = w1 - 0.1 * (m / (1 - 0.81)) / ((v / (1 - 0.998001)).squareRoot() + 1e-8)
        #expect(abs(weights[0][0] - expected) < 1e-12)
    }

    @Test func sgdAndMomentum() {
        var sgd = Optimizer(kind: .sgd, shapes: [1])
        var w = [[1.0]]
        sgd.update(&w, gradient: [[2]], rate: 0.1)
        #expect(w == [[0.8]])
        var momentum = Optimizer(kind: .momentum(0.5), shapes: [1])
        w = [[1.0]]
        momentum.update(&w, gradient: [[2]], rate: 0.1)
        momentum.update(&w, gradient: [[2]], rate: 0.1)
        #expect(abs(w[0][0] - (1 - 0.2 - 0.1 * 3)) < 1e-15)  // v = 2, then 0.5·2 + 2 = 3
    }
}

@Suite("Trainer")
struct TrainerTests {
    static func setup(samples: Int, threads: Int, seed: UInt64 = 3) -> Trainer {
        let network = NetworkBuilder.layered(
            sizes: [5, 30, 3], output: .lif, parameters: NeuronParameters(),
            inits: [WeightInit(mean: 1.5, std: 0.78), WeightInit(mean: 0.93, std: 0.1)], duration: 0.05, seed: seed)
        let encoding = YinYangEncoding()
        let data = YinYang.generate(split: .train).prefix(samples).map { InputSpikes(times: encoding.spikeTimes(for: $0), label: $0.label) }
        var configuration = TrainingConfiguration()
        configuration.batchSize = 16
        configuration.threads = threads
        configuration.seed = seed
        configuration.learningRate = 1e-2
        return try! Trainer(network: network, train: Array(data), test: Array(data.prefix(50)), configuration: configuration)
    }

    /// The same seed gives bit-identical weights whatever the number of threads.
    @Test func resultsDoNotDependOnTheThreadCount() throws {
        var one = Self.setup(samples: 96, threads: 1)
        var two = Self.setup(samples: 96, threads: 2)
        var three = Self.setup(samples: 96, threads: 3)
        for _ in 0..<2 {
            let a = try one.runEpoch(), b = try two.runEpoch(), c = try three.runEpoch()
            #expect(a == b)
            #expect(a == c)
        }
        #expect(one.network == two.network)
        #expect(one.network == three.network)
        #expect(one.optimizer == two.optimizer)
    }

    /// Training lowers the loss and raises the accuracy on the samples it sees.
    @Test func trainingImprovesTheFit() throws {
        var trainer = Self.setup(samples: 160, threads: 2)
        let first = try trainer.runEpoch()
        var last = first
        for _ in 0..<5 { last = try trainer.runEpoch() }
        #expect(last.trainLoss < first.trainLoss, "loss \(first.trainLoss) → \(last.trainLoss)")
        #expect(last.trainAccuracy > first.trainAccuracy, "accuracy \(first.trainAccuracy) → \(last.trainAccuracy)")
        #expect(abs(last.learningRate - 1e-2 * pow(0.95, 5)) < 1e-15)
    }

    /// Samples whose label neuron stays silent are counted and left out of the mean loss (their
    /// value is a stand-in that grows like e^{T/τ1}); they still count as errors.
    @Test func silentLabelSamplesAreLeftOutOfTheLoss() throws {
        var network = Self.setup(samples: 1, threads: 1).network
        // Output neuron 0 can never spike: every sample of class 0 has a silent label neuron.
        let outputs = network.projections[1].targetSize
        for i in 0..<network.projections[1].sourceSize { network.projections[1].weights[i * outputs] = -10 }
        let encoding = YinYangEncoding()
        let data = YinYang.generate(split: .train).prefix(64).map { InputSpikes(times: encoding.spikeTimes(for: $0), label: $0.label) }
        var configuration = TrainingConfiguration()
        configuration.batchSize = 64
        configuration.threads = 1
        var trainer = try Trainer(network: network, train: Array(data), test: Array(data.prefix(8)), configuration: configuration)
        var simulator = ReferenceSimulator(network: network)
        var sum = 0.0, kept = 0, silent = 0, correct = 0
        for input in data {
            simulator.forward(input)
            let evaluation = simulator.evaluate(configuration.loss, label: input.label)
            if input.label == 0 { #expect(evaluation.labelSilent) }
            if evaluation.labelSilent { silent += 1 } else { sum += evaluation.value; kept += 1 }
            if evaluation.prediction == input.label { correct += 1 }
        }
        #expect(silent > 0 && kept > 0)
        let report = try trainer.runEpoch()  // one batch: the loss is measured before the update
        #expect(report.silentLabelSamples == silent)
        #expect(abs(report.trainLoss - sum / Double(kept)) <= 1e-12 * abs(report.trainLoss))
        #expect(report.trainAccuracy == Double(correct) / Double(data.count))
    }

    @Test func epochsShuffleDeterministically() {
        let trainer = Self.setup(samples: 50, threads: 1)
        #expect(trainer.order(epoch: 0) == trainer.order(epoch: 0))
        #expect(trainer.order(epoch: 0) != trainer.order(epoch: 1))
        #expect(trainer.order(epoch: 3).sorted() == Array(0..<50))
    }
}

@Suite("Training on the chip")
struct ChipTrainerTests {
    static func chip() -> ChipSpec {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("chips/loihi.json").path
        return try! ChipSpec.load(path: path)
    }

    static func trainer(threads: Int, backend: (Network) -> TrainingBackend) -> Trainer {
        let base = TrainerTests.setup(samples: 64, threads: threads)
        return try! Trainer(network: base.network, train: base.train, test: base.test, configuration: base.configuration, backend: backend(base.network))
    }

    /// On the chip: the same trajectory (to rounding) as the reference, costs by phase, and the
    /// same bytes whatever the thread count.
    @Test func chipTrainingMatchesTheReferenceAndIsDeterministic() throws {
        let chip = Self.chip()
        func onChip(_ network: Network) -> TrainingBackend {
            .chip(try! Mapping.map(NetworkShape(network), onto: chip, strategy: .spread, options: MappingOptions(learning: .adam)))
        }
        var one = Self.trainer(threads: 1, backend: onChip)
        var two = Self.trainer(threads: 2, backend: onChip)
        var reference = Self.trainer(threads: 1) { _ in .reference }
        let a = try one.runEpoch(), b = try two.runEpoch(), r = try reference.runEpoch()
        #expect(a == b)
        #expect(one.network == two.network)
        #expect(abs(a.trainLoss - r.trainLoss) <= 1e-9 * abs(r.trainLoss))
        #expect(a.trainAccuracy == r.trainAccuracy)
        let costs = a.chip!
        #expect(costs.forwardEnergy > 0 && costs.backwardEnergy > 0 && (costs.updateEnergy ?? 0) > 0)
        #expect(costs.forwardMessages > 0 && costs.backwardMessages > 0)
        #expect(r.chip == nil)
    }

    /// A lossy chip: the epoch report counts the packets lost (the trajectory is then not the
    /// reference's).
    @Test func lostPacketsAreReportedPerEpoch() throws {
        var chip = Self.loadTinyChip()
        chip.router.bufferDepthPackets = 1
        chip.router.queuePolicy = .lossy
        let base = TrainerTests.setup(samples: 32, threads: 2)
        let mapping = try Mapping.map(NetworkShape(base.network), onto: chip, strategy: .spread, options: MappingOptions(learning: .adam))
        var trainer = try Trainer(network: base.network, train: base.train, test: base.test, configuration: base.configuration, backend: .chip(mapping))
        let report = try trainer.runEpoch()
        #expect((report.chip?.packetsDropped ?? 0) > 0)
    }

    static func loadTinyChip() -> ChipSpec {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("chips/tiny.json").path
        return try! ChipSpec.load(path: path)
    }

    /// A spike log too small for the activity: under "error" the epoch stops with the reason;
    /// under "count" it runs on, and the report counts the dropped entries.
    @Test func spikeLogOverflowDuringTraining() throws {
        func trainer(_ policy: OverflowPolicy) throws -> Trainer {
            var chip = Self.chip()
            chip.core.spikeLogEntries = 6
            chip.core.spikeLogOverflow = policy
            // The mapper's capacity check assumes activity; a tiny assumption lets it map.
            let base = TrainerTests.setup(samples: 32, threads: 2)
            let mapping = try Mapping.map(
                NetworkShape(base.network), onto: chip, strategy: .spread, options: MappingOptions(learning: .adam, spikesPerNeuron: 0.01))
            return try Trainer(network: base.network, train: base.train, test: base.test, configuration: base.configuration, backend: .chip(mapping))
        }
        var failing = try trainer(.error)
        do {
            _ = try failing.runEpoch()
            Issue.record("the overflow went unnoticed")
        } catch {
            #expect(error.message.contains("/core/spike_log_entries"), "\(error.message)")
        }
        var counting = try trainer(.count)
        let report = try counting.runEpoch()
        #expect((report.chip?.spikeLogDropped ?? 0) > 0)
    }
}
