// The functional forward pass: exact event-driven simulation recording what EventProp needs.

extension ReferenceSimulator {
    /// Simulates one trial on `input` over `[0, T]` and records spikes, the event log and readout
    /// statistics (eventprop.md §1.5).
    ///
    /// Events are processed in the canonical order of ``ForwardEvent/precedes(_:_:)``: by time;
    /// at equal times every spike before any arrival (a crossing is decided by the trajectory
    /// before the instant); then by source neuron, spike, projection, target. An arrival adds its
    /// weight to the target's synaptic current; a LIF neuron reaching ϑ from below spikes, is set
    /// to V_r and may spike again. Spikes later than T and arrivals later than T are dropped.
    ///
    /// Crossings are found lazily: a change of trajectory only schedules a *check* at a cheap
    /// lower bound of the crossing time (``NeuronSchedule``); the exact crossing (a root,
    /// ``LIFConstants``) is computed when the check falls due and no other arrival has changed the
    /// trajectory first. It is computed from the same anchor either way, so spike times are those
    /// of eager prediction.
    ///
    /// - Precondition: `input.times.count == network.inputCount`, times finite and ≥ 0
    ///   (``Network/problem(with:)`` returns `nil`; a wrong count traps).
    public mutating func forward(_ input: InputSpikes) {
        precondition(input.times.count == network.inputCount, "one spike train per input neuron")
        spikes.removeAll()
        log.removeAll(keepingCapacity: true)
        queue.removeAll()
        schedule.removeAll()
        eventLimitReached = false
        state.withUnsafeMutableBufferPointer { $0.update(repeating: NeuronState()) }
        if outputIsReadout {
            readouts.reset(count: outputSize)
            readoutIntegral = .none
        }

        // Input spikes enter the queue as spikes of the input neurons.
        var m = 0
        for p in network.inputPopulations {
            let start = populationStart[p.rawValue]
            for local in 0..<network.populations[p.rawValue].size {
                for t in input.times[m] where t <= duration {
                    queue.push(ForwardEvent(time: t, kind: .spike, neuron: Int32(start + local), sequence: 0, projection: 0, target: 0))
                }
                m += 1
            }
        }

        while true {
            if spikes.count &+ log.count >= eventLimit {
                eventLimitReached = true
                break
            }
            // The earliest event: a neuron's check or spike, or a queued spike or arrival.
            let next = queue.first
            if let (p, slot) = earliestScheduled(), next.map({ ForwardEvent.precedes(slot: slot, $0) }) ?? true {
                let n = slot.neuron
                let c = constants[p]
                if slot.kind == .check {
                    schedule.set(n, time: state[n].crossing(c, end: duration), kind: .spike)
                } else {
                    fire(neuron: n, population: p, time: slot.time)
                }
                continue
            }
            guard let event = queue.pop() else { break }
            switch event.kind {
            case .check:
                preconditionFailure("checks live in the schedule")
            case .spike:  // an input spike
                let k = Int32(spikes.count)
                spikes.append(neuron: event.neuron, time: event.time, current: 0)
                scheduleDeliveries(spike: k, neuron: Int(event.neuron), population: Int(populationOf[Int(event.neuron)]), time: event.time)
            case .delivery:
                deliver(event)
            case .arrival:
                let p = Int(event.projection)
                let projection = network.projections[p]
                let pre = Int(event.neuron) - populationStart[projection.source.rawValue]
                let w = projection.weights[pre &* projection.targetSize &+ Int(event.target)]
                log.append(LogEntry(kind: .arrival, spike: event.sequence, projection: event.projection, target: event.target))
                var cache = DecayCache()
                receive(neuron: populationStart[projection.target.rawValue] + Int(event.target), population: projection.target.rawValue,
                        weight: w, time: event.time, spike: event.sequence, cache: &cache)
            }
        }

        if outputIsReadout {
            let c = constants[network.output.rawValue]
            var cache = DecayCache()
            for o in 0..<outputSize {
                advanceReadout(o, to: duration, constants: c, position: log.count, kinkSpike: -1, cache: &cache)
            }
            for o in 0..<outputSize { readouts.weightedIntegral[o] /= duration }
        }
    }

    /// The earliest pending check or spike of any neuron (neuron as a global index).
    @inline(__always) func earliestScheduled() -> (population: Int, slot: (neuron: Int, time: Double, kind: NeuronSchedule.Kind))? {
        guard let first = schedule.first else { return nil }
        return (Int(populationOf[first.neuron]), first)
    }

