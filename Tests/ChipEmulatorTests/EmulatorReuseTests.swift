import ChipDescription
import Testing

@testable import ChipEmulator
@testable import SpikingModel

@Suite("Emulator reuse")
struct EmulatorReuseTests {
    /// One emulator runs many samples (training hands samples to whichever thread is free), so a
    /// sample's result must not depend on what ran before: an emulator that has already run other
    /// samples, forward and backward, gives exactly the spikes, counters, latency and gradients of
    /// a fresh one — in both synchronisation modes.
    @Test(arguments: SyncMode.allCases)
    func aReusedEmulatorGivesAFreshOnesResults(sync: SyncMode) throws {
        let chip = variant(loadChip("loihi.json"), multicast: .inNetwork, sync: sync)
        let (network, base) = activeNetwork(seed: 3, window: chip.time.window, recurrent: true)
        // Different inputs for the same network: the base input with jittered spike times.
        var inputs: [InputSpikes] = []
        var rng = SpikingModel.SplitMix64(seed: 99)
        for k in 0..<4 {
            var input = base
            if k > 0 {
                input.times = input.times.map { train in train.map { max(0, $0 + (rng.uniform() - 0.5) * 4e-3) }.sorted() }
            }
            inputs.append(input)
        }
        let mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .spread)
        var reused = try Emulator(network: network, mapping: mapping)
        // Kept while the emulator runs the other samples: its gradients must stay the first
        // sample's (the emulator reuses its gradient arrays when nothing else holds them).
        var firstBackward: BackwardResult? = nil
        for (k, input) in inputs.enumerated() {
            let forward = try reused.run(input)
            let backward = try reused.backward(loss: .spikeTimeSum, label: input.label)
            if k == 0 { firstBackward = backward }
            var fresh = try Emulator(network: network, mapping: mapping)
            let freshForward = try fresh.run(input)
            let freshBackward = try fresh.backward(loss: .spikeTimeSum, label: input.label)
            // (Compared first, so that a failure names what differs instead of dumping it.)
            let same = (
                spikes: forward.spikes == freshForward.spikes, forwardCounters: forward.counters == freshForward.counters,
                forwardLatency: forward.latency == freshForward.latency, backwardCounters: backward.counters == freshBackward.counters,
                backwardLatency: backward.latency == freshBackward.latency, gradients: backward.gradients == freshBackward.gradients)
            #expect(same.spikes, "sample \(k): spikes differ")
            #expect(same.forwardCounters, "sample \(k): forward counters differ")
            #expect(same.forwardLatency, "sample \(k): forward latency differs")
            #expect(same.backwardCounters, "sample \(k): backward counters differ")
            #expect(same.backwardLatency, "sample \(k): backward latency differs")
            #expect(same.gradients, "sample \(k): gradients differ")
            #expect(backward.counters.cores[Phase.forward.rawValue].contains { $0.synapticOps > 0 })
        }
        var fresh = try Emulator(network: network, mapping: mapping)
        _ = try fresh.run(inputs[0])
        let expected = try fresh.backward(loss: .spikeTimeSum, label: inputs[0].label).gradients
        #expect(firstBackward?.gradients == expected, "the first sample's kept gradients changed")
        #expect(expected.weights.contains { $0.contains { $0 != 0 } })
    }
}
