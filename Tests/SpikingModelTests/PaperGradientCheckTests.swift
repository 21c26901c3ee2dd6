import Foundation
import Testing

@testable import SpikingModel

/// The check of the EventProp paper's Fig. 2: 100 Poisson inputs at 200 Hz → 1 LIF → 1 LIF, loss =
/// sum of the output spike times; EventProp and finite differences agree to < 1e-7.
@Suite("Paper gradient check (Wunderlich & Pehle 2021, Fig. 2)")
struct PaperGradientCheckTests {
    static func poissonNetwork(seed: UInt64) -> (Network, InputSpikes)? {
        var rng = SplitMix64(seed: seed)
        let duration = 0.1
        let times = (0..<100).map { _ -> [Double] in
            var t = 0.0
            var train: [Double] = []
            while true {
                t += -log(1 - rng.uniform()) / 200
                if t > duration { return train }
                train.append(t)
            }
        }
        let p = NeuronParameters()
        let network = Network(
            populations: [
                Population(name: "in", kind: .input, size: 100),
                Population(name: "hidden", kind: .lif, size: 1, parameters: p),
                Population(name: "out", kind: .lif, size: 1, parameters: p),
            ],
            projections: [
                Projection(source: PopulationID(0), target: PopulationID(1), sourceSize: 100, targetSize: 1,
                           weights: (0..<100).map { _ in rng.normal(mean: 0.03, std: 0.03) }),
                Projection(source: PopulationID(1), target: PopulationID(2), sourceSize: 1, targetSize: 1,
                           weights: [rng.normal(mean: 8, std: 1)]),
            ],
            duration: duration)
        let input = InputSpikes(times: times)
        var sim = ReferenceSimulator(network: network)
        sim.forward(input)
        let counts = sim.spikeCounts()
        return counts[100] >= 3 && counts[101] >= 1 ? (network, input) : nil
    }

    @Test func sumOfOutputSpikeTimesAgreesWithFiniteDifferences() {
        var networks = 0
        var worst = 0.0
        var seed: UInt64 = 0
        while networks < 5 {
            seed += 1
            guard let (network, input) = Self.poissonNetwork(seed: seed) else { continue }
            networks += 1
            let checks = FiniteDifferences.check(network: network, input: input, loss: .spikeTimeSum)
            let scale = checks.map { abs($0.eventProp) }.max()!
            for check in checks {
                guard let error = check.relativeError(floor: 1e-3 * scale) else { continue }
                worst = max(worst, error)
                #expect(error < 1e-7, "seed \(seed) \(check.parameter): \(check.eventProp) vs \(check.finiteDifference!)")
            }
            #expect(checks.filter { $0.finiteDifference != nil }.count >= 95)
        }
        print("paper check: 5 networks, worst relative error \(worst)")
    }
}
