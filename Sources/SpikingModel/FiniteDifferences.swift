// FiniteDifferences: central differences of the loss, to check EventProp gradients.

/// One parameter's EventProp gradient against its central finite difference.
public struct GradientCheck: Sendable, Equatable {
    public enum Parameter: Sendable, Equatable {
        case weight(projection: Int, synapse: Int)
        case delay(projection: Int, synapse: Int)
    }

    public var parameter: Parameter
    public var eventProp: Double
    /// `(L(θ + h) − L(θ − h)) / 2h`, or nil when the spike pattern changed within ±h (the loss
    /// is discontinuous there: a spike appeared or vanished, which no gradient describes).
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
    /// only by round-off (~ε·L/h). Where the spike pattern (spike count per neuron) within ±2h
    /// differs from the one at θ the loss is discontinuous; the step then shrinks tenfold, up to
    /// twice, before the parameter is reported as unusable (`finiteDifference == nil`).
    public static func check(
        network: Network, input: InputSpikes, loss: Loss, weightStep: Double = weightStep, delayStep: Double = delayStep,
        includeDelays: Bool = true
    ) -> [GradientCheck] {
        var simulator = ReferenceSimulator(network: network)
        simulator.gradient(input: input, loss: loss)
        let gradients = simulator.gradients
        let pattern = simulator.spikeCounts()
        var checks: [GradientCheck] = []

        func lossAt(_ sim: inout ReferenceSimulator) -> (Double, [Int]) {
            sim.forward(input)
            return (sim.evaluate(loss, label: input.label).value, sim.spikeCounts())
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
            if stable { return ((-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * h), h) }
            h /= 10
        }
        return (nil, h * 10)
    }
}
