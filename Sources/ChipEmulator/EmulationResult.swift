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

    public static let categories = EnergyCategory.allCases.map(\.name)

    /// The sum of all priced categories.
    public var total: Double { Self.categories.reduce(0) { $0 + (joules[$1] ?? 0) } }
}

/// The categories of ``EnergyReport/joules``, in their order.
package enum EnergyCategory: Int, CaseIterable, Sendable {
    case synapticOps, neuronUpdates, spikes, adjointUpdates, errorAccumulation, gradientAccumulation
    case packetInjection, packetReceive, localDelivery, hopsX, hopsY, synchronisation, staticPower

    package var name: String {
        [
            "synaptic_ops", "neuron_updates", "spikes", "adjoint_updates", "error_accumulation", "gradient_accumulation",
            "packet_injection", "packet_receive", "local_delivery", "hops_x", "hops_y", "synchronisation", "static",
        ][rawValue]
    }
}

/// Counts of the operations a chip file cannot price (no energy), by a fixed index instead of
/// by name, so that adding them up per sample hashes no strings: the chip operations (their raw
/// values), then barriers, end-of-window messages and static power.
package struct UnpricedCounts: Sendable, Equatable {
    package static let names = ChipOperation.allCases.map(\.description) + ["barrier", "sync_message", "static_power"]
    package static let barrier = ChipOperation.allCases.count
    package static let syncMessage = barrier + 1
    package static let staticPower = barrier + 2

    /// `counts[i]`: the count of ``names``[i].
    package private(set) var counts = Array(repeating: UInt64(0), count: names.count)
    /// Bit `i`: entry `i` was recorded (its count may be 0: static power with no used core).
    package private(set) var recorded: UInt32 = 0

    package init() {}

    package mutating func add(_ count: UInt64, at i: Int) {
        counts[i] += count
        recorded |= 1 << i
    }

    package mutating func add(_ other: UnpricedCounts) {
        var bits = other.recorded
        while bits != 0 {
            let i = bits.trailingZeroBitCount
            add(other.counts[i], at: i)
            bits &= bits - 1
        }
    }

    /// Name → count of the recorded entries.
    package var dictionary: [String: UInt64] {
        var result: [String: UInt64] = [:]
        for i in counts.indices where recorded & (1 << i) != 0 { result[Self.names[i]] = counts[i] }
        return result
    }
}

/// One phase's energy by category and its unpriced operations, without the per-core and
/// per-router parts and without dictionaries: what training needs for every sample.
package struct EnergyTotals: Sendable {
    /// Joules by category, indexed by ``EnergyCategory``.
    package var joules: [Double]
    package var unpriced: UnpricedCounts

    /// The sum of the categories in their order: bit for bit ``EnergyReport/total``.
    package var total: Double { joules.reduce(0, +) }
}

extension EmulationResult {
    /// Energy = Σ counters × the chip file's per-operation energies (+ static power × time).
    /// Unknown costs are never taken as zero silently: their operations are listed in
    /// ``EnergyReport/unpriced``.
    public func energy(phase: Phase = .forward) -> EnergyReport {
        var perCore = Array(repeating: 0.0, count: counters.cores[phase.rawValue].count)
        var perRouter = Array(repeating: 0.0, count: counters.routers[phase.rawValue].count)
        let totals = energy(phase: phase, perCore: &perCore, perRouter: &perRouter)
        return EnergyReport(
            joules: Dictionary(uniqueKeysWithValues: zip(EnergyReport.categories, totals.joules)), unpriced: totals.unpriced.dictionary,
            perCore: perCore, perRouter: perRouter)
    }

    /// ``energy(phase:)`` by category only (the same numbers, bit for bit).
    package func energyTotals(phase: Phase = .forward) -> EnergyTotals {
        var noCores: [Double] = []
        var noRouters: [Double] = []
        return energy(phase: phase, perCore: &noCores, perRouter: &noRouters)
    }

