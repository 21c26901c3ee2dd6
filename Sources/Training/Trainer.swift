// Trainer: minibatch EventProp training with deterministic reduction over host threads.

import Dispatch
import SpikingModel

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

    public init(network: Network, train: [InputSpikes], test: [InputSpikes], configuration: TrainingConfiguration) {
        precondition(!train.isEmpty && configuration.batchSize > 0 && configuration.threads > 0)
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

    /// Runs one epoch; `progress(batch, batches, meanLoss)` is called after each batch.
    public mutating func runEpoch(progress: (Int, Int, Double) -> Void = { _, _, _ in }) -> EpochReport {
        let order = order(epoch: epoch)
        let batches = (order.count + configuration.batchSize - 1) / configuration.batchSize
        var lossSum = 0.0
        var correct = 0
        var events = 0
        var guarded = 0
        for b in 0..<batches {
            let indices = Array(order[(b * configuration.batchSize)..<min(order.count, (b + 1) * configuration.batchSize)])
            let results = Self.evaluate(network: network, inputs: indices.map { train[$0] }, loss: configuration.loss, gradients: true, threads: configuration.threads)
            var batchGradient = network.projections.map { Array(repeating: 0.0, count: $0.synapseCount) }
            let scale = 1 / Double(indices.count)
            for (i, result) in results.enumerated() {
                lossSum += result.loss
                if result.prediction == train[indices[i]].label { correct += 1 }
                events += result.events
                guarded += result.tangentGuarded
                for p in batchGradient.indices {
                    let g = result.gradients![p]
                    for s in batchGradient[p].indices { batchGradient[p][s] += scale * g[s] }
                }
            }
            var weights = network.projections.map(\.weights)
            optimizer.update(&weights, gradient: batchGradient, rate: learningRate)
            for p in weights.indices { network.projections[p].weights = weights[p] }
            progress(b + 1, batches, lossSum / Double(min(order.count, (b + 1) * configuration.batchSize)))
        }
        let report = EpochReport(
            epoch: epoch + 1, trainLoss: lossSum / Double(order.count), trainAccuracy: Double(correct) / Double(order.count),
            testAccuracy: accuracy(on: test), learningRate: learningRate, synapticEvents: events, tangentGuarded: guarded)
        epoch += 1
        learningRate *= configuration.learningRateDecay
        return report
    }

    /// The fraction of `inputs` classified correctly by the current weights.
    public func accuracy(on inputs: [InputSpikes]) -> Double {
        guard !inputs.isEmpty else { return 0 }
        let results = Self.evaluate(network: network, inputs: inputs, loss: configuration.loss, gradients: false, threads: configuration.threads)
        return Double(zip(results, inputs).filter { $0.0.prediction == $0.1.label }.count) / Double(inputs.count)
    }

    /// One sample's outcome.
    struct SampleResult: Sendable {
        var loss: Double
        var prediction: Int?
        var gradients: [[Double]]?
        var events: Int
        var tangentGuarded: Int
    }

    /// Forward (and backward) passes of `inputs` on `threads` threads, results in input order.
    static func evaluate(network: Network, inputs: [InputSpikes], loss: Loss, gradients: Bool, threads: Int) -> [SampleResult] {
        let workers = max(1, min(threads, inputs.count))
        let results = UnsafeMutableBufferPointer<SampleResult>.allocate(capacity: inputs.count)
        defer { results.deallocate() }
        nonisolated(unsafe) let output = results
        let work: @Sendable (Int) -> Void = { worker in
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
