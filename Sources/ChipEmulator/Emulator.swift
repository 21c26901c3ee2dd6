// Emulator: a network running on an emulated chip. Spikes travel as packets through the routers;
// every core computes its neurons window by window; hardware time comes from the chip file.

import ChipDescription
@_spi(Kernel) import SpikingModel

/// Runs a mapped network on an emulated chip, one input at a time.
///
/// **Two clocks.** Model time (seconds, `Double`) is the neurons' continuous time; hardware time
/// (integer picoseconds) is when the chip does each piece of work. Each core owns the neurons
/// placed on it and processes their events — crossing checks, spikes, spike deliveries — in the
/// canonical order of the functional reference, with the very same arithmetic (``NeuronState``),
/// one model-time *window* (the chip's time step) at a time and, within a window, level by level
/// (see ``EmulatorLayout``). A stage starts window `w` only when every stage whose spikes can
/// reach it within `w` has finished `w` (and those whose spikes need at least a window of delay
/// have finished `w − 1`), so it has all of its input:
///
/// - **dataflow** synchronisation: each stage sends an end-of-window message to the cores that
///   wait for it, behind its spike packets on the same routes (so it arrives after them);
/// - **barrier** synchronisation: stages compute in waves (the port, then by depth of the
///   dependency graph), each wave closed by a chip-wide barrier once the mesh has drained.
///
/// Hence the spikes are exactly those of ``ReferenceSimulator``, whatever the chip's latencies,
/// buffer sizes or multicast style; only a lossy queue policy (which drops spikes, and counts
/// them) changes the result.
public struct Emulator: Sendable {
    public let chip: ChipSpec
    public private(set) var network: Network
    public let mapping: Mapping
    let layout: EmulatorLayout

    // Functional state (model time).
    let constants: [LIFConstants]
    let kinds: [NeuronKind]
    let populationOf: [Int32]
    let populationStart: [Int]
    let projectionHasDelays: [Bool]
    /// Outgoing projections per population.
    let outgoing: FlatLists<Int>
    /// What the event loop reads of each projection besides its weights (copying a
    /// ``Projection`` out of the network would retain and release its arrays on every event).
    let wiring: [ProjectionWiring]
    var state: [NeuronState]
    /// Model-time event queue and neuron schedule of each stage; a neuron's index in its stage's
    /// schedule.
    var queues: [EventQueue]
    var schedules: [NeuronSchedule]
    /// What a stage's entry of ``schedules`` holds while the stage computes (see
    /// ``compute(stage:window:from:)``): a shared empty schedule, so that taking a schedule out
    /// allocates nothing.
    static let placeholderSchedule = NeuronSchedule(count: 0)
    let localIndex: [Int]
    let window: Double
    let windowCount: Int
    /// `windowEnds[w]`: the first model time of a later window (``windowEnds(window:count:)``).
    let windowEnds: [Double]
    let duration: Double

