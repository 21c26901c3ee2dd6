// NetworkBuilder: layered networks with seeded Gaussian weights (`neuromesh init-network`).

/// How to initialise one projection's weights: `N(mean, std²)`, and optional uniform delays.
public struct WeightInit: Sendable, Equatable {
    public var mean: Double
    public var std: Double
    /// Delays drawn uniformly from this range in seconds; `nil` = no delays.
    public var delayRange: ClosedRange<Double>?

    public init(mean: Double, std: Double, delayRange: ClosedRange<Double>? = nil) {
        self.mean = mean
        self.std = std
        self.delayRange = delayRange
    }
}

public enum NetworkBuilder {
    /// A feed-forward network `sizes[0]` inputs → LIF hidden layers → output layer (LIF or LI).
    ///
    /// Weights of projection `l` are drawn from `inits[l]` (the last one repeats), in fan-out
    /// order from one ``SplitMix64`` stream, so the same seed gives the same network everywhere.
    /// Names: `input`, `hidden` (or `hidden1`, `hidden2`, …), `output`.
    ///
    /// - Parameter recurrent: if given, each hidden layer also projects to itself with these
    ///   weights and delays (a recurrent projection needs delays to be emulated on a chip).
    public static func layered(
        sizes: [Int], output: NeuronKind = .lif, parameters: NeuronParameters = NeuronParameters(),
        inits: [WeightInit], recurrent: WeightInit? = nil, duration: Double, seed: UInt64
    ) -> Network {
        precondition(sizes.count >= 2 && !inits.isEmpty)
        var rng = SplitMix64(seed: seed)
        var populations = [Population(name: "input", kind: .input, size: sizes[0])]
        let hiddenCount = sizes.count - 2
        for h in 0..<hiddenCount {
            let name = hiddenCount == 1 ? "hidden" : "hidden\(h + 1)"
            populations.append(Population(name: name, kind: .lif, size: sizes[h + 1], parameters: parameters))
        }
        populations.append(Population(name: "output", kind: output, size: sizes.last!, parameters: parameters))
        var projections: [Projection] = []
        for l in 0..<(sizes.count - 1) {
            let spec = inits[min(l, inits.count - 1)]
            projections.append(random(from: l, to: l + 1, sizes: sizes, spec, &rng))
            if let recurrent, l + 1 <= hiddenCount {
                projections.append(random(from: l + 1, to: l + 1, sizes: sizes, recurrent, &rng))
            }
        }
        return Network(populations: populations, projections: projections, duration: duration)
    }

    static func random(from a: Int, to b: Int, sizes: [Int], _ spec: WeightInit, _ rng: inout SplitMix64) -> Projection {
        let count = sizes[a] * sizes[b]
        let weights = (0..<count).map { _ in rng.normal(mean: spec.mean, std: spec.std) }
        let delays = spec.delayRange.map { range in
            (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * rng.uniform() }
        }
        return Projection(source: PopulationID(a), target: PopulationID(b), sourceSize: sizes[a], targetSize: sizes[b], weights: weights, delays: delays)
    }
}
