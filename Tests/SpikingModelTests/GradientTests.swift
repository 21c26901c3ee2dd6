import Testing

@testable import SpikingModel

/// EventProp gradients against central finite differences (eventprop.md §3.8), every weight and
/// delay of 20 random networks per loss: feed-forward, recurrent with delays, non-zero reset,
/// three τ regimes.
@Suite("EventProp gradients vs finite differences")
struct GradientTests {
    static let losses: [Loss] = [.timeToFirstSpike(), .maxVoltage, .expVoltage, .spikeTimeSum]

    @Test(arguments: losses)
    func everyWeightMatchesFiniteDifferences(loss: Loss) {
        var worst = 0.0
        var checked = 0
        var discontinuous = 0
        var kinks = 0
        for seed in 0..<20 {
            let variant = TestNetworks.Variant.allCases[seed % 4]
            let (network, input) = TestNetworks.make(variant, output: loss.outputKind, seed: UInt64(seed))
            var sim = ReferenceSimulator(network: network)
            sim.gradient(input: input, loss: loss)
            #expect(sim.tangentGuardCount == 0)
            if loss == .maxVoltage { kinks += sim.readouts.kinkSpike.filter { $0 >= 0 }.count }
            let checks = FiniteDifferences.check(network: network, input: input, loss: loss)
            let scale = checks.map { abs($0.eventProp) }.max() ?? 0
            let floor = max(1e-3 * scale, 1e-12)
            for check in checks {
                guard let error = check.relativeError(floor: floor) else {
                    discontinuous += 1
                    continue
                }
                checked += 1
                worst = max(worst, error)
                #expect(error <= 1e-6, "seed \(seed) \(variant) \(check.parameter): EventProp \(check.eventProp), FD \(check.finiteDifference!)")
            }
        }
        print("\(loss.name): \(checked) parameters checked, worst relative error \(worst), \(discontinuous) at discontinuities, \(kinks) maxima on hidden-spike kinks")
        #expect(checked > 20 * 50)
        #expect(Double(discontinuous) < 0.02 * Double(checked))
        if loss == .maxVoltage { #expect(kinks > 0, "the kink correction must be exercised") }
    }

    /// The max-voltage loss without the kink correction is wrong where maxima sit on kinks: the
    /// finite differences above would catch its removal.
    @Test func kinkCorrectionMatters() {
        var found = false
        for seed in 0..<40 where !found {
            let variant = TestNetworks.Variant.allCases[seed % 2]
            let (network, input) = TestNetworks.make(variant, output: .li, seed: UInt64(100 + seed))
            var sim = ReferenceSimulator(network: network)
            sim.forward(input)
            guard sim.readouts.kinkSpike.contains(where: { $0 >= 0 }) else { continue }
            found = true
            var evaluation = sim.backward(loss: .maxVoltage, label: input.label)
            let exact = sim.gradients
            // Recompute without the kink term by zeroing the kink slope.
            for o in sim.readouts.kinkSlope.indices { sim.readouts.kinkSlope[o] = 0 }
            evaluation = sim.evaluate(.maxVoltage, label: input.label)
            sim.backward(evaluation: evaluation, loss: .maxVoltage)
            #expect(sim.gradients != exact)
        }
        #expect(found)
    }

    /// A loss that does not depend on the weights (the label output silent for every stencil
    /// point): the central differences must be exactly 0, not the stencil's rounding of
    /// `−L + 8L − 8L + L` (~ε·L/h), which `grad --check` reported as a relative error of ~1e-4
    /// against the all-zero (and exact) gradient.
    @Test func aConstantLossHasZeroFiniteDifferences() {
        var network = NetworkBuilder.layered(
            sizes: [2, 4, 2], output: .lif, parameters: NeuronParameters(),
            inits: [WeightInit(mean: 6, std: 0.5), WeightInit(mean: 6, std: 0.5)], duration: 0.05, seed: 1)
        for pre in 0..<4 { network.projections[1].weights[pre * 2 + 1] = 0 }
        let input = InputSpikes(times: [[0.001], [0.002]], label: 1)
        let checks = FiniteDifferences.check(network: network, input: input, loss: .timeToFirstSpike())
        #expect(checks.count == 16)
        for check in checks {
            #expect(check.eventProp == 0)
            #expect(check.finiteDifference == 0, "\(check.parameter): FD \(String(describing: check.finiteDifference))")
        }
    }

    /// A readout maximum on the kink of a delayed *input* spike's arrival (an inhibitory arrival
    /// while the voltage rises): the input's time is fixed, but its delay moves the arrival and
    /// so the maximum, by `V̇(t_a⁻)` per second (eventprop.md §4.2). The delay gradient must say so.
    @Test func kinkOnADelayedInputSpikeMovesWithItsDelay() throws {
        let p = NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3)
        // Input 0 (w = 3, delay 1 ms) raises readout 0; input 1 (w = −3, delay 2 ms, sent at
        // 2 ms) arrives at 4 ms, while V_0 still rises: V_0's maximum sits on that arrival.
        let network = Network(
            populations: [Population(name: "in", kind: .input, size: 2), Population(name: "out", kind: .li, size: 2, parameters: p)],
            projections: [
                Projection(
                    source: PopulationID(0), target: PopulationID(1), sourceSize: 2, targetSize: 2,
                    weights: [3, 1, -3, 0.5], delays: [1e-3, 1e-3, 2e-3, 2e-3])
            ],
            duration: 0.03)
        let input = InputSpikes(times: [[0], [2e-3]], label: 0)
        var sim = ReferenceSimulator(network: network)
        sim.gradient(input: input, loss: .maxVoltage)
        #expect(sim.readouts.maxTime[0] == 4e-3)
        #expect(sim.readouts.kinkSpike[0] >= 0)
        let checks = FiniteDifferences.check(network: network, input: input, loss: .maxVoltage)
        let delay = try #require(checks.first { $0.parameter == .delay(projection: 0, synapse: 2) })
        let fd = try #require(delay.finiteDifference)
        #expect(abs(fd) > 1, "the maximum moves with the delay")
        #expect(abs(delay.eventProp - fd) <= 1e-7 * abs(fd), "EventProp \(delay.eventProp), FD \(fd)")
        let scale = checks.map { abs($0.eventProp) }.max()!
        for check in checks {
            let error = try #require(check.relativeError(floor: 1e-3 * scale))
            #expect(error <= 1e-6, "\(check.parameter): EventProp \(check.eventProp), FD \(check.finiteDifference!)")
        }
    }
}

