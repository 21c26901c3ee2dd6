// Emulator+Backward: the EventProp backward pass as error-packet traffic on the chip.

import ChipDescription
@_spi(Kernel) import SpikingModel

/// What the backward pass of one sample produced on the chip.
public struct BackwardResult: Sendable {
    /// The loss and what it injected (evaluated on the chip's spikes or readouts).
    public var loss: LossEvaluation
    /// `∂L/∂w` (and `∂L/∂d`) of every synapse, accumulated on the cores that hold them.
    public var gradients: Gradients
    /// All counters so far (forward and backward phases).
    public var counters: EmulationCounters
    /// Hardware time of the backward pass, in picoseconds.
    public var latency: Picoseconds
    /// Spikes whose jump denominator was clamped by the tangency guard.
    public var tangentGuarded: Int
}

extension BackwardResult {
    /// The backward pass's energy: its counters × the chip file's per-operation energies, plus
    /// static power over the backward pass's latency (``EmulationResult/energy(phase:)`` with
    /// `.backward`). `forward` is the run it differentiated (it names the chip and the used cores).
    public func energy(after forward: EmulationResult) -> EnergyReport {
        forward.replacingCounters(with: self).energy(phase: .backward)
    }

    /// ``energy(after:)`` by category only (``EmulationResult/energyTotals(phase:)``).
    package func energyTotals(after forward: EmulationResult) -> EnergyTotals {
        forward.replacingCounters(with: self).energyTotals(phase: .backward)
    }

    /// The backward pass's error packets and synchronisation messages (or barriers), as
    /// ``EmulationResult/messages(phase:)``; the loss reduction's messages are counted apart, in
    /// ``EmulationCounters/lossMessages``.
    public func messages(after forward: EmulationResult) -> (spikePackets: UInt64, sync: UInt64) {
        forward.replacingCounters(with: self).messages(phase: .backward)
    }
}

extension EmulationResult {
    /// `self` with the counters and the latency of `backward`.
    fileprivate func replacingCounters(with backward: BackwardResult) -> EmulationResult {
        var both = self
        both.counters = backward.counters
        both.latency = backward.latency
        return both
    }
}

