// HardwareKernel: the event queue of hardware time (integer picoseconds, FIFO among equal times).

/// One scheduled piece of hardware work.
struct HardwareEvent: Sendable {
    enum Kind: UInt8, Sendable {
        /// A core's (or the port's) network interface tries to inject its next packet. `a` = core.
        case inject
        /// Packet `c` reaches input buffer `b` of router `a` (its slot was reserved).
        case routerArrive
        /// Router `a` re-examines its head packets (an output link became free or a slot opened).
        case routerService
        /// Packet `b` reaches core `a`.
        case coreReceive
        /// Core `a` finished computing window `b`.
        case windowDone
        /// The chip-wide barrier completes (barrier synchronisation).
        case barrierDone
    }

    /// `time × 2⁶⁴ + sequence`: the event's time (ps) in the high half, its scheduling order in
    /// the low half, so one integer comparison orders by time with a FIFO tie-break.
    var key: UInt128
    var kind: Kind
    var a: Int32
    var b: Int32
    var c: Int32

    init(time: Picoseconds, sequence: UInt64, kind: Kind, a: Int32, b: Int32, c: Int32) {
        key = UInt128(time) << 64 | UInt128(sequence)
        self.kind = kind
        self.a = a
        self.b = b
        self.c = c
    }

    /// When the event happens, in ps.
    var time: Picoseconds { Picoseconds(truncatingIfNeeded: key >> 64) }

    /// Time order with a FIFO tie-break: equal times run in the order they were scheduled.
    @inline(__always) static func precedes(_ x: HardwareEvent, _ y: HardwareEvent) -> Bool {
        x.key < y.key
    }
}

/// A 4-ary min-heap of ``HardwareEvent`` keyed by `(time, sequence)`.
///
/// Four children per node halve the levels a pop walks down (the pop-heavy hot path of the
/// emulator), and the sift loops run on the buffer without bounds or uniqueness checks. The
/// order is total, so the events come out in the same order as from any other correct queue.
/// (It repeats the sift loops of SpikingModel's `EventQueue` on purpose: a generic heap shared
/// across the module boundary was not specialised and cost the emulator 2–3×, measured with
/// neuromesh-bench; each module keeps a concrete heap of its own event type.)
///
/// Events scheduled for the current time (`time == now`, zero-latency hand-overs: an inject
/// with no interface latency, a slot-freed wake-up, the next packet of an outbox) skip the heap:
/// they wait in a FIFO lane. Every event in the heap at time `now` was scheduled while the
/// clock was still earlier, so it precedes every lane event in `(time, sequence)` order, and lane
/// events follow each other in scheduling order; `next` therefore takes the heap's top while it
/// is due at `now`, then the lane, and only then lets the clock advance. The order of events is
/// exactly that of the single heap.
///
/// - Complexity: `schedule` and `next` are O(log n) for heap events, O(1) for lane events.
struct HardwareKernel: Sendable {
    /// The heap: `heap[0 ..< heapCount]` (the storage beyond is spare capacity, kept so that a
    /// push or pop touches the array once — one uniqueness check — instead of appending or
    /// removing its last element first).
    private var heap: [HardwareEvent] = []
    private var heapCount = 0
    /// The events due at `now` scheduled while `now` was current, in scheduling order: a ring
    /// of power-of-two size, `lane[(laneHead + i) mod lane.count]` for `i < laneCount`.
    private var lane = [HardwareEvent](repeating: HardwareEvent(time: 0, sequence: 0, kind: .inject, a: 0, b: 0, c: 0), count: 64)
    private var laneHead = 0
    private var laneCount = 0
    private var sequence: UInt64 = 0
    /// The time of the event being handled.
    private(set) var now: Picoseconds = 0
    /// Events handled so far (the watchdog's measure of progress).
    private(set) var handled: UInt64 = 0

    mutating func reset() {
        heapCount = 0
        laneHead = 0
        laneCount = 0
        sequence = 0
        now = 0
        handled = 0
    }

    var isEmpty: Bool { heapCount == 0 && laneCount == 0 }

    /// Schedules `kind` with arguments `a`, `b`, `c` at `time` (not before ``now``).
    ///
    /// (Inlined into its callers, the hot path of every event: the rare growth of the lane and
    /// the heap's storage is out of line.)
    @inline(__always) mutating func schedule(_ kind: HardwareEvent.Kind, at time: Picoseconds, _ a: Int, _ b: Int = 0, _ c: Int = 0) {
        precondition(time >= now, "hardware events cannot be scheduled in the past")
        // The arguments are indices and counts (core, router, input, packet, stage, window): one
        // test that all three are in 0 ..< 2³¹, then each fits an `Int32` as it is.
        precondition((a | b | c) >> 31 == 0, "hardware event arguments must be in 0 ..< 2³¹")
        sequence &+= 1
        let event = HardwareEvent(
            time: time, sequence: sequence, kind: kind, a: Int32(truncatingIfNeeded: a), b: Int32(truncatingIfNeeded: b),
            c: Int32(truncatingIfNeeded: c))
        if time == now {
            if laneCount == lane.count { growLane() }
            lane[(laneHead &+ laneCount) & (lane.count &- 1)] = event
            laneCount &+= 1
            return
        }
        if heapCount == heap.count { growHeap() }
        let count = heapCount &+ 1
        heapCount = count
        heap.withUnsafeMutableBufferPointer { heap in
            var child = count &- 1
            while child > 0 {
                let parent = (child &- 1) >> 2
                guard HardwareEvent.precedes(event, heap[parent]) else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = event
        }
    }

    /// Full lane: unrolls the ring into one twice the size.
    @inline(never) private mutating func growLane() {
        lane = (0..<lane.count).map { lane[(laneHead + $0) & (lane.count - 1)] } + lane
        laneHead = 0
    }

    /// Full heap storage: doubles it (at least 64 events; the new slots are filler).
    @inline(never) private mutating func growHeap() {
        heap.append(contentsOf: repeatElement(lane[0], count: max(heap.count, 64)))
    }

    /// Removes and returns the earliest event, advancing ``now`` to its time.
    mutating func next() -> HardwareEvent? {
        if laneCount > 0, heapCount == 0 || heap[0].time != now {
            let event = lane[laneHead]
            laneHead = (laneHead &+ 1) & (lane.count &- 1)
            laneCount &-= 1
            handled &+= 1
            return event
        }
        guard heapCount > 0 else { return nil }
        let count = heapCount &- 1
        heapCount = count
        let top = heap.withUnsafeMutableBufferPointer { heap in
            let top = heap[0]
            let last = heap[count]
            var parent = 0
            while true {
                let first = 4 &* parent &+ 1
                if first >= count { break }
                var best = first
                var child = first &+ 1
                let end = min(first &+ 4, count)
                while child < end {
                    if HardwareEvent.precedes(heap[child], heap[best]) { best = child }
                    child &+= 1
                }
                guard HardwareEvent.precedes(heap[best], last) else { break }
                heap[parent] = heap[best]
                parent = best
            }
            heap[parent] = last
            return top
        }
        now = top.time
        handled &+= 1
        return top
    }
}
