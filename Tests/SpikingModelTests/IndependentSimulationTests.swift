import Testing

@testable import SpikingModel

/// The reference simulator against a deliberately simple, independent one.
///
/// The independent simulator handles feed-forward layered networks one neuron at a time: it walks
/// the neuron's input arrivals in time order and, on each event-free stretch, decides a crossing
/// from the exact maximum of `V` (its single stationary point, §1.3) and locates it by bisection
/// on the closed form — no lazy checks, no lower bounds, no tournament trees, no polynomial or
/// Newton solver. A missed or invented spike anywhere would change the spike counts.
@Suite("Reference simulator vs an independent simulation")
struct IndependentSimulationTests {
    /// One neuron's spike times for arrivals `(time, weight)` sorted by time, over `[0, end]`.
    static func neuronSpikes(arrivals: [(time: Double, weight: Double)], constants c: LIFConstants, end: Double) -> [Double] {
        var spikes: [Double] = []
        var v = 0.0, i = 0.0, t = 0.0
        func voltage(after u: Double) -> Double {
            var vv = v, ii = i
            c.advance(v: &vv, i: &ii, by: u)
            return vv
        }
        var next = 0
        while true {
            let stretchEnd = next < arrivals.count ? arrivals[next].time : end
            // Crossings on [t, stretchEnd): V rises to its maximum at u* and falls after it.
            while true {
                let length = stretchEnd - t
                guard length > 0, v < c.threshold else { break }
                let peak = min(c.stationaryPoint(v0: v, i0: i), length)
                guard voltage(after: peak) >= c.threshold else { break }
                var lo = 0.0, hi = peak
                for _ in 0..<200 {
                    let mid = 0.5 * (lo + hi)
                    if mid <= lo || mid >= hi { break }
                    if voltage(after: mid) >= c.threshold { hi = mid } else { lo = mid }
                }
                c.advance(v: &v, i: &i, by: hi)
                t += hi
                spikes.append(t)
                v = c.reset
            }
            guard next < arrivals.count else { break }
            c.advance(v: &v, i: &i, by: arrivals[next].time - t)
            t = arrivals[next].time
            i += arrivals[next].weight
            next += 1
        }
        return spikes
    }

    /// Spike times of a feed-forward layered network, layer by layer.
    static func simulate(_ network: Network, _ input: InputSpikes) -> [[[Double]]] {
        var trains: [[[Double]]] = [input.times.map { $0.filter { $0 <= network.duration } }]
        for p in 1..<network.populations.count {
            let projection = network.projections.first { $0.target.rawValue == p }!
            let c = LIFConstants(network.populations[p].parameters)
            let pre = trains[projection.source.rawValue]
            var layer: [[Double]] = []
            for post in 0..<projection.targetSize {
                var arrivals: [(time: Double, weight: Double)] = []
                for (j, times) in pre.enumerated() {
                    for t in times { arrivals.append((t, projection.weights[projection.synapse(post: post, pre: j)])) }
                }
                arrivals.sort { $0.time < $1.time }
                layer.append(neuronSpikes(arrivals: arrivals, constants: c, end: network.duration))
            }
            trains.append(layer)
        }
        return trains
    }

    /// The EventProp paper's Yin-Yang network (its initialisation, τm = 4τs: the polynomial
    /// solver) and networks with τm = 2τs (closed form), a non-integer ratio (Newton) and τm = τs,
    /// each on many random latency-coded inputs.
    @Test(arguments: [(20e-3, 5e-3, 0.0), (10e-3, 5e-3, 0.0), (20e-3, 7e-3, -0.2), (8e-3, 8e-3, 0.0)])
    func spikeTrainsAgree(tauMem: Double, tauSyn: Double, reset: Double) {
        let parameters = NeuronParameters(tauMem: tauMem, tauSyn: tauSyn, threshold: 1, reset: reset)
        let scale = LIFConstants(NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3)).kernelPeak / LIFConstants(parameters).kernelPeak
        var compared = 0
        var spikesSeen = 0
        for seed in 0..<4 as Range<UInt64> {
            let network = NetworkBuilder.layered(
                sizes: [5, 200, 3], output: .lif, parameters: parameters,
                inits: [WeightInit(mean: 1.5 * scale, std: 0.78 * scale), WeightInit(mean: 0.93 * scale, std: 0.1 * scale)],
                duration: 50e-3, seed: seed)
            var simulator = ReferenceSimulator(network: network)
            var rng = SplitMix64(seed: 1000 + seed)
            for _ in 0..<25 {
                let features = (0..<4).map { _ in 30e-3 * rng.uniform() }
                let input = InputSpikes(times: features.map { [$0] } + [[0]])
                simulator.forward(input)
                let reference = simulator.spikeTrains().trains
                let independent = Self.simulate(network, input)
                for p in reference.indices {
                    for n in reference[p].indices {
                        let a = reference[p][n], b = independent[p][n]
                        #expect(a.count == b.count, "τ \(tauMem)/\(tauSyn) seed \(seed) population \(p) neuron \(n): \(a) vs \(b)")
                        guard a.count == b.count else { return }
                        for (x, y) in zip(a, b) {
                            #expect(abs(x - y) <= 1e-12 * max(x, 1e-3), "population \(p) neuron \(n): \(x) vs \(y)")
                        }
                        spikesSeen += a.count
                    }
                }
                compared += 1
            }
        }
        #expect(compared == 100)
        #expect(spikesSeen > 1000, "the networks should be active (\(spikesSeen) spikes)")
    }
}
