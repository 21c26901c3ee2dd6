import SpikingModel

/// Random small networks for gradient checks: 4 inputs → 6 LIF → 3 outputs.
enum TestNetworks {
    enum Variant: CaseIterable {
        /// Feed-forward, τm = 20 ms, τs = 5 ms (root finding), reset 0.
        case feedForward
        /// Feed-forward, τm = 10 ms, τs = 5 ms (closed-form crossings), reset 0.
        case analytic
        /// Recurrent hidden layer (autapses included) with delays on every projection, reset −0.3.
        case recurrentDelayed
        /// Recurrent with delays and τm = τs = 8 ms, reset −0.2.
        case recurrentEqualTaus
    }

    static func parameters(_ variant: Variant) -> NeuronParameters {
        switch variant {
        case .feedForward: return NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: 0)
        case .analytic: return NeuronParameters(tauMem: 10e-3, tauSyn: 5e-3, threshold: 1, reset: 0)
        case .recurrentDelayed: return NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: -0.3)
        case .recurrentEqualTaus: return NeuronParameters(tauMem: 8e-3, tauSyn: 8e-3, threshold: 1.2, reset: -0.2)
        }
    }

    /// A network and input where every output spikes (spiking outputs) or hidden neurons spike
    /// (readouts), found by trying seeds from `seed` on.
    static func make(_ variant: Variant, output: NeuronKind, seed: UInt64) -> (Network, InputSpikes) {
        let p = parameters(variant)
        let peak = LIFConstants(p).kernelPeak
        let delayed = variant == .recurrentDelayed || variant == .recurrentEqualTaus
        let delays: ClosedRange<Double>? = delayed ? 0.5e-3...3e-3 : nil
        var attempt = seed &* 1000
        while true {
            attempt += 1
            let outputInit = output == .lif
                ? WeightInit(mean: 0.45 / peak, std: 0.25 / peak, delayRange: delays)
                : WeightInit(mean: 0.1 / peak, std: 0.4 / peak, delayRange: delays)
            let network = NetworkBuilder.layered(
                sizes: [4, 6, 3], output: output, parameters: p,
                inits: [WeightInit(mean: 0.4 / peak, std: 0.3 / peak, delayRange: delays), outputInit],
                recurrent: delayed ? WeightInit(mean: 0, std: 0.15 / peak, delayRange: delays) : nil,
                duration: 60e-3, seed: attempt)
            var rng = SplitMix64(seed: attempt ^ 0xABCDEF)
            let times = (0..<4).map { _ in
                (0..<(1 + Int(rng.next() % 3))).map { _ in 25e-3 * rng.uniform() }.sorted()
            }
            let input = InputSpikes(times: times, label: Int(rng.next() % 3))
            var sim = ReferenceSimulator(network: network)
            sim.forward(input)
            let counts = sim.spikeCounts()
            let hidden = counts[4..<10].reduce(0, +)
            let outputsSpike = counts[10..<13].allSatisfy { $0 > 0 }
            if hidden >= 3, output == .li || outputsSpike { return (network, input) }
        }
    }
}
