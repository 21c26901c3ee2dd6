// The EventProp backward pass: the adjoint dynamics replayed over the event log in reverse.

extension ReferenceSimulator {
    /// Computes exact gradients of `loss` for the last forward pass (eventprop.md §3.6) into
    /// ``gradients`` and returns the loss evaluation.
    ///
    /// The adjoints `λ_V, λ_I` start at 0 at T and are propagated backwards in closed form, lazily
    /// per neuron. Walking the event log from the end:
    /// - an arrival of spike k (of neuron i) at neuron j adds `−τs λ_I,j` to `∂L/∂w_ji` and
    ///   `m = w_ji (λ_V,j − λ_I,j)` to the spike's error `err_k` (and to `∂L/∂d_ji`);
    /// - a spike k of neuron n, once all its arrivals are done, makes λ_V,n jump to
    ///   `[(I_n − V_r) λ_V,n + err_k + ∂l_p/∂t_k] / (I_n − ϑ)` with `I_n = I_n(t_k⁻)`;
    /// - voltage losses add an impulse `−(1/τm) ∂L/∂M_o` to λ_V,o at `t_max` (as a left limit, and
    ///   at a hidden-spike kink also `∂L/∂M_o · V̇_o(t_max⁻)` to that spike's error, §4.2), or
    ///   drive λ_V,o with the source `∂l_V/∂V = (g_o/T) e^{−t/T}` (§4.3).
    ///
    /// - Precondition: ``forward(_:)`` ran; the loss fits the output population's kind and
    ///   `label` is given, and names an output neuron, if the loss needs it
    ///   (``Network/problem(with:label:)`` returns `nil`). Otherwise the call traps.
    @discardableResult
    public mutating func backward(loss: Loss, label: Int?) -> LossEvaluation {
        let evaluation = evaluate(loss, label: label)
        backward(evaluation: evaluation, loss: loss)
        return evaluation
    }

    /// The backward pass for an already evaluated loss.
    public mutating func backward(evaluation: LossEvaluation, loss: Loss) {
        gradients.zero()
        tangentGuardCount = 0
        let start = AdjointState(time: duration)
        adjoint.withUnsafeMutableBufferPointer { $0.update(repeating: start) }
        spikeError.removeAll(keepingCapacity: true)
        spikeError.append(contentsOf: repeatElement(0, count: spikes.count))
        for (k, g) in evaluation.spikeTimeErrors { spikeError[Int(k)] += g }

        // Loss drives on the readouts.
        var impulses: [Impulse] = []
        var sources: [Double] = []
        let outputTau = constants[network.output.rawValue].tauMem
        switch loss {
        case .maxVoltage:
            for o in 0..<outputSize {
                impulses.append(
                    readouts.maxVoltageImpulse(
                        o, neuron: outputStart + o, error: evaluation.readoutErrors[o], tauMem: outputTau, network: network, spikes: spikes,
                        projectionAt: { Int(log[$0].projection) }, spikeError: &spikeError, gradients: &gradients))
            }
            impulses.sort(by: Impulse.replaysBefore)
        case .expVoltage:
            sources = evaluation.readoutErrors.map { $0 / duration }
        case .timeToFirstSpike, .spikeTimeSum:
            break
        }
        let drive: [Double]? = sources.isEmpty ? nil : sources

        var nextImpulse = 0
        func applyImpulses(at position: Int, _ sim: inout ReferenceSimulator) {
            while nextImpulse < impulses.count, impulses[nextImpulse].position == position {
                let impulse = impulses[nextImpulse]
                var cache = DecayCache()
                sim.propagateAdjoint(neuron: impulse.neuron, to: impulse.time, sources: drive, cache: &cache)
                sim.adjoint[impulse.neuron].lambdaV += impulse.amount
                nextImpulse += 1
            }
        }

        var position = log.count
        while position > 0 {
            if nextImpulse < impulses.count { applyImpulses(at: position, &self) }
            position -= 1
            let entry = log[position]
            switch entry.kind {
            case .delivery:
                backwardDelivery(entry, sources: drive)
            case .arrival:
                backwardArrival(entry, sources: drive)
            case .spike:
                jump(spike: Int(entry.spike), sources: drive)
            }
        }
        applyImpulses(at: 0, &self)
    }

