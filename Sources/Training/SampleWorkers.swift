// SampleWorkers: the host threads' simulators, kept for a whole run, and the parallel sample loop.

import ChipEmulator
import Dispatch
import SpikingModel
import Synchronization

/// One sample's outcome. Its gradient, when asked for, is written to the caller's gradient rows.
struct SampleResult: Sendable {
    var loss: Double
    /// The loss's label neuron stayed silent (``LossEvaluation/labelSilent``).
    var labelSilent = false
    var prediction: Int?
    var events: Int
    var tangentGuarded: Int
    /// On the chip, when the sample was trained on (not only classified): what it cost.
    var costs: SampleCosts? = nil
    /// Why the sample could not be simulated (runaway activity) or emulated (for instance, a
    /// core's spike log overflowed under the `error` policy); the other fields are then meaningless.
    var failure: EmulatorError? = nil

    /// A sample that could not be simulated or emulated.
    static func failed(_ error: EmulatorError) -> SampleResult {
        SampleResult(loss: .nan, prediction: nil, events: 0, tangentGuarded: 0, failure: error)
    }
}

/// One training sample's costs on the chip; ``ChipTrainingCosts`` adds them up over an epoch.
struct SampleCosts: Sendable {
    var forwardEnergy = 0.0
    var backwardEnergy = 0.0
    var forwardLatency = 0.0
    var backwardLatency = 0.0
    var forwardMessages = 0.0
    var backwardMessages = 0.0
    /// Forward and backward.
    var unpriced = UnpricedCounts()
    var spikeLogDropped: UInt64 = 0
    /// Forward and backward.
    var packetsDropped: UInt64 = 0
}

/// One simulator per host thread — the reference or an emulator of the backend's mapping — made
/// once and given the new weights before each batch, so a batch costs no set-up.
///
/// ``evaluate(_:loss:gradients:)`` hands samples to the threads dynamically (the next free thread
/// takes the next sample). That is deterministic because a sample's result does not depend on
/// what its simulator ran before: every simulator resets all of its per-sample state, and each
/// result lands in the sample's own slot, to be reduced in sample order by the caller.
struct SampleWorkers: ~Copyable {
    let count: Int
    /// Exactly one of the two is allocated, with `count` simulators.
    private let references: UnsafeMutableBufferPointer<ReferenceSimulator>?
    private let emulators: UnsafeMutableBufferPointer<Emulator>?
    /// Where each projection's gradient starts in a sample's gradient row.
    let gradientOffsets: [Int]
    /// Length of one sample's gradient row: all synapses, projection by projection.
    let gradientLength: Int

    /// - Parameter eventLimit: the reference simulators' ``ReferenceSimulator/eventLimit`` (tests
    ///   lower it to make runaway samples fail fast).
    /// - Precondition: the chip backend's mapping can be emulated (the trainer checked it).
    init(network: Network, backend: TrainingBackend, threads: Int, eventLimit: Int = ReferenceSimulator.defaultEventLimit) {
        count = max(1, threads)
        switch backend {
        case .reference:
            let buffer = UnsafeMutableBufferPointer<ReferenceSimulator>.allocate(capacity: count)
            _ = buffer.initialize(from: (0..<count).map { _ in
                var simulator = ReferenceSimulator(network: network)
                simulator.eventLimit = eventLimit
                return simulator
            })
            references = buffer
            emulators = nil
        case .chip(let mapping):
            let made = (0..<count).map { _ in try! Emulator(network: network, mapping: mapping) }
            let buffer = UnsafeMutableBufferPointer<Emulator>.allocate(capacity: count)
            _ = buffer.initialize(from: made)
            references = nil
            emulators = buffer
        }
        var offsets: [Int] = []
        var length = 0
        for projection in network.projections {
            offsets.append(length)
            length += projection.synapseCount
        }
        gradientOffsets = offsets
        gradientLength = length
        // Weight arrays of each simulator's own (see `Network.copyWeights(from:)`).
        setWeights(network.projections.map(\.weights))
    }

    deinit {
        if let references {
            references.deinitialize()
            references.deallocate()
        }
        if let emulators {
            emulators.deinitialize()
            emulators.deallocate()
        }
    }

    /// Gives every simulator the weights (same shapes as the network's projections).
    func setWeights(_ weights: [[Double]]) {
        if let references { for w in 0..<count { references[w].setWeights(weights) } }
        if let emulators { for w in 0..<count { emulators[w].setWeights(weights) } }
    }

