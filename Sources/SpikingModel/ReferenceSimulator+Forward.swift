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
    /// - Precondition: `input.times.count == network.inputCount`, times finite and ≥ 0.
    public mutating func forward(_ input: InputSpikes) {
        precondition(input.times.count == network.inputCount, "one spike train per input neuron")
        spikes.removeAll()
        log.removeAll(keepingCapacity: true)
        queue.removeAll()
        for n in voltage.indices {
            voltage[n] = 0
            current[n] = 0
            lastUpdate[n] = 0
            version[n] = 0
        }
        if outputIsReadout { readouts.reset(count: outputSize) }

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

        while let event = queue.pop() {
            switch event.kind {
            case .spike:
                let n = Int(event.neuron)
                let p = Int(populationOf[n])
                if kinds[p] == .input {
                    let k = Int32(spikes.count)
                    spikes.append(neuron: event.neuron, time: event.time, current: 0)
                    scheduleDeliveries(spike: k, neuron: n, population: p, time: event.time)
                } else {
                    guard event.sequence == version[n] else { continue }  // superseded prediction
                    fire(neuron: n, population: p, time: event.time)
                }
            case .delivery:
                deliver(event)
            case .arrival:
                let p = Int(event.projection)
                let projection = network.projections[p]
                let target = populationStart[projection.target.rawValue] + Int(event.target)
                let pre = Int(event.neuron) - populationStart[projection.source.rawValue]
                let w = projection.weights[pre &* projection.targetSize &+ Int(event.target)]
                log.append(LogEntry(kind: .arrival, spike: event.sequence, projection: event.projection, target: event.target))
                let fromHidden = kinds[projection.source.rawValue] != .input
                receive(neuron: target, population: projection.target.rawValue, weight: w, time: event.time,
                        spike: fromHidden ? event.sequence : -1, decay: nil)
            }
        }

        if outputIsReadout {
            let c = constants[network.output.rawValue]
            for o in 0..<outputSize {
                advanceReadout(o, neuron: outputStart + o, to: duration, constants: c, position: log.count, kinkSpike: -1, decay: nil)
            }
            for o in 0..<outputSize { readouts.weightedIntegral[o] /= duration }
        }
    }

    /// A LIF neuron crosses threshold: record the spike, reset, re-predict, send it on.
    @inline(__always) mutating func fire(neuron n: Int, population p: Int, time t: Double) {
        let c = constants[p]
        let u = t - lastUpdate[n]
        if u != 0 {
            c.advance(v: &voltage[n], i: &current[n], by: u)
            lastUpdate[n] = t
        }
        let k = Int32(spikes.count)
        spikes.append(neuron: Int32(n), time: t, current: current[n])
        log.append(LogEntry(kind: .spike, spike: k, projection: -1, target: -1))
        voltage[n] = c.reset
        version[n] &+= 1
        predict(neuron: n, constants: c, time: t)
        scheduleDeliveries(spike: k, neuron: n, population: p, time: t)
    }

    /// Queues the arrivals of spike `k`: one delivery per projection without delays, one arrival
    /// per synapse for projections with delays.
    @inline(__always) mutating func scheduleDeliveries(spike k: Int32, neuron n: Int, population p: Int, time t: Double) {
        for index in outgoing[p] {
            let projection = network.projections[index]
            if !projectionHasDelays[index] {
                queue.push(ForwardEvent(time: t, kind: .delivery, neuron: Int32(n), sequence: k, projection: Int32(index), target: 0))
            } else {
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
        let spike: Int32 = kinds[projection.source.rawValue] != .input ? event.sequence : -1
        // Targets that were last updated at the same time share their decay factors.
        var cache = DecayCache()
        projection.weights.withUnsafeBufferPointer { weights in
            for j in 0..<projection.targetSize {
                receive(neuron: targetStart &+ j, population: targetPopulation, weight: weights[base &+ j],
                        time: event.time, spike: spike, decay: &cache)
            }
        }
    }

    /// One synaptic arrival of weight `w` at neuron `n` at time `t`: `I += w`, then (LIF) a new
    /// crossing prediction. `spike` is the arriving hidden spike (−1 for an input spike).
    @inline(__always) mutating func receive(
        neuron n: Int, population p: Int, weight w: Double, time t: Double, spike: Int32, decay cache: UnsafeMutablePointer<DecayCache>?
    ) {
        let c = constants[p]
        if kinds[p] == .li {
            if outputIsReadout, n >= outputStart, n < outputStart + outputSize {
                advanceReadout(n - outputStart, neuron: n, to: t, constants: c, position: log.count - 1, kinkSpike: spike, decay: cache)
            } else {
                advance(neuron: n, to: t, constants: c, decay: cache)
            }
            current[n] += w
            return
        }
        advance(neuron: n, to: t, constants: c, decay: cache)
        current[n] += w
        version[n] &+= 1
        predict(neuron: n, constants: c, time: t)
    }

    @inline(__always) mutating func advance(neuron n: Int, to t: Double, constants c: LIFConstants, decay cache: UnsafeMutablePointer<DecayCache>?) {
        let u = t - lastUpdate[n]
        guard u != 0 else { return }
        let (mem, syn) = cache?.pointee.factors(u, c) ?? c.decay(u)
        voltage[n] = c.voltage(v0: voltage[n], i0: current[n], u: u, mem: mem, syn: syn)
        current[n] *= syn
        lastUpdate[n] = t
    }

    /// Schedules neuron `n`'s next threshold crossing, if any before T.
    @inline(__always) mutating func predict(neuron n: Int, constants c: LIFConstants, time t: Double) {
        if let u = c.nextCrossing(v0: voltage[n], i0: current[n], horizon: duration - t) {
            queue.push(ForwardEvent(time: t + u, kind: .spike, neuron: Int32(n), sequence: version[n], projection: 0, target: 0))
        }
    }

    /// Advances output readout `o` to `t`, tracking its maximum and weighted integral.
    ///
    /// Candidates for the maximum on the event-free stretch are its interior stationary point and
    /// its end (the value just before the arrival at `t`, `position` being that arrival's log entry).
    mutating func advanceReadout(
        _ o: Int, neuron n: Int, to t: Double, constants c: LIFConstants, position: Int, kinkSpike: Int32,
        decay cache: UnsafeMutablePointer<DecayCache>?
    ) {
        let t0 = lastUpdate[n]
        let u = t - t0
        let v0 = voltage[n]
        let i0 = current[n]
        if u > 0 {
            if i0 > v0 {
                let us = c.stationaryPoint(v0: v0, i0: i0)
                if us < u {
                    let (mem, syn) = c.decay(us)
                    let vs = c.voltage(v0: v0, i0: i0, u: us, mem: mem, syn: syn)
                    if vs > readouts.maxValue[o] {
                        readouts.maxValue[o] = vs
                        readouts.maxTime[o] = t0 + us
                        readouts.maxPosition[o] = position
                        readouts.kinkSpike[o] = -1
                        readouts.kinkSlope[o] = 0
                    }
                }
            }
            readouts.weightedIntegral[o] += c.weightedVoltageIntegral(v0: v0, i0: i0, from: t0, over: u, duration: duration)
            advance(neuron: n, to: t, constants: c, decay: cache)
        }
        let v = voltage[n]
        if v > readouts.maxValue[o] {
            readouts.maxValue[o] = v
            readouts.maxTime[o] = t
            readouts.maxPosition[o] = position
            readouts.kinkSpike[o] = kinkSpike
            readouts.kinkSlope[o] = (current[n] - v) / c.tauMem
        }
    }
}

/// Remembers the decay factors of the last step length, so that the targets of one spike that
/// were last touched at the same time (the common case in dense layers) share two `exp` calls.
/// Reuse is exact: the same `u` gives bit-identical factors.
struct DecayCache {
    var u = -1.0
    var mem = 1.0
    var syn = 1.0

    @inline(__always) mutating func factors(_ step: Double, _ c: LIFConstants) -> (Double, Double) {
        if step != u {
            u = step
            (mem, syn) = c.decay(step)
        }
        return (mem, syn)
    }
}
