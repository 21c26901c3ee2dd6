// Trainer: minibatch EventProp training with deterministic reduction over host threads.

import ChipDescription
import ChipEmulator
import Dispatch
import SpikingModel

/// Where the samples are simulated.
public enum TrainingBackend: Sendable {
    /// The exact functional reference (``ReferenceSimulator``).
    case reference
    /// The emulated chip of a mapping: forward pass as spike packets, backward pass as error
    /// packets, the update phase charged on the cores that hold the synapses.
    case chip(Mapping)
}

/// Per-sample means of what training cost on the chip, by phase (joules, seconds, messages).
public struct ChipTrainingCosts: Sendable, Equatable {
    public var forwardEnergy = 0.0
    public var backwardEnergy = 0.0
    /// The update phase's energy per sample: every synapse updated once per batch, divided by the
    /// batch size (`nil` when the chip file gives no energy for the optimizer's weight update).
    public var updateEnergy: Double? = 0
    public var forwardLatency = 0.0
    public var backwardLatency = 0.0
    public var forwardMessages = 0.0
    public var backwardMessages = 0.0
    /// Operations the chip file cannot price (no energy), summed over the epoch: name → count.
    public var unpriced: [String: UInt64] = [:]

    public init() {}
}

/// Hyperparameters of a training run. The defaults are the EventProp paper's Yin-Yang settings
/// (eventprop.md §8): Adam, learning rate 5e-3 × 0.95 after every epoch, batch 32, 100 epochs.
public struct TrainingConfiguration: Sendable, Equatable {
    public var epochs = 100
    public var batchSize = 32
    public var learningRate = 5e-3
    /// The learning rate is multiplied by this after every epoch.
    public var learningRateDecay = 0.95
    public var optimizer = OptimizerKind.paperAdam
    public var loss = Loss.timeToFirstSpike()
    /// Seeds the order of the training samples in each epoch.
    public var seed: UInt64 = 0
    /// Host threads that emulate the samples of a batch; results do not depend on it.
    public var threads = 1

    public init() {}
}

/// What one epoch did.
public struct EpochReport: Sendable, Equatable {
    public var epoch: Int
    /// Mean training loss over the epoch's samples (before each batch's update).
    public var trainLoss: Double
    /// Fraction of training samples classified correctly during the epoch.
    public var trainAccuracy: Double
    /// Fraction of test samples classified correctly after the epoch.
    public var testAccuracy: Double
    public var learningRate: Double
    /// Forward synaptic events of the epoch's training samples.
    public var synapticEvents: Int
    /// Spikes clamped by the tangency guard during the epoch (their gradients are not exact).
    public var tangentGuarded: Int
    /// On a chip backend: per-sample costs by phase; nil on the reference.
    public var chip: ChipTrainingCosts?
}

/// Trains a network's weights with EventProp on labelled inputs.
///
/// Each batch: every sample's forward and backward pass (on `threads` host threads, each with its
/// own simulator), then the batch gradient — the mean of the per-sample gradients, **summed in
/// sample order**, so the result is the same whatever the thread count — and one optimizer
/// update. The learning rate decays after every epoch.
public struct Trainer: Sendable {
    public private(set) var network: Network
    public let configuration: TrainingConfiguration
    public private(set) var optimizer: Optimizer
    public private(set) var epoch = 0
    public private(set) var learningRate: Double
    let train: [InputSpikes]
    let test: [InputSpikes]
    public let backend: TrainingBackend

    /// - Throws: ``EmulatorError`` if the chip backend cannot emulate the network.
    public init(
        network: Network, train: [InputSpikes], test: [InputSpikes], configuration: TrainingConfiguration, backend: TrainingBackend = .reference
    ) throws(EmulatorError) {
        precondition(!train.isEmpty && configuration.batchSize > 0 && configuration.threads > 0)
        if case .chip(let mapping) = backend { _ = try Emulator(network: network, mapping: mapping) }
        self.backend = backend
        self.network = network
        self.train = train
        self.test = test
        self.configuration = configuration
        optimizer = Optimizer(kind: configuration.optimizer, shapes: network.projections.map(\.synapseCount))
        learningRate = configuration.learningRate
    }

    /// Restores a saved state (weights, optimizer, epoch, learning rate) to continue training.
    public mutating func restore(network: Network, optimizer: Optimizer, epoch: Int, learningRate: Double) {
        precondition(network.projections.map(\.synapseCount) == self.network.projections.map(\.synapseCount))
        self.network = network
        self.optimizer = optimizer
        self.epoch = epoch
        self.learningRate = learningRate
    }

