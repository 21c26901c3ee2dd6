import Testing

@testable import SpikingModel

@Suite("Network checks on inputs and losses")
struct NetworkChecksTests {
    /// 2 inputs → 3 LIF outputs.
    static let network = NetworkBuilder.layered(
        sizes: [2, 3], output: .lif, inits: [WeightInit(mean: 1, std: 0.1)], duration: 0.05, seed: 1)

    @Test func anInputMustHaveOneFiniteNonNegativeTrainPerInputNeuron() {
        let network = Self.network
        #expect(network.problem(with: InputSpikes(times: [[0.001], [0, 0.06]])) == nil)  // after T: dropped, allowed
        #expect(network.problem(with: InputSpikes(times: [[0.001]]))?.contains("1 spike trains, but the network has 2 input neurons") == true)
        #expect(network.problem(with: InputSpikes(times: [[0.001], [-1e-3]]))?.contains("-0.001 s of input neuron 1") == true)
        #expect(network.problem(with: InputSpikes(times: [[.nan], []]))?.contains("nan s of input neuron 0") == true)
        #expect(network.problem(with: InputSpikes(times: [[.infinity], []])) != nil)
    }

    @Test func aLossMustFitTheOutputKindAndItsLabelMustNameAnOutputNeuron() {
        let network = Self.network
        #expect(network.problem(with: .timeToFirstSpike(), label: 2) == nil)
        #expect(network.problem(with: .spikeTimeSum, label: nil) == nil)
        #expect(network.problem(with: .timeToFirstSpike(), label: nil)?.contains("needs the sample's label") == true)
        #expect(network.problem(with: .timeToFirstSpike(), label: 3)?.contains("label 3 does not name an output neuron") == true)
        #expect(network.problem(with: .timeToFirstSpike(), label: -1) != nil)
        #expect(network.problem(with: .maxVoltage, label: 0)?.contains("needs readout (li) outputs") == true)
        var bad = network
        bad.output = PopulationID(7)
        #expect(bad.problem(with: .spikeTimeSum, label: nil)?.contains("not one of the network's 2 populations") == true)
    }
}
