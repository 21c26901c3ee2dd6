// EmulatorLayout: where every neuron lives, where every spike must go, and which parts of the
// chip wait for which within a window — derived once from a network, a chip and a placement.

import ChipDescription
import SpikingModel

/// The static structure the emulator runs on.
///
/// The unit of scheduling is a **stage**: the neurons of one *level* on one core. Levels come
/// from the graph of projections whose delays are shorter than a window (the spikes that must be
/// delivered within the window they are emitted in): populations that drive each other through
/// such projections (a strongly connected component, e.g. an excitatory–inhibitory loop without
/// delays) share one level, and a component's level is its depth in the graph of components —
/// inputs are level 0, what they drive level 1, and so on. A core computes a window level by
/// level, and a stage waits only for the stages that can send it spikes within that window; inside
/// a stage, events run in the canonical model-time order, so a population's projection onto
/// itself, or a loop of populations on one core, needs no delay. A loop whose neurons sit on
/// different cores makes their stages wait for each other within a window: one of its
/// projections needs all its delays longer than a window (by more than 1e-9 relative, so that
/// rounding cannot bring an arrival back into the sending window), and the layout says so.
///
/// Cores are the chip's cores, plus one pseudo-core for the I/O port (index ``portCore``),
/// which injects the input populations' spikes as stage 0.
struct EmulatorLayout: Sendable {
    struct Stage: Sendable {
        var core: Int
        var level: Int
        /// Neurons (global indices) of the stage.
        var neurons: [Int]
    }

    /// Core of every neuron (global index); the port for input neurons.
    let coreOf: [Int32]
    /// Level of every population.
    let populationLevel: [Int]
    /// For each source population and neuron, the cores its spikes must reach other than its own.
    let destinations: [[[Int32]]]
    /// For projection p and core c: the ranges of global target neurons of p on c.
    let targets: [[Int32: [Range<Int>]]]
    let stages: [Stage]
    /// Stage of (core, level), keyed by `core × levels + level` (`levels`: one more than the
    /// highest level, so that no two pairs share a key however deep the network).
    let stageIndex: [Int: Int]
    /// For projection p and core c (slot `p * (coreCount + 1) + c`): the target ranges of p on c
    /// (no list if none) and the stage they belong to (−1 if none) — flat tables for the hot path.
    /// A range's position in `targetRanges.elements` numbers it among all slots' ranges.
    let targetRanges: FlatLists<Range<Int>>
    let targetStage: [Int32]
    /// Per stage: stages whose window-w spikes it needs before window w, and those whose
    /// window-(w−1) spikes it needs (all their projections into it have delays of a window or more).
    let sameWindowUpstream: [[Int]]
    let nextWindowUpstream: [[Int]]
    /// Per stage: the cores with stages that wait for its end-of-window messages.
    let downstreamCores: [[Int32]]
    /// Per stage: its wave in barrier mode (the port's stage is wave 0).
    let wave: [Int]
    let waves: Int
    /// Per core: its stages in level order.
    let stagesOfCore: [[Int]]
    /// Cores holding neurons (not the port).
    let usedCores: [Int]
    let portCore: Int
    let portStage: Int
    let coreCount: Int