    // Hardware state.
    var kernel = HardwareKernel()
    var noc: NetworkOnChip
    /// Every count so far, per phase, in the shape of the results. The per-core and per-router
    /// counts of the pass being emulated live in ``coreCounts`` and ``routerCounts`` meanwhile.
    var counters: EmulationCounters
    /// The counts of the pass being emulated (``phase``), per core (and port) and per router:
    /// ``counters``' arrays of that phase, moved out of it for the pass (``beginCounting(_:)``,
    /// ``endCounting()``), so that each count in the event loop costs one array access and one
    /// copy-on-write check, not two of each through the nested arrays. Outside a pass they hold
    /// spare arrays of the same sizes.
    var coreCounts: [CoreCounters]
    var routerCounts: [RouterCounters]
    /// Whether ``coreCounts`` and ``routerCounts`` hold a pass's counts (a pass that threw leaves
    /// them there until the next ``beginCounting(_:)`` or ``reset()``).
    var counting = false
    /// Per core (and port): outbox of packets (index, ready time), network interface free time,
    /// core free time.
    var outbox: [[(packet: Int, ready: Picoseconds)]]
    var outboxHead: [Int]
    var interfaceFree: [Picoseconds]
    /// Per core (and port): its network interface waits for a free slot in its router's input
    /// buffer — the only state in which a freed slot must wake it (otherwise it has an inject
    /// already scheduled, or nothing to send, and a wake-up would be a no-op event).
    var injectBlocked: [Bool]
    var coreFree: [Picoseconds]
    /// Per stage: the next window to compute, and whether it is computing.
    var nextWindow: [Int]
    var computing: [Bool]
    /// The cores that host a stage, and the port, numbered densely (−1: any other core), for
    /// the per-core tables below.
    let hostIndex: [Int32]
    let hostCount: Int
    /// Per host core and stage (`hostIndex[core] × stages + stage`): windows of that stage
    /// complete as far as the core knows, from the end-of-window messages it received.
    var markers: [Int32]
    var makespan: Picoseconds = 0
    // Barrier mode.
    var phaseWindow = 0
    var phaseWave = 0
    var phaseOutstanding = 0
    var barrierPending = false
    /// Packet destinations created and not yet delivered (or dropped).
    var inFlight = 0
    /// Last packet serial received per (source, destination) pair of host cores
    /// (`hostIndex[source] × hostCount + hostIndex[destination]`; `Int32.min`: none yet).
    var lastSerial: [Int32]
    /// Input spikes of each window: (spike index, neuron).
    var inputByWindow: [[(Int32, Int)]] = []

    /// The spikes of the last run, in emission order.
    public internal(set) var spikes = SpikeRecord()
    /// When the output population is non-spiking (LI): its readouts' maxima and weighted
    /// integrals over the last run, tracked on the cores that hold them, as the reference does.
    /// A maximum's `maxPosition` is an entry of its neuron's stage log.
    public internal(set) var readouts = ReadoutStatistics()
    /// The output neurons (global indices), whether they are LI readouts, and the stage of each.
    let outputs: Range<Int>
    let outputIsReadout: Bool
    let outputStage: [Int]
    /// The last readout stretch's integral factors, shared by readouts updated together.
    var readoutIntegral = IntegralFactors.none
    /// Per neuron: 1 + the last window in which it received input or spiked (for active and
    /// inactive neuron updates).
    var touchedIn: [Int32]
    /// Per target range of a projection on a core (its position in
    /// ``EmulatorLayout/targetRanges``): 1 + the last window in which one delivery touched the
    /// whole range, so that later deliveries of that window need not mark its neurons again.
    var rangeTouched: [Int32]

    let costs: CostTable
    let latency: OperationLatencies
    let backwardLatency: BackwardLatencies
    /// Routers that host a used core or the I/O port (those a barrier spans), and the latency of
    /// one barrier across them.
    let participatingRouters: Int
    let barrierLatency: Picoseconds
    /// Neurons and (incoming) synapses per core; the last entry is the port.
    let neuronsPerCore: [Int]
    let synapsesPerCore: [Int]
    /// The pass being emulated (forward, then backward).
    var phase = Phase.forward
    /// Whether the last ``run(_:spikeTrains:)`` finished with the current weights (so
    /// ``backward(loss:label:)`` has a forward pass to replay).
    var hasForwardPass = false

    // Backward state.
    /// Each stage's forward events in processing order (replayed in reverse by the backward pass).
    var stageLog: [[LogEntry]]
    var logPosition: [Int]
    var adjoint: [AdjointState]
    var spikeError: [Double] = []
    var backwardGradients: Gradients
    /// Per stage: the next reverse window (0 = the last window of model time) and whether it is
    /// computing; per host core and stage (as ``markers``): reverse windows complete, from
    /// backward end-of-window messages.
    var backNext: [Int]
    var backComputing: [Bool]
    var backMarkers: [Int32]
    var tangentGuardCount = 0
    /// Spike-log entries the cores could not keep in the last backward pass (``spikeLogKey(core:spike:own:)``).
    var droppedLog: Set<Int64> = []
    /// Readout losses: per stage, the max-voltage impulses (latest first) and the next to apply;
    /// the exp-voltage source coefficient per readout (empty: none).
    var stageImpulses: [[Impulse]]
    var impulseCursor: [Int]
    var readoutSources: [Double] = []
    /// The smallest jump denominator `I − ϑ`, relative to ϑ (as in ``ReferenceSimulator``).
    public var tangentGuard = 1e-9

