import Testing

@testable import SpikingModel

/// One input driving one LIF neuron with a zero-delay excitatory autapse: once it fires it fires
/// again at once, ever faster — runaway activity that must stop at the event limit, not fill
/// the memory.
func runawayNetwork(autapse: Double) -> (Network, InputSpikes) {
    let populations = [Population(name: "in", kind: .input, size: 1), Population(name: "h", kind: .lif, size: 1)]
    let projections = [
        Projection(source: PopulationID(0), target: PopulationID(1), sourceSize: 1, targetSize: 1, weights: [10]),
        Projection(source: PopulationID(1), target: PopulationID(1), sourceSize: 1, targetSize: 1, weights: [autapse]),
    ]
    return (Network(populations: populations, projections: projections, duration: 0.05), InputSpikes(times: [[0.001]]))
}

@Suite("Model-time event limit")
struct EventLimitTests {
    @Test func aRunawayForwardPassStopsAtTheLimit() {
        let (network, input) = runawayNetwork(autapse: 20)
        var simulator = ReferenceSimulator(network: network)
        simulator.eventLimit = 10_000
        simulator.forward(input)
        #expect(simulator.eventLimitReached)
        // It stops at the first event that reaches the limit (a spike adds a record and a log entry).
        #expect((10_000...10_002).contains(simulator.spikes.count + simulator.log.count))
        // The truncated pass can still be replayed backwards without trapping.
        _ = simulator.backward(loss: .spikeTimeSum, label: nil)
        #expect(runawayMessage(limit: 10_000, spikes: simulator.spikes).contains("10000 model-time events"))
    }

    @Test func theFlagIsClearedByTheNextPass() {
        let (network, input) = runawayNetwork(autapse: 20)
        var simulator = ReferenceSimulator(network: network)
        simulator.eventLimit = 100
        simulator.forward(input)
        #expect(simulator.eventLimitReached)
        simulator.setWeights([[10], [0.1]])
        simulator.forward(input)
        #expect(!simulator.eventLimitReached)
        #expect(simulator.spikes.count >= 2)  // the input spike and at least one of the neuron's
    }
}
