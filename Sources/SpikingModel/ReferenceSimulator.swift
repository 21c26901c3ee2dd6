// ReferenceSimulator: the exact functional forward pass and EventProp backward pass.

/// The functional reference: exact event-driven simulation of a ``Network`` and its EventProp
/// gradients. Every other part of Neuromesh (the chip emulator above all) is checked against it.
///
/// Create one per network and thread; it keeps its buffers between samples. Use
/// ``forward(_:)`` then ``backward(loss:)``, or the one-call ``gradient(input:loss:)``.
///
/// Model time is continuous (`Double` seconds): neuron state is advanced in closed form only when
/// an event touches it, and spike times are found to full double precision (``LIFConstants``).
public struct ReferenceSimulator: Sendable {
    public internal(set) var network: Network

    // MARK: Tables derived from the network

    /// Global index of each population's first neuron.
    let populationStart: [Int]
    /// Population index of every neuron.
    let populationOf: [Int32]
    let constants: [LIFConstants]
    let kinds: [NeuronKind]
    /// Projections leaving each population.
    let outgoing: [[Int]]
    let projectionHasDelays: [Bool]
    let duration: Double
    let outputStart: Int
    let outputSize: Int
    let outputIsReadout: Bool

    // MARK: Per-sample state (reused)

    var state: [NeuronState]
    /// The last readout stretch's integral factors, shared by readouts updated together.
    var readoutIntegral = IntegralFactors.none
    /// The pending check or spike of every neuron (global index; input neurons have none).
    var schedule: NeuronSchedule
    var queue = EventQueue()

    /// The spikes of the last forward pass, in processing order.
    public internal(set) var spikes = SpikeRecord()
    /// The event log of the last forward pass.
    public internal(set) var log: [LogEntry] = []
    /// Output readout statistics of the last forward pass (empty unless the output is LI).
    public internal(set) var readouts = ReadoutStatistics()

    // Backward state
    var adjoint: [AdjointState]
    var spikeError: [Double] = []
    /// Gradients of the last backward pass (fan-out order, like ``Projection/weights``).
    public internal(set) var gradients: Gradients
    /// How many spikes of the last backward pass had a jump denominator `I − ϑ` below the
    /// tangency guard and were clamped (their gradients are then not exact).
    public internal(set) var tangentGuardCount = 0

    /// The smallest jump denominator `I(t_k) − ϑ` used, relative to `ϑ` (eventprop.md §6.4). Spikes
    /// that graze the threshold would otherwise give unbounded gradients. `0` disables the guard.
    public var tangentGuard: Double = 1e-9

    /// A forward pass stops after this many model-time events (spikes, deliveries and arrivals;
    /// each keeps 16–24 bytes for the backward pass), and ``eventLimitReached`` says so: a
    /// runaway network (say, an excitatory loop without delays) would otherwise fill the memory.
    public var eventLimit = ReferenceSimulator.defaultEventLimit
    /// 10 million events: a few hundred megabytes of records at most, and 50 times the events
    /// of an MNIST-sized trial (784-1000-10).
    public static let defaultEventLimit = 10_000_000
    /// The last forward pass stopped at ``eventLimit``: its spikes, log and gradients are incomplete.
    public internal(set) var eventLimitReached = false

    /// Prepares the tables and buffers for `network`.
    ///
    /// - Precondition: `network` has no ``Network/problems()`` (a network file's networks never
    ///   have; check one built in code with ``Network/validate()``). An empty network or an
    ///   `output` out of range traps here; other problems trap or give meaningless results later.
    public init(network: Network) {
        self.network = network
        var start = [Int]()
        var popOf = [Int32]()
        var running = 0
        for (p, population) in network.populations.enumerated() {
            start.append(running)
            running += population.size
            popOf.append(contentsOf: repeatElement(Int32(p), count: population.size))
        }
        populationStart = start
        populationOf = popOf
        constants = network.populations.map { LIFConstants($0.parameters) }
        kinds = network.populations.map(\.kind)
        var out = Array(repeating: [Int](), count: network.populations.count)
        for (index, projection) in network.projections.enumerated() {
            out[projection.source.rawValue].append(index)
        }
        outgoing = out
        projectionHasDelays = network.projections.map(\.hasDelays)
        duration = network.duration
        outputStart = start[network.output.rawValue]
        outputSize = network.populations[network.output.rawValue].size
        outputIsReadout = network.populations[network.output.rawValue].kind == .li
        let n = running
        state = Array(repeating: NeuronState(), count: n)
        schedule = NeuronSchedule(count: network.neuronCount)
        adjoint = Array(repeating: AdjointState(), count: n)
        gradients = Gradients(network: network)
    }

    /// Replaces the weights (same shapes), keeping buffers; used by finite differences and training.
    public mutating func setWeights(_ weights: [[Double]]) {
        network.copyWeights(from: weights)
    }

    /// Replaces the delays of projection `p` (same shape).
    public mutating func setDelays(_ delays: [Double]?, projection p: Int) {
        network.projections[p].delays = delays
    }

    /// The spike trains of the last forward pass, per population and neuron.
    public func spikeTrains() -> SpikeTrains {
        var trains = network.populations.map { Array(repeating: [Double](), count: $0.size) }
        for k in 0..<spikes.count {
            let n = Int(spikes.neuron[k])
            let p = Int(populationOf[n])
            trains[p][n - populationStart[p]].append(spikes.time[k])
        }
        return SpikeTrains(trains: trains)
    }

    /// Number of spikes per neuron of the last forward pass (a cheap signature of the spike pattern).
    public func spikeCounts() -> [Int] {
        var counts = Array(repeating: 0, count: populationOf.count)
        for n in spikes.neuron { counts[Int(n)] += 1 }
        return counts
    }
}

/// Loss gradients with the shapes of the network's projections (fan-out order).
public struct Gradients: Sendable, Equatable {
    /// `∂L/∂w` per projection.
    public var weights: [[Double]]
    /// `∂L/∂d` per projection (seconds⁻¹), `nil` for projections without delays.
    public var delays: [[Double]?]

    public init(network: Network) {
        weights = network.projections.map { Array(repeating: 0, count: $0.synapseCount) }
        delays = network.projections.map { $0.hasDelays ? Array(repeating: 0, count: $0.synapseCount) : nil }
    }

    package mutating func zero() {
        for p in weights.indices {
            weights[p].withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
            if delays[p] != nil {
                delays[p]!.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
            }
        }
    }

    /// Adds `other` scaled by `scale` (used to sum per-sample gradients in sample order).
    public mutating func add(_ other: Gradients, scale: Double = 1) {
        for p in weights.indices {
            for s in weights[p].indices { weights[p][s] += scale * other.weights[p][s] }
            if let d = other.delays[p], delays[p] != nil {
                for s in d.indices { delays[p]![s] += scale * d[s] }
            }
        }
    }
}
