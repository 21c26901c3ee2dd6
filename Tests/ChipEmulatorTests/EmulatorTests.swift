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
                            #expect(result.counters.reorderedPackets == 0)
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

@Suite("Emulator conservation and back-pressure")
struct EmulatorConservationTests {
    static func run(_ chip: ChipSpec, _ network: Network, _ input: InputSpikes, placement: Placement? = nil) throws -> EmulationResult {
        let mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: placement.map { .explicit($0) } ?? .spread)
        var emulator = try Emulator(network: network, mapping: mapping)
        return try emulator.run(input)
    }

    /// A window so short that the trial would need billions of windows is refused up front,
    /// not allocated.
    @Test func tooManyWindowsAreRefused() throws {
        var chip = loadChip("tiny.json")
        chip.time.window = 1e-12
        let network = layeredNetwork([2, 3, 2])
        let mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .spread)
        do {
            _ = try Emulator(network: network, mapping: mapping)
            Issue.record("accepted \(network.duration / chip.time.window) windows")
        } catch {
            #expect(error.message.contains("/time/window_s"), "\(error.message)")
        }
    }

    /// A runaway network stops at the model-time event limit with an error on every chip.
    @Test func runawayActivityStopsWithAnError() throws {
        let populations = [Population(name: "in", kind: .input, size: 1), Population(name: "h", kind: .lif, size: 1)]
        let projections = [
            Projection(source: PopulationID(0), target: PopulationID(1), sourceSize: 1, targetSize: 1, weights: [10]),
            Projection(source: PopulationID(1), target: PopulationID(1), sourceSize: 1, targetSize: 1, weights: [20]),
        ]
        let network = Network(populations: populations, projections: projections, duration: 0.05)
        for file in bundledChips {
            let mapping = try Mapping.map(NetworkShape(network), onto: loadChip(file), strategy: .spread)
            var emulator = try Emulator(network: network, mapping: mapping)
            emulator.modelEventLimit = 5_000
            do {
                _ = try emulator.run(InputSpikes(times: [[0.001]]))
                Issue.record("\(file): a runaway trial finished")
            } catch {
                #expect(error.message.contains("5000 model-time events"), "\(file): \(error.message)")
            }
            // The emulator stays usable: a quiet trial afterwards runs to the end.
            emulator.setWeights([[10], [0.1]])
            let result = try emulator.run(InputSpikes(times: [[0.001]]))
            #expect(result.windows > 0)
        }
    }

    /// Under source replication every spike packet travels the XY route, so the hops per axis are
    /// the Manhattan distances between the source's and the destination's routers.
    @Test(arguments: ["loihi.json", "tiny.json", "spinnaker2.json"])
    func xyHopsAreManhattanDistances(chipFile: String) throws {
        let chip = variant(loadChip(chipFile), multicast: .sourceReplication, sync: .barrier)
        let (network, input) = activeNetwork(seed: 7, window: chip.time.window, recurrent: false)
        let placement = farPlacement(network, chip: chip)
        let result = try Self.run(chip, network, input, placement: placement)
        let layout = try EmulatorLayout(network: network, chip: chip, placement: placement)
        var expectX: UInt64 = 0, expectY: UInt64 = 0
        func router(_ core: Int) -> (Int, Int) {
            let r = core == chip.mesh.coreCount ? chip.ioPort.y * chip.mesh.width + chip.ioPort.x : core / chip.mesh.coresPerRouter
            return (r % chip.mesh.width, r / chip.mesh.width)
        }
        for (p, trains) in result.spikes.trains.enumerated() {
            for (i, times) in trains.enumerated() {
                let n = network.firstNeuron(of: PopulationID(p)) + i
                let (sx, sy) = router(Int(layout.coreOf[n]))
                for d in layout.destinations[p][i] {
                    let (dx, dy) = router(Int(d))
                    expectX += UInt64(abs(dx - sx) * times.count)
                    expectY += UInt64(abs(dy - sy) * times.count)
                }
            }
        }
        let routers = result.counters.routers[Phase.forward.rawValue]
        #expect(routers.reduce(0) { $0 + $1.hopsX } == expectX)
        #expect(routers.reduce(0) { $0 + $1.hopsY } == expectY)
        #expect(expectX + expectY > 0, "the placement should make spikes cross the mesh")
    }

    /// Energy is exactly Σ counters × the chip file's costs; packets are conserved.
    @Test(arguments: bundledChips)
    func energyIsTheSumOfCountersTimesCosts(chipFile: String) throws {
        let chip = loadChip(chipFile)
        let (network, input) = activeNetwork(seed: 3, window: chip.time.window, recurrent: false)
        let result = try Self.run(chip, network, input, placement: farPlacement(network, chip: chip))
        let energy = result.energy()
        var expected = 0.0
        var unpriced = false
        func add(_ count: UInt64, _ cost: Double?) {
            guard count > 0 else { return }
            if let cost { expected += Double(count) * cost } else { unpriced = true }
        }
        let costs = chip.costs
        for k in result.counters.cores[0] {
            add(k.synapticOps, costs[.synapticOp].energy)
            add(k.neuronUpdatesEvent, costs[.neuronUpdateEvent].energy)
            add(k.neuronUpdatesActive, costs[.neuronUpdateActive].energy)
            add(k.neuronUpdatesInactive, costs[.neuronUpdateInactive].energy)
            add(k.spikes, costs[.spikeEmit].energy)
            add(k.packetsInjected + k.syncSent, costs[.packetInject].energy)
            add(k.packetsReceived + k.syncReceived, costs[.packetReceive].energy)
        }
        for k in result.counters.routers[0] {
            add(k.localDeliveries, costs[.localDelivery].energy)
            add(k.hops[0], costs.hop(.north).energy)
            add(k.hops[1], costs.hop(.east).energy)
            add(k.hops[2], costs.hop(.south).energy)
            add(k.hops[3], costs.hop(.west).energy)
        }
        add(chip.time.sync.mode == .barrier ? result.counters.barriers[0] : result.counters.cores[0].reduce(0) { $0 + $1.syncSent }, chip.time.sync.energy)
        if let watts = costs.staticPowerPerCore { expected += watts * Double(result.usedCores.count) * Double(result.latency) * 1e-12 }
        #expect(abs(energy.total - expected) <= 1e-12 * max(expected, 1e-30))
        #expect(energy.unpriced.isEmpty == !unpriced || costs.staticPowerPerCore == nil)
        #expect(result.counters.packetsCreated == result.counters.packetsDelivered + result.counters.packetsDropped)
        #expect(result.counters.packetsDropped == 0)
        #expect(abs(energy.perCore.reduce(0, +) + energy.perRouter.reduce(0, +) + (energy.joules["synchronisation"] ?? 0) - energy.total) <= 1e-12 * max(energy.total, 1e-30))
    }

    /// With one-packet buffers and heavy traffic, stalls rise; nothing is lost or reordered.
    @Test func oneSlotBuffersStallButLoseNothing() throws {
        let base = variant(loadChip("tiny.json"), multicast: .sourceReplication, sync: .dataflow)
        let (network, input) = activeNetwork(seed: 11, window: base.time.window, recurrent: false, sizes: [16, 40, 8])
        let placement = farPlacement(network, chip: base)
        var stalls: [Picoseconds] = []
        var reference = ReferenceSimulator(network: network)
        reference.forward(input)
        for depth in [16, 1] {
            let result = try Self.run(variant(base, multicast: .sourceReplication, sync: .dataflow, depth: depth), network, input, placement: placement)
            #expect(result.spikes == reference.spikeTrains())
            #expect(result.counters.packetsCreated == result.counters.packetsDelivered)
            #expect(result.counters.reorderedPackets == 0)
            #expect(result.counters.latePackets == 0)
            stalls.append(result.counters.routers[0].reduce(0) { $0 + $1.stall } + result.counters.cores[0].reduce(0) { $0 + $1.injectionStall })
        }
        #expect(stalls[1] > stalls[0], "stalls with 1-packet buffers (\(stalls[1]) ps) should exceed those with 16 (\(stalls[0]) ps)")
    }

    /// A lossy queue policy drops spikes at full buffers and counts every one.
    @Test func lossyPolicyCountsItsDrops() throws {
        var chip = variant(loadChip("tiny.json"), multicast: .sourceReplication, sync: .dataflow, depth: 1)
        chip.router.queuePolicy = .lossy
        let (network, input) = activeNetwork(seed: 11, window: chip.time.window, recurrent: false, sizes: [16, 40, 8])
        let result = try Self.run(chip, network, input, placement: farPlacement(network, chip: chip))
        #expect(result.counters.packetsCreated == result.counters.packetsDelivered + result.counters.packetsDropped)
        #expect(result.counters.packetsDropped > 0, "1-slot buffers under this traffic must overflow")
        #expect(result.counters.routers[0].reduce(0) { $0 + $1.drops } > 0)
    }

    /// A recurrent projection with delays shorter than a window across cores is refused with a reason.
    @Test func shortRecurrentDelaysAcrossCoresAreRefused() throws {
        let chip = loadChip("tiny.json")
        var (network, _) = activeNetwork(seed: 1, window: chip.time.window, recurrent: true)
        let r = network.projections.firstIndex { $0.source == $0.target }!
        network.projections[r].delays = network.projections[r].delays!.map { _ in chip.time.window / 2 }
        let mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .explicit(farPlacement(network, chip: chip)))
        #expect(throws: EmulatorError.self) { try Emulator(network: network, mapping: mapping) }
        do { _ = try Emulator(network: network, mapping: mapping) } catch {
            #expect(error.message.contains("window"))
        }
    }
}