    /// Reverse of a delivery: every target's gradient and its share of the spike's error.
    @inline(__always) mutating func backwardDelivery(_ entry: LogEntry, sources: [Double]?) {
        let k = Int(entry.spike)
        let index = Int(entry.projection)
        let t = spikes.time[k]
        let projection = network.projections[index]
        let targetPopulation = projection.target.rawValue
        let targetStart = populationStart[targetPopulation]
        let c = constants[targetPopulation]
        let base = (Int(spikes.neuron[k]) - populationStart[projection.source.rawValue]) &* projection.targetSize
        var cache = DecayCache()
        var error = 0.0
        if sources != nil, targetPopulation == network.output.rawValue {
            for j in 0..<projection.targetSize {
                let n = targetStart &+ j
                propagateAdjoint(neuron: n, to: t, sources: sources, cache: &cache)
                let li = adjoint[n].lambdaI
                gradients.weights[index][base &+ j] += -c.tauSyn * li
                error += projection.weights[base &+ j] * (adjoint[n].lambdaV - li)
            }
        } else {
            // The gradient array is taken out of `self` while written (it stays uniquely referenced).
            var gradient: [Double] = []
            swap(&gradient, &gradients.weights[index])
            Self.reverseDelivery(
                weights: projection.weights, gradient: &gradient, synapseOffset: base &- targetStart,
                targets: targetStart..<(targetStart + projection.targetSize), time: t, constants: c, adjoint: &adjoint, cache: &cache, error: &error)
            swap(&gradient, &gradients.weights[index])
        }
        if kinds[projection.source.rawValue] != .input { spikeError[k] += error }
    }

    /// The hot loop of the backward pass: a spike's delivery at `t` to the LIF neurons `targets`,
    /// in reverse. Each target's adjoints are propagated back to `t`, its synapse's gradient
    /// gains `∂L/∂w = −τs λ_I(t)`, and `error` accumulates `Σ w (λ_V − λ_I)` (eventprop.md §3.3).
    /// Synapse of neuron `n` is `synapseOffset + n`; no bounds or uniqueness checks. (Static, so
    /// that the emulator's cores run the same arithmetic in the same order.)
    @inline(__always) package static func reverseDelivery(
        weights: [Double], gradient: inout [Double], synapseOffset: Int, targets: Range<Int>, time t: Double, constants c: LIFConstants,
        adjoint: inout [AdjointState], cache: inout DecayCache, error: inout Double
    ) {
        weights.withUnsafeBufferPointer { weights in
            gradient.withUnsafeMutableBufferPointer { grad in
                adjoint.withUnsafeMutableBufferPointer { adjoint in
                    for n in targets {
                        let synapse = synapseOffset &+ n
                        adjoint[n].propagate(to: t, c, &cache)
                        let li = adjoint[n].lambdaI
                        grad[synapse] += -c.tauSyn * li
                        error += weights[synapse] * (adjoint[n].lambdaV - li)
                    }
                }
            }
        }
    }

    /// Reverse of one delayed arrival.
    @inline(__always) mutating func backwardArrival(_ entry: LogEntry, sources: [Double]?) {
        let k = Int(entry.spike)
        let index = Int(entry.projection)
        let projection = network.projections[index]
        let j = Int(entry.target)
        let synapse = (Int(spikes.neuron[k]) - populationStart[projection.source.rawValue]) &* projection.targetSize &+ j
        let t = spikes.time[k] + projection.delays![synapse]
        let n = populationStart[projection.target.rawValue] + j
        var cache = DecayCache()
        propagateAdjoint(neuron: n, to: t, sources: sources, cache: &cache)
        let li = adjoint[n].lambdaI
        gradients.weights[index][synapse] += -constants[projection.target.rawValue].tauSyn * li
        let m = projection.weights[synapse] * (adjoint[n].lambdaV - li)
        gradients.delays[index]![synapse] += m
        if kinds[projection.source.rawValue] != .input { spikeError[k] += m }
    }

    /// The λ_V jump at spike k (eventprop.md §3.4), after all of the spike's arrivals.
    @inline(__always) mutating func jump(spike k: Int, sources: [Double]?) {
        let n = Int(spikes.neuron[k])
        let c = constants[Int(populationOf[n])]
        var cache = DecayCache()
        propagateAdjoint(neuron: n, to: spikes.time[k], sources: sources, cache: &cache)
        if adjoint[n].jump(current: spikes.current[k], error: spikeError[k], c, tangentGuard: tangentGuard) { tangentGuardCount += 1 }
    }

    /// Propagates neuron `n`'s adjoints from their current time down to `t` (with the loss's
    /// source term for output readouts when `sources` is given).
    @inline(__always) mutating func propagateAdjoint(neuron n: Int, to t: Double, sources: [Double]?, cache: inout DecayCache) {
        let c = constants[Int(populationOf[n])]
        if let sources, n >= outputStart, n < outputStart + outputSize {
            adjoint[n].propagate(to: t, c, source: sources[n - outputStart], duration: duration)
            return
        }
        adjoint[n].propagate(to: t, c, &cache)
    }

    /// Forward then backward for one sample; returns the loss evaluation (gradients in ``gradients``).
    ///
    /// - Precondition: the preconditions of ``forward(_:)`` and ``backward(loss:label:)`` (with
    ///   `input.label`): ``Network/problem(with:)`` and ``Network/problem(with:label:)`` return `nil`.
    @discardableResult
    public mutating func gradient(input: InputSpikes, loss: Loss) -> LossEvaluation {
        forward(input)
        return backward(loss: loss, label: input.label)
    }
}

