import SpikingModel
import Testing

/// The synaptic-event count the benchmarks report (one spike reaching one target neuron).
@Suite("Synaptic event counts")
struct SynapticEventCountTests {
    /// 2 inputs → 3 LIF → 2 LIF with zero hidden weights: only input spikes reach synapses.
    @Test func inputSpikesReachEveryTarget() {
        let network = Network(
            populations: [
                Population(name: "input", kind: .input, size: 2),
                Population(name: "hidden", kind: .lif, size: 3),
                Population(name: "output", kind: .lif, size: 2),
            ],
            projections: [
                Projection(source: PopulationID(0), target: PopulationID(1), sourceSize: 2, targetSize: 3,
                           weights: [0.5, 0.2, 0.1, 0.3, 0.4, 0.6]),
                Projection(source: PopulationID(1), target: PopulationID(2), sourceSize: 3, targetSize: 2,
                           weights: Array(repeating: 1, count: 6)),
            ],
            duration: 10e-3)
        var sim = ReferenceSimulator(network: network)
        // The spike at 0.2 s lies after T and is dropped.
        sim.forward(InputSpikes(times: [[0, 1e-3], [2e-3, 0.2]], label: 0))
        #expect(sim.spikesPerPopulation() == [3, 0, 0])
        #expect(sim.forwardSynapticEvents == 3 * 3)
    }

    /// Delayed arrivals later than T are not synaptic events.
    @Test func delayedArrivalsAfterTheEndAreNotCounted() {
        let network = Network(
            populations: [Population(name: "input", kind: .input, size: 1), Population(name: "out", kind: .lif, size: 4)],
            projections: [
                Projection(source: PopulationID(0), target: PopulationID(1), sourceSize: 1, targetSize: 4,
                           weights: [0.1, 0.1, 0.1, 0.1], delays: [1e-3, 2e-3, 3e-3, 4e-3]),
            ],
            duration: 10e-3)
        var sim = ReferenceSimulator(network: network)
        sim.forward(InputSpikes(times: [[7.5e-3]]))  // arrivals at 8.5, 9.5 ms; 10.5, 11.5 ms dropped
        #expect(sim.forwardSynapticEvents == 2)
    }

    /// On random networks without delays the count equals Σ over spikes of the spike's fan-out.
    @Test(arguments: [NeuronKind.lif, .li])
    func equalsSpikesTimesFanOut(output: NeuronKind) {
        for seed in UInt64(1)...3 {
            let (network, input) = TestNetworks.make(.feedForward, output: output, seed: seed)
            var sim = ReferenceSimulator(network: network)
            sim.forward(input)
            let spikes = sim.spikesPerPopulation()
            #expect(spikes == network.populations.indices.map { p in
                let first = network.firstNeuron(of: PopulationID(p))
                return sim.spikeCounts()[first..<(first + network.populations[p].size)].reduce(0, +)
            })
            var expected = 0
            for projection in network.projections { expected += spikes[projection.source.rawValue] * projection.targetSize }
            #expect(expected > 0)
            #expect(sim.forwardSynapticEvents == expected)
        }
    }
}