    init(network: Network, chip: ChipSpec, placement: Placement) throws(EmulatorError) {
        let coreCount = chip.mesh.coreCount
        self.coreCount = coreCount
        portCore = coreCount
        let window = chip.time.window
        let start = network.populations.indices.map { network.firstNeuron(of: PopulationID($0)) }
        var coreOf: [Int32] = []
        for (p, population) in network.populations.enumerated() {
            if population.kind == .input {
                coreOf.append(contentsOf: repeatElement(Int32(coreCount), count: population.size))
            } else {
                coreOf.append(contentsOf: placement.cores[p].map { Int32($0.rawValue) })
            }
        }
        self.coreOf = coreOf

        // Levels: longest paths over the components of the graph of projections that deliver
        // within a window (a component's populations share a level; inside a stage, events run in
        // model-time order).
        func withinWindow(_ projection: Projection) -> Bool { (projection.delays?.min() ?? 0) < window * (1 + 1e-9) }
        let component = Self.components(
            count: network.populations.count,
            edges: network.projections.filter(withinWindow).map { ($0.source.rawValue, $0.target.rawValue) })
        let level = Self.levels(network: network, component: component, withinWindow: withinWindow)
        populationLevel = level

        // Targets of each projection per core, as ranges of consecutive neurons.
        var targets: [[Int32: [Range<Int>]]] = []
        for projection in network.projections {
            var byCore: [Int32: [Range<Int>]] = [:]
            let first = start[projection.target.rawValue]
            var runStart = first
            for n in first..<(first + projection.targetSize) where n + 1 == first + projection.targetSize || coreOf[n + 1] != coreOf[n] {
                byCore[coreOf[n], default: []].append(runStart..<(n + 1))
                runStart = n + 1
            }
            targets.append(byCore)
        }
        self.targets = targets

        var outgoingProjections = Array(repeating: [Int](), count: network.populations.count)
        for (index, projection) in network.projections.enumerated() { outgoingProjections[projection.source.rawValue].append(index) }
        var destinations: [[[Int32]]] = []
        for (p, population) in network.populations.enumerated() {
            let allTargets = Set(outgoingProjections[p].flatMap { targets[$0].keys })
            destinations.append((0..<population.size).map { i in allTargets.filter { $0 != coreOf[start[p] + i] }.sorted() })
        }
        self.destinations = destinations

        // Stages.
        var stageIndex: [Int: Int] = [:]
        var stages: [Stage] = []
        let levels = (level.max() ?? 0) + 1
        func key(_ core: Int, _ level: Int) -> Int { core * levels + level }
        for (p, population) in network.populations.enumerated() where population.kind != .input {
            for n in start[p]..<(start[p] + population.size) {
                let k = key(Int(coreOf[n]), level[p])
                if stageIndex[k] == nil {
                    stageIndex[k] = stages.count
                    stages.append(Stage(core: Int(coreOf[n]), level: level[p], neurons: []))
                }
                stages[stageIndex[k]!].neurons.append(n)
            }
        }
        if stageIndex[key(coreCount, 0)] == nil {
            stageIndex[key(coreCount, 0)] = stages.count
            stages.append(Stage(core: coreCount, level: 0, neurons: []))
        }
        portStage = stageIndex[key(coreCount, 0)]!
        self.stageIndex = stageIndex
        self.stages = stages

        // Stage dependencies.
        var same = Array(repeating: Set<Int>(), count: stages.count)
        var next = Array(repeating: Set<Int>(), count: stages.count)
        for (index, projection) in network.projections.enumerated() {
            let s = projection.source.rawValue
            let sourceCores = Set(coreOf[start[s]..<(start[s] + projection.sourceSize)].map(Int.init))
            let inWindow = withinWindow(projection)
            for d in targets[index].keys.map(Int.init) {
                let to = stageIndex[key(d, level[projection.target.rawValue])]!
                for c in sourceCores {
                    let from = stageIndex[key(c, level[s])]!
                    guard from != to else { continue }  // within one stage: handled in order
                    if inWindow { same[to].insert(from) } else { next[to].insert(from) }
                }
            }
        }
        var targetRanges: [[Range<Int>]] = []
        var targetStage: [Int32] = []
        for (index, projection) in network.projections.enumerated() {
            for c in 0...coreCount {
                let ranges = targets[index][Int32(c)] ?? []
                targetRanges.append(ranges)
                targetStage.append(ranges.isEmpty ? -1 : Int32(stageIndex[key(c, level[projection.target.rawValue])]!))
            }
        }
        self.targetRanges = FlatLists(targetRanges)
        self.targetStage = targetStage
        let sameSorted = same.map { $0.sorted() }
        sameWindowUpstream = sameSorted
        nextWindowUpstream = next.map { $0.sorted() }
        var downstream = Array(repeating: Set<Int32>(), count: stages.count)
        for to in stages.indices {
            for from in same[to].union(next[to]) where stages[from].core != stages[to].core {
                downstream[from].insert(Int32(stages[to].core))
            }
        }
        downstreamCores = downstream.map { $0.sorted() }
        var byCore = Array(repeating: [Int](), count: coreCount + 1)
        for (i, stage) in stages.enumerated() { byCore[stage.core].append(i) }
        stagesOfCore = byCore.map { $0.sorted { stages[$0].level < stages[$1].level } }
        usedCores = Set(coreOf.map(Int.init)).subtracting([coreCount]).sorted()

        // Waves: longest path over same-window stage edges; a cycle is an error.
        let port = portStage
        wave = try Self.longestPaths(upstream: sameSorted, base: { $0 == port ? 0 : 1 }) { (s: Int) throws(EmulatorError) in
            throw EmulatorError(
                "cores depend on each other within one window (at core \(stages[s].core)): a recurrent projection, or a loop of projections between populations, whose neurons sit on different cores needs, on one of its projections, delays all longer than the chip's window (\(window) s; exactly one window is not enough), or its neurons on one core")
        }
        waves = (wave.max() ?? 0) + 1
    }
}

extension EmulatorLayout {
    /// Every population's level: 0 for an input, otherwise 1 + the highest level of the
    /// populations that drive its component (`component`) from another component through a
    /// projection delivering within a window — the longest path over the graph of components,
    /// which has no cycles. Kahn's order over the components: linear in populations and
    /// projections, and without recursion (a chain of populations can be arbitrarily long).
    static func levels(network: Network, component: [Int], withinWindow: (Projection) -> Bool) -> [Int] {
        let count = (component.max() ?? -1) + 1
        var level = Array(repeating: 1, count: count)
        for (p, population) in network.populations.enumerated() where population.kind == .input { level[component[p]] = 0 }
        var successors = Array(repeating: [Int](), count: count)
        var pending = Array(repeating: 0, count: count)
        for projection in network.projections where withinWindow(projection) {
            let (from, to) = (component[projection.source.rawValue], component[projection.target.rawValue])
            guard from != to else { continue }
            successors[from].append(to)
            pending[to] += 1
        }
        var ready = (0..<count).filter { pending[$0] == 0 }
        while let c = ready.popLast() {
            for d in successors[c] {
                level[d] = max(level[d], level[c] + 1)
                pending[d] -= 1
                if pending[d] == 0 { ready.append(d) }
            }
        }
        return component.map { level[$0] }
    }

