// EventQueue: the forward pass's min-heap of timed events with a total order.
// (`@_spi(Kernel) public`, inlinable across modules: see NeuronState.swift.)

/// A forward-pass event: a crossing check, a spike, a delivery or a delayed arrival.
///
/// Small and trivial (no references, 24 bytes), so a heap of them needs no reference counting.
/// The order key is packed into two words so comparisons are cheap.
@_spi(Kernel) public struct ForwardEvent: Sendable {
    public enum Kind: UInt8, Sendable {
        /// Time to compute `neuron`'s exact next crossing (kept in a ``NeuronSchedule``; the rank
        /// is shared with it).
        case check = 0
        /// A spike of an input neuron (LIF spikes are kept in a ``NeuronSchedule``).
        case spike = 1
        /// Spike `sequence` of `neuron` reaches all targets of projection `projection` (no delays).
        case delivery = 2
        /// Spike `sequence` of `neuron` reaches one `target` of `projection` after its delay.
        case arrival = 3
    }

    /// Model time in seconds.
    public var time: Double
    /// `kind << 62 | neuron << 32 | sequence`.
    @usableFromInline var order: UInt64
    /// `projection << 32 | target`.
    @usableFromInline var detail: UInt64

    @inlinable public init(time: Double, kind: Kind, neuron: Int32, sequence: Int32, projection: Int32, target: Int32) {
        precondition(neuron >= 0 && neuron < 1 << 30, "neuron indices are limited to 2^30")
        self.time = time
        order = UInt64(kind.rawValue) << 62 | UInt64(UInt32(neuron)) << 32 | UInt64(UInt32(bitPattern: sequence))
        detail = UInt64(UInt32(bitPattern: projection)) << 32 | UInt64(UInt32(bitPattern: target))
    }

    @inlinable public var kind: Kind { Kind(rawValue: UInt8(order >> 62))! }
    @inlinable public var neuron: Int32 { Int32(truncatingIfNeeded: (order >> 32) & 0x3FFF_FFFF) }
    /// Spike index or per-neuron spike ordinal (deliveries, arrivals) or trajectory version (spikes).
    @inlinable public var sequence: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: order)) }
    @inlinable public var projection: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: detail >> 32)) }
    @inlinable public var target: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: detail)) }

    /// Whether a neuron's scheduled check or spike comes before queued event `b`.
    @inlinable @inline(__always) public static func precedes(slot: (neuron: Int, time: Double, kind: NeuronSchedule.Kind), _ b: ForwardEvent) -> Bool {
        if slot.time != b.time { return slot.time < b.time }
        let kind = UInt64(slot.kind.rawValue)
        let bKind = b.order >> 62
        if kind != bKind { return kind < bKind }
        return slot.neuron < Int(b.neuron)
    }

    /// The canonical order: time, then checks, spikes, deliveries, arrivals, then source neuron,
    /// spike, projection and target. It depends only on the events, never on insertion order, so any
    /// implementation that processes the same events (the chip emulator) can reproduce it.
    ///
    /// Event times are never negative (nor NaN), and the bit patterns of non-negative doubles order
    /// like the numbers (`-0` made `+0` by adding 0), so the order is that of the 192-bit number
    /// `timeBits : order : detail`: a subtraction with borrows, without a branch — which of two
    /// events comes first is data-dependent, and a heap's sift-down asks it at every level.
    @inlinable @inline(__always) public static func precedes(_ a: ForwardEvent, _ b: ForwardEvent) -> Bool {
        let low = UInt128(a.order) &<< 64 | UInt128(a.detail)
        let (_, lowBorrow) = low.subtractingReportingOverflow(UInt128(b.order) &<< 64 | UInt128(b.detail))
        let (difference, timeBorrow) = (a.time + 0).bitPattern.subtractingReportingOverflow((b.time + 0).bitPattern)
        return timeBorrow || difference < (lowBorrow ? 1 : 0)
    }
}

/// A binary min-heap of ``ForwardEvent`` ordered by ``ForwardEvent/precedes(_:_:)``.
///
/// - Complexity: `push` and `pop` are O(log n); storage is reused across samples.
@_spi(Kernel) public struct EventQueue: Sendable {
    @usableFromInline var storage: [ForwardEvent] = []

    @inlinable public init() {}

    @inlinable @inline(__always) public var isEmpty: Bool { storage.isEmpty }

    /// The earliest event, if any.
    @inlinable @inline(__always) public var first: ForwardEvent? { storage.first }

    @inlinable @inline(__always) public mutating func removeAll() { storage.removeAll(keepingCapacity: true) }

    @inlinable @inline(__always) public mutating func push(_ event: ForwardEvent) {
        storage.append(event)
        storage.withUnsafeMutableBufferPointer { Self.rise(event, from: $0.count - 1, in: $0) }
    }

    /// Stores `event` at position `hole` of `heap` or, moving each parent it precedes down into
    /// the hole, higher up.
    @inlinable @inline(__always) static func rise(_ event: ForwardEvent, from hole: Int, in heap: UnsafeMutableBufferPointer<ForwardEvent>) {
        var hole = hole
        while hole > 0 {
            let parent = (hole &- 1) >> 1
            guard ForwardEvent.precedes(event, heap[parent]) else { break }
            heap[hole] = heap[parent]
            hole = parent
        }
        heap[hole] = event
    }

    /// Removes and returns the earliest event, if any.
    ///
    /// Bottom-up: the hole left by the root sinks along the earlier child to a leaf (one
    /// comparison per level, branch-free), then the heap's last event rises from there — not far,
    /// as it came from the bottom. The order is total, so any heap pops the same sequence.
    @inlinable @inline(__always) public mutating func pop() -> ForwardEvent? {
        guard let last = storage.popLast() else { return nil }
        guard !storage.isEmpty else { return last }
        return storage.withUnsafeMutableBufferPointer { heap in
            let top = heap[0]
            let count = heap.count
            var hole = 0
            while true {
                var child = 2 &* hole &+ 1
                if child >= count { break }
                // (Branch-free: which child is earlier is a coin toss for the predictor.)
                if child &+ 1 < count { child &+= ForwardEvent.precedes(heap[child &+ 1], heap[child]) ? 1 : 0 }
                heap[hole] = heap[child]
                hole = child
            }
            Self.rise(last, from: hole, in: heap)
            return top
        }
    }
}
