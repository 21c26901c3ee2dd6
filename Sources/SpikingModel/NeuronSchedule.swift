// NeuronSchedule: each neuron's one pending event (a crossing check or its next spike), with the
// earliest found in O(1) — a tournament tree instead of a heap of stale predictions.
// (`@_spi(Kernel) public`, inlinable across modules: see NeuronState.swift.)

/// The next event of each neuron of a group: a crossing *check* (at a lower bound of the next
/// threshold crossing) or a *spike* (at the exact crossing), or nothing.
///
/// A neuron has at most one pending event, and any change of its trajectory (an arrival, its
/// reset) simply overwrites it, so no stale events are ever kept or popped. The earliest event
/// over the group, in the canonical order (time, then check before spike, then neuron index), is
/// the root of a tournament tree: reading it is O(1), changing one neuron's event O(log n), and
/// changing a run of `m` neurons (one spike's targets) O(m + log n) with ``repair(_:)``.
@_spi(Kernel) public struct NeuronSchedule: Sendable {
    public enum Kind: UInt8, Sendable {
        case check = 0
        case spike = 1
    }

    /// The tournament, by value: `tree[leaves + i]` is neuron `i`'s event as one sortable key
    /// (time `+∞`: none), and `tree[node]` the earliest key below `node` — a copy, which names its
    /// neuron in its rank, so comparing two subtrees reads two adjacent keys and nothing else.
    @usableFromInline var tree: [Key]
    @usableFromInline let leaves: Int

    /// An event in the canonical order: by time, then by `rank = kind << 32 | neuron` (a check
    /// before a spike, then the lower neuron index).
    ///
    /// Event times are never negative, and the bit patterns of non-negative doubles (`+∞`
    /// included) order like the numbers, so the time is kept as its bits (`-0` made `+0`) and
    /// keys compare as integers — which the compiler can select on instead of branching: which of
    /// two events comes first is data-dependent and unpredictable.
    @usableFromInline struct Key: Sendable {
        @usableFromInline var timeBits: UInt64
        @usableFromInline var rank: UInt64

        @inlinable @inline(__always) init(timeBits: UInt64, rank: UInt64) {
            self.timeBits = timeBits
            self.rank = rank
        }

        @inlinable @inline(__always) init(time: Double, kind: Kind, neuron: Int) {
            timeBits = (time + 0).bitPattern
            rank = UInt64(kind.rawValue) << 32 | UInt64(truncatingIfNeeded: neuron)
        }

        @inlinable @inline(__always) var time: Double { Double(bitPattern: timeBits) }
        @inlinable @inline(__always) var kind: Kind { rank >> 32 == 0 ? .check : .spike }
        @inlinable @inline(__always) var neuron: Int { Int(truncatingIfNeeded: rank & 0xFFFF_FFFF) }

        /// 1 if `a` precedes `b`, else 0, by arithmetic alone: keys are below 2¹²⁷ (the time's
        /// sign bit is clear), so `a − b` does not overflow as a signed 128-bit number and its
        /// sign is the answer.
        @inlinable @inline(__always) static func precedence(_ a: Key, _ b: Key) -> UInt64 {
            let difference = (UInt128(a.timeBits) &<< 64 | UInt128(a.rank)) &- (UInt128(b.timeBits) &<< 64 | UInt128(b.rank))
            return UInt64(truncatingIfNeeded: difference &>> 127)
        }

        /// `(timeBits, rank)` compared as one 128-bit number: a subtract-with-borrow and no branch.
        @inlinable @inline(__always) static func precedes(_ a: Key, _ b: Key) -> Bool {
            UInt128(a.timeBits) &<< 64 | UInt128(a.rank) < UInt128(b.timeBits) &<< 64 | UInt128(b.rank)
        }
    }

    /// A schedule for neurons `0 ..< count`.
    public init(count: Int) {
        precondition(count >= 0 && count <= 1 << 31, "neuron indices are limited to 2^31")
        var leaves = 1
        while leaves < max(count, 1) { leaves <<= 1 }
        self.leaves = leaves
        tree = Array(repeating: Key(time: .infinity, kind: .check, neuron: 0), count: 2 * leaves)
        for i in 0..<leaves { tree[leaves + i] = Key(time: .infinity, kind: .check, neuron: i) }
        for node in stride(from: leaves - 1, through: 1, by: -1) { tree[node] = tree[2 * node] }
    }

    /// Clears every event. Only the times are reset: a tree whose keys are all `+∞` is a valid
    /// tournament whatever neurons its inner nodes name, and every later ``set(_:time:kind:)`` or
    /// ``repair(_:)`` recomputes the path of each neuron it gives a finite time.
    public mutating func removeAll() {
        tree.withUnsafeMutableBufferPointer { tree in
            for node in tree.indices { tree[node].timeBits = Double.infinity.bitPattern }
        }
    }

    /// The earliest pending event, if any: (neuron index, time, kind).
    @inlinable @inline(__always) public var first: (neuron: Int, time: Double, kind: Kind)? {
        let key = tree[1]
        return key.time < .infinity ? (key.neuron, key.time, key.kind) : nil
    }

