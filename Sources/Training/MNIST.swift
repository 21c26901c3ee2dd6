// MNIST: the MNIST handwritten digits, stored struct-of-arrays (one flat pixel array, one label array).

/// A set of MNIST images with their labels (LeCun, Cortes & Burges), as read by
/// ``load(directory:split:)`` from the original IDX files.
///
/// Storage is struct-of-arrays: ``pixels`` holds all images back to back, each
/// `rows × columns = 28 × 28 = 784` bytes in row-major order (0 = background, 255 = ink);
/// ``labels`` holds one digit 0…9 per image.
///
/// The paper's split (eventprop.md §8) uses the first 5000 images of the training file as the
/// validation set and the remaining 55000 for training: see ``paperSplit()``.
public struct MNIST: Sendable, Equatable {
    /// Image height in pixels.
    public static let rows = 28
    /// Image width in pixels.
    public static let columns = 28
    /// Bytes (pixels) per image: 784.
    public static let pixelsPerImage = rows * columns
    /// Number of classes (digits 0…9).
    public static let classCount = 10
    /// Size of the paper's validation set, taken from the start of the training file.
    public static let paperValidationCount = 5000

    /// All images back to back, `count × 784` bytes.
    public private(set) var pixels: [UInt8]
    /// One digit 0…9 per image.
    public private(set) var labels: [UInt8]

    /// - Precondition: `pixels.count == labels.count × 784` and every label is at most 9.
    public init(pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == labels.count * Self.pixelsPerImage,
                     "MNIST needs 784 pixels per label, got \(pixels.count) pixels for \(labels.count) labels")
        precondition(labels.allSatisfy { $0 < Self.classCount }, "MNIST labels must be digits 0...9")
        self.pixels = pixels
        self.labels = labels
    }

    /// The two files of the original distribution.
    public enum Split: String, CaseIterable, Sendable {
        /// `train-images.idx3-ubyte` / `train-labels.idx1-ubyte`, 60000 images.
        case train
        /// `t10k-images.idx3-ubyte` / `t10k-labels.idx1-ubyte`, 10000 images.
        case test

        public var imagesFile: String {
            switch self {
            case .train: "train-images.idx3-ubyte"
            case .test: "t10k-images.idx3-ubyte"
            }
        }

        public var labelsFile: String {
            switch self {
            case .train: "train-labels.idx1-ubyte"
            case .test: "t10k-labels.idx1-ubyte"
            }
        }

        /// Number of images in the original files (not enforced when loading).
        public var standardCount: Int {
            switch self {
            case .train: 60000
            case .test: 10000
            }
        }
    }

    /// Number of images.
    public var count: Int { labels.count }

    /// The 784 pixels of image `index`, row-major.
    /// - Precondition: `0 <= index < count`.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        precondition(labels.indices.contains(index), "MNIST image index \(index) out of range 0..<\(count)")
        let start = index * Self.pixelsPerImage
        return pixels[start..<(start + Self.pixelsPerImage)]
    }

    /// The images in `range`, renumbered from 0.
    /// - Complexity: O(`range.count` × 784) (a copy).
    public func subset(_ range: Range<Int>) -> MNIST {
        precondition(range.lowerBound >= 0 && range.upperBound <= count,
                     "MNIST subset \(range) out of range 0..<\(count)")
        return MNIST(
            pixels: Array(pixels[(range.lowerBound * Self.pixelsPerImage)..<(range.upperBound * Self.pixelsPerImage)]),
            labels: Array(labels[range]))
    }

    /// The paper's split of the training file: validation = the first ``paperValidationCount``
    /// (5000) images, train = the rest (55000 for the full file).
    /// - Precondition: `count >= 5000`.
    public func paperSplit() -> (train: MNIST, validation: MNIST) {
        precondition(count >= Self.paperValidationCount,
                     "the paper split needs at least \(Self.paperValidationCount) images, got \(count)")
        return (subset(Self.paperValidationCount..<count), subset(0..<Self.paperValidationCount))
    }

    /// Number of images of each digit, indexed by label.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: Self.classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }
}
