// CostTable: the energy and latency of every operation the emulator counts.

/// The energy and latency of one operation; `nil` means unknown (reported as unpriced, never
/// taken as zero).
public struct OperationCost: Sendable, Equatable {
    /// Joules per operation (≥ 0).
    public var energy: Double?
    /// Seconds per operation (≥ 0), spent on the core or router that performs it.
    public var latency: Double?

    public init(energy: Double?, latency: Double?) {
        self.energy = energy
        self.latency = latency
    }

    public static let unknown = OperationCost(energy: nil, latency: nil)
}

/// The phase a counted operation belongs to, which is also its group in the file.
public enum CostGroup: String, Sendable, CaseIterable {
    case forward, network, backward, update
}

/// Every operation with a cost in the chip file.
///
/// The hop operations are per axis; a file may override them per direction (see
/// ``CostTable/hop(_:)``).
public enum ChipOperation: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// One synapse processed for one incoming spike (weight read, accumulate).
    case synapticOp
    /// One neuron's state advanced to one input event (event-driven cores).
    case neuronUpdateEvent
    /// One neuron's update in a window in which it received input or spiked.
    case neuronUpdateActive
    /// One neuron's update in a window without input or spikes.
    case neuronUpdateInactive
    /// One output spike formed by a neuron (once per spike).
    case spikeEmit
    /// One packet (spike, error or sync) handed by a core to its router.
    case packetInject
    /// One packet taken in by its destination core (axon lookup).
    case packetReceive
    /// One packet delivered from a router to one of its own cores.
    case localDelivery
    /// One router-to-router hop along x (east or west).
    case hopX
    /// One router-to-router hop along y (north or south).
    case hopY
    /// One neuron's adjoint state advanced to one backward event and its jump applied.
    case adjointUpdate
    /// One synapse's term `w_ji (λV_j − λI_j)` added to the partial sum of an error packet.
    case errorAccumulation
    /// One synapse's gradient accumulator updated, `grad w_ji += −τs λI_j`.
    case gradientAccumulation
    /// One weight updated by plain SGD.
    case weightUpdateSGD
    /// One weight updated by SGD with momentum.
    case weightUpdateSGDMomentum
    /// One weight updated by Adam.
    case weightUpdateAdam

    public var group: CostGroup {
        switch self {
        case .synapticOp, .neuronUpdateEvent, .neuronUpdateActive, .neuronUpdateInactive, .spikeEmit: return .forward
        case .packetInject, .packetReceive, .localDelivery, .hopX, .hopY: return .network
        case .adjointUpdate, .errorAccumulation, .gradientAccumulation: return .backward
        case .weightUpdateSGD, .weightUpdateSGDMomentum, .weightUpdateAdam: return .update
        }
    }

    /// The member names leading from the group object to this operation's cost object.
    public var keyPath: [String] {
        switch self {
        case .synapticOp: return ["synaptic_op"]
        case .neuronUpdateEvent: return ["neuron_update_event"]
        case .neuronUpdateActive: return ["neuron_update_active"]
        case .neuronUpdateInactive: return ["neuron_update_inactive"]
        case .spikeEmit: return ["spike_emit"]
        case .packetInject: return ["packet_inject"]
        case .packetReceive: return ["packet_receive"]
        case .localDelivery: return ["local_delivery"]
        case .hopX: return ["hop", "x"]
        case .hopY: return ["hop", "y"]
        case .adjointUpdate: return ["adjoint_update"]
        case .errorAccumulation: return ["error_accumulation"]
        case .gradientAccumulation: return ["gradient_accumulation"]
        case .weightUpdateSGD: return ["weight_update_sgd"]
        case .weightUpdateSGDMomentum: return ["weight_update_sgd_momentum"]
        case .weightUpdateAdam: return ["weight_update_adam"]
        }
    }

    /// The JSON pointer of this operation's cost object, e.g. `/costs/network/hop/x`.
    public var pointer: String { "/costs/\(group.rawValue)/" + keyPath.joined(separator: "/") }

    public var description: String { keyPath.joined(separator: ".") }
}

/// A direction of travel between routers (`x` grows eastwards, `y` southwards).
public enum HopDirection: String, Sendable, CaseIterable {
    case east, west, north, south

    public var isXAxis: Bool { self == .east || self == .west }
}

/// The costs of all operations, plus optional static power.
public struct CostTable: Sendable, Equatable {
    private var costs: [OperationCost]
    /// Per-direction hop costs that replace the per-axis figure (Loihi's published hops differ
    /// only per axis; a file may still give all four).
    public var hopOverrides: [HopDirection: OperationCost]
    /// Static (leakage) power per core in watts; `nil` = unknown.
    public var staticPowerPerCore: Double?

    /// A table where every operation is unknown.
    public init() {
        costs = Array(repeating: .unknown, count: ChipOperation.allCases.count)
        hopOverrides = [:]
        staticPowerPerCore = nil
    }

    public subscript(operation: ChipOperation) -> OperationCost {
        get { costs[operation.rawValue] }
        set { costs[operation.rawValue] = newValue }
    }

    /// The cost of one hop in `direction`: the override if the file gives one, else the axis cost.
    public func hop(_ direction: HopDirection) -> OperationCost {
        hopOverrides[direction] ?? self[direction.isXAxis ? .hopX : .hopY]
    }
}
