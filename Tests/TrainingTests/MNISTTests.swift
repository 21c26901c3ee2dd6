import Foundation
import Testing

@testable import Training

/// The shared MNIST copy, `<repo>/../shared/data/mnist`, or `nil` if it is not there.
private let sharedMNISTDirectory: String? = {
    let repo = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let directory = repo.deletingLastPathComponent().appendingPathComponent("shared/data/mnist").path
    let probe = directory + "/" + MNIST.Split.test.labelsFile
    return FileManager.default.fileExists(atPath: probe) ? directory : nil
}()

private let missingDataReason: Comment = "needs the MNIST files at <repo>/../shared/data/mnist"

@Suite("MNIST IDX reader")
struct MNISTTests {
    // MARK: - The real files

    @Test(.enabled(if: sharedMNISTDirectory != nil, missingDataReason))
    func testFileHasThePublishedLabelCounts() throws {
        let test = try MNIST.load(directory: try #require(sharedMNISTDirectory), split: .test)
        #expect(test.count == 10000)
        #expect(test.pixels.count == 10000 * 784)
        #expect(test.classCounts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    }

    @Test(.enabled(if: sharedMNISTDirectory != nil, missingDataReason))
    func trainFileHasThePublishedLabelCountsAndThePaperSplit() throws {
        let train = try MNIST.load(directory: try #require(sharedMNISTDirectory), split: .train)
        #expect(train.count == 60000)
        #expect(train.classCounts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        // Widely quoted: the first training digit is a 5, the second a 0.
        #expect(Array(train.labels.prefix(2)) == [5, 0])
        let (paperTrain, validation) = train.paperSplit()
        #expect(paperTrain.count == 55000)
        #expect(validation.count == 5000)
        #expect(validation.labels == Array(train.labels[0..<5000]))
        #expect(paperTrain.image(0) == train.image(5000))
        #expect(zip(paperTrain.classCounts, validation.classCounts).map(+) == train.classCounts)
    }

    // MARK: - Small synthetic files

    @Test func readsAWellFormedPair() throws {
        let directory = try TemporaryDirectory()
        var pixels = [UInt8](repeating: 0, count: 3 * 784)
        pixels[784 + 5] = 200
        try directory.write(idxImages(count: 3, pixels: pixels), to: "train-images.idx3-ubyte")
        try directory.write(idxLabels([7, 0, 9]), to: "train-labels.idx1-ubyte")
        let set = try MNIST.load(directory: directory.path, split: .train)
        #expect(set.count == 3)
        #expect(set.labels == [7, 0, 9])
        #expect(set.image(1)[set.image(1).startIndex + 5] == 200)
        #expect(set.subset(1..<3).labels == [0, 9])
        #expect(set.subset(1..<2).pixels[5] == 200)
    }

    @Test func reportsAMissingFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxLabels([1]), to: "t10k-labels.idx1-ubyte")
        let error = try expectFailure { try MNIST.load(directory: directory.path, split: .test) }
        #expect(error.file.hasSuffix("t10k-images.idx3-ubyte"))
        #expect(error.message == "no such file")
    }

    @Test func reportsAWrongMagicNumber() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxLabels([1]), to: "images")
        try directory.write(idxLabels([1]), to: "labels")
        let error = try expectFailure { try MNIST.load(imagesFile: directory.file("images"), labelsFile: directory.file("labels")) }
        #expect(error.file.hasSuffix("images"))
        #expect(error.message.contains("wrong magic number 0x00000801, expected 0x00000803"))
        #expect(error.message.contains("looks like a label file"))

