import Testing

@_spi(Kernel) @testable import SpikingModel

/// The fast forms of the forward kernels against the plain ones they replace, bit for bit: the
/// two-lane check-time bound, the event queue's order and pops, and the readouts' batch update.
@Suite("Kernel equivalence")
struct KernelEquivalenceTests {
    /// Parameter sets covering every branch of the bound: τm = nτs with n = 2, 3, 4, 7 (exact
    /// peak test), a non-integer ratio and τm = τs (kernel-peak bound), τs > τm, and thresholds
    /// that rule the peak test out (ϑ ≤ 0).
    static let parameters: [NeuronParameters] = [
        NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: 0),
        NeuronParameters(tauMem: 10e-3, tauSyn: 5e-3, threshold: 1, reset: 0),
        NeuronParameters(tauMem: 15e-3, tauSyn: 5e-3, threshold: 0.5, reset: -0.2),
        NeuronParameters(tauMem: 35e-3, tauSyn: 5e-3, threshold: 2, reset: 0),
        NeuronParameters(tauMem: 20e-3, tauSyn: 7e-3, threshold: 1, reset: 0),
        NeuronParameters(tauMem: 8e-3, tauSyn: 8e-3, threshold: 1, reset: 0),
        NeuronParameters(tauMem: 5e-3, tauSyn: 20e-3, threshold: 1, reset: 0),
        NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 0, reset: -1),
        NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: -0.5, reset: -1),
    ]

    /// A state value: mostly uniform in [−3, 6], with zeros of both signs, the threshold itself
    /// and its neighbours mixed in.
    static func value(_ rng: inout SplitMix64, threshold: Double) -> Double {
        switch Int(rng.uniform() * 10) {
        case 0: return 0
        case 1: return -0.0
        case 2: return threshold
        case 3: return threshold.nextDown
        case 4: return rng.uniform() * 1e-300
        default: return -3 + 9 * rng.uniform()
        }
    }

    @Test(arguments: parameters)
    func twoLaneBoundsAreTheScalarBounds(_ p: NeuronParameters) {
        let c = LIFConstants(p)
        let lanes = LIFConstants.Lanes(c)
        var rng = SplitMix64(seed: 17)
        for _ in 0..<20000 {
            let v = SIMD2(Self.value(&rng, threshold: p.threshold), Self.value(&rng, threshold: p.threshold))
            let i = SIMD2(Self.value(&rng, threshold: p.threshold), Self.value(&rng, threshold: p.threshold))
            let bounds = lanes.crossingLowerBounds(v0: v, i0: i)
            for lane in 0..<2 {
                let expected = c.crossingLowerBound(v0: v[lane], i0: i[lane]) ?? .infinity
                #expect(bounds[lane].bitPattern == expected.bitPattern, "V0 \(v[lane]), I0 \(i[lane])")
            }
        }
    }

    /// The order of ``ForwardEvent/precedes(_:_:)`` is the plain lexicographic one (time, then
    /// order, then detail), and the heap pops every event in it, with ties in time common.
    @Test func eventQueuePopsInTheCanonicalOrder() {
        func plainPrecedes(_ a: ForwardEvent, _ b: ForwardEvent) -> Bool {
            if a.time != b.time { return a.time < b.time }
            if a.order != b.order { return a.order < b.order }
            return a.detail < b.detail
        }
        var rng = SplitMix64(seed: 5)
        func randomEvent() -> ForwardEvent {
            let time = rng.uniform() < 0.1 ? -0.0 : Double(Int(rng.uniform() * 8)) * 0.25
            let kind = ForwardEvent.Kind(rawValue: UInt8(rng.uniform() * 4))!
            return ForwardEvent(
                time: time, kind: kind, neuron: Int32(rng.uniform() * 6), sequence: Int32(rng.uniform() * 4),
                projection: Int32(rng.uniform() * 3), target: Int32(rng.uniform() * 5))
        }
        for _ in 0..<2000 {
            let a = randomEvent(), b = randomEvent()
            #expect(ForwardEvent.precedes(a, b) == plainPrecedes(a, b))
        }
        var queue = EventQueue()
        var pending: [ForwardEvent] = []
        for _ in 0..<20000 {
            if rng.uniform() < 0.55 {
                let event = randomEvent()
                queue.push(event)
                pending.append(event)
            } else {
                let popped = queue.pop()
                let earliest = pending.indices.min { plainPrecedes(pending[$0], pending[$1]) }
                #expect((popped == nil) == (earliest == nil))
                if let popped, let earliest {
                    let expected = pending[earliest]
                    #expect(popped.time == expected.time && popped.order == expected.order && popped.detail == expected.detail)
                    pending.remove(at: earliest)
                }
            }
        }
    }

    /// A run of readouts updated by ``ReadoutStatistics/receive(_:neurons:state:weights:weightOffset:at:constants:position:kinkSpike:duration:integral:)``
    /// ends bit-identical to one updated readout by readout through
    /// ``ReadoutStatistics/advance(_:state:to:constants:position:kinkSpike:duration:cache:integral:)``.
    @Test func readoutBatchIsTheReadoutByReadoutUpdate() {
        let c = LIFConstants(NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: 0))
        let count = 7, duration = 0.03
        var rng = SplitMix64(seed: 11)
        var batch = ReadoutStatistics(), single = ReadoutStatistics()
        batch.reset(count: count)
        single.reset(count: count)
        var batchState = Array(repeating: NeuronState(), count: count + 2)
        var singleState = batchState
        var batchIntegral = IntegralFactors.none, singleIntegral = IntegralFactors.none
        var t = 0.0
        for step in 0..<3000 {
            t += rng.uniform() < 0.1 ? 0 : 2e-5 * rng.uniform()
            let weights = (0..<(count + 3)).map { _ in -1.5 + 4 * rng.uniform() }
            // Readouts 1 ..< count, neurons 2 ..., weights from 1 on.
            batch.receive(
                1..<count, neurons: 2, state: &batchState, weights: weights, weightOffset: 1, at: t, constants: c, position: step, kinkSpike: Int32(step),
                duration: duration, integral: &batchIntegral)
            var cache = DecayCache()
            for o in 1..<count {
                single.advance(
                    o, state: &singleState[o + 1], to: t, constants: c, position: step, kinkSpike: Int32(step), duration: duration, cache: &cache,
                    integral: &singleIntegral)
                singleState[o + 1].current += weights[o]
            }
        }
        #expect(batch.maxValue.map(\.bitPattern) == single.maxValue.map(\.bitPattern))
        #expect(batch.maxTime.map(\.bitPattern) == single.maxTime.map(\.bitPattern))
        #expect(batch.maxPosition == single.maxPosition)
        #expect(batch.kinkSpike == single.kinkSpike)
        #expect(batch.kinkSlope.map(\.bitPattern) == single.kinkSlope.map(\.bitPattern))
        #expect(batch.weightedIntegral.map(\.bitPattern) == single.weightedIntegral.map(\.bitPattern))
        #expect(batchState.map(\.voltage.bitPattern) == singleState.map(\.voltage.bitPattern))
        #expect(batchState.map(\.current.bitPattern) == singleState.map(\.current.bitPattern))
        #expect(batch.maxPosition.contains { $0 > 0 })
    }

    /// ``ReferenceSimulator/deliverToLIF(weights:base:targets:time:constants:end:state:schedule:scheduleOffset:)``
    /// (pairs of lanes, a repaired tournament) against one target at a time — ``NeuronState/receive(_:at:_:_:)``,
    /// ``NeuronState/checkTime(_:end:)`` and ``NeuronSchedule/set(_:time:kind:)`` — on targets whose
    /// anchors differ (some at the spike time), with odd and even runs at odd and even offsets: the
    /// same states and the same tournament, node for node, with single updates in between.
    @Test(arguments: parameters)
    func deliveryIsTheTargetByTargetUpdate(_ p: NeuronParameters) {
        let c = LIFConstants(p)
        let count = 37, end = 0.05
        var rng = SplitMix64(seed: 23)
        var fastState = (0..<count).map { _ in NeuronState(voltage: -1 + 2 * rng.uniform(), current: -2 + 6 * rng.uniform(), time: 0) }
        var plainState = fastState
        var fastSchedule = NeuronSchedule(count: count), plainSchedule = NeuronSchedule(count: count)
        let weights = (0..<(3 * count)).map { _ in -1 + 2.5 * rng.uniform() }
        var t = 0.0
        for step in 0..<3000 {
            t += rng.uniform() < 0.2 ? 0 : 1e-3 * rng.uniform()
            let lower = Int(rng.uniform() * Double(count))
            let upper = lower + Int(rng.uniform() * Double(count - lower + 1))
            let base = Int(rng.uniform() * Double(count))
            ReferenceSimulator.deliverToLIF(
                weights: weights, base: base, targets: lower..<upper, time: t, constants: c, end: end, state: &fastState, schedule: &fastSchedule,
                scheduleOffset: 0)
            var cache = DecayCache()
            for n in lower..<upper {
                plainState[n].receive(weights[base + n - lower], at: t, c, &cache)
                plainSchedule.set(n, time: plainState[n].checkTime(c, end: end), kind: .check)
            }
            #expect(fastState.map(\.voltage.bitPattern) == plainState.map(\.voltage.bitPattern), "step \(step)")
            #expect(fastState.map(\.current.bitPattern) == plainState.map(\.current.bitPattern), "step \(step)")
            #expect(fastState.map(\.time.bitPattern) == plainState.map(\.time.bitPattern), "step \(step)")
            let fast = fastSchedule.first, plain = plainSchedule.first
            #expect(fast?.neuron == plain?.neuron && fast?.time.bitPattern == plain?.time.bitPattern, "step \(step)")
            // The whole tournament, not only its root: later single updates walk up through it.
            #expect(fastSchedule.tree.map(\.timeBits) == plainSchedule.tree.map(\.timeBits), "step \(step)")
            #expect(fastSchedule.tree.map(\.rank) == plainSchedule.tree.map(\.rank), "step \(step)")
            if rng.uniform() < 0.3 {
                let n = Int(rng.uniform() * Double(count))
                let time = rng.uniform() < 0.5 ? t + 1e-3 * rng.uniform() : .infinity
                fastSchedule.set(n, time: time, kind: .spike)
                plainSchedule.set(n, time: time, kind: .spike)
            }
            // Now and then a neuron fires (its anchor moves to its own time), so anchors differ.
            if rng.uniform() < 0.3 {
                let n = Int(rng.uniform() * Double(count))
                _ = fastState[n].fire(at: t, c)
                _ = plainState[n].fire(at: t, c)
            }
        }
    }
}
