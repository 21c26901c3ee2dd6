// ChipSpec: a chip description (`neuromesh-chip/1`), the root of the schema.

/// A neuromorphic chip as the emulator sees it: a mesh of routers with cores attached, the
/// capacities of a core, the router and packet formats, the time base, the I/O port and the
/// energy and latency of every counted operation.
///
/// Decoded from a JSON file by ``load(path:)`` or ``decode(_:file:)``, which reject unknown
/// members, wrong types and impossible values and report every problem with its JSON path.
/// All quantities are SI (J, s, W, bits, bytes); an optional cost (`nil`) means *unknown*, and
/// the emulator reports it as unpriced rather than treating it as zero.
public struct ChipSpec: Sendable, Equatable {
    /// The value of the `format` member this version reads and writes.
    public static let format = "neuromesh-chip/1"

    /// A short identifier, such as `intel-loihi-1`.
    public var name: String
    /// Free text: what the file models and from which sources.
    public var summary: String?
    public var mesh: MeshSpec
    public var core: CoreSpec
    public var router: RouterSpec
    public var packets: PacketSpec
    public var time: TimingSpec
    /// The router where input spikes enter and output spikes leave the chip.
    public var ioPort: RouterCoordinate
    public var costs: CostTable
    /// Citations, by key; ``ProvenanceEntry/source`` refers to these keys.
    public var sources: [Citation]
    /// Where each figure comes from, keyed by JSON pointer into this file.
    public var provenance: [ProvenanceEntry]

    public init(
        name: String, summary: String? = nil, mesh: MeshSpec, core: CoreSpec, router: RouterSpec,
        packets: PacketSpec, time: TimingSpec, ioPort: RouterCoordinate, costs: CostTable,
        sources: [Citation] = [], provenance: [ProvenanceEntry] = []
    ) {
        self.name = name
        self.summary = summary
        self.mesh = mesh
        self.core = core
        self.router = router
        self.packets = packets
        self.time = time
        self.ioPort = ioPort
        self.costs = costs
        self.sources = sources
        self.provenance = provenance
    }
}
