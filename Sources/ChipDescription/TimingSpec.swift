// TimingSpec: the window that cuts model time, and how cores agree that a window is over.

/// How cores learn that window `w` is complete.
public enum SyncMode: String, Sendable, CaseIterable {
    /// A chip-wide barrier after every window (Loihi, TrueNorth's global tick).
    case barrier
    /// Every core sends an end-of-window message to each downstream core.
    case dataflow
}

/// The latency of one synchronisation step.
public enum SyncLatency: Sendable, Equatable {
    /// Not published (`null` in the file): reported as unpriced.
    case unknown
    /// The same for any mesh size.
    case constant(Double)
    /// Piecewise-linear in the number of routers taking part: points `(routers, seconds)` with
    /// strictly increasing `routers`; constant beyond the first and last point.
    case byRouters([SyncPoint])

    /// Seconds for a barrier across `routers` routers, or `nil` when unknown.
    public func seconds(routers: Int) -> Double? {
        switch self {
        case .unknown: return nil
        case .constant(let s): return s
        case .byRouters(let points):
            guard let first = points.first, let last = points.last else { return nil }
            if routers <= first.routers { return first.latency }
            if routers >= last.routers { return last.latency }
            for (a, b) in zip(points, points.dropFirst()) where routers <= b.routers {
                let fraction = Double(routers - a.routers) / Double(b.routers - a.routers)
                return a.latency + fraction * (b.latency - a.latency)
            }
            return last.latency
        }
    }
}

/// One point of a piecewise-linear barrier latency.
public struct SyncPoint: Sendable, Equatable {
    /// Routers (tiles) taking part (≥ 1).
    public var routers: Int
    /// Seconds (≥ 0).
    public var latency: Double
    public init(routers: Int, latency: Double) {
        self.routers = routers
        self.latency = latency
    }
}

/// Synchronisation: the mode and the cost of one step (one barrier, or one end-of-window
/// message in dataflow mode).
public struct SyncSpec: Sendable, Equatable {
    public var mode: SyncMode
    public var latency: SyncLatency
    /// Joules per barrier (whole chip) or per end-of-window message; `nil` = unknown.
    public var energy: Double?

    public init(mode: SyncMode, latency: SyncLatency, energy: Double?) {
        self.mode = mode
        self.latency = latency
        self.energy = energy
    }
}

public struct TimingSpec: Sendable, Equatable {
    /// Window length in seconds of model time (> 0): the chip's timestep or tick.
    public var window: Double
    public var sync: SyncSpec

    public init(window: Double, sync: SyncSpec) {
        self.window = window
        self.sync = sync
    }
}
