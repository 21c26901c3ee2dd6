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
        var level = Array(repeating: -1, count: network.populations.count)
        func levelOf(_ p: Int) -> Int {
            if level[p] >= 0 { return level[p] }
            var l = network.populations[p].kind == .input ? 0 : 1
            for q in network.projections where component[q.target.rawValue] == component[p] && component[q.source.rawValue] != component[p] && withinWindow(q) {
                l = max(l, levelOf(q.source.rawValue) + 1)
            }
            for r in network.populations.indices where component[r] == component[p] { level[r] = l }
            return l
        }
        for p in network.populations.indices { _ = levelOf(p) }
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

        var destinations: [[[Int32]]] = []
        for (p, population) in network.populations.enumerated() {
            let outgoing = network.projections.indices.filter { network.projections[$0].source.rawValue == p }
            let allTargets = Set(outgoing.flatMap { targets[$0].keys })
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
        var depth = Array(repeating: -1, count: stages.count)
        var onPath = Array(repeating: false, count: stages.count)
        let port = portStage
        func waveOf(_ s: Int) throws(EmulatorError) -> Int {
            if depth[s] >= 0 { return depth[s] }
            if onPath[s] {
                throw EmulatorError(
                    "cores depend on each other within one window (at core \(stages[s].core)): a recurrent projection, or a loop of projections between populations, whose neurons sit on different cores needs, on one of its projections, delays all longer than the chip's window (\(window) s; exactly one window is not enough), or its neurons on one core")
            }
            onPath[s] = true
            var w = s == port ? 0 : 1
            // (In sorted order, so that a cycle is reported at the same core on every run.)
            for u in sameSorted[s] { w = max(w, try waveOf(u) + 1) }
            onPath[s] = false
            depth[s] = w
            return w
        }
        for s in stages.indices { _ = try waveOf(s) }
        self.wave = depth
        waves = (depth.max() ?? 0) + 1
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
