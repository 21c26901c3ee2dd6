// Emulator+Run: one sample on the chip — the event loop, the window protocol, the cores.

import ChipDescription
@_spi(Kernel) import SpikingModel

extension Emulator {
    /// Emulates one trial of the forward pass on `input` and returns what happened.
    ///
    /// - Parameter spikeTrains: whether to arrange the spikes per population and neuron in the
    ///   result (training, which reads only counters, skips it; ``spikes`` holds them anyway).
    /// - Throws: ``EmulatorError`` if the input does not fit the network (one spike train per
    ///   input neuron, times finite and ≥ 0 s: ``Network/problem(with:)``), the chip stops making
    ///   progress (a stuck network: the message says which cores wait for what) or exceeds
    ///   ``eventLimit`` events.
    public mutating func run(_ input: InputSpikes, spikeTrains wantTrains: Bool = true) throws(EmulatorError) -> EmulationResult {
        if let problem = network.problem(with: input) { throw EmulatorError(problem) }
        hasForwardPass = false
        reset()
        let inputSpikes = injectInputs(input)
        if chip.time.sync.mode == .barrier {
            startPhase()
        } else {
            nextWindow[layout.portStage] = windowCount
            for s in layout.stages.indices where s != layout.portStage { tryStart(s) }
        }
        while let event = kernel.next() {
            if kernel.handled > eventLimit {
                throw EmulatorError("the emulation exceeded \(eventLimit) hardware events at \(kernel.now) ps; increase the limit or check the network")
            }
            handle(event)
            if modelEventLimitReached {
                throw EmulatorError(runawayMessage(limit: modelEventLimit, spikes: spikes))
            }
        }
        var unfinished: [Int] = []
        for s in layout.stages.indices where s != layout.portStage && nextWindow[s] < windowCount { unfinished.append(s) }
        if !unfinished.isEmpty { throw stuck(unfinished) }
        if outputIsReadout { finishReadouts() }
        makespan = max(makespan, kernel.now)
        endCounting()
        hasForwardPass = true
        return EmulationResult(
            spikes: wantTrains ? spikeTrains() : SpikeTrains(trains: []), counters: counters, latency: makespan, windows: windowCount, inputSpikes: inputSpikes,
            chip: chip, usedCores: layout.usedCores, neuronsPerCore: neuronsPerCore,
            synapsesPerCore: synapsesPerCore, participatingRouters: participatingRouters)
    }

    /// The readouts' last stretch, to the end of the trial (after their stage's last log entry),
    /// and the weighted integrals' `1/T`.
    mutating func finishReadouts() {
        let c = constants[network.output.rawValue]
        var cache = DecayCache()
        for (o, n) in outputs.enumerated() {
            readouts.advance(
                o, state: &state[n], to: duration, constants: c, position: stageLog[outputStage[o]].count, kinkSpike: -1, duration: duration,
                cache: &cache, integral: &readoutIntegral)
        }
        for o in 0..<outputs.count { readouts.weightedIntegral[o] /= duration }
    }

    mutating func reset() {
        state.withUnsafeMutableBufferPointer { $0.update(repeating: NeuronState()) }
        touchedIn.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        rangeTouched.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        for s in queues.indices {
            queues[s].removeAll()
            schedules[s].removeAll()
            stageLog[s].removeAll(keepingCapacity: true)
            nextWindow[s] = 0
            computing[s] = false
        }
        resetCores()
        markers.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        lastSerial.withUnsafeMutableBufferPointer { $0.update(repeating: .min) }
        kernel.reset()
        noc.reset()
        endCounting()
        counters.reset()
        beginCounting(.forward)
        spikes.removeAll()
        if outputIsReadout {
            readouts.reset(count: outputs.count)
            readoutIntegral = .none
        }
        makespan = 0
        loggedEvents = 0
        modelEventLimitReached = false
        phaseWindow = 0
        phaseWave = 0
        phaseOutstanding = 0
        barrierPending = false
        inFlight = 0
    }