extension Emulator {
    /// Runs the EventProp backward pass of the last ``run(_:)`` on the chip (design.md §6).
    ///
    /// Reverse model time, window by window from the last: a stage processes reverse window `w`
    /// once it has finished the later windows and every stage its spikes reach within a window
    /// has finished `w` (those reached only after a window's delay, `w + 1`) — the forward
    /// protocol mirrored, with end-of-window messages to the upstream cores (dataflow) or
    /// barrier waves in reverse (barrier). Within a window a stage replays its own forward
    /// events in reverse:
    /// - a spike delivered to its neurons: each target's adjoints are propagated to the arrival
    ///   time, `∂L/∂w_ji += −τs λ_I,j` accumulates in the synapse's core, and the partial sum
    ///   `Σ_j w_ji (λ_V,j − λ_I,j)` over the core's targets goes back to the spike's core as one
    ///   error packet (a partial sum of exactly zero is suppressed and counted);
    /// - a spike of one of its neurons: the jump of eventprop.md §3.4, with the errors of all
    ///   target cores already in (the protocol guarantees it) and the loss's `∂L/∂t_k`;
    /// - on an output core with LI readouts, the loss enters where it arises: the max-voltage
    ///   loss as an impulse `−(1/τm) ∂L/∂M_o` on `λ_V,o` at the maximum's time (plus, when the
    ///   maximum sits on a hidden spike's kink, `∂L/∂M_o · V̇_o(t_max⁻)` on that spike's error,
    ///   §4.2), the exponentially weighted voltage loss as the source `(∂L/∂S_o / T) e^{−t/T}`
    ///   driving `λ_V,o` between events (§4.3).
    /// The loss is evaluated on the chip's spikes or readouts; its reduction across output cores
    /// is counted as messages. Gradients equal the functional reference's to rounding (the
    /// partial sums are added in a different order).
    ///
    /// - Throws: ``EmulatorError`` when there is no forward pass to differentiate (no successful
    ///   ``run(_:spikeTrains:)`` since the emulator was made or its weights were set), for a loss
    ///   that does not fit the output population's kind, a missing label or one that names no
    ///   output neuron (``Network/problem(with:label:)``), or a stuck network.
    public mutating func backward(loss: Loss, label: Int?) throws(EmulatorError) -> BackwardResult {
        guard hasForwardPass else {
            throw EmulatorError("no forward pass to differentiate: call run(_:) (after the last setWeights(_:)) before backward(loss:label:)")
        }
        if let problem = network.problem(with: loss, label: label) { throw EmulatorError(problem) }
        try applySpikeLogCapacity()
        let evaluation = evaluate(loss, label: label)

        // Reset the backward state; the forward counters stay.
        beginCounting(.backward)
        kernel.reset()
        noc.reset()
        resetCores()
        backMarkers.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        let start = AdjointState(time: duration)
        adjoint.withUnsafeMutableBufferPointer { $0.update(repeating: start) }
        backwardGradients.zero()  // in place, unless an earlier result still holds the arrays
        spikeError = Array(repeating: 0, count: spikes.count)
        for (k, g) in evaluation.spikeTimeErrors { spikeError[Int(k)] += g }
        tangentGuardCount = 0
        injectReadoutLoss(loss, evaluation)
        inFlight = 0
        makespan = 0
        phaseOutstanding = 0
        barrierPending = false
        lastSerial.withUnsafeMutableBufferPointer { $0.update(repeating: .min) }
        for s in layout.stages.indices {
            logPosition[s] = stageLog[s].count
            backNext[s] = s == layout.portStage ? windowCount : 0
            backComputing[s] = false
        }
        // The loss reduction: each output core sends its outputs' spike times to one core and
        // receives its neurons' errors back.
        let outputCores = Set(outputs.map { layout.coreOf[$0] })
        counters.lossMessages[phase.rawValue] += UInt64(2 * outputCores.count)

        if chip.time.sync.mode == .barrier {
            phaseWindow = 0
            phaseWave = layout.waves - 1
            startBackwardPhase()
        } else {
            for s in layout.stages.indices where s != layout.portStage { tryStartBackward(s) }
        }
        while let event = kernel.next() {
            if kernel.handled > eventLimit {
                throw EmulatorError("the backward pass exceeded \(eventLimit) hardware events at \(kernel.now) ps")
            }
            handle(event)
        }
        let unfinished = layout.stages.indices.filter { backNext[$0] < windowCount }
        if !unfinished.isEmpty {
            throw EmulatorError(
                "the backward pass stopped making progress at \(kernel.now) ps: " + unfinished.prefix(5).map {
                    "core \(layout.stages[$0].core) (level \(layout.stages[$0].level)) waits in reverse window \(backNext[$0])"
                }.joined(separator: "; "))
        }
        makespan = max(makespan, kernel.now)
        endCounting()
        return BackwardResult(
            loss: evaluation, gradients: backwardGradients, counters: counters, latency: makespan, tangentGuarded: tangentGuardCount)
    }

    // MARK: - The spike log

    /// The key of a spike-log entry in ``droppedLog``: spike `spike` of one of the core's own
    /// neurons (`own`) or reaching it from elsewhere.
    @inline(__always) func spikeLogKey(core: Int, spike: Int32, own: Bool) -> Int64 {
        Int64(core) << 33 | Int64(spike) << 1 | (own ? 1 : 0)
    }

    /// Applies the chip's spike-log capacity to the forward pass just run (design.md §6): a core
    /// keeps, for the backward pass, its own neurons' spikes and each presynaptic spike that
    /// reached it (once per core, whatever the number of synapses or delays). A core that needs
    /// more than `/core/spike_log_entries` fails the run (`spike_log_overflow: "error"`) or keeps
    /// the earliest entries in model time and drops the rest (`"count"`): the backward pass then
    /// skips their events — no jump for a dropped own spike, no gradient or error partial sum for
    /// a dropped arrival — and ``EmulationCounters/spikeLogDropped`` counts them.
    mutating func applySpikeLogCapacity() throws(EmulatorError) {
        droppedLog.removeAll(keepingCapacity: true)
        guard let capacity = chip.core.spikeLogEntries else { return }
        for core in 0..<layout.coreCount where !layout.stagesOfCore[core].isEmpty {
            // Distinct entries never outnumber the log's events: most cores stop here, without
            // collecting anything.
            guard layout.stagesOfCore[core].reduce(0, { $0 + stageLog[$1].count }) > capacity else { continue }
            var entries: [(time: Double, spike: Int32, own: Bool)] = []
            var received = Set<Int32>()
            for s in layout.stagesOfCore[core] {
                for entry in stageLog[s] {
                    if entry.kind == .spike {
                        entries.append((spikes.time[Int(entry.spike)], entry.spike, true))
                    } else if received.insert(entry.spike).inserted {
                        entries.append((spikes.time[Int(entry.spike)], entry.spike, false))
                    }
                }
            }
            guard entries.count > capacity else { continue }
            if chip.core.spikeLogOverflow == .error {
                throw EmulatorError(
                    "core \(core) must keep \(entries.count) spike-log entries for the backward pass (its neurons' spikes and the presynaptic spikes reaching it), more than the chip's \(capacity) (/core/spike_log_entries): spread the network over more cores, or set /core/spike_log_overflow to \"count\" to drop the excess (the gradients are then not exact)")
            }
            entries.sort { a, b in a.time != b.time ? a.time < b.time : a.spike != b.spike ? a.spike < b.spike : !a.own && b.own }
            for entry in entries[capacity...] { droppedLog.insert(spikeLogKey(core: core, spike: entry.spike, own: entry.own)) }
            counters.spikeLogDropped += UInt64(entries.count - capacity)
        }
    }

