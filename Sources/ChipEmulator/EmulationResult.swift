// EmulationResult: one sample's spikes, counters and hardware time, and the energy they cost.

import ChipDescription
import SpikingModel

/// What one emulated sample produced.
public struct EmulationResult: Sendable {
    /// Spike times per population and neuron (identical to ``ReferenceSimulator/spikeTrains()``).
    public var spikes: SpikeTrains
    /// Operation, packet and synchronisation counts per phase, core and router.
    public var counters: EmulationCounters
    /// Hardware time from the start of the sample until the last core finished, in picoseconds.
    public var latency: Picoseconds
    /// Model-time windows the trial was cut into.
    public var windows: Int
    /// Input spikes injected at the I/O port (those at or before the trial's end).
    public var inputSpikes: Int
    public let chip: ChipSpec
    /// Cores that hold neurons.
    public var usedCores: [Int]
    /// Neurons per core; the last entry is the port.
    public var neuronsPerCore: [Int]
    /// Synapses per core (incoming, stored on the core); the last entry is the port.
    public var synapsesPerCore: [Int]
    /// Routers a barrier spans (those with a used core or the I/O port).
    public var participatingRouters: Int

    /// The core index used for the I/O port in the per-core arrays.
    public var portIndex: Int { chip.mesh.coreCount }
}

/// Energy of one sample by category, in joules, with the operations the chip file cannot price.
public struct EnergyReport: Sendable, Equatable {
    /// Category name → joules, in a fixed order (see ``EnergyReport/categories``).
    public var joules: [String: Double]
    /// Operations that happened but whose energy the chip file gives as unknown (`null`): name → count.
    public var unpriced: [String: UInt64]
    /// Per core (same indexing as the counters): joules of its own operations.
    public var perCore: [Double]
    /// Per router: joules of its hops and local deliveries.
    public var perRouter: [Double]

    public static let categories = [
        "synaptic_ops", "neuron_updates", "spikes", "adjoint_updates", "error_accumulation", "gradient_accumulation",
        "packet_injection", "packet_receive", "local_delivery", "hops_x", "hops_y", "synchronisation", "static",
    ]

    /// The sum of all priced categories.
    public var total: Double { Self.categories.reduce(0) { $0 + (joules[$1] ?? 0) } }
}

extension EmulationResult {
    /// Energy = Σ counters × the chip file's per-operation energies (+ static power × time).
    /// Unknown costs are never taken as zero silently: their operations are listed in
    /// ``EnergyReport/unpriced``.
    public func energy(phase: Phase = .forward) -> EnergyReport {
        let costs = chip.costs
        var joules = Dictionary(uniqueKeysWithValues: EnergyReport.categories.map { ($0, 0.0) })
        var unpriced: [String: UInt64] = [:]
        var perCore = Array(repeating: 0.0, count: counters.cores[phase.rawValue].count)
        var perRouter = Array(repeating: 0.0, count: counters.routers[phase.rawValue].count)

        func charge(_ operation: ChipOperation, _ count: UInt64, _ category: String, core: Int? = nil, router: Int? = nil, cost: OperationCost? = nil) {
            guard count > 0 else { return }
            guard let energy = (cost ?? costs[operation]).energy else {
                unpriced[operation.description, default: 0] += count
                return
            }
            let e = Double(count) * energy
            joules[category, default: 0] += e
            if let core { perCore[core] += e }
            if let router { perRouter[router] += e }
        }

        let idleCore = CoreCounters()
        let idleRouter = RouterCounters()
        for (c, k) in counters.cores[phase.rawValue].enumerated() where k != idleCore {
            charge(.synapticOp, k.synapticOps, "synaptic_ops", core: c)
            charge(.neuronUpdateEvent, k.neuronUpdatesEvent, "neuron_updates", core: c)
            charge(.neuronUpdateActive, k.neuronUpdatesActive, "neuron_updates", core: c)
            charge(.neuronUpdateInactive, k.neuronUpdatesInactive, "neuron_updates", core: c)
            charge(.spikeEmit, k.spikes, "spikes", core: c)
            charge(.adjointUpdate, k.adjointUpdates, "adjoint_updates", core: c)
            charge(.errorAccumulation, k.errorAccumulations, "error_accumulation", core: c)
            charge(.gradientAccumulation, k.gradientAccumulations, "gradient_accumulation", core: c)
            charge(.packetInject, k.packetsInjected + k.syncSent, "packet_injection", core: c)
            charge(.packetReceive, k.packetsReceived + k.syncReceived, "packet_receive", core: c)
        }
        let directions: [HopDirection] = [.north, .east, .south, .west]
        for (r, k) in counters.routers[phase.rawValue].enumerated() where k != idleRouter {
            charge(.localDelivery, k.localDeliveries, "local_delivery", router: r)
            for (d, direction) in directions.enumerated() {
                charge(direction.isXAxis ? .hopX : .hopY, k.hops[d], direction.isXAxis ? "hops_x" : "hops_y", router: r, cost: costs.hop(direction))
            }
        }
        // Synchronisation: one cost per barrier, or per end-of-window message.
        let syncEvents = chip.time.sync.mode == .barrier
            ? counters.barriers[phase.rawValue] : counters.cores[phase.rawValue].reduce(0) { $0 + $1.syncSent }
        if syncEvents > 0 {
            if let e = chip.time.sync.energy {
                joules["synchronisation"]! += Double(syncEvents) * e
            } else {
                unpriced[chip.time.sync.mode == .barrier ? "barrier" : "sync_message", default: 0] += syncEvents
            }
        }
        if let watts = costs.staticPowerPerCore {
            let e = watts * Double(usedCores.count) * Double(latency) * 1e-12
            joules["static"]! += e
            for c in usedCores { perCore[c] += watts * Double(latency) * 1e-12 }
        } else if latency > 0 {
            unpriced["static_power", default: 0] += UInt64(usedCores.count)
        }
        return EnergyReport(joules: joules, unpriced: unpriced, perCore: perCore, perRouter: perRouter)
    }

    /// Messages of the sample: spike packets injected plus synchronisation messages (or barriers).
    public func messages(phase: Phase = .forward) -> (spikePackets: UInt64, sync: UInt64) {
        let cores = counters.cores[phase.rawValue]
        let sync = chip.time.sync.mode == .barrier ? counters.barriers[phase.rawValue] : cores.reduce(0) { $0 + $1.syncSent }
        return (cores.reduce(0) { $0 + $1.packetsInjected }, sync)
    }
}
