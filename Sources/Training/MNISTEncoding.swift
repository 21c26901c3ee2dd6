// MNISTEncoding: latency coding of MNIST images into one input spike train per pixel.

/// Latency coding of an MNIST image for the paper's network (eventprop.md §1.6, §8): pixel
/// `p ∈ 0...255` with `p > threshold` spikes once at
///
///     t = (1 − p / 255) · t_max                (seconds; bright ⇒ early, p = 255 ⇒ t = 0)
///
/// and pixels with `p ≤ threshold` never spike. Paper values: `t_max = 20 ms`, `threshold = 1`.
/// One input neuron per pixel, in the file's row-major order (784 for 28 × 28 images).
public struct MNISTEncoding: Sendable, Equatable {
    /// Spike time of a (hypothetical) pixel of value 0, in seconds.
    public var tMax: Double
    /// The largest pixel value that does not spike.
    public var threshold: UInt8

    public init(tMax: Double = 20e-3, threshold: UInt8 = 1) {
        self.tMax = tMax
        self.threshold = threshold
    }

    /// The spike time of one pixel in seconds, or `nil` if it does not spike.
    @inlinable
    public func spikeTime(pixel: UInt8) -> Double? {
        pixel > threshold ? (1 - Double(pixel) / 255) * tMax : nil
    }

    /// The latest time, in seconds, at which a pixel can spike (the faintest one that spikes,
    /// `threshold + 1`; 0 if none can): a trial must last this long.
    public var latestSpikeTime: Double { threshold == .max ? 0 : spikeTime(pixel: threshold + 1) ?? 0 }

    /// One spike train per pixel (empty or a single spike), in seconds.
    public func spikeTimes<Pixels: Collection<UInt8>>(pixels: Pixels) -> [[Double]] {
        pixels.map { pixel in spikeTime(pixel: pixel).map { [$0] } ?? [] }
    }

    /// The spike trains of image `index` of `images` (784 inputs).
    public func spikeTimes(image index: Int, of images: MNIST) -> [[Double]] {
        spikeTimes(pixels: images.image(index))
    }
}
