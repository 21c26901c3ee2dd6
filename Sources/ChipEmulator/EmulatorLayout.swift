// EmulatorLayout: where every neuron lives, where every spike must go, and which cores wait for
// which within a window — derived once from a network, a chip and a placement.

import ChipDescription
import SpikingModel

/// The static structure the emulator runs on.
///
/// Cores are the chip's cores that hold neurons, plus one pseudo-core for the I/O port
/// (index ``portCore``), which injects the input populations' spikes.
struct EmulatorLayout {
    /// Core of every neuron (global index); the port for input neurons.
    let coreOf: [Int32]
    /// For each source population, the cores its spikes must reach (sorted, without the source's own
    /// core — that is handled locally — for placed populations).
    let destinations: [[[Int32]]]
    /// For projection p and core c: the ranges of global target neurons of p on c.
    let targets: [[Int32: [Range<Int>]]]
    /// Cores (and the port) that hold neurons, in index order.
    let activeCores: [Int]
    /// The neurons (global indices) on each core; the port's are the input neurons.
    let neurons: [[Int]]
    /// Per core: upstream cores whose window-w traffic it needs before window w (same-window
    /// dependencies) and those whose window-(w−1) traffic it needs (delays of a window or more).
    let sameWindowUpstream: [[Int]]
    let nextWindowUpstream: [[Int]]
    /// Per core: the cores that wait for its end-of-window markers.
    let downstream: [[Int]]
    /// Barrier mode: the wave in which each core computes a window (the port is wave 0).
    let level: [Int]
    let levels: Int
    let portCore: Int
    let coreCount: Int

    /// - Throws: a message when the same-window dependencies between cores form a cycle (a
    ///   recurrent connection across cores with delays shorter than a window, which no window
    ///   protocol can keep exact).
    init(network: Network, chip: ChipSpec, placement: Placement) throws(EmulatorError) {
        let coreCount = chip.mesh.coreCount
        self.coreCount = coreCount
        portCore = coreCount
        let window = chip.time.window
        var coreOf: [Int32] = []
        for (p, population) in network.populations.enumerated() {
            if population.kind == .input {
                coreOf.append(contentsOf: repeatElement(Int32(coreCount), count: population.size))
            } else {
                coreOf.append(contentsOf: placement.cores[p].map { Int32($0.rawValue) })
            }
        }
        self.coreOf = coreOf
        var neurons = Array(repeating: [Int](), count: coreCount + 1)
        for (n, core) in coreOf.enumerated() { neurons[Int(core)].append(n) }
        self.neurons = neurons
        let start = network.populations.indices.map { network.firstNeuron(of: PopulationID($0)) }

        // Targets of each projection per core, as ranges of consecutive neurons.
        var targets: [[Int32: [Range<Int>]]] = []
        for projection in network.projections {
            var byCore: [Int32: [Range<Int>]] = [:]
            let first = start[projection.target.rawValue]
            var runStart = first
            for n in first..<(first + projection.targetSize) {
                let last = n + 1 == first + projection.targetSize
                if last || coreOf[n + 1] != coreOf[n] {
                    byCore[coreOf[n], default: []].append(runStart..<(n + 1))
                    runStart = n + 1
                }
            }
            targets.append(byCore)
        }
        self.targets = targets

        // Destination cores per source neuron: the target cores of every outgoing projection,
        // other than the source's own core.
        var destinations: [[[Int32]]] = []
        for (p, population) in network.populations.enumerated() {
            let outgoing = network.projections.indices.filter { network.projections[$0].source.rawValue == p }
            let allTargets = Set(outgoing.flatMap { targets[$0].keys })
            destinations.append(
                (0..<population.size).map { i in
                    allTargets.filter { $0 != coreOf[start[p] + i] }.sorted()
                })
        }
        self.destinations = destinations

        // The core dependency graph.
        var same = Array(repeating: Set<Int>(), count: coreCount + 1)
        var next = Array(repeating: Set<Int>(), count: coreCount + 1)
        for (index, projection) in network.projections.enumerated() {
            let sourceStart = start[projection.source.rawValue]
            let sourceCores = Set(coreOf[sourceStart..<(sourceStart + projection.sourceSize)].map(Int.init))
            let minDelay = projection.delays?.min() ?? 0
            let crossesWindow = minDelay >= window * (1 + 1e-9)
            for d in targets[index].keys.map(Int.init) {
                for s in sourceCores where s != d {
                    if crossesWindow && s != coreCount { next[d].insert(s) } else { same[d].insert(s) }
                }
            }
        }
        sameWindowUpstream = same.map { $0.sorted() }
        nextWindowUpstream = next.map { $0.sorted() }
        var down = Array(repeating: [Int](), count: coreCount + 1)
        for d in 0...coreCount {
            for s in Set(same[d]).union(next[d]) { down[s].append(d) }
        }
        downstream = down.map { $0.sorted() }
        var used = Set(coreOf.map(Int.init))
        used.insert(coreCount)
        activeCores = used.sorted()

        // Waves: longest path from the port over same-window edges; a cycle is an error.
        var level = Array(repeating: 0, count: coreCount + 1)
        var state = Array(repeating: 0, count: coreCount + 1)  // 0 new, 1 on stack, 2 done
        func visit(_ c: Int, _ path: [Int]) throws(EmulatorError) -> Int {
            if state[c] == 2 { return level[c] }
            if state[c] == 1 {
                let cycle = (path.drop { $0 != c } + [c]).map { "core \($0)" }.joined(separator: " → ")
                throw EmulatorError(
                    "cores depend on each other within one window (\(cycle)): a recurrent connection between different cores needs delays of at least the chip's window (\(window) s), or its neurons on one core")
            }
            state[c] = 1
            var l = c == coreCount ? 0 : 1
            for u in same[c] { l = max(l, try visit(u, path + [c]) + 1) }
            state[c] = 2
            level[c] = l
            return l
        }
        for c in activeCores { _ = try visit(c, []) }
        self.level = level
        levels = (activeCores.map { level[$0] }.max() ?? 0) + 1
    }
}

/// A problem that stops an emulation, with a message for the user.
public struct EmulatorError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