    // MARK: - The reverse window protocol

    /// The stages that must finish reverse window r (same window) or r − 1 (delayed) before `stage`.
    func reverseUpstream(of stage: Int) -> (same: [Int], next: [Int]) {
        var same: [Int] = []
        var next: [Int] = []
        for t in layout.stages.indices {
            if layout.sameWindowUpstream[t].contains(stage) { same.append(t) }
            if layout.nextWindowUpstream[t].contains(stage) { next.append(t) }
        }
        return (same, next)
    }

    func finishedBackward(_ stage: Int, reverse r: Int, seenFrom core: Int) -> Bool {
        r < 0 || (layout.stages[stage].core == core ? backNext[stage] > r : Int(backMarkers[Int(hostIndex[core]) &* layout.stages.count &+ stage]) > r)
    }

    /// Dataflow: starts `stage`'s next reverse window if every error for it can have arrived.
    mutating func tryStartBackward(_ stage: Int) {
        guard phase == .backward, chip.time.sync.mode == .dataflow, !backComputing[stage], backNext[stage] < windowCount else { return }
        let r = backNext[stage]
        let core = layout.stages[stage].core
        let (same, next) = reverseUpstream(of: stage)
        for t in same where !finishedBackward(t, reverse: r, seenFrom: core) { return }
        for t in next where !finishedBackward(t, reverse: r - 1, seenFrom: core) { return }
        computeBackward(stage: stage, reverse: r, from: max(kernel.now, coreFree[core]))
    }

    mutating func backwardWindowDone(stage: Int, reverse r: Int) {
        backComputing[stage] = false
        backNext[stage] = r + 1
        makespan = max(makespan, kernel.now)
        if chip.time.sync.mode == .dataflow {
            // Tell the upstream cores (the senders of this stage's spikes) that this reverse window is done.
            let core = layout.stages[stage].core
            let upstream = Set((layout.sameWindowUpstream[stage] + layout.nextWindowUpstream[stage]).map { layout.stages[$0].core })
                .subtracting([core, layout.portCore]).sorted().map { Int32($0) }
            if !upstream.isEmpty {
                if chip.router.multicast == .sourceReplication {
                    for c in upstream {
                        enqueue(noc.make(.backSync, source: core, neuron: Int32(stage), window: r, to: CollectionOfOne(c)), from: core, ready: kernel.now)
                    }
                } else {
                    enqueue(noc.make(.backSync, source: core, neuron: Int32(stage), window: r, to: upstream), from: core, ready: kernel.now)
                }
            }
            for s in layout.stagesOfCore[core] { tryStartBackward(s) }
        } else {
            phaseOutstanding -= 1
            checkPhase()
        }
    }

    /// Barrier mode: the stages of wave `phaseWave` process reverse window `phaseWindow`.
    mutating func startBackwardPhase() {
        for s in layout.stages.indices where s != layout.portStage && layout.wave[s] == phaseWave {
            phaseOutstanding += 1
            computeBackward(stage: s, reverse: phaseWindow, from: max(kernel.now, coreFree[layout.stages[s].core]))
        }
        checkPhase()
    }

    mutating func advanceBackwardPhase() {
        barrierPending = false
        makespan = max(makespan, kernel.now)
        phaseWave -= 1
        if phaseWave == 0 {
            phaseWave = layout.waves - 1
            phaseWindow += 1
            guard phaseWindow < windowCount else {
                for s in layout.stages.indices { backNext[s] = windowCount }
                return
            }
        }
        startBackwardPhase()
    }

    // MARK: - A stage's reverse window

