// RouterSpec: routing, multicast, buffers and links of every router.

/// How a packet's path is chosen.
public enum RoutingAlgorithm: String, Sendable, CaseIterable {
    /// Dimension order: all x hops first, then all y hops (deadlock-free on a mesh).
    case xy
}

/// How one spike reaches several destination cores.
public enum MulticastStyle: String, Sendable, CaseIterable {
    /// The source core sends one packet per destination core (Loihi).
    case sourceReplication = "source_replication"
    /// One packet leaves the source; routers copy it where the routes to destinations part
    /// (SpiNNaker).
    case inNetwork = "in_network"
}

/// What a router does when the downstream buffer is full.
public enum QueuePolicy: String, Sendable, CaseIterable {
    /// Back-pressure: the packet waits (counted as stall time). Nothing is lost.
    case lossless
    /// The packet is dropped and counted.
    case lossy
}

public struct RouterSpec: Sendable, Equatable {
    public var routing: RoutingAlgorithm
    public var multicast: MulticastStyle
    /// Packets each input buffer holds (≥ 1).
    public var bufferDepthPackets: Int
    /// Defaults to ``QueuePolicy/lossless`` when the file omits it.
    public var queuePolicy: QueuePolicy
    /// Seconds a packet spends in a router's pipeline per traversal, *in addition to* the hop
    /// latency in ``CostTable``; 0 when the published hop figure already includes the router.
    public var pipelineLatency: Double
    /// Bits a link carries at once (≥ 1); a packet of `b` bits occupies a link for
    /// ⌈b / linkWidthBits⌉ flits.
    public var linkWidthBits: Int

    public init(
        routing: RoutingAlgorithm = .xy, multicast: MulticastStyle, bufferDepthPackets: Int,
        queuePolicy: QueuePolicy = .lossless, pipelineLatency: Double, linkWidthBits: Int
    ) {
        self.routing = routing
        self.multicast = multicast
        self.bufferDepthPackets = bufferDepthPackets
        self.queuePolicy = queuePolicy
        self.pipelineLatency = pipelineLatency
        self.linkWidthBits = linkWidthBits
    }
}
