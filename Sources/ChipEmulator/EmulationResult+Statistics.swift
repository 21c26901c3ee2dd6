// EmulationResult+Statistics: what the reports derive from the counters — active phases,
// sparsity per core, link utilisation, totals over phases.

import ChipDescription
import SpikingModel

/// How sparse one core's activity was in one sample (design.md §8).
public struct CoreSparsity: Sendable, Equatable {
    /// Neurons placed on the core.
    public var neurons: Int
    /// Of those, the neurons that spiked at least once.
    public var neuronsSpiked: Int
    /// Spikes of the core's neurons.
    public var spikes: Int
    /// Synapses stored on the core (those onto its neurons).
    public var synapses: Int
    /// Of those, the synapses whose presynaptic neuron spiked at least once.
    public var synapsesTouched: Int

    public init(neurons: Int = 0, neuronsSpiked: Int = 0, spikes: Int = 0, synapses: Int = 0, synapsesTouched: Int = 0) {
        self.neurons = neurons
        self.neuronsSpiked = neuronsSpiked
        self.spikes = spikes
        self.synapses = synapses
        self.synapsesTouched = synapsesTouched
    }

    /// Fraction of the core's neurons that spiked (0 for a core without neurons).
    public var spikedFraction: Double { neurons == 0 ? 0 : Double(neuronsSpiked) / Double(neurons) }
    public var spikesPerNeuron: Double { neurons == 0 ? 0 : Double(spikes) / Double(neurons) }
    /// Fraction of the core's synapses that carried at least one spike.
    public var synapsesTouchedFraction: Double { synapses == 0 ? 0 : Double(synapsesTouched) / Double(synapses) }
}

/// The outgoing link directions in the order of ``RouterCounters/hops``.
public let linkDirections = ["north", "east", "south", "west"]

extension RouterCounters {
    /// Whether the router did anything at all in the phase.
    public var sawTraffic: Bool { self != RouterCounters() }
}

extension EmulationResult {
    /// The phases worth reporting: the forward phase always, the backward and update phases
    /// only when any of their counters is non-zero (the emulator runs the forward pass only so
    /// far, so today this is `[.forward]`). A phase without activity is left out rather than
    /// reported as zeros because static energy would otherwise be charged for it.
    public var activePhases: [Phase] {
        Phase.allCases.filter { phase in
            phase == .forward || counters.barriers[phase.rawValue] > 0
                || counters.cores[phase.rawValue].contains { $0 != CoreCounters() }
                || counters.routers[phase.rawValue].contains(where: \.sawTraffic)
        }
    }

    /// Energy over ``activePhases``: categories and unpriced operations summed.
    public func totalEnergy() -> EnergyReport {
        var total = EnergyReport(
            joules: Dictionary(uniqueKeysWithValues: EnergyReport.categories.map { ($0, 0.0) }), unpriced: [:],
            perCore: Array(repeating: 0, count: chip.mesh.coreCount + 1), perRouter: Array(repeating: 0, count: chip.mesh.routerCount))
        for phase in activePhases {
            let e = energy(phase: phase)
            for (k, v) in e.joules { total.joules[k, default: 0] += v }
            for (k, v) in e.unpriced { total.unpriced[k, default: 0] += v }
            for c in e.perCore.indices { total.perCore[c] += e.perCore[c] }
            for r in e.perRouter.indices { total.perRouter[r] += e.perRouter[r] }
        }
        return total
    }

    /// Messages over ``activePhases``: spike packets injected (by cores and the I/O port) and
    /// synchronisation events (barriers, or end-of-window messages in dataflow mode).
    public func totalMessages() -> (spikePackets: UInt64, sync: UInt64) {
        activePhases.reduce((0, 0)) { sum, phase in
            let m = messages(phase: phase)
            return (sum.0 + m.spikePackets, sum.1 + m.sync)
        }
    }

    /// Operations that happened but whose latency the chip file gives as unknown (`null`), so
    /// they took no hardware time: name → count over ``activePhases``. When this is not empty
    /// the latency is a lower bound.
    public func untimedOperations() -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for phase in activePhases {
            let cores = counters.cores[phase.rawValue]
            func total(_ value: (CoreCounters) -> UInt64) -> UInt64 { cores.reduce(0) { $0 + value($1) } }
            let counts: [(ChipOperation, UInt64)] = [
                (.synapticOp, total(\.synapticOps)), (.neuronUpdateEvent, total(\.neuronUpdatesEvent)),
                (.neuronUpdateActive, total(\.neuronUpdatesActive)), (.neuronUpdateInactive, total(\.neuronUpdatesInactive)),
                (.spikeEmit, total(\.spikes)), (.packetInject, total { $0.packetsInjected + $0.syncSent }),
                (.packetReceive, total { $0.packetsReceived + $0.syncReceived }),
            ]
            for (operation, count) in counts where count > 0 && chip.costs[operation].latency == nil {
                result[operation.description, default: 0] += count
            }
            if chip.time.sync.mode == .barrier, counters.barriers[phase.rawValue] > 0,
                chip.time.sync.latency.seconds(routers: participatingRouters) == nil
            {
                result["barrier", default: 0] += counters.barriers[phase.rawValue]
            }
        }
        return result
    }

    /// Busy time of a link ÷ the sample's hardware latency (0 when the latency is 0).
    public func linkUtilisation(_ counters: RouterCounters, direction: Int) -> Double {
        latency == 0 ? 0 : Double(counters.linkBusy[direction]) / Double(latency)
    }

    /// Sparsity of every core (indexed by core; the I/O port is not included) computed from
    /// the spikes and the network's all-to-all projections: a synapse is touched when its
    /// presynaptic neuron spiked at least once in the sample.
    public func sparsity(network: Network, placement: Placement) -> [CoreSparsity] {
        var result = Array(repeating: CoreSparsity(), count: chip.mesh.coreCount)
        let spikedCount = network.populations.indices.map { p in spikes.trains[p].reduce(0) { $0 + ($1.isEmpty ? 0 : 1) } }
        for (p, cores) in placement.cores.enumerated() {
            var synapsesPerNeuron = 0
            var touchedPerNeuron = 0
            for projection in network.projections where projection.target.rawValue == p {
                synapsesPerNeuron += projection.sourceSize
                touchedPerNeuron += spikedCount[projection.source.rawValue]
            }
            for (n, core) in cores.enumerated() {
                let count = spikes.trains[p][n].count
                result[core.rawValue].neurons += 1
                result[core.rawValue].spikes += count
                result[core.rawValue].neuronsSpiked += count > 0 ? 1 : 0
                result[core.rawValue].synapses += synapsesPerNeuron
                result[core.rawValue].synapsesTouched += touchedPerNeuron
            }
        }
        return result
    }
}