    /// The model time of a logged forward event. (Inlined: called from a mutating method, an
    /// outlined call copied the whole emulator for every log entry.)
    @inline(__always) func time(of entry: LogEntry) -> Double {
        let k = Int(entry.spike)
        guard entry.kind == .arrival else { return spikes.time[k] }
        let projection = network.projections[Int(entry.projection)]
        let pre = Int(spikes.neuron[k]) - populationStart[projection.source.rawValue]
        return spikes.time[k] + projection.delays![projection.synapse(post: Int(entry.target), pre: pre)]
    }

    /// `stage` replays its forward events of reverse window `r` backwards from hardware time `start`.
    mutating func computeBackward(stage: Int, reverse r: Int, from start: Picoseconds) {
        backComputing[stage] = true
        let core = layout.stages[stage].core
        let w = windowCount - 1 - r
        var elapsed: Picoseconds = 0
        var ops = CoreCounters()
        while logPosition[stage] > 0 {
            if impulseCursor[stage] < stageImpulses[stage].count { applyImpulses(stage: stage, ops: &ops, elapsed: &elapsed) }
            let entry = stageLog[stage][logPosition[stage] - 1]
            let t = time(of: entry)
            guard windowOf(t) >= w else { break }
            logPosition[stage] -= 1
            if !droppedLog.isEmpty && droppedLog.contains(spikeLogKey(core: core, spike: entry.spike, own: entry.kind == .spike)) { continue }
            let k = Int(entry.spike)
            switch entry.kind {
            case .spike:
                let n = Int(spikes.neuron[k])
                let c = constants[Int(populationOf[n])]
                var cache = DecayCache()
                adjoint[n].propagate(to: t, c, &cache)
                if adjoint[n].jump(current: spikes.current[k], error: spikeError[k], c, tangentGuard: tangentGuard) { tangentGuardCount += 1 }
                ops.adjointUpdates += 1
                elapsed += backwardLatency.adjoint
            case .delivery, .arrival:
                let p = Int(entry.projection)
                let wiring = self.wiring[p]
                let source = wiring.source
                let targetPopulation = wiring.target
                let c = constants[targetPopulation]
                let first = wiring.targetStart
                let base = (Int(spikes.neuron[k]) - wiring.sourceStart) &* wiring.targetSize
                var partial = 0.0
                var cache = DecayCache()
                var targetCount = 0
                if entry.kind == .delivery && !readoutSources.isEmpty && targetPopulation == network.output.rawValue {
                    // Readouts under a source: each propagated with it (§4.3).
                    for range in layout.targetRanges[p &* (layout.coreCount + 1) &+ core] {
                        for n in range {
                            let synapse = base &+ (n - first)
                            adjoint[n].propagate(to: t, c, source: readoutSources[n - outputs.lowerBound], duration: duration)
                            let li = adjoint[n].lambdaI
                            backwardGradients.weights[p][synapse] += -c.tauSyn * li
                            partial += network.projections[p].weights[synapse] * (adjoint[n].lambdaV - li)
                        }
                        targetCount += range.count
                    }
                } else if entry.kind == .delivery {
                    // The gradient array is taken out of `self` while written (it stays unique).
                    var gradient: [Double] = []
                    swap(&gradient, &backwardGradients.weights[p])
                    for range in layout.targetRanges[p &* (layout.coreCount + 1) &+ core] {
                        ReferenceSimulator.reverseDelivery(
                            weights: network.projections[p].weights, gradient: &gradient, synapseOffset: base &- first, targets: range, time: t, constants: c,
                            adjoint: &adjoint, cache: &cache, error: &partial)
                        targetCount += range.count
                    }
                    swap(&gradient, &backwardGradients.weights[p])
                } else {
                    let n = first + Int(entry.target)
                    let synapse = base &+ Int(entry.target)
                    if !readoutSources.isEmpty && targetPopulation == network.output.rawValue {
                        adjoint[n].propagate(to: t, c, source: readoutSources[n - outputs.lowerBound], duration: duration)
                    } else {
                        adjoint[n].propagate(to: t, c, &cache)
                    }
                    let li = adjoint[n].lambdaI
                    backwardGradients.weights[p][synapse] += -c.tauSyn * li
                    let m = network.projections[p].weights[synapse] * (adjoint[n].lambdaV - li)
                    partial += m
                    backwardGradients.delays[p]![synapse] += m
                    targetCount = 1
                }
                let count = UInt64(targetCount)
                ops.adjointUpdates += count
                ops.gradientAccumulations += count
                ops.errorAccumulations += count
                elapsed += Picoseconds(targetCount) * (backwardLatency.adjoint + backwardLatency.gradient + backwardLatency.error)
                // The spike's error: inputs need none; on this core it is added directly.
                guard kinds[source] != .input else { continue }
                let sourceCore = Int(layout.coreOf[Int(spikes.neuron[k])])
                if sourceCore == core {
                    spikeError[k] += partial
                } else if partial == 0 {
                    ops.errorPacketsSuppressed += 1
                } else {
                    let packet = noc.make(.error, source: core, spike: Int32(k), time: partial, to: CollectionOfOne(Int32(sourceCore)))
                    enqueue(packet, from: core, ready: start + elapsed)
                }
            }
        }
        // Impulses before the stage's first event, once it has replayed them all.
        if logPosition[stage] == 0 && impulseCursor[stage] < stageImpulses[stage].count { applyImpulses(stage: stage, ops: &ops, elapsed: &elapsed) }
        ops.busy = elapsed
        coreCounts[core].add(ops)
        coreFree[core] = start + elapsed
        kernel.schedule(.windowDone, at: start + elapsed, stage, r)
    }
}

