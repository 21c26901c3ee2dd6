import ChipDescription
import SpikingModel
import Testing

@testable import ChipEmulator

/// Input → excitatory E ⇄ inhibitory I (no delays) → LIF outputs, with weights that make the loop
/// carry spikes both ways.
func excitatoryInhibitoryLoop(seed: UInt64) -> (Network, InputSpikes) {
    let parameters = NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: 0)
    let peak = LIFConstants(parameters).kernelPeak
    let sizes = (input: 4, e: 10, i: 5, out: 3)
    var attempt = seed &* 1000
    while true {
        attempt += 1
        var rng = SpikingModel.SplitMix64(seed: attempt)
        func weights(_ count: Int, mean: Double, std: Double) -> [Double] { (0..<count).map { _ in rng.normal(mean: mean / peak, std: std / peak) } }
        let populations = [
            Population(name: "in", kind: .input, size: sizes.input), Population(name: "E", kind: .lif, size: sizes.e, parameters: parameters),
            Population(name: "I", kind: .lif, size: sizes.i, parameters: parameters), Population(name: "out", kind: .lif, size: sizes.out, parameters: parameters),
        ]
        let projections = [
            Projection(source: PopulationID(0), target: PopulationID(1), sourceSize: sizes.input, targetSize: sizes.e, weights: weights(sizes.input * sizes.e, mean: 0.35, std: 0.25)),
            Projection(source: PopulationID(1), target: PopulationID(2), sourceSize: sizes.e, targetSize: sizes.i, weights: weights(sizes.e * sizes.i, mean: 0.3, std: 0.2)),
            Projection(source: PopulationID(2), target: PopulationID(1), sourceSize: sizes.i, targetSize: sizes.e, weights: weights(sizes.i * sizes.e, mean: -0.3, std: 0.2)),
            Projection(source: PopulationID(1), target: PopulationID(3), sourceSize: sizes.e, targetSize: sizes.out, weights: weights(sizes.e * sizes.out, mean: 0.3, std: 0.2)),
        ]
        let network = Network(populations: populations, projections: projections, duration: 0.04)
        let times = (0..<sizes.input).map { _ in (0..<(1 + Int(rng.next() % 3))).map { _ in 0.02 * rng.uniform() }.sorted() }
        let input = InputSpikes(times: times, label: 1)
        var reference = ReferenceSimulator(network: network)
        reference.forward(input)
        let trains = reference.spikeTrains().trains
        let counts = trains.map { $0.reduce(0) { $0 + $1.count } }
        if counts[1] >= 4 && counts[2] >= 2 && counts[3] >= 1 { return (network, input) }
    }
}

@Suite("Loops without delays")
struct LoopLayoutTests {
    @Test func stronglyConnectedComponents() {
        // 0 → 1 ⇄ 2 → 3 ↺, 4 alone; 5 → 6 → 7 → 5.
        let c = EmulatorLayout.components(count: 8, edges: [(0, 1), (1, 2), (2, 1), (2, 3), (3, 3), (5, 6), (6, 7), (7, 5)])
        #expect(c[1] == c[2] && c[5] == c[6] && c[6] == c[7])
        #expect(Set([c[0], c[1], c[3], c[4], c[5]]).count == 5)
    }