    /// A LIF neuron crosses threshold: record the spike, reset, check again, send it on.
    @inline(__always) mutating func fire(neuron n: Int, population p: Int, time t: Double) {
        let c = constants[p]
        let currentAtSpike = state[n].fire(at: t, c)
        let k = Int32(spikes.count)
        spikes.append(neuron: Int32(n), time: t, current: currentAtSpike)
        log.append(LogEntry(kind: .spike, spike: k, projection: -1, target: -1))
        schedule.set(n, time: state[n].checkTime(c, end: duration), kind: .check)
        scheduleDeliveries(spike: k, neuron: n, population: p, time: t)
    }

    /// Queues the arrivals of spike `k`: one delivery per projection without delays, one arrival
    /// per synapse for projections with delays.
    @inline(__always) mutating func scheduleDeliveries(spike k: Int32, neuron n: Int, population p: Int, time t: Double) {
        for index in outgoing[p] {
            if !projectionHasDelays[index] {
                let delivery = ForwardEvent(time: t, kind: .delivery, neuron: Int32(n), sequence: k, projection: Int32(index), target: 0)
                // Nothing else is due at t: the delivery is next in the canonical order anyway.
                if queue.first.map({ $0.time <= t }) ?? false || earliestScheduled().map({ $0.slot.time <= t }) ?? false {
                    queue.push(delivery)
                } else {
                    deliver(delivery)
                }
            } else {
                let projection = network.projections[index]
                let delays = projection.delays!
                let base = (n - populationStart[p]) &* projection.targetSize
                for j in 0..<projection.targetSize {
                    let arrival = t + delays[base &+ j]
                    if arrival <= duration {
                        queue.push(ForwardEvent(time: arrival, kind: .arrival, neuron: Int32(n), sequence: k, projection: Int32(index), target: Int32(j)))
                    }
                }
            }
        }
    }

    /// Spike `event.sequence` reaches every target of a projection at once.
    @inline(__always) mutating func deliver(_ event: ForwardEvent) {
        let index = Int(event.projection)
        log.append(LogEntry(kind: .delivery, spike: event.sequence, projection: event.projection, target: -1))
        let projection = network.projections[index]
        let targetPopulation = projection.target.rawValue
        let targetStart = populationStart[targetPopulation]
        let base = (Int(event.neuron) - populationStart[projection.source.rawValue]) &* projection.targetSize
        let c = constants[targetPopulation]
        let t = event.time
        // Targets that were last updated at the same time share their decay factors.
        var cache = DecayCache()
        if kinds[targetPopulation] == .lif {
            Self.deliverToLIF(
                weights: projection.weights, base: base, targets: targetStart..<(targetStart + projection.targetSize),
                time: t, constants: c, end: duration, state: &state, schedule: &schedule, scheduleOffset: 0)
            return
        }
        if outputIsReadout && targetPopulation == network.output.rawValue {
            receiveAtReadouts(weights: projection.weights, base: base, count: projection.targetSize, time: t, spike: event.sequence)
            return
        }
        for j in 0..<projection.targetSize {
            receive(neuron: targetStart &+ j, population: targetPopulation, weight: projection.weights[base &+ j], time: t, spike: event.sequence, cache: &cache)
        }
    }

    /// One spike reaches readouts `0 ..< count` (the whole output population) at once, with the
    /// weights `weights[base …]`: ``ReadoutStatistics/receive(_:neurons:state:weights:weightOffset:at:constants:position:kinkSpike:duration:integral:)``
    /// (out of line, like ``advanceReadout(_:to:constants:position:kinkSpike:cache:)``).
    @inline(never) mutating func receiveAtReadouts(weights: [Double], base: Int, count: Int, time t: Double, spike: Int32) {
        readouts.receive(
            0..<count, neurons: outputStart, state: &state, weights: weights, weightOffset: base, at: t, constants: constants[network.output.rawValue],
            position: log.count - 1, kinkSpike: spike, duration: duration, integral: &readoutIntegral)
    }

