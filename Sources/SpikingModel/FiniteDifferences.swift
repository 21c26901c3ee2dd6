// FiniteDifferences: central differences of the loss, to check EventProp gradients.

/// One parameter's EventProp gradient against its central finite difference.
public struct GradientCheck: Sendable, Equatable {
    public enum Parameter: Sendable, Equatable {
        case weight(projection: Int, synapse: Int)
        case delay(projection: Int, synapse: Int)
    }

    public var parameter: Parameter
    public var eventProp: Double
    /// The finite difference, or nil when the order of events changed within the stencil (a spike
    /// appeared or vanished, or an arrival crossed a spike: the loss is not differentiable there).
    public var finiteDifference: Double?
    public var step: Double

    /// `|g − fd| / max(|g|, |fd|, floor)`.
    public func relativeError(floor: Double) -> Double? {
        finiteDifference.map { abs(eventProp - $0) / max(abs(eventProp), abs($0), floor) }
    }
}

public enum FiniteDifferences {
    /// The default steps: weights are O(1); delays are in seconds, O(1 ms).
    public static let weightStep = 1e-5
    public static let delayStep = 1e-7

    /// Compares the EventProp gradient of `loss` on `input` with finite differences for every
    /// weight (and every delay of projections with delays).
    ///
    /// Uses the fourth-order central stencil `(−L(θ+2h) + 8L(θ+h) − 8L(θ−h) + L(θ−2h)) / 12h`,
    /// whose truncation error O(h⁴) is negligible at these steps, so the comparison is limited
    /// only by round-off (~ε·L/h). The loss is smooth in θ only while every neuron sees its events
    /// in the same order (``smoothnessSignature(_:)``); where that differs at some stencil point, a
    /// spike appeared or vanished, or an arrival crossed a spike or a readout maximum (a kink). The
    /// step then shrinks tenfold, up to twice, before the parameter is reported as unusable
    /// (`finiteDifference == nil`).
    public static func check(
        network: Network, input: InputSpikes, loss: Loss, weightStep: Double = weightStep, delayStep: Double = delayStep,
        includeDelays: Bool = true
    ) -> [GradientCheck] {
        var simulator = ReferenceSimulator(network: network)
        simulator.gradient(input: input, loss: loss)
        let gradients = simulator.gradients
        let pattern = smoothnessSignature(simulator)
        var checks: [GradientCheck] = []

        func lossAt(_ sim: inout ReferenceSimulator) -> (Double, [Int]) {
            sim.forward(input)
            return (sim.evaluate(loss, label: input.label).value, smoothnessSignature(sim))
        }

        for p in network.projections.indices {
            for s in 0..<network.projections[p].synapseCount {
                let original = network.projections[p].weights[s]
                let (fd, h) = difference(step: weightStep, pattern: pattern) { x in
                    simulator.network.projections[p].weights[s] = original + x
                    defer { simulator.network.projections[p].weights[s] = original }
                    return lossAt(&simulator)
                }
                checks.append(GradientCheck(parameter: .weight(projection: p, synapse: s), eventProp: gradients.weights[p][s], finiteDifference: fd, step: h))
            }
            guard includeDelays, let delays = network.projections[p].delays, let delayGradient = gradients.delays[p] else { continue }
            for s in delays.indices {
                // A delay near 0 cannot be perturbed downwards; skip rather than mislead.
                guard delays[s] > 10 * delayStep else {
                    checks.append(GradientCheck(parameter: .delay(projection: p, synapse: s), eventProp: delayGradient[s], finiteDifference: nil, step: 0))
                    continue
                }
                let (fd, h) = difference(step: delayStep, pattern: pattern) { x in
                    simulator.network.projections[p].delays![s] = delays[s] + x
                    defer { simulator.network.projections[p].delays![s] = delays[s] }
                    return lossAt(&simulator)
                }
                checks.append(GradientCheck(parameter: .delay(projection: p, synapse: s), eventProp: delayGradient[s], finiteDifference: fd, step: h))
            }
        }
        return checks
    }

    /// What must not change for the loss to be differentiable: for each spike, its neuron and how
    /// many arrivals that neuron had received before it; for each readout, how many arrivals came
    /// before its maximum and whether the maximum is on a kink.
    public static func smoothnessSignature(_ sim: ReferenceSimulator) -> [Int] {
        var received = Array(repeating: 0, count: sim.populationOf.count)
        var signature: [Int] = []
        let readouts = sim.readouts
        var readoutMarks = Array(repeating: -1, count: readouts.maxPosition.count)
        func markReadouts(_ position: Int) {
            for o in readoutMarks.indices where readouts.maxPosition[o] == position {
                readoutMarks[o] = received[sim.outputStart + o]
            }
        }
        for (position, entry) in sim.log.enumerated() {
            markReadouts(position)
            switch entry.kind {
            case .spike:
                let n = Int(sim.spikes.neuron[Int(entry.spike)])
                signature.append(n)
                signature.append(received[n])
            case .delivery:
                let projection = sim.network.projections[Int(entry.projection)]
                let start = sim.populationStart[projection.target.rawValue]
                for j in 0..<projection.targetSize { received[start + j] += 1 }
            case .arrival:
                let projection = sim.network.projections[Int(entry.projection)]
                received[sim.populationStart[projection.target.rawValue] + Int(entry.target)] += 1
            }
        }
        markReadouts(sim.log.count)
        signature.append(contentsOf: readoutMarks)
        signature.append(contentsOf: readouts.kinkSpike.map { $0 >= 0 ? 1 : 0 })
        return signature
    }

    static func difference(step: Double, pattern: [Int], _ loss: (Double) -> (Double, [Int])) -> (Double?, Double) {
        var h = step
        for _ in 0..<3 {
            var values: [Double] = []
            var stable = true
            for x in [2 * h, h, -h, -2 * h] {
                let (value, counts) = loss(x)
                values.append(value)
                if counts != pattern { stable = false }
            }
            // Differences first: equal values give exactly 0 (a loss that does not depend on the
            // parameter), where `−L + 8L − 8L + L` would leave the rounding of 7L (~ε·L/h).
            if stable { return (((values[3] - values[0]) + 8 * (values[1] - values[2])) / (12 * h), h) }
            h /= 10
        }
        return (nil, h * 10)
    }
}