    /// A zero-delay loop between two populations on one core runs exactly: spikes equal the
    /// functional reference's and gradients equal them to 1e-12, on every bundled chip, in both
    /// multicast styles and both synchronisation modes.
    @Test(arguments: bundledChips)
    func aLoopOnOneCoreMatchesTheReference(chipFile: String) throws {
        for multicast in MulticastStyle.allCases {
            for sync in SyncMode.allCases {
                let chip = variant(loadChip(chipFile), multicast: multicast, sync: sync)
                for seed in 0..<2 {
                    let (network, input) = excitatoryInhibitoryLoop(seed: UInt64(seed))
                    // E and I share core 0; the outputs sit on another core, or on core 0 too where the
                    // chip's fan-out allows one destination core per neuron (TrueNorth).
                    func placement(outputs: Int) -> Placement {
                        Placement(cores: [[], Array(repeating: CoreID(0), count: 10), Array(repeating: CoreID(0), count: 5), Array(repeating: CoreID(outputs), count: 3)])
                    }
                    let mapping = try (try? Mapping.map(NetworkShape(network), onto: chip, strategy: .explicit(placement(outputs: chip.mesh.coreCount - 1))))
                        ?? Mapping.map(NetworkShape(network), onto: chip, strategy: .explicit(placement(outputs: 0)))
                    var emulator = try Emulator(network: network, mapping: mapping)
                    let result = try emulator.run(input)
                    var reference = ReferenceSimulator(network: network)
                    reference.forward(input)
                    #expect(result.spikes == reference.spikeTrains(), "\(chipFile) \(multicast) \(sync) seed \(seed)")
                    #expect(result.isExact)
                    for loss in [Loss.timeToFirstSpike(), .spikeTimeSum] {
                        var emulator = try Emulator(network: network, mapping: mapping)
                        _ = try emulator.run(input)
                        let chipGradient = try emulator.backward(loss: loss, label: input.label)
                        var reference = ReferenceSimulator(network: network)
                        let evaluation = reference.gradient(input: input, loss: loss)
                        #expect(chipGradient.loss.value == evaluation.value)
                        let scale = reference.gradients.weights.flatMap { $0 }.map(abs).max() ?? 0
                        #expect(scale > 0)
                        for p in network.projections.indices {
                            for (a, b) in zip(chipGradient.gradients.weights[p], reference.gradients.weights[p]) {
                                #expect(abs(a - b) <= 1e-12 * scale, "\(chipFile) \(multicast) \(sync) \(loss.name) projection \(p): \(a) vs \(b)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// The same loop split over two cores cannot be computed window by window: refused, saying why.
    @Test func aLoopAcrossCoresIsRefused() throws {
        let chip = loadChip("tiny.json")
        let (network, _) = excitatoryInhibitoryLoop(seed: 0)
        let placement = Placement(cores: [[], Array(repeating: CoreID(0), count: 10), Array(repeating: CoreID(3), count: 5), Array(repeating: CoreID(0), count: 3)])
        let mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .explicit(placement))
        do {
            _ = try Emulator(network: network, mapping: mapping)
            Issue.record("a zero-delay loop across cores was accepted")
        } catch {
            #expect(error.message.contains("loop of projections") && error.message.contains("on one core"), "\(error.message)")
        }
    }

    /// Stages are keyed by (core, level) however deep the network: a chain of 4,097 populations
    /// puts its last population at level 4,097, and on core 0 it once shared a stage with level 1
    /// on core 1 (the key was `core × 4096 + level`), so the short branch's neuron there never
    /// spiked — and the report still said the run was exact. (The layout only: emulating 4,099
    /// stages in a debug build takes minutes; `neuromesh run` on this network was checked against
    /// `simulate` in release.) The levels come from an iterative longest-path pass, so a chain
    /// this deep (or far deeper) cannot overflow the stack.
    @Test func levelsBeyond4096KeepTheirOwnStages() throws {
        var chip = loadChip("tiny.json")
        chip.core.neuronsMax = 8192
        let depth = 4097
        let parameters = NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: 0)
        // in → a1 → … → a4097 → out, and in → b → out; populations 1…4097 are a1…a4097.
        var populations = [Population(name: "in", kind: .input, size: 1)]
        populations += (1...depth).map { Population(name: "a\($0)", kind: .lif, size: 1, parameters: parameters) }
        populations += [Population(name: "b", kind: .lif, size: 1, parameters: parameters), Population(name: "out", kind: .lif, size: 1, parameters: parameters)]
        let (b, out) = (depth + 1, depth + 2)
        func projection(_ source: Int, _ target: Int, _ weight: Double) -> Projection {
            Projection(source: PopulationID(source), target: PopulationID(target), sourceSize: 1, targetSize: 1, weights: [weight])
        }
        var projections = (0..<depth).map { projection($0, $0 + 1, 10) }
        projections += [projection(0, b, 10), projection(b, out, 0.7), projection(depth, out, 0.7)]
        let network = Network(populations: populations, projections: projections, duration: 0.05, output: PopulationID(out))
        // a4097 (level 4097) on core 0, b (level 1) on core 1, the rest of the chain on core 2.
        var cores = [[CoreID]](repeating: [CoreID(2)], count: populations.count)
        cores[0] = []
        cores[depth] = [CoreID(0)]
        cores[b] = [CoreID(1)]
        cores[out] = [CoreID(3)]
        let layout = try EmulatorLayout(network: network, chip: chip, placement: Placement(cores: cores))
        #expect(layout.populationLevel[depth] == depth && layout.populationLevel[b] == 1 && layout.populationLevel[out] == depth + 1)
        let stageOf = { (neuron: Int) in layout.stages.firstIndex { $0.neurons.contains(neuron) } }
        let (last, branch) = (network.firstNeuron(of: PopulationID(depth)), network.firstNeuron(of: PopulationID(b)))
        #expect(stageOf(last) != stageOf(branch))
        #expect(layout.stages[stageOf(last)!].core == 0 && layout.stages[stageOf(branch)!].core == 1)
        #expect(layout.stages[stageOf(branch)!].neurons == [branch])
        // Every stage holds one level of one core.
        for stage in layout.stages {
            #expect(stage.neurons.allSatisfy { Int(layout.coreOf[$0]) == stage.core })
        }
        #expect(Set(layout.stages.map { [$0.core, $0.level] }).count == layout.stages.count)
        #expect(layout.waves == depth + 2)
    }
}
