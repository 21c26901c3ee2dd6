// ChipSpec+Figures: the list of cost figures, for summaries and "unpriced" reports.

/// One energy or latency figure of a chip file.
public struct CostFigure: Sendable, Equatable {
    /// JSON pointer, e.g. `/costs/forward/synaptic_op/energy_j`.
    public var pointer: String
    /// The value in J, s or W; `nil` = unknown.
    public var value: Double?
}

extension ChipSpec {
    /// Every energy, latency and power figure in the file, in file order (hop overrides
    /// included when present).
    public var costFigures: [CostFigure] {
        var figures: [CostFigure] = []
        for operation in ChipOperation.allCases {
            let cost = costs[operation]
            figures.append(CostFigure(pointer: operation.pointer + "/energy_j", value: cost.energy))
            figures.append(CostFigure(pointer: operation.pointer + "/latency_s", value: cost.latency))
        }
        for direction in HopDirection.allCases {
            guard let cost = costs.hopOverrides[direction] else { continue }
            figures.append(CostFigure(pointer: "/costs/network/hop/\(direction.rawValue)/energy_j", value: cost.energy))
            figures.append(CostFigure(pointer: "/costs/network/hop/\(direction.rawValue)/latency_s", value: cost.latency))
        }
        figures.append(CostFigure(pointer: "/costs/static_per_core_w", value: costs.staticPowerPerCore))
        switch time.sync.latency {
        case .unknown: figures.append(CostFigure(pointer: "/time/sync/latency_s", value: nil))
        case .constant(let s): figures.append(CostFigure(pointer: "/time/sync/latency_s", value: s))
        case .byRouters(let points):
            for (i, point) in points.enumerated() {
                figures.append(CostFigure(pointer: "/time/sync/latency_s/\(i)/latency_s", value: point.latency))
            }
        }
        figures.append(CostFigure(pointer: "/time/sync/energy_j", value: time.sync.energy))
        return figures
    }
}