    /// The training samples' order in epoch `epoch` (a seeded Fisher–Yates shuffle).
    func order(epoch: Int) -> [Int] {
        var rng = SplitMix64(seed: configuration.seed &+ 0x9E37_79B9 &* UInt64(epoch + 1))
        var order = Array(train.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        return order
    }

    /// What ``runEpoch(progress:)`` reports after each batch.
    public struct Progress: Sendable {
        public var batch: Int
        public var batches: Int
        /// Mean loss and accuracy over the epoch's samples so far.
        public var loss: Double
        public var accuracy: Double
        /// Forward synaptic events so far in the epoch.
        public var synapticEvents: Int
    }

    /// Runs one epoch; `progress` is called after each batch.
    public mutating func runEpoch(progress: (Progress) -> Void = { _ in }) -> EpochReport {
        let order = order(epoch: epoch)
        let batches = (order.count + configuration.batchSize - 1) / configuration.batchSize
        var lossSum = 0.0
        var correct = 0
        var events = 0
        var guarded = 0
        var costs: ChipTrainingCosts? = nil
        if case .chip = backend { costs = ChipTrainingCosts() }
        for b in 0..<batches {
            let indices = Array(order[(b * configuration.batchSize)..<min(order.count, (b + 1) * configuration.batchSize)])
            let results = Self.evaluate(
                network: network, inputs: indices.map { train[$0] }, loss: configuration.loss, gradients: true, threads: configuration.threads,
                backend: backend)
            var batchGradient = network.projections.map { Array(repeating: 0.0, count: $0.synapseCount) }
            let scale = 1 / Double(indices.count)
            for (i, result) in results.enumerated() {
                lossSum += result.loss
                if result.prediction == train[indices[i]].label { correct += 1 }
                events += result.events
                guarded += result.tangentGuarded
                if let c = result.costs { costs?.add(c) }
                for p in batchGradient.indices {
                    let g = result.gradients![p]
                    for s in batchGradient[p].indices { batchGradient[p][s] += scale * g[s] }
                }
            }
            var weights = network.projections.map(\.weights)
            optimizer.update(&weights, gradient: batchGradient, rate: learningRate)
            for p in weights.indices { network.projections[p].weights = weights[p] }
            if case .chip(let mapping) = backend, costs?.updateEnergy != nil {
                // The update phase: every synapse updated once on its core.
                let operation: ChipOperation
                switch configuration.optimizer {
                case .sgd: operation = .weightUpdateSGD
                case .momentum: operation = .weightUpdateSGDMomentum
                case .adam: operation = .weightUpdateAdam
                }
                if let joules = mapping.chip.costs[operation].energy {
                    costs!.updateEnergy! += Double(network.synapseCount) * joules
                } else {
                    costs!.updateEnergy = nil
                    costs!.unpriced[operation.description, default: 0] += UInt64(network.synapseCount)
                }
            }
            let seen = Double(min(order.count, (b + 1) * configuration.batchSize))
            progress(Progress(batch: b + 1, batches: batches, loss: lossSum / seen, accuracy: Double(correct) / seen, synapticEvents: events))
        }
        costs?.divide(by: Double(order.count))
        let report = EpochReport(
            epoch: epoch + 1, trainLoss: lossSum / Double(order.count), trainAccuracy: Double(correct) / Double(order.count),
            testAccuracy: accuracy(on: test), learningRate: learningRate, synapticEvents: events, tangentGuarded: guarded, chip: costs)
        epoch += 1
        learningRate *= configuration.learningRateDecay
        return report
    }

    /// The fraction of `inputs` classified correctly by the current weights.
    public func accuracy(on inputs: [InputSpikes]) -> Double {
        guard !inputs.isEmpty else { return 0 }
        let results = Self.evaluate(
            network: network, inputs: inputs, loss: configuration.loss, gradients: false, threads: configuration.threads, backend: backend)
        return Double(zip(results, inputs).filter { $0.0.prediction == $0.1.label }.count) / Double(inputs.count)
    }

    /// One sample's outcome.
    struct SampleResult: Sendable {
        var loss: Double
        var prediction: Int?
        var gradients: [[Double]]?
        var events: Int
        var tangentGuarded: Int
        var costs: ChipTrainingCosts? = nil
    }

    /// Forward (and backward) passes of `inputs` on `threads` threads, results in input order.
    static func evaluate(network: Network, inputs: [InputSpikes], loss: Loss, gradients: Bool, threads: Int, backend: TrainingBackend) -> [SampleResult] {
        let workers = max(1, min(threads, inputs.count))
        let results = UnsafeMutableBufferPointer<SampleResult>.allocate(capacity: inputs.count)
        defer { results.deallocate() }
        nonisolated(unsafe) let output = results
        let work: @Sendable (Int) -> Void = { worker in
            switch backend {
            case .reference:
                var simulator = ReferenceSimulator(network: network)
                for i in stride(from: worker, to: inputs.count, by: workers) {
                    let input = inputs[i]
                    let evaluation: LossEvaluation
                    if gradients {
                        evaluation = simulator.gradient(input: input, loss: loss)
                    } else {
                        simulator.forward(input)
                        evaluation = simulator.evaluate(loss, label: input.label)
                    }
                    (output.baseAddress! + i).initialize(
                        to: SampleResult(
                            loss: evaluation.value, prediction: evaluation.prediction,
                            gradients: gradients ? simulator.gradients.weights : nil, events: simulator.forwardSynapticEvents,
                            tangentGuarded: gradients ? simulator.tangentGuardCount : 0))
                }
            case .chip(let mapping):
                // Validated when the trainer was made.
                var emulator = try! Emulator(network: network, mapping: mapping)
                let outputs = network.firstNeuron(of: network.output)..<(network.firstNeuron(of: network.output) + network.populations[network.output.rawValue].size)
                for i in stride(from: worker, to: inputs.count, by: workers) {
                    let input = inputs[i]
                    let forward: EmulationResult
                    do throws(EmulatorError) { forward = try emulator.run(input, spikeTrains: false) } catch { fatalError("emulation failed: \(error.message)") }
                    var costs = ChipTrainingCosts()
                    let forwardEnergy = forward.energy(phase: .forward)
                    costs.forwardEnergy = forwardEnergy.total
                    costs.forwardLatency = Double(forward.latency) * 1e-12
                    let messages = forward.messages(phase: .forward)
                    costs.forwardMessages = Double(messages.spikePackets + messages.sync)
                    costs.unpriced = forwardEnergy.unpriced
                    let events = Int(forward.counters.cores[Phase.forward.rawValue].reduce(0) { $0 + $1.synapticOps })
                    guard gradients else {
                        let evaluation = loss.evaluate(spikes: emulator.spikes, outputs: outputs, duration: network.duration, label: input.label)
                        (output.baseAddress! + i).initialize(
                            to: SampleResult(loss: evaluation.value, prediction: evaluation.prediction, gradients: nil, events: events, tangentGuarded: 0, costs: costs))
                        continue
                    }
                    let backward: BackwardResult
                    do throws(EmulatorError) { backward = try emulator.backward(loss: loss, label: input.label) } catch { fatalError("backward pass failed: \(error.message)") }
                    var both = forward
                    both.counters = backward.counters
                    both.latency = backward.latency
                    let backwardEnergy = both.energy(phase: .backward)
                    costs.backwardEnergy = backwardEnergy.total
                    costs.backwardLatency = Double(backward.latency) * 1e-12
                    let backwardMessages = both.messages(phase: .backward)
                    costs.backwardMessages = Double(backwardMessages.spikePackets + backwardMessages.sync + backward.counters.lossMessages[Phase.backward.rawValue])
                    for (name, count) in backwardEnergy.unpriced { costs.unpriced[name, default: 0] += count }
                    (output.baseAddress! + i).initialize(
                        to: SampleResult(
                            loss: backward.loss.value, prediction: backward.loss.prediction, gradients: backward.gradients.weights, events: events,
                            tangentGuarded: backward.tangentGuarded, costs: costs))
                }
            }
        }
        if workers == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: work)
        }
        let array = Array(results)
        results.baseAddress!.deinitialize(count: inputs.count)
        return array
    }
}

extension ChipTrainingCosts {
    /// Adds one sample's costs (the update energy is added per batch by the trainer).
    mutating func add(_ c: ChipTrainingCosts) {
        forwardEnergy += c.forwardEnergy
        backwardEnergy += c.backwardEnergy
        forwardLatency += c.forwardLatency
        backwardLatency += c.backwardLatency
        forwardMessages += c.forwardMessages
        backwardMessages += c.backwardMessages
        for (name, count) in c.unpriced { unpriced[name, default: 0] += count }
    }

    /// Turns sums over `samples` samples into per-sample means.
    mutating func divide(by samples: Double) {
        forwardEnergy /= samples
        backwardEnergy /= samples
        updateEnergy = updateEnergy.map { $0 / samples }
        forwardLatency /= samples
        backwardLatency /= samples
        forwardMessages /= samples
        backwardMessages /= samples
    }
}