        try directory.write([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0], to: "labels.gz")
        let gzip = try expectFailure { try MNIST.load(imagesFile: directory.file("images"), labelsFile: directory.file("labels.gz")) }
        #expect(gzip.message.contains("gzip"))
    }

    @Test func reportsTruncatedAndOverlongData() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxLabels([1, 2]), to: "labels")
        try directory.write(Array(idxImages(count: 2, pixels: [UInt8](repeating: 0, count: 2 * 784)).dropLast(10)), to: "short")
        let short = try expectFailure { try MNIST.load(imagesFile: directory.file("short"), labelsFile: directory.file("labels")) }
        #expect(short.file.hasSuffix("short"))
        #expect(short.message.hasPrefix("truncated"))
        #expect(short.message.contains("2 images"))

        try directory.write(idxImages(count: 2, pixels: [UInt8](repeating: 0, count: 2 * 784)) + [0], to: "long")
        let long = try expectFailure { try MNIST.load(imagesFile: directory.file("long"), labelsFile: directory.file("labels")) }
        #expect(long.message.contains("1 unexpected bytes"))

        try directory.write(Array(idxLabels([1, 2]).dropLast()), to: "short-labels")
        let shortLabels = try expectFailure { try MNIST.load(imagesFile: directory.file("long"), labelsFile: directory.file("short-labels")) }
        #expect(shortLabels.file.hasSuffix("short-labels"))
        #expect(shortLabels.message.hasPrefix("truncated"))

        try directory.write([0, 0, 8, 1, 0], to: "stub")
        let stub = try expectFailure { try MNIST.load(imagesFile: directory.file("long"), labelsFile: directory.file("stub")) }
        #expect(stub.message == "truncated: 5 bytes, shorter than the 8-byte IDX label header")
        try directory.write([0, 0], to: "tiny")
        let tiny = try expectFailure { try MNIST.load(imagesFile: directory.file("long"), labelsFile: directory.file("tiny")) }
        #expect(tiny.message.contains("too short for an IDX magic number"))
    }

    @Test func reportsACountMismatch() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxImages(count: 2, pixels: [UInt8](repeating: 0, count: 2 * 784)), to: "images")
        try directory.write(idxLabels([1, 2, 3]), to: "labels")
        let error = try expectFailure { try MNIST.load(imagesFile: directory.file("images"), labelsFile: directory.file("labels")) }
        #expect(error.message.contains("has 2 images but"))
        #expect(error.message.contains("has 3 labels"))
    }

    @Test func reportsALabelThatIsNotADigit() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxLabels([3, 10]), to: "labels")
        let error = try expectFailure { try MNIST.load(imagesFile: directory.file("images"), labelsFile: directory.file("labels")) }
        #expect(error.file.hasSuffix("labels"))
        #expect(error.message == "label 10 at index 1 is not a digit 0...9")
    }

    @Test func reportsWrongImageDimensions() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxImages(count: 1, rows: 32, columns: 32, pixels: [UInt8](repeating: 0, count: 1024)), to: "images")
        try directory.write(idxLabels([1]), to: "labels")
        let error = try expectFailure { try MNIST.load(imagesFile: directory.file("images"), labelsFile: directory.file("labels")) }
        #expect(error.message == "images are 32×32 pixels, expected 28×28")
    }
}

// MARK: - Helpers

private func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}

private func idxImages(count: UInt32, rows: UInt32 = 28, columns: UInt32 = 28, pixels: [UInt8]) -> [UInt8] {
    bigEndian(0x803) + bigEndian(count) + bigEndian(rows) + bigEndian(columns) + pixels
}

private func idxLabels(_ labels: [UInt8]) -> [UInt8] {
    bigEndian(0x801) + bigEndian(UInt32(labels.count)) + labels
}

/// The ``MNISTError`` that `body` throws; records an issue (and throws) if it succeeds or
/// throws something else.
private func expectFailure(_ body: () throws -> MNIST, sourceLocation: SourceLocation = #_sourceLocation) throws -> MNISTError {
    let error = #expect(throws: MNISTError.self, sourceLocation: sourceLocation) { try body() }
    return try #require(error, sourceLocation: sourceLocation)
}

/// A fresh directory under the system's temporary directory, removed when the value goes away.
private final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("neuromesh-mnist-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }
}