    /// Sets neuron `i`'s event (`time = +∞` removes it) and updates the tree.
    ///
    /// The walk to the root carries the winner so far in registers and compares it with the
    /// sibling subtree's winner at each level (whose subtree did not change): one load of a key
    /// per level, and no level waits for the store of the one below.
    @inlinable @inline(__always) public mutating func set(_ i: Int, time t: Double, kind k: Kind) {
        precondition(i >= 0 && i < leaves, "no such neuron")
        let leaves = self.leaves
        tree.withUnsafeMutableBufferPointer { tree in
            var node = leaves &+ i
            tree[node] = Key(time: t, kind: k, neuron: i)
            // `best` is the earliest key so far (on the path or a sibling of it), chosen with a
            // mask from the sign of the 128-bit difference rather than with a comparison, which
            // the compiler would turn into a branch — and which of the two wins is unpredictable.
            var best = tree[node]
            while node > 1 {
                let sibling = tree[node ^ 1]
                let mask = 0 &- Key.precedence(sibling, best)
                best = Key(timeBits: best.timeBits ^ ((best.timeBits ^ sibling.timeBits) & mask), rank: best.rank ^ ((best.rank ^ sibling.rank) & mask))
                node >>= 1
                tree[node] = best
            }
        }
    }

    /// Sets neuron `i`'s event without updating the tree: call ``repair(_:)`` for the range after.
    @inlinable @inline(__always) public mutating func setLeaf(_ i: Int, time t: Double, kind k: Kind) {
        precondition(i >= 0 && i < leaves, "no such neuron")
        let leaves = self.leaves
        tree.withUnsafeMutableBufferPointer { $0[leaves &+ i] = Key(time: t, kind: k, neuron: i) }
    }

    /// Writes the checks of a run of neurons without bounds checks (see ``setChecks(_:_:)``): each
    /// neuron's leaf and its parent, the first level of the tournament, from the keys in hand.
    package struct CheckWriter {
        /// The tree (`tree[leaves + i]` is neuron `i`'s key).
        fileprivate let tree: UnsafeMutablePointer<Key>
        fileprivate let leaves: Int
        fileprivate let first: Int

        /// Gives neurons `first + j` and `first + j + 1` checks at `times`; `first + j` must be
        /// even, so that the two are siblings: their parent is the earlier of the two, the left
        /// one on a tie (it has the lower rank).
        @inline(__always) package func setPair(_ j: Int, times: SIMD2<Double>) {
            let i = first &+ j
            assert(i & 1 == 0, "a pair starts at an even neuron")
            let left = Key(time: times[0], kind: .check, neuron: i)
            let right = Key(time: times[1], kind: .check, neuron: i &+ 1)
            let node = leaves &+ i
            tree[node] = left
            tree[node &+ 1] = right
            tree[node >> 1] = right.timeBits < left.timeBits ? right : left
        }

        /// Gives neuron `first + j` (the `j`-th of the run) a check at `time`; its sibling's key
        /// is read from the tree (it may lie outside the run). (With a single leaf, the leaf is
        /// the root and the "parent" written is the unused entry 0.)
        @inline(__always) package func set(_ j: Int, time: Double) {
            let i = first &+ j
            let node = leaves &+ i
            let key = Key(time: time, kind: .check, neuron: i)
            tree[node] = key
            let sibling = tree[node ^ 1]
            tree[node >> 1] = Key.precedes(sibling, key) ? sibling : key
        }
    }

    /// Lets `body` give every neuron in `range` a check (through ``CheckWriter/setPair(_:times:)``
    /// or ``CheckWriter/set(_:time:)``, each neuron exactly once), then brings the tree up to date
    /// from the second level on (the writer sets the first): one pass over the leaves, then one
    /// over the levels above them — `O(m + log n)` for `m` neurons.
    @inline(__always) package mutating func setChecks(_ range: Range<Int>, _ body: (CheckWriter) -> Void) {
        precondition(range.lowerBound >= 0 && range.upperBound <= leaves, "neurons out of range")
        guard !range.isEmpty else { return }
        let leaves = self.leaves
        tree.withUnsafeMutableBufferPointer { body(CheckWriter(tree: $0.baseAddress!, leaves: leaves, first: range.lowerBound)) }
        repair(nodes: ((leaves &+ range.lowerBound) >> 1)...((leaves &+ range.upperBound &- 1) >> 1))
    }

    /// Brings the tree up to date after ``setLeaf(_:time:kind:)`` on the neurons in `range`.
    package mutating func repair(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        repair(nodes: (leaves &+ range.lowerBound)...(leaves &+ range.upperBound &- 1))
    }

    /// Brings the ancestors of `nodes` (a run of nodes of one level, themselves up to date) up to
    /// date, level by level.
    @inline(__always) mutating func repair(nodes: ClosedRange<Int>) {
        tree.withUnsafeMutableBufferPointer { tree in
            var lo = nodes.lowerBound >> 1
            var hi = nodes.upperBound >> 1
            while lo >= 1 {
                var node = lo
                while node <= hi {
                    let left = tree[node &<< 1], right = tree[node &<< 1 | 1]
                    tree[node] = Key.precedes(right, left) ? right : left
                    node &+= 1
                }
                lo >>= 1
                hi >>= 1
            }
        }
    }
}
