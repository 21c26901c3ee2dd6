// PacketSpec: sizes of the packets that travel the mesh.

public struct PacketSpec: Sendable, Equatable {
    /// Bits of a forward spike packet (≥ 1).
    public var spikeBits: Int
    /// Bits of a backward error packet, header included (≥ 1).
    public var errorBits: Int
    /// Bits of the error value carried in an error packet (1 ... errorBits).
    public var errorPayloadBits: Int

    public init(spikeBits: Int, errorBits: Int, errorPayloadBits: Int) {
        self.spikeBits = spikeBits
        self.errorBits = errorBits
        self.errorPayloadBits = errorPayloadBits
    }

    /// Flits a packet of `bits` needs on a link `linkWidthBits` wide.
    public static func flits(bits: Int, linkWidthBits: Int) -> Int { (bits + linkWidthBits - 1) / linkWidthBits }
}
