// NeuronSchedule: each neuron's one pending event (a crossing check or its next spike), with the
// earliest found in O(1) — a tournament tree instead of a heap of stale predictions.

/// The next event of each neuron of a group: a crossing *check* (at a lower bound of the next
/// threshold crossing) or a *spike* (at the exact crossing), or nothing.
///
/// A neuron has at most one pending event, and any change of its trajectory (an arrival, its
/// reset) simply overwrites it, so no stale events are ever kept or popped. The earliest event
/// over the group, in the canonical order (time, then check before spike, then neuron index), is
/// the root of a tournament tree: reading it is O(1), changing one neuron's event O(log n), and
/// changing a run of `m` neurons (one spike's targets) O(m + log n) with ``repair(_:)``.
package struct NeuronSchedule: Sendable {
    package enum Kind: UInt8, Sendable {
        case check = 0
        case spike = 1
    }

    /// Per neuron: the event time (`+∞`: none) and kind.
    private var time: [Double]
    private var kind: [Kind]
    /// `tree[node]` is the neuron with the earliest event below `node` (leaves at `leaves + i`).
    private var tree: [Int32]
    private let leaves: Int

    /// A schedule for neurons `0 ..< count`.
    package init(count: Int) {
        var leaves = 1
        while leaves < max(count, 1) { leaves <<= 1 }
        self.leaves = leaves
        time = Array(repeating: .infinity, count: leaves)
        kind = Array(repeating: .check, count: leaves)
        tree = Array(repeating: 0, count: 2 * leaves)
        for i in 0..<leaves { tree[leaves + i] = Int32(i) }
        for node in stride(from: leaves - 1, through: 1, by: -1) { tree[node] = tree[2 * node] }
    }

    /// Clears every event. Only the times are reset: a tree whose leaves are all `+∞` is a valid
    /// tournament whatever winners its nodes name, and every later ``set(_:time:kind:)`` or
    /// ``repair(_:)`` recomputes the path of each neuron it gives a finite time.
    package mutating func removeAll() {
        time.withUnsafeMutableBufferPointer { $0.update(repeating: .infinity) }
    }

    /// Whether neuron `a`'s event comes before neuron `b`'s.
    @inline(__always) private static func earlier(_ a: Int32, _ b: Int32, _ time: UnsafeBufferPointer<Double>, _ kind: UnsafeBufferPointer<Kind>) -> Bool {
        let ta = time[Int(a)], tb = time[Int(b)]
        if ta != tb { return ta < tb }
        let ka = kind[Int(a)].rawValue, kb = kind[Int(b)].rawValue
        if ka != kb { return ka < kb }
        return a < b
    }

    /// The earliest pending event, if any: (neuron index, time, kind).
    @inline(__always) package var first: (neuron: Int, time: Double, kind: Kind)? {
        let i = Int(tree[1])
        let t = time[i]
        return t < .infinity ? (i, t, kind[i]) : nil
    }

    /// Sets neuron `i`'s event (`time = +∞` removes it) and updates the tree.
    @inline(__always) package mutating func set(_ i: Int, time t: Double, kind k: Kind) {
        setLeaf(i, time: t, kind: k)
        let leaves = self.leaves
        time.withUnsafeBufferPointer { time in
            kind.withUnsafeBufferPointer { kind in
                tree.withUnsafeMutableBufferPointer { tree in
                    var node = (leaves + i) >> 1
                    while node >= 1 {
                        let left = tree[2 * node], right = tree[2 * node + 1]
                        let winner = Self.earlier(left, right, time, kind) ? left : right
                        if tree[node] == winner && winner != Int32(i) { break }
                        tree[node] = winner
                        node >>= 1
                    }
                }
            }
        }
    }

    /// Sets neuron `i`'s event without updating the tree: call ``repair(_:)`` for the range after.
    @inline(__always) package mutating func setLeaf(_ i: Int, time t: Double, kind k: Kind) {
        time.withUnsafeMutableBufferPointer { $0[i] = t }
        kind.withUnsafeMutableBufferPointer { $0[i] = k }
    }

    /// Brings the tree up to date after ``setLeaf(_:time:kind:)`` on the neurons in `range`.
    package mutating func repair(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        let leaves = self.leaves
        time.withUnsafeBufferPointer { time in
            kind.withUnsafeBufferPointer { kind in
                tree.withUnsafeMutableBufferPointer { tree in
                    var lo = (leaves + range.lowerBound) >> 1
                    var hi = (leaves + range.upperBound - 1) >> 1
                    while lo >= 1 {
                        for node in lo...hi {
                            let left = tree[2 * node], right = tree[2 * node + 1]
                            tree[node] = Self.earlier(left, right, time, kind) ? left : right
                        }
                        lo >>= 1
                        hi >>= 1
                    }
                }
            }
        }
    }
}