@Suite("Time-to-first-spike loss")
struct TimeToFirstSpikeLossTests {
    /// A silent label neuron: no gradient and a value that does not depend on the weights (so the
    /// zero gradient is exact); silent non-label outputs drop out of the softmax.
    @Test func aSilentLabelGivesNoGradient() {
        let p = NeuronParameters()
        // Output 1 gets no input at all: it never spikes.
        var network = NetworkBuilder.layered(
            sizes: [2, 4, 2], output: .lif, parameters: p, inits: [WeightInit(mean: 6, std: 0.5), WeightInit(mean: 6, std: 0.5)],
            duration: 0.05, seed: 1)
        for pre in 0..<4 { network.projections[1].weights[pre * 2 + 1] = 0 }
        let input = InputSpikes(times: [[0.001], [0.002]], label: 1)
        var sim = ReferenceSimulator(network: network)
        let evaluation = sim.gradient(input: input, loss: .timeToFirstSpike())
        #expect(sim.spikeCounts()[6] > 0 && sim.spikeCounts()[7] == 0)
        #expect(evaluation.spikeTimeErrors.isEmpty)
        #expect(sim.gradients.weights.allSatisfy { $0.allSatisfy { $0 == 0 } })
        #expect(evaluation.prediction == 0)
        // The value stays the same when the weights move.
        network.projections[0].weights[0] += 0.1
        var moved = ReferenceSimulator(network: network)
        moved.forward(input)
        #expect(moved.evaluate(.timeToFirstSpike(), label: 1).value == evaluation.value)
        // With label 0 (spiking), the silent output 1 drops out: p_0 = 1, so only the regulariser acts.
        let labelled = sim.backward(loss: .timeToFirstSpike(), label: 0)
        #expect(labelled.spikeTimeErrors.count == 1)
    }
}