    /// The most windows a trial may have (the emulator keeps per-window input lists).
    public static let maxWindows = 10_000_000

    /// Emulation stops with an error after this many hardware events without finishing.
    public var eventLimit: UInt64 = 2_000_000_000
    /// Emulation stops with an error once the trial has this many model-time events (spikes and
    /// logged deliveries and arrivals), as ``ReferenceSimulator/eventLimit``: a runaway network
    /// would otherwise fill the memory within one window.
    public var modelEventLimit = ReferenceSimulator.defaultEventLimit
    /// Model-time events logged in the current trial, and whether they reached ``modelEventLimit``.
    var loggedEvents = 0
    var modelEventLimitReached = false

    /// Whether the emulator can run `chip` at all, whatever the network: at most 58 cores per
    /// router (a router tracks its inputs and outputs in 64-bit masks) and at most 2²⁷ router
    /// buffer slots in memory. A chip file may describe more; `validate` and `map` say so.
    ///
    /// - Throws: ``EmulatorError`` naming the limit and the chip file's member.
    public static func checkEmulable(_ chip: ChipSpec) throws(EmulatorError) {
        guard chip.mesh.coresPerRouter <= 58 else {
            throw EmulatorError("the emulator supports up to 58 cores per router (/mesh/cores_per_router is \(chip.mesh.coresPerRouter))")
        }
        let slots = chip.mesh.routerCount * (chip.mesh.coresPerRouter + 5) * chip.router.bufferDepthPackets
        guard slots <= 1 << 27 else {
            throw EmulatorError(
                "the chip's router buffers (\(chip.mesh.routerCount) routers × \(chip.mesh.coresPerRouter + 5) inputs × \(chip.router.bufferDepthPackets) packets) are too large to emulate in memory (at most \(1 << 27) packet slots)")
        }
    }

