// MeshSpec: the 2-D mesh of routers, the cores attached to each, and core identifiers.

/// A core's index on the chip, `0 ..< mesh.coreCount`.
///
/// Cores are numbered router by router in row-major order (x fastest), and within a router by
/// local index: `id = (y * width + x) * coresPerRouter + local` (see ``MeshSpec/coordinate(of:)``).
public struct CoreID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ value: Int) { self.rawValue = value }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "core \(rawValue)" }
}

/// A router's position on the mesh: `x` grows eastwards, `y` grows southwards, `(0, 0)` is the
/// north-west corner.
public struct RouterCoordinate: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
    public var description: String { "(\(x), \(y))" }
}

/// Where a core sits: its router and its local index among that router's cores.
public struct CoreCoordinate: Hashable, Sendable, CustomStringConvertible {
    public var router: RouterCoordinate
    /// `0 ..< coresPerRouter`.
    public var local: Int
    public init(router: RouterCoordinate, local: Int) {
        self.router = router
        self.local = local
    }
    public var description: String { "router \(router) local \(local)" }
}

/// The network-on-chip topology.
public enum Topology: String, Sendable, CaseIterable {
    /// A 2-D mesh without wrap-around links.
    case mesh
}

/// The mesh: `width × height` routers, each with `coresPerRouter` cores.
public struct MeshSpec: Sendable, Equatable {
    /// Routers along x (≥ 1).
    public var width: Int
    /// Routers along y (≥ 1).
    public var height: Int
    /// Cores attached to each router (≥ 1); Loihi has 4 per tile, TrueNorth 1.
    public var coresPerRouter: Int
    public var topology: Topology

    public init(width: Int, height: Int, coresPerRouter: Int, topology: Topology = .mesh) {
        self.width = width
        self.height = height
        self.coresPerRouter = coresPerRouter
        self.topology = topology
    }

    public var routerCount: Int { width * height }
    public var coreCount: Int { width * height * coresPerRouter }

    /// All cores in ID order.
    public var cores: [CoreID] { (0..<coreCount).map { CoreID($0) } }

    public func contains(_ router: RouterCoordinate) -> Bool {
        (0..<width).contains(router.x) && (0..<height).contains(router.y)
    }

    public func contains(_ core: CoreID) -> Bool { (0..<coreCount).contains(core.rawValue) }

    /// - Precondition: `contains(core)`.
    public func coordinate(of core: CoreID) -> CoreCoordinate {
        precondition(contains(core), "\(core) is not on a \(width)x\(height)x\(coresPerRouter) mesh")
        let router = core.rawValue / coresPerRouter
        return CoreCoordinate(router: RouterCoordinate(x: router % width, y: router / width), local: core.rawValue % coresPerRouter)
    }

    /// The core at `coordinate`, or `nil` when it is off the mesh.
    public func core(at coordinate: CoreCoordinate) -> CoreID? {
        guard contains(coordinate.router), (0..<coresPerRouter).contains(coordinate.local) else { return nil }
        return CoreID((coordinate.router.y * width + coordinate.router.x) * coresPerRouter + coordinate.local)
    }

    /// Hops between two routers under dimension-order (XY) routing: `|Δx| + |Δy|`.
    public func hops(from a: RouterCoordinate, to b: RouterCoordinate) -> (x: Int, y: Int) {
        (abs(a.x - b.x), abs(a.y - b.y))
    }
}