@Suite("Backward pass on the chip")
struct EmulatorBackwardTests {
    /// Gradients computed as error-packet traffic on the chip equal the functional reference's to
    /// 1e-12 (relative to the largest gradient), on every bundled chip, both multicast styles and
    /// both synchronisation modes, for feed-forward and recurrent (delayed) networks.
    @Test(arguments: bundledChips)
    func gradientsEqualTheFunctionalReference(chipFile: String) throws {
        let base = loadChip(chipFile)
        var runs = 0
        for multicast in MulticastStyle.allCases {
            for sync in SyncMode.allCases {
                let chip = variant(base, multicast: multicast, sync: sync)
                for seed in 0..<2 {
                    for (recurrent, output) in [(false, NeuronKind.lif), (true, .lif), (false, .li), (true, .li)] {
                        let (network, input) = activeNetwork(seed: UInt64(seed + 10), window: chip.time.window, recurrent: recurrent, output: output)
                        let losses: [Loss] = output == .lif ? [.timeToFirstSpike(), .spikeTimeSum] : [.maxVoltage, .expVoltage]
                        for placement in [farPlacement(network, chip: chip), nil] {
                            let strategy: PlacementStrategy = placement.map { .explicit($0) } ?? .spread
                            guard let mapping = try? Mapping.map(NetworkShape(network), onto: chip, strategy: strategy) else { continue }
                            for loss in losses {
                                var emulator = try Emulator(network: network, mapping: mapping)
                                _ = try emulator.run(input)
                                let result = try emulator.backward(loss: loss, label: input.label)
                                var reference = ReferenceSimulator(network: network)
                                let evaluation = reference.gradient(input: input, loss: loss)
                                // The same spikes give the same loss, bit for bit (the chip records spikes
                                // core by core; losses are evaluated in the canonical order).
                                #expect(result.loss.value == evaluation.value, "\(chipFile) \(multicast) \(sync) \(loss.name)")
                                let scale = reference.gradients.weights.flatMap { $0 }.map(abs).max() ?? 0
                                for p in reference.gradients.weights.indices {
                                    for (a, b) in zip(result.gradients.weights[p], reference.gradients.weights[p]) {
                                        #expect(abs(a - b) <= 1e-12 * max(scale, 1e-300), "\(chipFile) \(multicast) \(sync) \(loss.name) projection \(p): \(a) vs \(b)")
                                    }
                                    if let d = reference.gradients.delays[p] {
                                        let dScale = d.map(abs).max() ?? 0
                                        for (a, b) in zip(result.gradients.delays[p]!, d) {
                                            #expect(abs(a - b) <= 1e-12 * max(dScale, 1e-300))
                                        }
                                    }
                                }
                                let cores = result.counters.cores[Phase.backward.rawValue]
                                #expect(cores.reduce(0) { $0 + $1.gradientAccumulations } > 0)
                                #expect(result.counters.packetsCreated == result.counters.packetsDelivered)
                                #expect(result.loss.prediction == evaluation.prediction)
                                runs += 1
                            }
                        }
                    }
                }
            }
        }
        #expect(runs >= 16, "\(chipFile): too few runs (\(runs))")
    }

