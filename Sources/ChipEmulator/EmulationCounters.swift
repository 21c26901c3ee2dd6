// EmulationCounters: what every core, router and link did, counted during an emulation.
// Energy is not simulated: it is these counts times the chip file's per-operation costs.

/// Hardware time in integer picoseconds.
public typealias Picoseconds = UInt64

/// Seconds → picoseconds, rounded to the nearest picosecond.
@inline(__always) func picoseconds(_ seconds: Double) -> Picoseconds {
    seconds <= 0 ? 0 : Picoseconds((seconds * 1e12).rounded())
}

/// The phases of a training step: the forward pass (`Emulator.run`), the backward pass as error
/// packets (`Emulator.backward`) and the optimiser's update of the weights on their cores.
public enum Phase: Int, Sendable, CaseIterable, CustomStringConvertible {
    case forward, backward, update
    public var description: String { ["forward", "backward", "update"][rawValue] }
}

/// Counters of one core in one phase.
public struct CoreCounters: Sendable, Equatable {
    /// Synapses processed for incoming spikes (one per target neuron per arriving spike).
    public var synapticOps: UInt64 = 0
    /// Neuron states advanced to an input event.
    public var neuronUpdatesEvent: UInt64 = 0
    /// Per-window neuron updates in windows with input or a spike.
    public var neuronUpdatesActive: UInt64 = 0
    /// Per-window neuron updates in windows without.
    public var neuronUpdatesInactive: UInt64 = 0
    /// Spikes emitted.
    public var spikes: UInt64 = 0
    /// Spike (or error) packets handed to the router.
    public var packetsInjected: UInt64 = 0
    /// Spike (or error) packets received.
    public var packetsReceived: UInt64 = 0
    /// End-of-window messages sent and received (dataflow synchronisation).
    public var syncSent: UInt64 = 0
    public var syncReceived: UInt64 = 0
    /// Time spent computing and receiving.
    public var busy: Picoseconds = 0
    /// Time packets waited in the core's outbox for a free slot in the router.
    public var injectionStall: Picoseconds = 0
    /// Most packets waiting in the outbox at once.
    public var outboxPeak: Int = 0
    /// Backward phase: neuron adjoints advanced to a backward event (and jumps applied).
    public var adjointUpdates: UInt64 = 0
    /// Backward phase: synapse terms `w (λV − λI)` added to error partial sums.
    public var errorAccumulations: UInt64 = 0
    /// Backward phase: synapse gradient accumulator updates `grad += −τs λI`.
    public var gradientAccumulations: UInt64 = 0
    /// Backward phase: error packets not sent because their partial sum was exactly zero.
    public var errorPacketsSuppressed: UInt64 = 0

    public init() {}
}

/// Counters of one router in one phase.
public struct RouterCounters: Sendable, Equatable {
    /// Packets sent on each outgoing link: north, east, south, west.
    public var hops = PerDirection()
    /// Packets handed to this router's own cores.
    public var localDeliveries: UInt64 = 0
    /// Packets that passed through (arrived on a link or from a core and left again).
    public var forwarded: UInt64 = 0
    /// Time head packets waited for a busy output or a full downstream buffer.
    public var stall: Picoseconds = 0
    /// Most packets in any one input buffer at once.
    public var peakOccupancy: Int = 0
    /// Packets dropped at a full buffer (only under a lossy queue policy).
    public var drops: UInt64 = 0
    /// Busy time of each outgoing link (north, east, south, west), picoseconds.
    public var linkBusy = PerDirection()

    public init() {}

    public var hopsX: UInt64 { hops[1] + hops[3] }
    public var hopsY: UInt64 { hops[0] + hops[2] }
}

/// Everything counted in one emulation.
public struct EmulationCounters: Sendable, Equatable {
    /// `cores[phase][core]`.
    public var cores: [[CoreCounters]]
    /// `routers[phase][router]`.
    public var routers: [[RouterCounters]]
    /// Chip-wide barriers completed, per phase.
    public var barriers: [UInt64]
    /// Messages of the loss reduction across output cores (gather and broadcast), per phase.
    public var lossMessages: [UInt64]
    /// Packet destinations created (a multicast packet counts once per destination core) and
    /// packets taken in by a core: conservation says created = delivered + dropped.
    public var packetsCreated: UInt64 = 0
    public var packetsDelivered: UInt64 = 0
    /// Packet destinations lost to full buffers (lossy queue policy only).
    public var packetsDropped: UInt64 = 0
    /// Arrivals delivered to a core after it had processed their window (must be 0: the window
    /// protocol guarantees it; a non-zero count would mean results differ from the reference).
    public var latePackets: UInt64 = 0
    /// Packets that overtook an earlier packet between the same two cores (must be 0).
    public var reorderedPackets: UInt64 = 0
    /// Backward pass: spike-log entries the cores could not keep (``ChipDescription/CoreSpec/spikeLogEntries``
    /// exceeded under the `count` overflow policy). Their events are left out of the backward
    /// pass, so the gradients are no longer exact.
    public var spikeLogDropped: UInt64 = 0

    package init(cores: Int, routers: Int) {
        // One array per phase (not one shared by all, which the first count would copy).
        self.cores = Phase.allCases.map { _ in Array(repeating: CoreCounters(), count: cores) }
        self.routers = Phase.allCases.map { _ in Array(repeating: RouterCounters(), count: routers) }
        barriers = Array(repeating: 0, count: Phase.allCases.count)
        lossMessages = Array(repeating: 0, count: Phase.allCases.count)
    }

    /// Sets every count to zero, in place when no earlier result still shares the storage.
    package mutating func reset() {
        for phase in cores.indices { cores[phase].withUnsafeMutableBufferPointer { $0.update(repeating: CoreCounters()) } }
        for phase in routers.indices { routers[phase].withUnsafeMutableBufferPointer { $0.update(repeating: RouterCounters()) } }
        barriers.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        lossMessages.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        packetsCreated = 0
        packetsDelivered = 0
        packetsDropped = 0
        latePackets = 0
        spikeLogDropped = 0
        reorderedPackets = 0
    }
}

/// Four counts, one per link direction (north, east, south, west): a collection with no heap
/// storage, so counters can be reset per sample without allocating.
public struct PerDirection: RandomAccessCollection, MutableCollection, Sendable, Equatable {
    private var north: UInt64 = 0, east: UInt64 = 0, south: UInt64 = 0, west: UInt64 = 0

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { 4 }

    public subscript(direction: Int) -> UInt64 {
        get {
            switch direction {
            case 0: return north
            case 1: return east
            case 2: return south
            default: return west
            }
        }
        set {
            switch direction {
            case 0: north = newValue
            case 1: east = newValue
            case 2: south = newValue
            default: west = newValue
            }
        }
    }
}