    /// The energy of `phase` by category; each core's and router's share is added to `perCore`
    /// and `perRouter` unless they are empty.
    private func energy(phase: Phase, perCore: inout [Double], perRouter: inout [Double]) -> EnergyTotals {
        let costs = chip.costs
        var totals = EnergyTotals(joules: Array(repeating: 0, count: EnergyCategory.allCases.count), unpriced: UnpricedCounts())
        let splitCores = !perCore.isEmpty
        let splitRouters = !perRouter.isEmpty

        func charge(_ operation: ChipOperation, _ count: UInt64, _ category: EnergyCategory, core: Int? = nil, router: Int? = nil, cost: OperationCost? = nil) {
            guard count > 0 else { return }
            guard let energy = (cost ?? costs[operation]).energy else {
                totals.unpriced.add(count, at: operation.rawValue)
                return
            }
            let e = Double(count) * energy
            totals.joules[category.rawValue] += e
            if splitCores, let core { perCore[core] += e }
            if splitRouters, let router { perRouter[router] += e }
        }

        let idleCore = CoreCounters()
        let idleRouter = RouterCounters()
        for (c, k) in counters.cores[phase.rawValue].enumerated() where k != idleCore {
            charge(.synapticOp, k.synapticOps, .synapticOps, core: c)
            charge(.neuronUpdateEvent, k.neuronUpdatesEvent, .neuronUpdates, core: c)
            charge(.neuronUpdateActive, k.neuronUpdatesActive, .neuronUpdates, core: c)
            charge(.neuronUpdateInactive, k.neuronUpdatesInactive, .neuronUpdates, core: c)
            charge(.spikeEmit, k.spikes, .spikes, core: c)
            charge(.adjointUpdate, k.adjointUpdates, .adjointUpdates, core: c)
            charge(.errorAccumulation, k.errorAccumulations, .errorAccumulation, core: c)
            charge(.gradientAccumulation, k.gradientAccumulations, .gradientAccumulation, core: c)
            charge(.packetInject, k.packetsInjected + k.syncSent, .packetInjection, core: c)
            charge(.packetReceive, k.packetsReceived + k.syncReceived, .packetReceive, core: c)
        }
        let directions: [HopDirection] = [.north, .east, .south, .west]
        for (r, k) in counters.routers[phase.rawValue].enumerated() where k != idleRouter {
            charge(.localDelivery, k.localDeliveries, .localDelivery, router: r)
            for (d, direction) in directions.enumerated() {
                charge(direction.isXAxis ? .hopX : .hopY, k.hops[d], direction.isXAxis ? .hopsX : .hopsY, router: r, cost: costs.hop(direction))
            }
        }
        // Synchronisation: one cost per barrier, or per end-of-window message.
        let syncEvents = chip.time.sync.mode == .barrier
            ? counters.barriers[phase.rawValue] : counters.cores[phase.rawValue].reduce(0) { $0 + $1.syncSent }
        if syncEvents > 0 {
            if let e = chip.time.sync.energy {
                totals.joules[EnergyCategory.synchronisation.rawValue] += Double(syncEvents) * e
            } else {
                totals.unpriced.add(syncEvents, at: chip.time.sync.mode == .barrier ? UnpricedCounts.barrier : UnpricedCounts.syncMessage)
            }
        }
        if let watts = costs.staticPowerPerCore {
            let e = watts * Double(usedCores.count) * Double(latency) * 1e-12
            totals.joules[EnergyCategory.staticPower.rawValue] += e
            if splitCores { for c in usedCores { perCore[c] += watts * Double(latency) * 1e-12 } }
        } else if latency > 0 {
            totals.unpriced.add(UInt64(usedCores.count), at: UnpricedCounts.staticPower)
        }
        return totals
    }

    /// Messages of the sample: spike packets injected plus synchronisation messages (or barriers).
    public func messages(phase: Phase = .forward) -> (spikePackets: UInt64, sync: UInt64) {
        let cores = counters.cores[phase.rawValue]
        let sync = chip.time.sync.mode == .barrier ? counters.barriers[phase.rawValue] : cores.reduce(0) { $0 + $1.syncSent }
        return (cores.reduce(0) { $0 + $1.packetsInjected }, sync)
    }
}
