// NeuronState: one neuron's forward state and the exact operations on it, shared by the
// functional reference and the chip emulator so both do the same arithmetic in the same order.

/// The forward state of one LIF or LI neuron, anchored at the time of its last update.
///
/// Stored as an array of these records (fields used together stay together: every arrival reads
/// and writes all of them). The neuron's pending check or spike lives in a ``NeuronSchedule``.
package struct NeuronState: Sendable {
    /// `V` at ``time``.
    package var voltage: Double = 0
    /// `I` at ``time``.
    package var current: Double = 0
    /// Model time of the anchor, seconds.
    package var time: Double = 0

    package init() {}

    @inline(__always) package init(voltage: Double, current: Double, time: Double) {
        self.voltage = voltage
        self.current = current
        self.time = time
    }

    /// Advances the anchor to `t`, sharing decay factors through `cache` when the step repeats.
    @inline(__always) package mutating func advance(to t: Double, _ c: LIFConstants, _ cache: inout DecayCache) {
        let u = t - time
        guard u != 0 else { return }
        let (mem, syn) = cache.factors(u, c)
        voltage = c.voltage(v0: voltage, i0: current, u: u, mem: mem, syn: syn)
        current *= syn
        time = t
    }

    /// An arrival of weight `w` at time `t`: `I += w`, a new trajectory.
    @inline(__always) package mutating func receive(_ w: Double, at t: Double, _ c: LIFConstants, _ cache: inout DecayCache) {
        advance(to: t, c, &cache)
        current += w
    }

    /// When to check the current trajectory for a crossing: a cheap lower bound of the crossing
    /// time (``LIFConstants/crossingLowerBound(v0:i0:)``), or `+∞` if it cannot cross before `end`.
    @inline(__always) package func checkTime(_ c: LIFConstants, end: Double) -> Double {
        guard let bound = c.crossingLowerBound(v0: voltage, i0: current) else { return .infinity }
        let check = time + bound
        return check <= end ? check : .infinity
    }

    /// The exact crossing of the current trajectory before `end`, or `+∞`. It is computed from
    /// the anchor, so it does not depend on when the check runs: lazy checking gives the spike
    /// times of eager prediction.
    @inline(__always) package func crossing(_ c: LIFConstants, end: Double) -> Double {
        guard let u = c.nextCrossing(v0: voltage, i0: current, horizon: end - time) else { return .infinity }
        return time + u
    }

    /// The neuron spikes at `t`: returns `I(t⁻)` and resets `V` to `V_r`.
    @inline(__always) package mutating func fire(at t: Double, _ c: LIFConstants) -> Double {
        var cache = DecayCache()
        advance(to: t, c, &cache)
        let currentAtSpike = current
        voltage = c.reset
        return currentAtSpike
    }
}

/// Remembers the decay factors of the last step length, so that the targets of one spike that
/// were last touched at the same time (the common case in dense layers) share two `exp` calls.
/// Reuse is exact: the same `u` gives bit-identical factors.
package struct DecayCache {
    var u = -1.0
    var mem = 1.0
    var syn = 1.0

    package init() {}

    @inline(__always) package mutating func factors(_ step: Double, _ c: LIFConstants) -> (Double, Double) {
        if step != u {
            u = step
            (mem, syn) = c.decay(step)
        }
        return (mem, syn)
    }
}