    /// Prepares `network` placed by `mapping` (which names the chip).
    ///
    /// - Throws: ``EmulatorError`` when the network has a problem (the first of
    ///   ``Network/problems()``: say, an output that is not a LIF or LI population, or a duration
    ///   outside `(0, Network.maxDuration]` s), `mapping` was made for a network of another shape
    ///   (``Mapping/mismatch(_:)``), the trial has too many windows, the placement makes exact
    ///   emulation impossible (see ``EmulatorLayout``) or the mesh has more than 58 cores per
    ///   router (a router tracks its outputs in a 64-bit mask).
    public init(network: Network, mapping: Mapping) throws(EmulatorError) {
        if let problem = network.firstProblem { throw EmulatorError(problem) }
        let chip = mapping.chip
        try Self.checkEmulable(chip)
        if let mismatch = mapping.mismatch(network) { throw EmulatorError(mismatch) }
        // The trial's windows: ⌊T / window⌋ + 1 (``windowCount``), at most `maxWindows`.
        let windows = network.duration / chip.time.window
        guard windows.isFinite, windows < Double(Self.maxWindows) else {
            let count = windows < 1e18 ? "\(Int(windows.rounded(.down)) + 1)" : "more than 10^18"
            throw EmulatorError(
                "a trial of \(network.duration) s in windows of \(chip.time.window) s (/time/window_s) has \(count) windows; the emulator handles at most \(Self.maxWindows): use a longer window or a shorter trial")
        }
        self.chip = chip
        self.network = network
        self.mapping = mapping
        layout = try EmulatorLayout(network: network, chip: chip, placement: mapping.placement)
        constants = network.populations.map { LIFConstants($0.parameters) }
        kinds = network.populations.map(\.kind)
        var popOf: [Int32] = []
        for (p, population) in network.populations.enumerated() { popOf.append(contentsOf: repeatElement(Int32(p), count: population.size)) }
        populationOf = popOf
        populationStart = network.populations.indices.map { network.firstNeuron(of: PopulationID($0)) }
        projectionHasDelays = network.projections.map(\.hasDelays)
        wiring = network.projections.map {
            ProjectionWiring(
                source: $0.source.rawValue, sourceStart: network.firstNeuron(of: $0.source), target: $0.target.rawValue,
                targetStart: network.firstNeuron(of: $0.target), targetSize: $0.targetSize)
        }
        outgoing = FlatLists(
            network.populations.indices.map { p in network.projections.indices.filter { network.projections[$0].source.rawValue == p } })
        state = Array(repeating: NeuronState(), count: network.neuronCount)
        let cores = chip.mesh.coreCount + 1
        queues = Array(repeating: EventQueue(), count: layout.stages.count)
        schedules = layout.stages.map { NeuronSchedule(count: $0.neurons.count) }
        var local = Array(repeating: 0, count: network.neuronCount)
        for stage in layout.stages { for (i, n) in stage.neurons.enumerated() { local[n] = i } }
        localIndex = local
        window = chip.time.window
        duration = network.duration
        windowCount = Int((network.duration / chip.time.window).rounded(.down)) + 1
        windowEnds = Self.windowEnds(window: chip.time.window, count: windowCount)
        noc = NetworkOnChip(chip: chip)
        counters = EmulationCounters(cores: cores, routers: chip.mesh.routerCount)
        coreCounts = Array(repeating: CoreCounters(), count: cores)
        routerCounts = Array(repeating: RouterCounters(), count: chip.mesh.routerCount)
        outbox = Array(repeating: [], count: cores)
        outboxHead = Array(repeating: 0, count: cores)
        interfaceFree = Array(repeating: 0, count: cores)
        injectBlocked = Array(repeating: false, count: cores)
        coreFree = Array(repeating: 0, count: cores)
        nextWindow = Array(repeating: 0, count: layout.stages.count)
        computing = Array(repeating: false, count: layout.stages.count)
        var hosts = Array(repeating: Int32(-1), count: cores)
        var hostCount = 0
        for core in Set(layout.stages.map(\.core) + [layout.portCore]).sorted() {
            hosts[core] = Int32(hostCount)
            hostCount += 1
        }
        hostIndex = hosts
        self.hostCount = hostCount
        markers = Array(repeating: 0, count: hostCount * layout.stages.count)
        lastSerial = Array(repeating: .min, count: hostCount * hostCount)
        touchedIn = Array(repeating: 0, count: network.neuronCount)
        rangeTouched = Array(repeating: 0, count: layout.targetRanges.elements.count)
        stageLog = Array(repeating: [], count: layout.stages.count)
        logPosition = Array(repeating: 0, count: layout.stages.count)
        adjoint = Array(repeating: AdjointState(), count: network.neuronCount)
        let firstOutput = network.firstNeuron(of: network.output)
        outputs = firstOutput..<(firstOutput + network.populations[network.output.rawValue].size)
        outputIsReadout = network.populations[network.output.rawValue].kind == .li
        var stageOf = Array(repeating: -1, count: network.neuronCount)
        for (s, stage) in layout.stages.enumerated() { for n in stage.neurons { stageOf[n] = s } }
        outputStage = outputs.map { stageOf[$0] }
        backwardGradients = Gradients(network: network)
        backNext = Array(repeating: 0, count: layout.stages.count)
        stageImpulses = Array(repeating: [], count: layout.stages.count)
        impulseCursor = Array(repeating: 0, count: layout.stages.count)
        backComputing = Array(repeating: false, count: layout.stages.count)
        backMarkers = Array(repeating: 0, count: hostCount * layout.stages.count)
        costs = chip.costs
        latency = OperationLatencies(chip.costs)
        backwardLatency = BackwardLatencies(chip.costs)
        var routers = Set(layout.usedCores.map { $0 / chip.mesh.coresPerRouter })
        routers.insert(chip.ioPort.y * chip.mesh.width + chip.ioPort.x)
        participatingRouters = routers.count
        var neurons = Array(repeating: 0, count: cores)
        for core in layout.coreOf { neurons[Int(core)] += 1 }
        neuronsPerCore = neurons
        var synapses = Array(repeating: 0, count: cores)
        for (p, projection) in network.projections.enumerated() {
            for (core, ranges) in layout.targets[p] { synapses[Int(core)] += ranges.reduce(0) { $0 + $1.count } * projection.sourceSize }
        }
        synapsesPerCore = synapses
        barrierLatency = picoseconds(chip.time.sync.latency.seconds(routers: routers.count) ?? 0)
    }