    /// A readout maximum on the kink of an arriving hidden spike (eventprop.md §4.2): the chip's
    /// max-voltage gradients — weights and delays — still equal the reference's, in both sync
    /// modes and on cores far apart.
    @Test func maxVoltageKinkCorrectionOnTheChip() throws {
        var found = 0
        for seed in 0..<200 where found < 4 {
            let chip = variant(loadChip("loihi.json"), multicast: .inNetwork, sync: found % 2 == 0 ? .barrier : .dataflow)
            let (network, input) = activeNetwork(seed: UInt64(seed + 500), window: chip.time.window, recurrent: seed % 2 == 1, output: .li)
            let mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .explicit(farPlacement(network, chip: chip)))
            var emulator = try Emulator(network: network, mapping: mapping)
            _ = try emulator.run(input)
            guard emulator.readouts.kinkSpike.contains(where: { $0 >= 0 }) else { continue }
            found += 1
            let result = try emulator.backward(loss: .maxVoltage, label: input.label)
            var reference = ReferenceSimulator(network: network)
            _ = reference.gradient(input: input, loss: .maxVoltage)
            for p in reference.gradients.weights.indices {
                let scale = max(reference.gradients.weights[p].map(abs).max() ?? 0, 1e-300)
                for (a, b) in zip(result.gradients.weights[p], reference.gradients.weights[p]) {
                    #expect(abs(a - b) <= 1e-12 * scale, "seed \(seed) projection \(p): \(a) vs \(b)")
                }
                if let d = reference.gradients.delays[p] {
                    let dScale = max(d.map(abs).max() ?? 0, 1e-300)
                    for (a, b) in zip(result.gradients.delays[p]!, d) { #expect(abs(a - b) <= 1e-12 * dScale, "seed \(seed) delays \(p)") }
                }
            }
        }
        #expect(found == 4, "only \(found) networks with a readout maximum on a hidden spike's kink")
    }

