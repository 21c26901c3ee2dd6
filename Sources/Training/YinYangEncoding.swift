// YinYangEncoding: latency coding of Yin-Yang samples into five input spike trains.

/// Latency coding of a ``YinYangSample`` for the paper's network (eventprop.md §1.6, §8):
/// each of the four features `v ∈ [0, 1]` of ``YinYangSample/features`` spikes once at
///
///     t = t_min + v · (t_max − t_min)          (seconds; large value ⇒ late spike)
///
/// and a fifth "bias" input spikes once at `t_bias`. Input order: x, y, 1 − x, 1 − y, bias.
/// Paper values: `t_min = 0`, `t_max = 30 ms`, `t_bias = 0`.
public struct YinYangEncoding: Sendable, Equatable {
    /// Spike time of a feature equal to 0, in seconds.
    public var tMin: Double
    /// Spike time of a feature equal to 1, in seconds.
    public var tMax: Double
    /// Spike time of the bias input, in seconds.
    public var tBias: Double

    /// Number of input neurons: four features and the bias.
    public static let inputCount = 5

    public init(tMin: Double = 0, tMax: Double = 30e-3, tBias: Double = 0) {
        self.tMin = tMin
        self.tMax = tMax
        self.tBias = tBias
    }

    /// The latest time, in seconds, at which any input can spike: a trial must last this long.
    public var latestSpikeTime: Double { max(tMin, tMax, tBias) }

    /// The five spike trains (one spike each), in seconds, in the order x, y, 1 − x, 1 − y, bias.
    public func spikeTimes(for sample: YinYangSample) -> [[Double]] {
        var trains = sample.features.map { [tMin + $0 * (tMax - tMin)] }
        trains.append([tBias])
        return trains
    }
}