    /// The window of model time `t`.
    @inline(__always) func windowOf(_ t: Double) -> Int { min(Int(t / window), windowCount - 1) }

    /// For each window `w`, the smallest time `t ≥ 0` with `windowOf(t) > w` (`+∞` for the last
    /// window), so that `windowOf(t) ≤ w ⟺ t < windowEnds[w]` for every `t ≥ 0`: `windowOf` is
    /// non-decreasing in `t` (a correctly rounded division by a positive number is monotone), so
    /// the times of windows up to `w` are an interval `[0, end)`. The stage loop compares with the
    /// end instead of dividing for every event it looks at.
    ///
    /// The end is found from `(w + 1) · window`, moved by ulps to where `⌊t / window⌋` steps.
    static func windowEnds(window: Double, count: Int) -> [Double] {
        (0..<count).map { w in
            guard w < count - 1 else { return .infinity }
            let next = Double(w + 1)
            var end = next * window
            while end / window < next { end = end.nextUp }
            while end > 0, end.nextDown / window >= next { end = end.nextDown }
            return end
        }
    }

    /// The spike trains of the last run, per population and neuron (the shape of
    /// ``ReferenceSimulator/spikeTrains()``).
    public func spikeTrains() -> SpikeTrains {
        var trains = network.populations.map { Array(repeating: [Double](), count: $0.size) }
        for k in 0..<spikes.count {
            let n = Int(spikes.neuron[k])
            let p = Int(populationOf[n])
            trains[p][n - populationStart[p]].append(spikes.time[k])
        }
        for p in trains.indices { for n in trains[p].indices { trains[p][n].sort() } }
        return SpikeTrains(trains: trains)
    }
}

/// A projection's place in the network's neuron numbering: its source population and that
/// population's first neuron, its target population and that population's first neuron and size.
/// (Plain integers: reading them copies no arrays, unlike reading the ``Projection``.)
struct ProjectionWiring: Sendable {
    let source: Int
    let sourceStart: Int
    let target: Int
    let targetStart: Int
    let targetSize: Int
}

/// Per-operation latencies in picoseconds (unknown = 0 for timing; reported as unpriced).
struct OperationLatencies: Sendable {
    let synapticOp, neuronEvent, neuronActive, neuronInactive, spikeEmit, inject, receive: Picoseconds

    init(_ costs: CostTable) {
        func ps(_ op: ChipOperation) -> Picoseconds { picoseconds(costs[op].latency ?? 0) }
        synapticOp = ps(.synapticOp)
        neuronEvent = ps(.neuronUpdateEvent)
        neuronActive = ps(.neuronUpdateActive)
        neuronInactive = ps(.neuronUpdateInactive)
        spikeEmit = ps(.spikeEmit)
        inject = ps(.packetInject)
        receive = ps(.packetReceive)
    }
}

extension Emulator {
    /// Replaces the weights (same shapes), as the chip's update phase does. The last forward
    /// pass no longer matches the weights: ``backward(loss:label:)`` needs a new ``run(_:spikeTrains:)``.
    ///
    /// - Precondition: one array per projection, of its ``Projection/synapseCount``.
    public mutating func setWeights(_ weights: [[Double]]) {
        network.copyWeights(from: weights)
        hasForwardPass = false
    }

    /// Bytes of model state the emulator keeps for inference: weights and delays (`Double` each)
    /// and one ``NeuronState`` per neuron. Routing needs no per-synapse data (projections are
    /// dense and routes are computed), so this divided by the synapse count is the cost per synapse.
    public var inferenceStateBytes: Int {
        network.projections.reduce(0) { $0 + ($1.weights.count + ($1.delays?.count ?? 0)) * MemoryLayout<Double>.stride }
            + state.count * MemoryLayout<NeuronState>.stride
    }
}