    /// The longest-path depth of every vertex: `base(v)`, or 1 + the deepest of `upstream[v]`
    /// when that is more. Depth-first from each vertex in turn, visiting upstream vertices in
    /// their listed order (so a cycle is found at the same vertex on every run, and `cycle` is
    /// called with it); iterative, so long chains cannot overflow the stack.
    static func longestPaths(
        upstream: [[Int]], base: (Int) -> Int, cycle: (Int) throws(EmulatorError) -> Never
    ) throws(EmulatorError) -> [Int] {
        var depth = Array(repeating: -1, count: upstream.count)
        var onPath = Array(repeating: false, count: upstream.count)
        for root in upstream.indices where depth[root] < 0 {
            // (vertex, next upstream position, depth so far)
            var work = [(vertex: root, next: 0, depth: base(root))]
            onPath[root] = true
            while let top = work.last {
                let list = upstream[top.vertex]
                if top.next < list.count {
                    work[work.count - 1].next += 1
                    let u = list[top.next]
                    if depth[u] >= 0 {
                        work[work.count - 1].depth = max(top.depth, depth[u] + 1)
                    } else {
                        if onPath[u] { try cycle(u) }
                        onPath[u] = true
                        work.append((u, 0, base(u)))
                    }
                    continue
                }
                work.removeLast()
                onPath[top.vertex] = false
                depth[top.vertex] = top.depth
                if !work.isEmpty { work[work.count - 1].depth = max(work[work.count - 1].depth, top.depth + 1) }
            }
        }
        return depth
    }
}

extension EmulatorLayout {
    /// The strongly connected components of a directed graph on `0 ..< count` (Tarjan 1972):
    /// `component[v]` is the same for two vertices exactly when each reaches the other. Self-loops
    /// do not matter. Iterative, so deep chains of populations cannot overflow the stack.
    static func components(count: Int, edges: [(Int, Int)]) -> [Int] {
        var successors = Array(repeating: [Int](), count: count)
        for (a, b) in edges where a != b { successors[a].append(b) }
        var index = Array(repeating: -1, count: count)
        var low = Array(repeating: 0, count: count)
        var onStack = Array(repeating: false, count: count)
        var stack: [Int] = []
        var component = Array(repeating: -1, count: count)
        var nextIndex = 0
        var nextComponent = 0
        for root in 0..<count where index[root] < 0 {
            // (vertex, position in its successor list)
            var work: [(Int, Int)] = [(root, 0)]
            index[root] = nextIndex
            low[root] = nextIndex
            nextIndex += 1
            stack.append(root)
            onStack[root] = true
            while let (v, i) = work.last {
                if i < successors[v].count {
                    work[work.count - 1].1 += 1
                    let w = successors[v][i]
                    if index[w] < 0 {
                        index[w] = nextIndex
                        low[w] = nextIndex
                        nextIndex += 1
                        stack.append(w)
                        onStack[w] = true
                        work.append((w, 0))
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                    continue
                }
                work.removeLast()
                if let (parent, _) = work.last { low[parent] = min(low[parent], low[v]) }
                if low[v] == index[v] {
                    while let w = stack.popLast() {
                        onStack[w] = false
                        component[w] = nextComponent
                        if w == v { break }
                    }
                    nextComponent += 1
                }
            }
        }
        return component
    }
}

/// Lists stored end to end in one array (compressed rows): list `i` is
/// `elements[starts[i] ..< starts[i + 1]]`. A hot loop over a list reads its elements by
/// position, which retains nothing; iterating an inner array of an array of arrays retains it.
struct FlatLists<Element: Sendable>: Sendable {
    /// Every list's elements, list after list.
    let elements: [Element]
    /// Where each list starts in ``elements``, and (last) the total count.
    let starts: [Int]

    init(_ lists: [[Element]]) {
        elements = lists.flatMap { $0 }
        var starts = [0]
        for list in lists { starts.append(starts[starts.count - 1] + list.count) }
        self.starts = starts
    }

    /// The positions in ``elements`` of list `i`.
    @inline(__always) func positions(of i: Int) -> Range<Int> { starts[i]..<starts[i &+ 1] }

    /// List `i` (a view of ``elements``: for code off the hot path).
    subscript(i: Int) -> ArraySlice<Element> { elements[positions(of: i)] }
}

/// A problem that stops an emulation, with a message for the user.
public struct EmulatorError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
