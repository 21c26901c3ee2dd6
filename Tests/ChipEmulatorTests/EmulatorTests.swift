import ChipDescription
import Testing

@testable import ChipEmulator
@testable import SpikingModel

/// A random network (inputs → LIF hidden, optionally recurrent with delays of at least the chip's
/// window → LIF or LI outputs) and an input that makes it spike.
func activeNetwork(seed: UInt64, window: Double, recurrent: Bool, output: NeuronKind = .lif, sizes: [Int] = [6, 12, 4]) -> (Network, InputSpikes) {
    let p = NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: -0.1)
    let peak = LIFConstants(p).kernelPeak
    var attempt = seed &* 100
    while true {
        attempt += 1
        let network = NetworkBuilder.layered(
            sizes: sizes, output: output, parameters: p,
            inits: [WeightInit(mean: 0.3 / peak, std: 0.25 / peak), WeightInit(mean: 0.25 / peak, std: 0.3 / peak)],
            recurrent: recurrent ? WeightInit(mean: 0.05 / peak, std: 0.15 / peak, delayRange: window * 1.5...window * 4) : nil,
            duration: 0.03, seed: attempt)
        var rng = SpikingModel.SplitMix64(seed: attempt ^ 0x5EED)
        let times = (0..<sizes[0]).map { _ in (0..<(1 + Int(rng.next() % 3))).map { _ in 0.015 * rng.uniform() }.sorted() }
        let input = InputSpikes(times: times, label: 0)
        var reference = ReferenceSimulator(network: network)
        reference.forward(input)
        let counts = reference.spikeCounts()
        if counts[sizes[0]...].reduce(0, +) >= sizes[1] / 2 { return (network, input) }
    }
}

/// Hidden neurons split over two far cores, outputs on a third (all different routers if the mesh
/// has them), so spikes cross the mesh.
func farPlacement(_ network: Network, chip: ChipSpec) -> Placement {
    let cores = chip.mesh.coreCount
    let a = CoreID(cores - 1), b = CoreID(cores / 2), c = CoreID(min(1, cores - 1))
    return Placement(cores: network.populations.enumerated().map { p, population in
        switch population.kind {
        case .input: return []
        case .lif where p == 1: return (0..<population.size).map { $0 < population.size / 2 ? a : b }
        default: return Array(repeating: c, count: population.size)
        }
    })
}

func variant(_ chip: ChipSpec, multicast: MulticastStyle, sync: SyncMode, depth: Int? = nil) -> ChipSpec {
    var chip = chip
    chip.router.multicast = multicast
    chip.time.sync.mode = sync
    if let depth { chip.router.bufferDepthPackets = depth }
    return chip
}

@Suite("Emulator")
struct EmulatorTests {
    /// Spike times on the chip equal the functional reference bit for bit, on every bundled chip, in
    /// both multicast styles and both synchronisation modes.
    @Test(arguments: bundledChips)
    func spikesEqualTheFunctionalReference(chipFile: String) throws {
        let base = loadChip(chipFile)
        var runs = 0
        for multicast in MulticastStyle.allCases {
            for sync in SyncMode.allCases {
                let chip = variant(base, multicast: multicast, sync: sync)
                for seed in 0..<3 {
                    for recurrent in [false, true] {
                        let (network, input) = activeNetwork(seed: UInt64(seed), window: chip.time.window, recurrent: recurrent)
                        for placement in [farPlacement(network, chip: chip), nil] {
                            let strategy: PlacementStrategy = placement.map { .explicit($0) } ?? .spread
                            guard let mapping = try? Mapping.map(NetworkShape(network), onto: chip, strategy: strategy) else { continue }
                            var emulator = try Emulator(network: network, mapping: mapping)
                            let result = try emulator.run(input)
                            var reference = ReferenceSimulator(network: network)
                            reference.forward(input)
                            #expect(result.spikes == reference.spikeTrains(), "\(chipFile) \(multicast) \(sync) seed \(seed) recurrent \(recurrent)")
                            #expect(result.counters.latePackets == 0)
                            #expect(result.counters.packetsCreated == result.counters.packetsDelivered)
                            runs += 1
                        }
                    }
                }
            }
        }
        #expect(runs >= 8, "\(chipFile): too few networks could be mapped (\(runs))")
    }
}