/// One neuron's adjoints `(λ_V, λ_I)` at the time they have been propagated down to.
package struct AdjointState: Sendable {
    package var lambdaV = 0.0
    package var lambdaI = 0.0
    package var time = 0.0

    package init(time: Double = 0) { self.time = time }

    /// The jump of λ_V at a spike of this neuron (eventprop.md §3.4), with `current` = `I(t_k⁻)`
    /// and `error` = `err_k + ∂l_p/∂t_k`:
    ///
    ///     λ_V ← [(I − V_r) λ_V + error] / (I − ϑ)
    ///
    /// The denominator is clamped to at least `tangentGuard · ϑ` (a near-tangent crossing).
    ///
    /// - Returns: whether the guard clamped it.
    @inline(__always) package mutating func jump(current i: Double, error: Double, _ c: LIFConstants, tangentGuard: Double) -> Bool {
        var denominator = i - c.threshold
        let guardValue = tangentGuard * c.threshold
        var guarded = false
        if denominator < guardValue {
            denominator = guardValue > 0 ? guardValue : denominator
            guarded = true
        }
        lambdaV = ((i - c.reset) * lambdaV + error) / denominator
        return guarded
    }

    /// Propagates backwards to `t` without a source term (``LIFConstants/propagateAdjoint(lambdaV:lambdaI:u:mem:syn:)``).
    @inline(__always) package mutating func propagate(to t: Double, _ c: LIFConstants, _ cache: inout DecayCache) {
        let u = time - t
        guard u != 0 else { return }
        let (mem, syn) = cache.factors(u, c)
        c.propagateAdjoint(lambdaV: &lambdaV, lambdaI: &lambdaI, u: u, mem: mem, syn: syn)
        time = t
    }

    /// Propagates back to `t` under the exponentially weighted voltage loss's source
    /// `coefficient · e^{−t/T}` on `λ_V` (an output readout, eventprop.md §4.3).
    @inline(__always) package mutating func propagate(to t: Double, _ c: LIFConstants, source coefficient: Double, duration: Double) {
        guard time != t else { return }
        c.propagateAdjoint(lambdaV: &lambdaV, lambdaI: &lambdaI, from: time, to: t, sourceCoefficient: coefficient, duration: duration)
        time = t
    }
}

/// A Dirac impulse on a readout's λ_V (max-over-time loss), placed in the event log by position.
package struct Impulse: Sendable {
    package var neuron: Int
    package var time: Double
    /// The impulse applies just before log entry `position` (in reverse: once the entries from
    /// `position` on have been replayed).
    package var position: Int
    package var amount: Double

    /// The replay order: latest position first; equal positions in neuron order.
    @inline(__always) package static func replaysBefore(_ a: Impulse, _ b: Impulse) -> Bool {
        a.position > b.position || (a.position == b.position && a.neuron < b.neuron)
    }
}

extension ReadoutStatistics {
    /// The max-voltage loss at readout `o` (global neuron `neuron`, `g = ∂L/∂M_o`): returns the
    /// impulse `−g/τm` on its λ_V at the maximum, and when the maximum sits on the kink of a
    /// spike's arrival adds the correction `g · V̇_o(t_max⁻)` to that spike's error (a hidden
    /// spike's: an input spike's time is fixed) and, for a delayed projection, to the delay's
    /// gradient (eventprop.md §4.2) — also for an input spike, whose arrival moves with its
    /// delay. `projectionAt` names the projection of the log entry at a position (the log the
    /// impulse is placed in).
    package func maxVoltageImpulse(
        _ o: Int, neuron: Int, error g: Double, tauMem: Double, network: Network, spikes: SpikeRecord, projectionAt: (Int) -> Int,
        spikeError: inout [Double], gradients: inout Gradients
    ) -> Impulse {
        let k = kinkSpike[o]
        if k >= 0 {
            // M_o = V_o(t_a⁻) with t_a = t_k + d: moving the arrival moves the maximum by
            // V̇_o(t_a⁻) per second, through the spike time and the delay alike.
            let shift = g * kinkSlope[o]
            let p = projectionAt(maxPosition[o])
            let projection = network.projections[p]
            if network.populations[projection.source.rawValue].kind != .input { spikeError[Int(k)] += shift }
            if gradients.delays[p] != nil {
                let pre = Int(spikes.neuron[Int(k)]) - network.firstNeuron(of: projection.source)
                gradients.delays[p]![projection.synapse(post: o, pre: pre)] += shift
            }
        }
        return Impulse(neuron: neuron, time: maxTime[o], position: maxPosition[o], amount: -g / tauMem)
    }
}