    /// The hot loop: one spike's arrival at a range of LIF neurons, with no bounds or uniqueness
    /// checks; each target's pending event becomes a check of its new trajectory. Neuron `n` is
    /// entry `n − scheduleOffset` of `schedule`. (Static, so that the state and the schedule are
    /// two separate exclusive accesses.)
    ///
    /// Targets go in pairs, two lanes of `SIMD2`: when both were last updated one shared step
    /// ago (the decay factors in `cache`; the common case in dense layers), their advance,
    /// `I += w` and check time are computed together and without branches, with the operations
    /// of ``NeuronState/receive(_:at:_:_:)`` and ``NeuronState/checkTime(_:end:)`` lane by lane;
    /// otherwise each is advanced on its own. Pairs are siblings in the schedule's tournament
    /// (a neuron at an odd entry at the start, or one left at the end, goes alone), so each pair
    /// writes its parent from the two keys in hand; the levels above are repaired once, after the
    /// run (``NeuronSchedule/setChecks(_:_:)``).
    @inline(__always) package static func deliverToLIF(
        weights: [Double], base: Int, targets: Range<Int>, time t: Double, constants c: LIFConstants, end: Double,
        state: inout [NeuronState], schedule: inout NeuronSchedule, scheduleOffset: Int
    ) {
        let count = targets.count
        let first = targets.lowerBound
        let lanes = LIFConstants.Lanes(c)
        weights.withUnsafeBufferPointer { weights in
            state.withUnsafeMutableBufferPointer { state in
                let firstLeaf = first &- scheduleOffset
                schedule.setChecks(firstLeaf..<(targets.upperBound &- scheduleOffset)) { checks in
                    var cache = DecayCache()
                    // One neuron alone where a pair would straddle two parents in the tree.
                    // (The cache goes in as an argument: a local function that captured it would
                    // have every access to it checked at run time in builds that check them.)
                    @inline(__always) func single(_ j: Int, _ cache: inout DecayCache) {
                        let n = first &+ j
                        state[n].receive(weights[base &+ j], at: t, c, &cache)
                        checks.set(j, time: state[n].checkTime(c, end: end))
                    }
                    var j = 0
                    if firstLeaf & 1 == 1 && count > 0 {
                        single(0, &cache)
                        j = 1
                    }
                    while j &+ 1 < count {
                        let n = first &+ j
                        let w = SIMD2(weights[base &+ j], weights[base &+ j &+ 1])
                        let a = state[n], b = state[n &+ 1]
                        let v: SIMD2<Double>, i: SIMD2<Double>
                        // (A step of 0 never reaches the cache, so a hit means both advance.)
                        if t - a.time == cache.u && t - b.time == cache.u {
                            let i0 = SIMD2(a.current, b.current)
                            v = lanes.voltage(v0: SIMD2(a.voltage, b.voltage), i0: i0, u: SIMD2(repeating: cache.u), mem: cache.mem, syn: cache.syn)
                            i = i0 * cache.syn + w
                            state[n] = NeuronState(voltage: v[0], current: i[0], time: t)
                            state[n &+ 1] = NeuronState(voltage: v[1], current: i[1], time: t)
                        } else {
                            state[n].receive(w[0], at: t, c, &cache)
                            state[n &+ 1].receive(w[1], at: t, c, &cache)
                            v = SIMD2(state[n].voltage, state[n &+ 1].voltage)
                            i = SIMD2(state[n].current, state[n &+ 1].current)
                        }
                        // Both anchors are at t now (a step of 0 means the anchor was at t).
                        let check = t + lanes.crossingLowerBounds(v0: v, i0: i)
                        let due = check.replacing(with: .infinity, where: .!(check .<= end))
                        checks.setPair(j, times: due)
                        j &+= 2
                    }
                    if j < count { single(j, &cache) }
                }
            }
        }
    }

    /// One synaptic arrival of weight `w` at neuron `n` at time `t`: `I += w`, then (LIF) a
    /// crossing check. `spike` is the arriving spike (of a hidden or an input neuron).
    @inline(__always) mutating func receive(
        neuron n: Int, population p: Int, weight w: Double, time t: Double, spike: Int32, cache: inout DecayCache
    ) {
        let c = constants[p]
        if kinds[p] == .li {
            if outputIsReadout, n >= outputStart, n < outputStart + outputSize {
                advanceReadout(n - outputStart, to: t, constants: c, position: log.count - 1, kinkSpike: spike, cache: &cache)
            } else {
                state[n].advance(to: t, c, &cache)
            }
            state[n].current += w
            return
        }
        state[n].receive(w, at: t, c, &cache)
        schedule.set(n, time: state[n].checkTime(c, end: duration), kind: .check)
    }

    /// Advances output readout `o` to `t`, tracking its maximum and weighted integral
    /// (``ReadoutStatistics/advance(_:state:to:constants:position:kinkSpike:duration:cache:integral:)``).
    /// Kept out of line: inlined into the spike path, it made the compiler copy the neuron
    /// schedule's storage on every spike (functional-5-200-3 fell from 40 to 26 M events/s).
    @inline(never) mutating func advanceReadout(_ o: Int, to t: Double, constants c: LIFConstants, position: Int, kinkSpike: Int32, cache: inout DecayCache) {
        readouts.advance(
            o, state: &state[outputStart + o], to: t, constants: c, position: position, kinkSpike: kinkSpike, duration: duration, cache: &cache,
            integral: &readoutIntegral)
    }
}
