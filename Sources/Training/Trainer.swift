// Trainer: minibatch EventProp training with deterministic reduction over host threads.

import ChipDescription
import ChipEmulator
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
    /// Forward-pass energy per sample, in joules (priced operations only; see ``unpriced``).
    public var forwardEnergy = 0.0
    /// Backward-pass energy per sample, in joules (priced operations only).
    public var backwardEnergy = 0.0
    /// The update phase's energy per sample: every synapse updated once per batch, divided by the
    /// batch size (`nil` when the chip file gives no energy for the optimizer's weight update).
    public var updateEnergy: Double? = 0
    /// Hardware time of the forward pass per sample, in seconds.
    public var forwardLatency = 0.0
    /// Hardware time of the backward pass per sample, in seconds.
    public var backwardLatency = 0.0
    /// Forward messages per sample: spike packets and synchronisation messages (or barriers).
    public var forwardMessages = 0.0
    /// Backward messages per sample: error packets, synchronisation messages (or barriers) and
    /// the loss reduction's messages between output cores.
    public var backwardMessages = 0.0
    /// Operations the chip file cannot price (no energy), summed over the epoch: name → count.
    public var unpriced: [String: UInt64] = [:]
    /// Spike-log entries the cores could not keep, summed over the epoch (the chip file's
    /// `spike_log_overflow` is `"count"`): when non-zero, the gradients were not exact.
    public var spikeLogDropped: UInt64 = 0
    /// Packet destinations lost to full buffers (a lossy queue policy), forward and backward,
    /// summed over the epoch: when non-zero, the chip's spikes and gradients were not the
    /// reference's.
    public var packetsDropped: UInt64 = 0

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
    /// Mean training loss over the epoch's samples (before each batch's update), leaving out
    /// the ``silentLabelSamples`` as the paper's code does (NaN if there are no others).
    public var trainLoss: Double
    /// Training samples whose label neuron did not spike (time-to-first-spike loss): they give
    /// no gradient and count as errors; their loss value is only a stand-in
    /// (``LossEvaluation/labelSilent``).
    public var silentLabelSamples = 0
    /// Fraction of training samples classified correctly during the epoch.
    public var trainAccuracy: Double
    /// How the test samples were classified after the epoch.
    public var test: Classification
    /// Fraction of test samples classified correctly after the epoch.
    public var testAccuracy: Double { test.accuracy }
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

    /// - Throws: ``EmulatorError`` if the network has a problem (the first of
    ///   ``Network/problems()``), the chip backend cannot emulate the network, or the run
    ///   cannot start: no training samples, a batch size or thread count below 1, or a sample
    ///   (training or test) that does not fit the network or the configuration's loss (its spike
    ///   trains, ``Network/problem(with:)``; its label, ``Network/problem(with:label:)``). The
    ///   message names the first such sample.
    public init(
        network: Network, train: [InputSpikes], test: [InputSpikes], configuration: TrainingConfiguration, backend: TrainingBackend = .reference
    ) throws(EmulatorError) {
        if let problem = network.firstProblem { throw EmulatorError(problem) }
        guard !train.isEmpty else { throw EmulatorError("training needs at least one training sample") }
        guard configuration.batchSize > 0 else { throw EmulatorError("the batch size must be at least 1, not \(configuration.batchSize)") }
        guard configuration.threads > 0 else { throw EmulatorError("training needs at least 1 thread, not \(configuration.threads)") }
        for (split, samples) in [("training", train), ("test", test)] {
            for (i, sample) in samples.enumerated() {
                if let problem = network.problem(with: sample) ?? network.problem(with: configuration.loss, label: sample.label) {
                    throw EmulatorError("\(split) sample \(i): \(problem)")
                }
            }
        }
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
    ///
    /// - Precondition: `network` has the trainer's projection shapes and `optimizer` has
    ///   state for those shapes (as ``Checkpoint/load(_:optimizer:)`` and
    ///   ``Checkpoint/networkMismatch(_:)`` ensure).
    public mutating func restore(network: Network, optimizer: Optimizer, epoch: Int, learningRate: Double) {
        let shapes = self.network.projections.map(\.synapseCount)
        precondition(network.projections.map(\.synapseCount) == shapes, "the network must keep its projection shapes")
        precondition(
            [optimizer.first, optimizer.second].allSatisfy { state in state.count == shapes.count && zip(state, shapes).allSatisfy { $0.isEmpty || $0.count == $1 } },
            "the optimizer's state must have the network's projection shapes")
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
        /// Mean loss (over the samples whose label neuron spiked, as ``EpochReport/trainLoss``)
        /// and accuracy over the epoch's samples so far.
        public var loss: Double
        public var accuracy: Double
        /// Forward synaptic events so far in the epoch.
        public var synapticEvents: Int
    }

    /// Runs one epoch; `progress` is called after each batch.
    ///
    /// - Throws: ``EmulatorError`` when the chip cannot emulate a sample (the epoch is abandoned,
    ///   the weights keep their last update), or before starting if the network has a problem
    ///   (the first of ``Network/problems()``: say, training made a weight non-finite, or
    ///   ``restore(network:optimizer:epoch:learningRate:)`` gave a network with one).
    public mutating func runEpoch(progress: (Progress) -> Void = { _ in }) throws(EmulatorError) -> EpochReport {
        if let problem = network.firstProblem { throw EmulatorError("epoch \(epoch + 1) cannot start: \(problem)") }
        let order = order(epoch: epoch)
        let batchSize = configuration.batchSize
        let batches = (order.count + batchSize - 1) / batchSize
        var lossSum = 0.0
        var silent = 0
        var correct = 0
        var events = 0
        var guarded = 0
        var costs: ChipTrainingCosts? = nil
        if case .chip = backend { costs = ChipTrainingCosts() }
        // The samples' unpriced operations, named once at the end of the epoch.
        var unpriced = UnpricedCounts()
        let workers = SampleWorkers(network: network, backend: backend, threads: configuration.threads)
        let length = workers.gradientLength
        let rows = UnsafeMutableBufferPointer<Double>.allocate(capacity: batchSize * length)
        defer { rows.deallocate() }
        let batchGradient = UnsafeMutableBufferPointer<Double>.allocate(capacity: length)
        defer { batchGradient.deallocate() }
        for b in 0..<batches {
            let indices = order[(b * batchSize)..<min(order.count, (b + 1) * batchSize)]
            workers.setWeights(network.projections.map(\.weights))
            let results = try workers.evaluate(indices.map { train[$0] }, loss: configuration.loss, gradients: rows)
            // The batch gradient: the per-sample gradients' mean, summed in sample order.
            batchGradient.update(repeating: 0)
            let scale = 1 / Double(indices.count)
            for (i, result) in results.enumerated() {
                if result.labelSilent { silent += 1 } else { lossSum += result.loss }
                if result.prediction == train[indices[indices.startIndex + i]].label { correct += 1 }
                events += result.events
                guarded += result.tangentGuarded
                if let c = result.costs {
                    costs?.add(c)
                    unpriced.add(c.unpriced)
                }
                let row = rows.baseAddress! + i * length
                for s in 0..<length { batchGradient[s] += scale * row[s] }
            }
            var weights = network.projections.map(\.weights)
            let gradient = workers.gradientOffsets.indices.map { p in
                Array(batchGradient[workers.gradientOffsets[p]..<(workers.gradientOffsets[p] + weights[p].count)])
            }
            optimizer.update(&weights, gradient: gradient, rate: learningRate)
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
            let seen = Double(min(order.count, (b + 1) * batchSize))
            progress(Progress(batch: b + 1, batches: batches, loss: lossSum / (seen - Double(silent)), accuracy: Double(correct) / seen, synapticEvents: events))
        }
        for (name, count) in unpriced.dictionary { costs?.unpriced[name, default: 0] += count }
        costs?.divide(by: Double(order.count))
        workers.setWeights(network.projections.map(\.weights))
        let report = EpochReport(
            epoch: epoch + 1, trainLoss: lossSum / Double(order.count - silent), silentLabelSamples: silent, trainAccuracy: Double(correct) / Double(order.count),
            test: try classify(test, workers: workers), learningRate: learningRate, synapticEvents: events, tangentGuarded: guarded,
            chip: costs)
        epoch += 1
        learningRate *= configuration.learningRateDecay
        return report
    }

    /// The fraction of `inputs` classified correctly by the current weights.
    public func accuracy(on inputs: [InputSpikes]) throws(EmulatorError) -> Double {
        try classify(inputs).accuracy
    }

    /// How the current weights classify `inputs`.
    ///
    /// - Throws: ``EmulatorError`` if the network has a problem (the first of
    ///   ``Network/problems()``), for a sample that does not fit the network or the loss (as
    ///   ``init(network:train:test:configuration:backend:)``), or that cannot be simulated.
    public func classify(_ inputs: [InputSpikes]) throws(EmulatorError) -> Classification {
        guard !inputs.isEmpty else { return Classification() }
        if let problem = network.firstProblem { throw EmulatorError(problem) }
        for (i, sample) in inputs.enumerated() {
            if let problem = network.problem(with: sample) ?? network.problem(with: configuration.loss, label: sample.label) {
                throw EmulatorError("sample \(i): \(problem)")
            }
        }
        return try classify(inputs, workers: SampleWorkers(network: network, backend: backend, threads: configuration.threads))
    }

    /// How `workers`, which hold the current weights, classify `inputs`.
    private func classify(_ inputs: [InputSpikes], workers: borrowing SampleWorkers) throws(EmulatorError) -> Classification {
        var result = Classification()
        guard !inputs.isEmpty else { return result }
        for (sample, input) in zip(try workers.evaluate(inputs, loss: configuration.loss, gradients: nil), inputs) {
            result.add(prediction: sample.prediction, label: input.label)
        }
        return result
    }
}

extension ChipTrainingCosts {
    /// Adds one sample's costs but its unpriced operations (the trainer counts those apart, and
    /// adds the update energy per batch).
    mutating func add(_ c: SampleCosts) {
        forwardEnergy += c.forwardEnergy
        backwardEnergy += c.backwardEnergy
        forwardLatency += c.forwardLatency
        backwardLatency += c.backwardLatency
        forwardMessages += c.forwardMessages
        backwardMessages += c.backwardMessages
        spikeLogDropped += c.spikeLogDropped
        packetsDropped += c.packetsDropped
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
