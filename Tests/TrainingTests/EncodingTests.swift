import Testing

@testable import Training

@Suite("Latency encodings")
struct EncodingTests {
    @Test func yinYangUsesThePaperDefaults() {
        let encoding = YinYangEncoding()
        #expect(encoding == YinYangEncoding(tMin: 0, tMax: 30e-3, tBias: 0))
        let trains = encoding.spikeTimes(for: YinYangSample(x: 0.25, y: 1, label: 0))
        #expect(trains.count == YinYangEncoding.inputCount)
        #expect(trains == [[0.25 * 30e-3], [30e-3], [0.75 * 30e-3], [0], [0]])
    }

    @Test func yinYangMapsFeaturesLinearlyOntoTheWindow() {
        let encoding = YinYangEncoding(tMin: 2e-3, tMax: 12e-3, tBias: 1e-3)
        let trains = encoding.spikeTimes(for: YinYangSample(x: 0, y: 0.5, label: 1))
        #expect(trains == [[2e-3], [2e-3 + 0.5 * 10e-3], [12e-3], [2e-3 + 0.5 * 10e-3], [1e-3]])
    }

    @Test func mnistPixelsSpikeEarlierWhenBrighter() {
        let encoding = MNISTEncoding()
        #expect(encoding == MNISTEncoding(tMax: 20e-3, threshold: 1))
        #expect(encoding.spikeTime(pixel: 0) == nil)
        #expect(encoding.spikeTime(pixel: 1) == nil)
        #expect(encoding.spikeTime(pixel: 2) == (1 - 2.0 / 255) * 20e-3)
        #expect(encoding.spikeTime(pixel: 255) == 0)
        let trains = encoding.spikeTimes(pixels: [0, 1, 2, 128, 255] as [UInt8])
        #expect(trains == [[], [], [(1 - 2.0 / 255) * 20e-3], [(1 - 128.0 / 255) * 20e-3], [0]])
    }

    /// The time a trial must reach to see every input: the latest feature or bias spike, the
    /// faintest pixel that spikes (p = threshold + 1), 0 when no pixel can spike.
    @Test func latestSpikeTimesBoundEveryInput() {
        #expect(YinYangEncoding().latestSpikeTime == 30e-3)
        #expect(YinYangEncoding(tMin: 5e-3, tMax: 2e-3, tBias: 1e-3).latestSpikeTime == 5e-3)
        let mnist = MNISTEncoding()
        #expect(mnist.latestSpikeTime == mnist.spikeTime(pixel: 2))
        #expect((0...255).compactMap { mnist.spikeTime(pixel: UInt8($0)) }.max() == mnist.latestSpikeTime)
        #expect(MNISTEncoding(threshold: 255).latestSpikeTime == 0)
    }

    @Test func mnistImageGivesOneTrainPerPixel() {
        var pixels = [UInt8](repeating: 0, count: 2 * MNIST.pixelsPerImage)
        pixels[MNIST.pixelsPerImage + 3] = 255
        let images = MNIST(pixels: pixels, labels: [4, 7])
        let trains = MNISTEncoding(tMax: 10e-3, threshold: 0).spikeTimes(image: 1, of: images)
        #expect(trains.count == 784)
        #expect(trains[3] == [0])
        #expect(trains.enumerated().allSatisfy { $0.offset == 3 || $0.element.isEmpty })
    }
}