    /// Empties every core's (and the port's) outbox and frees its network interface and the core
    /// itself, for a new pass. (Whole arrays at once: a mutation per element would check each
    /// array's uniqueness again, and a chip has many idle cores.)
    mutating func resetCores() {
        for c in outbox.indices where !outbox[c].isEmpty { outbox[c].removeAll(keepingCapacity: true) }
        outboxHead.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        interfaceFree.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        injectBlocked.withUnsafeMutableBufferPointer { $0.update(repeating: false) }
        coreFree.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Starts pass `phase`: moves ``counters``' per-core and per-router arrays of that phase into
    /// ``coreCounts`` and ``routerCounts`` (no copy: they swap storage), where the pass counts.
    mutating func beginCounting(_ phase: Phase) {
        endCounting()
        self.phase = phase
        exchangeCounts()
        counting = true
    }

    /// Ends the pass being counted: its per-core and per-router counts go back into ``counters``.
    mutating func endCounting() {
        guard counting else { return }
        exchangeCounts()
        counting = false
    }

    /// Swaps ``coreCounts`` and ``routerCounts`` with ``counters``' arrays of ``phase``.
    private mutating func exchangeCounts() {
        swap(&coreCounts, &counters.cores[phase.rawValue])
        swap(&routerCounts, &counters.routers[phase.rawValue])
    }

    // MARK: - Inputs

    /// Records the input spikes (in time order) and, in dataflow mode, queues all of them at the
    /// port with an end-of-window message after each window. Returns the number of input spikes.
    mutating func injectInputs(_ input: InputSpikes) -> Int {
        var all: [(time: Double, neuron: Int)] = []
        var m = 0
        for p in network.inputPopulations {
            for local in 0..<network.populations[p.rawValue].size {
                for t in input.times[m] where t <= duration { all.append((t, populationStart[p.rawValue] + local)) }
                m += 1
            }
        }
        all.sort { $0.time != $1.time ? $0.time < $1.time : $0.neuron < $1.neuron }
        inputByWindow = Array(repeating: [], count: windowCount)
        for (t, n) in all {
            let k = Int32(spikes.count)
            spikes.append(neuron: Int32(n), time: t, current: 0)
            inputByWindow[windowOf(t)].append((k, n))
        }
        if chip.time.sync.mode == .dataflow {
            for w in 0..<windowCount { queuePortWindow(w) }
        }
        return all.count
    }

    /// Queues window `w`'s input spikes at the port (and its end-of-window message, in dataflow mode).
    mutating func queuePortWindow(_ w: Int) {
        let port = layout.portCore
        for (k, n) in inputByWindow[w] {
            let p = Int(populationOf[n])
            send(spike: k, neuron: n, time: spikes.time[Int(k)], to: layout.destinations[p][n - populationStart[p]], from: port, ready: kernel.now)
        }
        if chip.time.sync.mode == .dataflow { sendMarker(window: w, stage: layout.portStage, ready: kernel.now) }
    }

    // MARK: - Packets out

    /// Spike packets to `cores`: one per core (source replication) or one copied in the mesh.
    mutating func send(spike k: Int32, neuron n: Int, time t: Double, to cores: [Int32], from source: Int, ready: Picoseconds) {
        guard !cores.isEmpty else { return }
        if chip.router.multicast == .sourceReplication {
            for core in cores {
                let packet = noc.make(.spike, source: source, neuron: Int32(n), spike: k, time: t, to: CollectionOfOne(core))
                enqueue(packet, from: source, ready: ready)
            }
        } else {
            enqueue(noc.make(.spike, source: source, neuron: Int32(n), spike: k, time: t, to: cores), from: source, ready: ready)
        }
    }

    /// End-of-window messages from `stage` to every core that waits for it (the stage travels in
    /// the packet's `neuron` field).
    mutating func sendMarker(window w: Int, stage: Int, ready: Picoseconds) {
        let cores = layout.downstreamCores[stage]
        guard !cores.isEmpty else { return }
        let source = layout.stages[stage].core
        if chip.router.multicast == .sourceReplication {
            for core in cores {
                enqueue(noc.make(.sync, source: source, neuron: Int32(stage), window: w, to: CollectionOfOne(core)), from: source, ready: ready)
            }
        } else {
            enqueue(noc.make(.sync, source: source, neuron: Int32(stage), window: w, to: cores), from: source, ready: ready)
        }
    }

    mutating func enqueue(_ packet: Int, from source: Int, ready: Picoseconds) {
        let destinations = Int(noc.packets[packet].destinationCount)
        inFlight += destinations
        counters.packetsCreated += UInt64(destinations)
        switch noc.packets[packet].kind {
        case .spike, .error: coreCounts[source].packetsInjected += 1
        case .sync, .backSync: coreCounts[source].syncSent += 1
        }
        outbox[source].append((packet, ready))
        let waiting = outbox[source].count - outboxHead[source]
        coreCounts[source].outboxPeak = max(coreCounts[source].outboxPeak, waiting)
        if waiting == 1 { kernel.schedule(.inject, at: max(kernel.now, ready, interfaceFree[source]), source) }
    }

    /// The router and input a core's (or the port's) network interface feeds.
    @inline(__always) func interfaceInput(of core: Int) -> (router: Int, input: Int) {
        if core == layout.portCore { return (noc.portRouter, noc.portInput) }
        let router = noc.router(ofCore: core)
        return (router, 4 &+ core &- router &* noc.coresPerRouter)
    }

    /// The network interface of `core` hands its next packet to the router if it can.
    mutating func inject(_ core: Int) {
        guard outboxHead[core] < outbox[core].count else { return }
        let now = kernel.now
        let (packet, ready) = outbox[core][outboxHead[core]]
        let start = max(ready, interfaceFree[core])
        if start > now {
            kernel.schedule(.inject, at: start, core)
            return
        }
        let (router, input) = interfaceInput(of: core)
        guard noc.hasSlot(router: router, input: input) else {
            injectBlocked[core] = true  // woken when a slot frees
            return
        }
        noc.reserve(router: router, input: input)
        coreCounts[core].injectionStall += now - ready
        interfaceFree[core] = now + latency.inject
        kernel.schedule(.routerArrive, at: now + latency.inject, router, input, packet)
        outboxHead[core] += 1
        if outboxHead[core] < outbox[core].count {
            kernel.schedule(.inject, at: max(interfaceFree[core], outbox[core][outboxHead[core]].ready), core)
        } else {
            outbox[core].removeAll(keepingCapacity: true)
            outboxHead[core] = 0
        }
    }

    // MARK: - Events

    mutating func handle(_ event: HardwareEvent) {
        switch event.kind {
        case .inject:
            inject(Int(event.a))
        case .routerArrive:
            noc.arrive(packet: Int(event.c), router: Int(event.a), input: Int(event.b), now: kernel.now, counters: &routerCounts)
            service(Int(event.a))
        case .routerService:
            noc.serviceRequested(Int(event.a), now: kernel.now)
            service(Int(event.a))
        case .coreReceive:
            receive(packet: Int(event.b), at: Int(event.a))
        case .windowDone:
            if phase == .forward {
                windowDone(stage: Int(event.a), window: Int(event.b))
            } else {
                backwardWindowDone(stage: Int(event.a), reverse: Int(event.b))
            }
        case .barrierDone:
            if phase == .forward { advancePhase() } else { advanceBackwardPhase() }
        }
    }

    mutating func service(_ router: Int) {
        // Every head waits for a busy output: the service would only ask to be woken when the
        // first of them frees (checked first, as it is the common case, without the counters).
        if let wake = noc.idleUntil(router: router, now: kernel.now) {
            if wake != .max { noc.requestService(router, at: wake, &kernel) }
            return
        }
        let dropped = noc.service(
            router: router, now: kernel.now, portCore: layout.portCore, counters: &routerCounts, injectBlocked: &injectBlocked,
            kernel: &kernel)
        if dropped > 0 {
            inFlight -= dropped
            counters.packetsDropped += UInt64(dropped)
            checkPhase()
        }
    }

    /// A packet reaches core `core`: its spike becomes events in the core's model-time queue, or
    /// its end-of-window message may let the core start its next window.
    mutating func receive(packet index: Int, at core: Int) {
        let packet = noc.packets[index]
        let now = kernel.now
        inFlight -= 1
        counters.packetsDelivered += 1
        let pair = Int(hostIndex[Int(packet.source)]) &* hostCount &+ Int(hostIndex[core])
        if packet.serial < lastSerial[pair] { counters.reorderedPackets += 1 }
        lastSerial[pair] = packet.serial
        let start = max(now, coreFree[core])
        coreFree[core] = start + latency.receive
        coreCounts[core].busy += latency.receive
        makespan = max(makespan, coreFree[core])
        switch packet.kind {
        case .spike:
            coreCounts[core].packetsReceived += 1
            queueArrivals(neuron: Int(packet.neuron), spike: packet.spike, time: packet.time, at: core)
        case .sync:
            coreCounts[core].syncReceived += 1
            markers[Int(hostIndex[core]) &* layout.stages.count &+ Int(packet.neuron)] = packet.window + 1
            for stage in layout.stagesOfCore[core] { tryStart(stage) }
        case .error:
            coreCounts[core].packetsReceived += 1
            spikeError[Int(packet.spike)] += packet.time
        case .backSync:
            coreCounts[core].syncReceived += 1
            backMarkers[Int(hostIndex[core]) &* layout.stages.count &+ Int(packet.neuron)] = packet.window + 1
            for stage in layout.stagesOfCore[core] { tryStartBackward(stage) }
        }
        checkPhase()
    }

    /// The model-time events for spike `k` of `neuron` at the targets on `core`: one delivery per
    /// projection without delays, one arrival per synapse with delays, each in the queue of the
    /// target population's stage.
    mutating func queueArrivals(neuron n: Int, spike k: Int32, time t: Double, at core: Int) {
        let source = Int(populationOf[n])
        let column = layout.coreCount &+ 1
        for i in outgoing.positions(of: source) {
            let p = outgoing.elements[i]
            let slot = p &* column &+ core
            let stage = Int(layout.targetStage[slot])
            guard stage >= 0 else { continue }
            // The global spike index orders a neuron's spikes, as the canonical order needs.
            guard projectionHasDelays[p] else {
                if windowOf(t) < nextWindow[stage] { counters.latePackets += 1 }
                queues[stage].push(ForwardEvent(time: t, kind: .delivery, neuron: Int32(n), sequence: k, projection: Int32(p), target: 0))
                continue
            }
            let wiring = self.wiring[p]
            let delays = network.projections[p].delays!
            let base = (n &- wiring.sourceStart) &* wiring.targetSize
            for r in layout.targetRanges.positions(of: slot) {
                for target in layout.targetRanges.elements[r] {
                    let j = target &- wiring.targetStart
                    let arrival = t + delays[base &+ j]
                    guard arrival <= duration else { continue }
                    if windowOf(arrival) < nextWindow[stage] { counters.latePackets += 1 }
                    queues[stage].push(ForwardEvent(time: arrival, kind: .arrival, neuron: Int32(n), sequence: k, projection: Int32(p), target: Int32(j)))
                }
            }
        }
    }

    // MARK: - Windows

    /// Whether `stage` has finished window `w` as far as a stage on `core` can know: directly on the
    /// same core, from its end-of-window messages otherwise.
    @inline(__always) func finished(_ stage: Int, window w: Int, seenFrom core: Int) -> Bool {
        w < 0 || (layout.stages[stage].core == core ? nextWindow[stage] > w : Int(markers[Int(hostIndex[core]) &* layout.stages.count &+ stage]) > w)
    }

    /// Dataflow: starts `stage`'s next window if all its input for that window is in.
    mutating func tryStart(_ stage: Int) {
        guard chip.time.sync.mode == .dataflow, !computing[stage], nextWindow[stage] < windowCount else { return }
        let w = nextWindow[stage]
        let core = layout.stages[stage].core
        for u in layout.sameWindowUpstream[stage] where !finished(u, window: w, seenFrom: core) { return }
        for u in layout.nextWindowUpstream[stage] where !finished(u, window: w - 1, seenFrom: core) { return }
        compute(stage: stage, window: w, from: max(kernel.now, coreFree[core]))
    }

    mutating func windowDone(stage: Int, window w: Int) {
        computing[stage] = false
        nextWindow[stage] = w + 1
        makespan = max(makespan, kernel.now)
        if chip.time.sync.mode == .dataflow {
            sendMarker(window: w, stage: stage, ready: kernel.now)
            for s in layout.stagesOfCore[layout.stages[stage].core] { tryStart(s) }
        } else {
            phaseOutstanding -= 1
            checkPhase()
        }
    }

    /// `stage` computes window `w` from hardware time `start`: its events in canonical order,
    /// charging each operation's latency on its core; spikes leave as packets when they are formed.
    ///
    /// The stage's event queue, neuron schedule and log are moved out of `self` into locals for
    /// the window (and back at its end): the loop then reads and updates them without retaining
    /// their storage for every look, and with one uniqueness check per update instead of two
    /// (the outer array's and the stage's). Nothing else touches them meanwhile, except that the
    /// stage's own spikes can reach its queue (a projection of a population onto itself):
    /// ``queueArrivals(neuron:spike:time:at:)`` queues into ``queues``, so the queue goes back
    /// there around that call.
    mutating func compute(stage: Int, window w: Int, from start: Picoseconds) {
        computing[stage] = true
        let core = layout.stages[stage].core
        let windowEnd = windowEnds[w]
        // A window with nothing to do (common: activity ends long before the trial does) costs
        // only its per-neuron updates; the loop below would find the same without touching
        // the stage's state.
        if spikes.count &+ loggedEvents < modelEventLimit,
            queues[stage].first.map({ $0.time >= windowEnd }) ?? true,
            schedules[stage].first.map({ $0.time >= windowEnd }) ?? true
        {
            finishWindow(stage: stage, window: w, core: core, from: start, ops: CoreCounters(), active: 0, elapsed: 0)
            return
        }
        var queue = EventQueue()
        var schedule = Self.placeholderSchedule
        var log: [LogEntry] = []
        swap(&queue, &queues[stage])
        swap(&schedule, &schedules[stage])
        swap(&log, &stageLog[stage])
        defer {
            swap(&queue, &queues[stage])
            swap(&schedule, &schedules[stage])
            swap(&log, &stageLog[stage])
        }
        var elapsed: Picoseconds = 0
        var ops = CoreCounters()
        let neurons = layout.stages[stage].neurons
        let mark = Int32(w + 1)
        var active = 0
        while true {
            if spikes.count &+ loggedEvents >= modelEventLimit {
                modelEventLimitReached = true
                break
            }
            // The earliest event of the window: a neuron's check or spike, or a queued arrival.
            let next = queue.first.flatMap { $0.time < windowEnd ? $0 : nil }
            if let slot = schedule.first, slot.time < windowEnd,
                next.map({ ForwardEvent.precedes(slot: (neurons[slot.neuron], slot.time, slot.kind), $0) }) ?? true
            {
                let n = neurons[slot.neuron]
                let p = Int(populationOf[n])
                let c = constants[p]
                if case .check = slot.kind {
                    schedule.set(slot.neuron, time: state[n].crossing(c, end: duration), kind: .spike)
                    continue
                }
                let currentAtSpike = state[n].fire(at: slot.time, c)
                let k = Int32(spikes.count)
                spikes.append(neuron: Int32(n), time: slot.time, current: currentAtSpike)
                log.append(LogEntry(kind: .spike, spike: k, projection: -1, target: -1))
                loggedEvents &+= 1
                if touchedIn[n] != mark {
                    touchedIn[n] = mark
                    active += 1
                }
                ops.spikes += 1
                elapsed += latency.spikeEmit
                schedule.set(slot.neuron, time: state[n].checkTime(c, end: duration), kind: .check)
                swap(&queue, &queues[stage])
                queueArrivals(neuron: n, spike: k, time: slot.time, at: core)
                swap(&queue, &queues[stage])
                send(spike: k, neuron: n, time: slot.time, to: layout.destinations[p][n - populationStart[p]], from: core, ready: start + elapsed)
                continue
            }
            guard let event = next else { break }
            _ = queue.pop()
            loggedEvents &+= 1
            let isDelivery: Bool
            switch event.kind {
            case .delivery: isDelivery = true
            default: isDelivery = false
            }
            // The arriving spike, for the log and for a readout maximum on its kink (an input
            // spike's arrival moves with its delay). Each field is decoded once.
            let spike = event.sequence
            let projection = event.projection
            log.append(LogEntry(kind: isDelivery ? .delivery : .arrival, spike: spike, projection: projection, target: event.target))
            let p = Int(projection)
            let wiring = self.wiring[p]
            let base = (Int(event.neuron) &- wiring.sourceStart) &* wiring.targetSize
            if isDelivery {
                let slot = p &* (layout.coreCount + 1) &+ core
                for r in layout.targetRanges.positions(of: slot) {
                    deliver(
                        to: layout.targetRanges.elements[r], projection: p, wiring: wiring, base: base, time: event.time, schedule: &schedule,
                        logPosition: log.count - 1, spike: spike, mark: mark, rangeMark: r, active: &active, ops: &ops, elapsed: &elapsed)
                }
            } else {
                let target = wiring.targetStart &+ Int(event.target)
                deliver(
                    to: target..<(target &+ 1), projection: p, wiring: wiring, base: base, time: event.time, schedule: &schedule,
                    logPosition: log.count - 1, spike: spike, mark: mark, rangeMark: nil, active: &active, ops: &ops, elapsed: &elapsed)
            }
        }
        finishWindow(stage: stage, window: w, core: core, from: start, ops: ops, active: active, elapsed: elapsed)
    }

    /// Ends `stage`'s window `w`, begun at `start` on `core`, after `elapsed` of work counted in
    /// `ops`, with `active` of its neurons touched: every neuron is updated once per window
    /// (charged as active or inactive), then the core is free and the window done.
    private mutating func finishWindow(
        stage: Int, window w: Int, core: Int, from start: Picoseconds, ops: CoreCounters, active: Int, elapsed: Picoseconds
    ) {
        var ops = ops
        var elapsed = elapsed
        ops.neuronUpdatesActive = UInt64(active)
        ops.neuronUpdatesInactive = UInt64(layout.stages[stage].neurons.count - active)
        elapsed += Picoseconds(ops.neuronUpdatesActive) * latency.neuronActive + Picoseconds(ops.neuronUpdatesInactive) * latency.neuronInactive
        ops.busy = elapsed
        coreCounts[core].add(ops)
        coreFree[core] = start + elapsed
        kernel.schedule(.windowDone, at: start + elapsed, stage, w)
    }

    /// One spike reaches the neurons `range` of projection `p`'s target population on a stage
    /// whose neuron schedule is `schedule` and whose log's newest entry (the arrival) is at
    /// `logPosition`; `base` is the source neuron's first synapse in the projection's weights. The
    /// targets count as active in this window; `rangeMark` (``rangeTouched``) names the range
    /// when it is one of the projection's target ranges on the core, so that only its first
    /// delivery in a window marks its neurons one by one.
    @inline(__always) mutating func deliver(
        to range: Range<Int>, projection p: Int, wiring: ProjectionWiring, base: Int, time t: Double, schedule: inout NeuronSchedule,
        logPosition: Int, spike: Int32, mark: Int32, rangeMark: Int?, active: inout Int, ops: inout CoreCounters, elapsed: inout Picoseconds
    ) {
        let offset = base &+ (range.lowerBound &- wiring.targetStart)
        let c = constants[wiring.target]
        switch kinds[wiring.target] {
        case .lif:
            ReferenceSimulator.deliverToLIF(
                weights: network.projections[p].weights, base: offset, targets: range, time: t, constants: c,
                end: duration, state: &state, schedule: &schedule, scheduleOffset: range.lowerBound - localIndex[range.lowerBound])
        case .li where outputIsReadout && wiring.target == network.output.rawValue:
            // Readouts: their maximum and weighted integral up to the arrival (log entry
            // `logPosition`), then the weight.
            let first = range.lowerBound - outputs.lowerBound
            readouts.receive(
                first..<(first + range.count), neurons: range.lowerBound, state: &state, weights: network.projections[p].weights, weightOffset: offset,
                at: t, constants: c, position: logPosition, kinkSpike: spike, duration: duration, integral: &readoutIntegral)
        default:
            var cache = DecayCache()
            for (i, target) in range.enumerated() {
                state[target].receive(network.projections[p].weights[offset &+ i], at: t, c, &cache)
            }
        }
        if let r = rangeMark, rangeTouched[r] == mark {
            // Every neuron of the range is marked already.
        } else {
            touchedIn.withUnsafeMutableBufferPointer { touched in
                var fresh = 0
                for target in range {
                    fresh &+= touched[target] != mark ? 1 : 0
                    touched[target] = mark
                }
                active += fresh
            }
            if let r = rangeMark { rangeTouched[r] = mark }
        }
        ops.synapticOps += UInt64(range.count)
        ops.neuronUpdatesEvent += UInt64(range.count)
        elapsed += Picoseconds(range.count) * (latency.synapticOp + latency.neuronEvent)
    }

    // MARK: - Barrier synchronisation

    /// Starts wave `phaseWave` of window `phaseWindow`: the port injects (wave 0) or the stages of
    /// that depth compute.
    mutating func startPhase() {
        if phaseWave == 0 {
            queuePortWindow(phaseWindow)
        } else {
            for s in layout.stages.indices where s != layout.portStage && layout.wave[s] == phaseWave {
                phaseOutstanding += 1
                compute(stage: s, window: phaseWindow, from: max(kernel.now, coreFree[layout.stages[s].core]))
            }
        }
        checkPhase()
    }

    /// Closes the wave (forward or backward) with a barrier once its stages are done and the mesh
    /// has drained.
    mutating func checkPhase() {
        guard chip.time.sync.mode == .barrier, phaseOutstanding == 0, inFlight == 0, !barrierPending, phaseWindow < windowCount else { return }
        barrierPending = true
        counters.barriers[phase.rawValue] += 1
        kernel.schedule(.barrierDone, at: kernel.now + barrierLatency, 0)
    }

    mutating func advancePhase() {
        barrierPending = false
        makespan = max(makespan, kernel.now)
        phaseWave += 1
        if phaseWave == layout.waves {
            phaseWave = 0
            phaseWindow += 1
            guard phaseWindow < windowCount else {
                for s in layout.stages.indices { nextWindow[s] = windowCount }
                return
            }
        }
        startPhase()
    }

    // MARK: - Diagnostics

    func stuck(_ unfinished: [Int]) -> EmulatorError {
        let details = unfinished.prefix(5).map { s -> String in
            let w = nextWindow[s]
            let core = layout.stages[s].core
            let missing = layout.sameWindowUpstream[s].filter { !finished($0, window: w, seenFrom: core) }
                + layout.nextWindowUpstream[s].filter { !finished($0, window: w - 1, seenFrom: core) }
            let names = missing.map { layout.stages[$0].core == layout.portCore ? "the I/O port" : "core \(layout.stages[$0].core)" }
            return "core \(core) (level \(layout.stages[s].level)) waits in window \(w) of \(windowCount) for \(names.isEmpty ? "a barrier" : names.joined(separator: ", "))"
        }
        return EmulatorError(
            "the chip stopped making progress at \(kernel.now) ps with \(inFlight) packets in flight: " + details.joined(separator: "; "))
    }
}

extension CoreCounters {
    mutating func add(_ o: CoreCounters) {
        adjointUpdates += o.adjointUpdates
        errorAccumulations += o.errorAccumulations
        gradientAccumulations += o.gradientAccumulations
        errorPacketsSuppressed += o.errorPacketsSuppressed
        synapticOps += o.synapticOps
        neuronUpdatesEvent += o.neuronUpdatesEvent
        neuronUpdatesActive += o.neuronUpdatesActive
        neuronUpdatesInactive += o.neuronUpdatesInactive
        spikes += o.spikes
        busy += o.busy
    }
}
