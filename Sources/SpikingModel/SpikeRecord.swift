// What one forward pass produces: input spikes, recorded spikes, the event log, readout statistics.

/// Spike times for each input neuron of a network, in seconds, plus an optional class label.
///
/// `times[m]` lists the spikes of input neuron `m`, counting across the network's input
/// populations in order.
public struct InputSpikes: Sendable, Equatable {
    public var times: [[Double]]
    public var label: Int?

    public init(times: [[Double]], label: Int? = nil) {
        self.times = times
        self.label = label
    }
}

/// Spike times per population and neuron: `trains[population][neuron]` in seconds, ascending.
public struct SpikeTrains: Sendable, Equatable {
    public var trains: [[[Double]]]

    public init(trains: [[[Double]]]) { self.trains = trains }

    public var totalSpikes: Int { trains.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }
}

/// Every spike of one forward pass, in processing order (struct of arrays).
///
/// Spike `k` is of neuron `neuron[k]` at `time[k]`; for LIF neurons `current[k]` is the synaptic
/// current just before the spike, `I(t_k⁻)`, which the backward pass needs (eventprop.md §1.5:
/// `τm V̇⁻ = I − ϑ`). Input spikes are recorded too (with current 0), since arrivals refer to them.
public struct SpikeRecord: Sendable, Equatable {
    public var neuron: [Int32] = []
    public var time: [Double] = []
    public var current: [Double] = []

    public init() {}

    @inlinable public var count: Int { neuron.count }

    package mutating func removeAll() {
        neuron.removeAll(keepingCapacity: true)
        time.removeAll(keepingCapacity: true)
        current.removeAll(keepingCapacity: true)
    }

    @_spi(Kernel) @inlinable @inline(__always) public mutating func append(neuron n: Int32, time t: Double, current i: Double) {
        neuron.append(n)
        time.append(t)
        current.append(i)
    }
}

/// One entry of the forward event log, replayed in reverse by the backward pass (eventprop.md §3.6).
public struct LogEntry: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        /// LIF spike `spike` (the jump of its neuron's λ_V is applied here).
        case spike
        /// Spike `spike` reached every target of `projection` at the spike time (no delays).
        case delivery
        /// Spike `spike` reached `target` of `projection` after that synapse's delay.
        case arrival
    }

    public var kind: Kind
    public var spike: Int32
    public var projection: Int32
    public var target: Int32

    public init(kind: Kind, spike: Int32, projection: Int32, target: Int32) {
        self.kind = kind
        self.spike = spike
        self.projection = projection
        self.target = target
    }
}

/// Statistics of the output population's LI readouts that the voltage losses need.
///
/// Per readout `o`: `M_o = max_{t∈[0,T]} V_o(t)` with where it was reached, and the weighted
/// integral `S_o = (1/T) ∫_0^T e^{−t/T} V_o(t) dt`.
public struct ReadoutStatistics: Sendable, Equatable {
    /// `M_o` (≥ 0, since `V(0) = 0`).
    public var maxValue: [Double] = []
    /// The time of the maximum, seconds.
    public var maxTime: [Double] = []
    /// The maximum lies just before event-log entry `maxPosition` (= log length: after the last).
    public var maxPosition: [Int] = []
    /// When the maximum sits on the kink of an arriving spike (of a hidden or an input neuron):
    /// that spike's index, else −1.
    public var kinkSpike: [Int32] = []
    /// `dV/dt(t_max⁻) = (I(t⁻) − V)/τm` at a kink, in 1/s.
    public var kinkSlope: [Double] = []
    /// `S_o`.
    public var weightedIntegral: [Double] = []

    public init() {}

    package mutating func reset(count: Int) {
        maxValue = Array(repeating: 0, count: count)
        maxTime = Array(repeating: 0, count: count)
        maxPosition = Array(repeating: 0, count: count)
        kinkSpike = Array(repeating: -1, count: count)
        kinkSlope = Array(repeating: 0, count: count)
        weightedIntegral = Array(repeating: 0, count: count)
    }
}

extension ReadoutStatistics {
    /// The six statistics of every readout, as unchecked pointers (valid inside
    /// ``withColumns(_:)`` only), so that a run of readouts pays the arrays' uniqueness checks once.
    struct Columns {
        let maxValue: UnsafeMutablePointer<Double>
        let maxTime: UnsafeMutablePointer<Double>
        let maxPosition: UnsafeMutablePointer<Int>
        let kinkSpike: UnsafeMutablePointer<Int32>
        let kinkSlope: UnsafeMutablePointer<Double>
        let weightedIntegral: UnsafeMutablePointer<Double>
    }