    /// A readout maximum on the kink of a delayed input spike's arrival: the delay moves the
    /// maximum, and the chip's delay gradient carries that correction as the reference's does.
    @Test func maxVoltageKinkOnADelayedInputSpikeOnTheChip() throws {
        let p = NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3)
        let network = Network(
            populations: [Population(name: "in", kind: .input, size: 2), Population(name: "out", kind: .li, size: 2, parameters: p)],
            projections: [
                Projection(
                    source: PopulationID(0), target: PopulationID(1), sourceSize: 2, targetSize: 2,
                    weights: [3, 1, -3, 0.5], delays: [1e-3, 1e-3, 2e-3, 2e-3])
            ],
            duration: 0.03)
        let input = InputSpikes(times: [[0], [2e-3]], label: 0)
        var reference = ReferenceSimulator(network: network)
        reference.gradient(input: input, loss: .maxVoltage)
        // The maximum of readout 0 sits on input 1's arrival at 4 ms: ∂L/∂d = g · V̇(4 ms⁻) ≠ 0.
        #expect(reference.gradients.delays[0]![2] != 0)
        let chip = loadChip("loihi.json")
        let mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .spread)
        var emulator = try Emulator(network: network, mapping: mapping)
        _ = try emulator.run(input)
        let result = try emulator.backward(loss: .maxVoltage, label: input.label)
        #expect(result.gradients == reference.gradients)
    }
}