    /// Forward (and, with `gradients`, backward) passes of `inputs`, results in input order.
    ///
    /// - Parameter gradients: room for `inputs.count` gradient rows of ``gradientLength``; sample
    ///   `i`'s `∂L/∂w` is written to row `i`. `nil`: forward passes only.
    /// After a sample fails, the samples after it are skipped (a runaway sample may take a second
    /// to reach the event limit, and with weights that make one run away every later one may do so
    /// too: a batch of them took minutes to fail); every sample before the earliest failure is
    /// still run, so which failure is reported does not depend on the threads.
    ///
    /// - Throws: the failure of the first sample (in input order) that could not be simulated or
    ///   emulated.
    func evaluate(_ inputs: [InputSpikes], loss: Loss, gradients: UnsafeMutableBufferPointer<Double>?) throws(EmulatorError) -> [SampleResult] {
        precondition(gradients.map { $0.count >= inputs.count * gradientLength } ?? true)
        let results = UnsafeMutableBufferPointer<SampleResult>.allocate(capacity: inputs.count)
        defer { results.deallocate() }
        let next = Atomic<Int>(0)
        // The earliest failed sample so far (`Int.max`: none); it only decreases.
        let earliestFailure = Atomic<Int>(.max)
        let workers = min(count, inputs.count)
        nonisolated(unsafe) let references = references
        nonisolated(unsafe) let emulators = emulators
        nonisolated(unsafe) let rows = gradients
        nonisolated(unsafe) let output = results
        let offsets = gradientOffsets
        let length = gradientLength
        // One iteration per thread (with one, dispatch runs it on the calling thread).
        DispatchQueue.concurrentPerform(iterations: max(1, workers)) { worker in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < inputs.count else { return }
                let row = rows.map { UnsafeMutableBufferPointer(rebasing: $0[(i * length)..<((i + 1) * length)]) }
                let result: SampleResult
                if i > earliestFailure.load(ordering: .relaxed) {
                    // Skipped: an earlier sample failed, and its failure is the one thrown.
                    result = .failed(EmulatorError("skipped after the failure of sample \(earliestFailure.load(ordering: .relaxed))"))
                } else if let references {
                    result = Self.reference(&references[worker], inputs[i], loss: loss, gradient: row, offsets: offsets)
                } else {
                    result = Self.chip(&emulators![worker], inputs[i], loss: loss, gradient: row, offsets: offsets)
                }
                if result.failure != nil { earliestFailure.min(i, ordering: .relaxed) }
                (output.baseAddress! + i).initialize(to: result)
            }
        }
        let array = Array(results)
        results.baseAddress!.deinitialize(count: inputs.count)
        if let i = array.firstIndex(where: { $0.failure != nil }) {
            throw EmulatorError("sample \(i) of the batch could not be simulated: \(array[i].failure!.message)")
        }
        return array
    }

    /// Copies per-projection gradients into a sample's flat row.
    private static func store(_ weights: [[Double]], in row: UnsafeMutableBufferPointer<Double>, offsets: [Int]) {
        for p in weights.indices {
            weights[p].withUnsafeBufferPointer { g in
                _ = UnsafeMutableBufferPointer(rebasing: row[offsets[p]..<(offsets[p] + g.count)]).initialize(fromContentsOf: g)
            }
        }
    }

    private static func reference(
        _ simulator: inout ReferenceSimulator, _ input: InputSpikes, loss: Loss, gradient row: UnsafeMutableBufferPointer<Double>?, offsets: [Int]
    ) -> SampleResult {
        let evaluation: LossEvaluation
        if let row {
            evaluation = simulator.gradient(input: input, loss: loss)
            store(simulator.gradients.weights, in: row, offsets: offsets)
        } else {
            simulator.forward(input)
            evaluation = simulator.evaluate(loss, label: input.label)
        }
        if simulator.eventLimitReached {
            return .failed(EmulatorError(runawayMessage(limit: simulator.eventLimit, spikes: simulator.spikes)))
        }
        return SampleResult(
            loss: evaluation.value, labelSilent: evaluation.labelSilent, prediction: evaluation.prediction, events: simulator.forwardSynapticEvents,
            tangentGuarded: row == nil ? 0 : simulator.tangentGuardCount)
    }

    private static func chip(
        _ emulator: inout Emulator, _ input: InputSpikes, loss: Loss, gradient row: UnsafeMutableBufferPointer<Double>?, offsets: [Int]
    ) -> SampleResult {
        var forward: EmulationResult
        do throws(EmulatorError) { forward = try emulator.run(input, spikeTrains: false) } catch {
            return .failed(error)
        }
        let events = Int(forward.counters.cores[Phase.forward.rawValue].reduce(0) { $0 + $1.synapticOps })
        guard let row else {
            // Classification only: its costs are not reported.
            let evaluation = emulator.evaluate(loss, label: input.label)
            return SampleResult(
                loss: evaluation.value, labelSilent: evaluation.labelSilent, prediction: evaluation.prediction, events: events, tangentGuarded: 0)
        }
        var costs = SampleCosts()
        let forwardEnergy = forward.energyTotals(phase: .forward)
        costs.forwardEnergy = forwardEnergy.total
        costs.forwardLatency = Double(forward.latency) * 1e-12
        let messages = forward.messages(phase: .forward)
        costs.forwardMessages = Double(messages.spikePackets + messages.sync)
        costs.unpriced = forwardEnergy.unpriced
        // Let go of the forward counters, so the backward pass adds to the emulator's own
        // without copying them first.
        forward.counters = EmulationCounters(cores: 0, routers: 0)
        let backward: BackwardResult
        do throws(EmulatorError) { backward = try emulator.backward(loss: loss, label: input.label) } catch {
            return .failed(error)
        }
        store(backward.gradients.weights, in: row, offsets: offsets)
        let backwardEnergy = backward.energyTotals(after: forward)
        costs.backwardEnergy = backwardEnergy.total
        costs.backwardLatency = Double(backward.latency) * 1e-12
        let backwardMessages = backward.messages(after: forward)
        costs.backwardMessages = Double(backwardMessages.spikePackets + backwardMessages.sync + backward.counters.lossMessages[Phase.backward.rawValue])
        costs.unpriced.add(backwardEnergy.unpriced)
        costs.spikeLogDropped = backward.counters.spikeLogDropped
        costs.packetsDropped = backward.counters.packetsDropped  // forward and backward
        return SampleResult(
            loss: backward.loss.value, labelSilent: backward.loss.labelSilent, prediction: backward.loss.prediction, events: events,
            tangentGuarded: backward.tangentGuarded, costs: costs)
    }
}
