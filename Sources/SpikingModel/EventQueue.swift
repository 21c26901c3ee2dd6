// EventQueue: the forward pass's binary min-heap of timed events with a total order.

/// A forward-pass event: a spike (predicted threshold crossing or input spike) or an arrival.
///
/// Small and trivial (no references), so a heap of them needs no reference counting.
@usableFromInline struct ForwardEvent: Sendable {
    @usableFromInline enum Kind: UInt8, Sendable {
        /// A spike of `neuron` (for LIF neurons `sequence` is the prediction's version).
        case spike = 0
        /// Spike `spike` of `neuron` reaches all targets of projection `projection` (no delays).
        case delivery = 1
        /// Spike `spike` of `neuron` reaches one `target` of `projection` after its delay.
        case arrival = 2
    }

    /// Model time in seconds.
    @usableFromInline var time: Double
    @usableFromInline var kind: Kind
    @usableFromInline var neuron: Int32
    /// Spike index (arrivals and deliveries) or prediction version (LIF spikes).
    @usableFromInline var sequence: Int32
    @usableFromInline var projection: Int32
    @usableFromInline var target: Int32

    /// The canonical order: time, then spikes before arrivals, then source neuron, spike,
    /// projection and target. It depends only on the events, never on insertion order, so any
    /// implementation that processes the same events (the chip emulator) can reproduce it.
    @inline(__always) static func precedes(_ a: ForwardEvent, _ b: ForwardEvent) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.kind != b.kind { return a.kind.rawValue < b.kind.rawValue }
        if a.neuron != b.neuron { return a.neuron < b.neuron }
        if a.sequence != b.sequence { return a.sequence < b.sequence }
        if a.projection != b.projection { return a.projection < b.projection }
        return a.target < b.target
    }
}

/// A binary min-heap of ``ForwardEvent`` ordered by ``ForwardEvent/precedes(_:_:)``.
///
/// - Complexity: `push` and `pop` are O(log n); storage is reused across samples.
@usableFromInline struct EventQueue: Sendable {
    @usableFromInline var storage: [ForwardEvent] = []

    @usableFromInline init() {}

    @inline(__always) var isEmpty: Bool { storage.isEmpty }

    @inline(__always) mutating func removeAll() { storage.removeAll(keepingCapacity: true) }

    @inline(__always) mutating func push(_ event: ForwardEvent) {
        storage.append(event)
        storage.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            let moving = heap[child]
            while child > 0 {
                let parent = (child - 1) >> 1
                guard ForwardEvent.precedes(moving, heap[parent]) else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = moving
        }
    }

    @inline(__always) mutating func pop() -> ForwardEvent? {
        guard let last = storage.popLast() else { return nil }
        guard !storage.isEmpty else { return last }
        return storage.withUnsafeMutableBufferPointer { heap in
            let top = heap[0]
            let count = heap.count
            var parent = 0
            while true {
                var child = 2 * parent + 1
                if child >= count { break }
                if child + 1 < count, ForwardEvent.precedes(heap[child + 1], heap[child]) { child += 1 }
                guard ForwardEvent.precedes(heap[child], last) else { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = last
            return top
        }
    }
}
