// NeuronState: one neuron's forward state and the exact operations on it, shared by the
// functional reference and the chip emulator so both do the same arithmetic in the same order.

/// The forward state of one LIF or LI neuron, anchored at the time of its last update.
///
/// Stored as an array of these records (fields used together stay together: every arrival reads
/// and writes all of them).
package struct NeuronState: Sendable {
    /// `V` at ``time``.
    package var voltage: Double = 0
    /// `I` at ``time``.
    package var current: Double = 0
    /// Model time of the anchor, seconds.
    package var time: Double = 0
    /// Bumped at every change of the trajectory (arrival or reset); a scheduled spike is valid
    /// only while it is unchanged.
    package var version: Int32 = 0
    /// The version for which a spike event is scheduled (−1: none).
    package var scheduled: Int32 = -1
    /// The earliest crossing check this neuron has in the queue (`+∞`: none known).
    package var pendingCheck: Double = .infinity

    package init() {}

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
    ///
    /// - Returns: the time of a crossing check to schedule (a lower bound of the next crossing,
    ///   earlier than any check already pending), or nil.
    @inline(__always) package mutating func receive(_ w: Double, at t: Double, _ c: LIFConstants, _ cache: inout DecayCache, end: Double) -> Double? {
        advance(to: t, c, &cache)
        current += w
        version &+= 1
        return checkTime(c, end: end)
    }

    /// The time at which to check for a crossing of the current trajectory, if one is needed.
    @inline(__always) package mutating func checkTime(_ c: LIFConstants, end: Double) -> Double? {
        guard let bound = c.crossingLowerBound(v0: voltage, i0: current) else { return nil }
        let check = time + bound
        guard check < pendingCheck, check <= end else { return nil }
        pendingCheck = check
        return check
    }

    /// A crossing check falls due: the exact crossing of the current trajectory, unless one is
    /// already scheduled. The result does not depend on when the check runs (it is computed
    /// from the anchor), so lazy checking gives the same spike times as eager prediction.
    @inline(__always) package mutating func check(_ c: LIFConstants, end: Double) -> Double? {
        pendingCheck = .infinity
        guard scheduled != version else { return nil }
        guard let u = c.nextCrossing(v0: voltage, i0: current, horizon: end - time) else { return nil }
        scheduled = version
        return time + u
    }

    /// The neuron spikes at `t`: returns `I(t⁻)` and resets `V` to `V_r`.
    @inline(__always) package mutating func fire(at t: Double, _ c: LIFConstants) -> Double {
        var cache = DecayCache()
        advance(to: t, c, &cache)
        let currentAtSpike = current
        voltage = c.reset
        version &+= 1
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
