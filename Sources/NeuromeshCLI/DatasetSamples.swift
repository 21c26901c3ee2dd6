// DatasetSamples: the labelled, latency-encoded samples of one dataset split, for `run --dataset`.

import SpikingModel
import Training

/// The samples of one split of a dataset, encoded on demand (an encoded MNIST image is 784 spike
/// trains: encoding all 60000 up front would hold millions of small arrays).
struct DatasetSamples: Sendable {
    enum Source: Sendable {
        case yinYang([YinYangSample], YinYangEncoding)
        case mnist(MNIST, MNISTEncoding)
    }

    let source: Source
    /// The split's name as given on the command line.
    let split: String

    /// Yin-Yang's published split `split`, in the paper's encoding (eventprop.md §1.6).
    init(yinYang split: YinYang.Split) {
        source = .yinYang(YinYang.generate(split: split), YinYangEncoding())
        self.split = split.rawValue
    }

    /// MNIST `images` (the file pair of `split`), in the paper's latency encoding.
    init(mnist images: MNIST, split: MNIST.Split) {
        source = .mnist(images, MNISTEncoding())
        self.split = split.rawValue
    }

    /// The dataset's name in prose: "Yin-Yang" or "MNIST".
    var name: String {
        switch source {
        case .yinYang: "Yin-Yang"
        case .mnist: "MNIST"
        }
    }

    var count: Int {
        switch source {
        case .yinYang(let samples, _): samples.count
        case .mnist(let images, _): images.count
        }
    }

    /// Number of classes (labels are `0 ..< classCount`).
    var classCount: Int {
        switch source {
        case .yinYang: YinYang.classCount
        case .mnist: MNIST.classCount
        }
    }

    /// Input neurons a network needs for these samples.
    var inputCount: Int {
        switch source {
        case .yinYang: YinYangEncoding.inputCount
        case .mnist: MNIST.pixelsPerImage
        }
    }

    /// The latest time, in seconds, at which the encoding can make an input spike: a trial must
    /// last at least this long to see every input.
    var latestInputSpike: Double {
        switch source {
        case .yinYang(_, let encoding): encoding.latestSpikeTime
        case .mnist(_, let encoding): encoding.latestSpikeTime
        }
    }

    /// Sample `i`'s input spike trains, with its class as the label.
    func input(_ i: Int) -> InputSpikes {
        switch source {
        case .yinYang(let samples, let encoding):
            InputSpikes(times: encoding.spikeTimes(for: samples[i]), label: samples[i].label)
        case .mnist(let images, let encoding):
            InputSpikes(times: encoding.spikeTimes(image: i, of: images), label: Int(images.labels[i]))
        }
    }
}