    /// Calls `body` with unchecked access to the statistics' arrays.
    @inline(__always) mutating func withColumns<R>(_ body: (Columns) -> R) -> R {
        maxValue.withUnsafeMutableBufferPointer { maxValue in
            maxTime.withUnsafeMutableBufferPointer { maxTime in
                maxPosition.withUnsafeMutableBufferPointer { maxPosition in
                    kinkSpike.withUnsafeMutableBufferPointer { kinkSpike in
                        kinkSlope.withUnsafeMutableBufferPointer { kinkSlope in
                            weightedIntegral.withUnsafeMutableBufferPointer { weightedIntegral in
                                body(
                                    Columns(
                                        maxValue: maxValue.baseAddress!, maxTime: maxTime.baseAddress!, maxPosition: maxPosition.baseAddress!,
                                        kinkSpike: kinkSpike.baseAddress!, kinkSlope: kinkSlope.baseAddress!, weightedIntegral: weightedIntegral.baseAddress!))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Advances readout `o`, whose neuron state is `state`, to `t`, tracking its maximum and its
    /// weighted integral `∫ e^{−t/T} V dt` (divided by `T` once the trial is over).
    ///
    /// Candidates for the maximum on the event-free stretch are its interior stationary point and
    /// its end — the value just before the arrival at `t`, `position` being that arrival's entry
    /// in the event log that the backward pass replays. A maximum at the end of the stretch sits on
    /// the kink of the arrival (`kinkSpike ≥ 0`, the arriving spike); moving the arrival — a hidden
    /// spike's time, or the synapse's delay, also for an input spike — moves the maximum by
    /// `V̇(t⁻)` per second (eventprop.md §4.2). `integral` keeps
    /// the last stretch's exponentials for the next readout, which shares them when it was last
    /// updated at the same time.
    @inline(__always) package mutating func advance(
        _ o: Int, state: inout NeuronState, to t: Double, constants c: LIFConstants, position: Int, kinkSpike: Int32, duration: Double,
        cache: inout DecayCache, integral: inout IntegralFactors
    ) {
        precondition(o >= 0 && o < maxValue.count, "no such readout")
        withColumns { columns in
            columns.advance(
                o, state: &state, to: t, constants: c, position: position, kinkSpike: kinkSpike, duration: duration, cache: &cache, integral: &integral)
        }
    }

    /// One spike's arrival at readouts `readouts` (neurons `firstNeuron …` of `state`, weights
    /// `weights[weightOffset …]`): each is advanced to `t` as by
    /// ``advance(_:state:to:constants:position:kinkSpike:duration:cache:integral:)``, then its
    /// current gets the weight — with one uniqueness check per array for the whole run.
    package mutating func receive(
        _ readouts: Range<Int>, neurons firstNeuron: Int, state: inout [NeuronState], weights: [Double], weightOffset: Int, at t: Double,
        constants c: LIFConstants, position: Int, kinkSpike: Int32, duration: Double, integral: inout IntegralFactors
    ) {
        precondition(readouts.lowerBound >= 0 && readouts.upperBound <= maxValue.count, "no such readouts")
        precondition(firstNeuron >= 0 && firstNeuron + readouts.count <= state.count, "no such neurons")
        precondition(weightOffset >= 0 && weightOffset + readouts.count <= weights.count, "no such weights")
        guard !readouts.isEmpty else { return }  // (empty arrays may have no storage to point to)
        var cache = DecayCache()
        withColumns { columns in
            weights.withUnsafeBufferPointer { weights in
                state.withUnsafeMutableBufferPointer { state in
                    for j in 0..<readouts.count {
                        let n = firstNeuron &+ j
                        columns.advance(
                            readouts.lowerBound &+ j, state: &state[n], to: t, constants: c, position: position, kinkSpike: kinkSpike,
                            duration: duration, cache: &cache, integral: &integral)
                        state[n].current += weights[weightOffset &+ j]
                    }
                }
            }
        }
    }
}

extension ReadoutStatistics.Columns {
    /// ``ReadoutStatistics/advance(_:state:to:constants:position:kinkSpike:duration:cache:integral:)``
    /// on unchecked storage.
    @inline(__always) func advance(
        _ o: Int, state: inout NeuronState, to t: Double, constants c: LIFConstants, position: Int, kinkSpike: Int32, duration: Double,
        cache: inout DecayCache, integral: inout IntegralFactors
    ) {
        let t0 = state.time
        let u = t - t0
        let v0 = state.voltage
        let i0 = state.current
        if u > 0 {
            // (The decay factors for u also serve the advance below, through the cache.)
            let (mem, syn) = cache.factors(u, c)
            if i0 > v0 && !c.stationaryPointIsBeyond(u, v0: v0, i0: i0, mem: mem, syn: syn) {
                let us = c.stationaryPoint(v0: v0, i0: i0)
                if us < u {
                    let (memAtPeak, synAtPeak) = c.decay(us)
                    let vs = c.voltage(v0: v0, i0: i0, u: us, mem: memAtPeak, syn: synAtPeak)
                    if vs > maxValue[o] {
                        maxValue[o] = vs
                        maxTime[o] = t0 + us
                        maxPosition[o] = position
                        self.kinkSpike[o] = -1
                        kinkSlope[o] = 0
                    }
                }
            }
            if integral.t0 != t0 || integral.u != u { integral = c.integralFactors(from: t0, over: u, duration: duration) }
            weightedIntegral[o] += c.weightedVoltageIntegral(v0: v0, i0: i0, over: u, duration: duration, factors: integral)
            state.advance(to: t, c, &cache)
        }
        let v = state.voltage
        if v > maxValue[o] {
            maxValue[o] = v
            maxTime[o] = t
            maxPosition[o] = position
            self.kinkSpike[o] = kinkSpike
            kinkSlope[o] = (state.current - v) / c.tauMem
        }
    }
}

/// The message for a trial stopped at its model-time event limit (runaway activity).
package func runawayMessage(limit: Int, spikes: SpikeRecord) -> String {
    let when = spikes.count > 0 ? " by model time \(spikes.time[spikes.count - 1]) s" : ""
    return "the trial exceeded \(limit) model-time events (\(spikes.count) spikes)\(when): runaway activity, such as an excitatory loop without delays; check the network's weights"
}