/// Backward per-operation latencies in picoseconds (unknown = 0 for timing; reported as unpriced).
struct BackwardLatencies {
    let adjoint, error, gradient: Picoseconds

    init(_ costs: CostTable) {
        adjoint = picoseconds(costs[.adjointUpdate].latency ?? 0)
        error = picoseconds(costs[.errorAccumulation].latency ?? 0)
        gradient = picoseconds(costs[.gradientAccumulation].latency ?? 0)
    }
}

// MARK: - Readout losses on the output cores

extension Emulator {
    /// Evaluates `loss` on the last run: on the output spikes, or on the readouts' statistics.
    ///
    /// - Precondition: the loss fits the output population's kind; a label in range where it
    ///   needs one (``Network/problem(with:label:)`` returns `nil`).
    public func evaluate(_ loss: Loss, label: Int?) -> LossEvaluation {
        switch loss {
        case .timeToFirstSpike, .spikeTimeSum:
            return loss.evaluate(spikes: spikes, outputs: outputs, duration: duration, label: label)
        case .maxVoltage, .expVoltage:
            return loss.evaluate(readouts: readouts, label: label)
        }
    }

    /// Prepares what a readout loss injects on the output cores: each stage's impulses, latest
    /// first (max-voltage), with the kink corrections on the spikes' errors and the delays; or
    /// the source coefficients `∂L/∂S_o / T` (exp-voltage).
    mutating func injectReadoutLoss(_ loss: Loss, _ evaluation: LossEvaluation) {
        for s in stageImpulses.indices {
            stageImpulses[s].removeAll(keepingCapacity: true)
            impulseCursor[s] = 0
        }
        readoutSources = []
        switch loss {
        case .maxVoltage:
            let tauMem = constants[network.output.rawValue].tauMem
            for (o, n) in outputs.enumerated() {
                let log = stageLog[outputStage[o]]
                stageImpulses[outputStage[o]].append(
                    readouts.maxVoltageImpulse(
                        o, neuron: n, error: evaluation.readoutErrors[o], tauMem: tauMem, network: network, spikes: spikes,
                        projectionAt: { Int(log[$0].projection) }, spikeError: &spikeError, gradients: &backwardGradients))
            }
            for s in stageImpulses.indices where stageImpulses[s].count > 1 { stageImpulses[s].sort(by: Impulse.replaysBefore) }
        case .expVoltage:
            readoutSources = evaluation.readoutErrors.map { $0 / duration }
        case .timeToFirstSpike, .spikeTimeSum:
            break
        }
    }

    /// Applies the impulses that fall just before `stage`'s next entry to replay: each readout's
    /// adjoints propagated to the maximum's time, then `λ_V += amount` (an adjoint update on
    /// the core).
    mutating func applyImpulses(stage: Int, ops: inout CoreCounters, elapsed: inout Picoseconds) {
        let c = constants[network.output.rawValue]
        while impulseCursor[stage] < stageImpulses[stage].count, stageImpulses[stage][impulseCursor[stage]].position == logPosition[stage] {
            let impulse = stageImpulses[stage][impulseCursor[stage]]
            var cache = DecayCache()
            adjoint[impulse.neuron].propagate(to: impulse.time, c, &cache)
            adjoint[impulse.neuron].lambdaV += impulse.amount
            ops.adjointUpdates += 1
            elapsed += backwardLatency.adjoint
            impulseCursor[stage] += 1
        }
    }
}
