import Foundation
import Testing

@testable import NeuromeshCLI

/// Collects what a command writes to each stream.
private final class Capture: @unchecked Sendable {
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""

    var out: String { lock.withLock { outText } }
    var err: String { lock.withLock { errText } }

    var console: Console {
        Console(
            out: { text in self.lock.withLock { self.outText += text } },
            err: { text in self.lock.withLock { self.errText += text } })
    }

    /// Runs `neuromesh ARGUMENTS` and returns the exit code.
    func run(_ arguments: [String]) -> Int32 { CLI.run(arguments: arguments, console: console) }
}

/// The shared MNIST copy, `<repo>/../shared/data/mnist`, or `nil` if it is not there.
private let sharedMNISTDirectory: String? = {
    let repo = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let directory = repo.deletingLastPathComponent().appendingPathComponent("shared/data/mnist").path
    return FileManager.default.fileExists(atPath: directory + "/t10k-labels.idx1-ubyte") ? directory : nil
}()

@Suite("neuromesh dataset")
struct DatasetCommandTests {
    @Test(arguments: [("train", 5000), ("validation", 1000), ("test", 1000)])
    func yinYangCSVHasAHeaderAndOneLinePerSample(split: String, size: Int) {
        let capture = Capture()
        #expect(capture.run(["dataset", "yinyang", "--split", split, "--csv"]) == 0)
        let lines = capture.out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "x,y,1-x,1-y,label")
        #expect(lines.count == size + 2)  // header, samples, and the empty text after the last newline
        #expect(lines.last == "")
        #expect(capture.err.isEmpty)
    }

    @Test func yinYangCSVPrintsShortestRoundTripNumbers() {
        let capture = Capture()
        #expect(capture.run(["dataset", "yinyang", "--split=test", "--csv", "--count", "1"]) == 0)
        #expect(capture.out == """
            x,y,1-x,1-y,label
            0.23409664559563403,0.4017249751828972,0.765903354404366,0.5982750248171028,2

            """)
    }

    @Test func yinYangTableEndsWithTheClassCounts() {
        let capture = Capture()
        #expect(capture.run(["dataset", "--split", "validation", "yinyang"]) == 0)
        let lines = capture.out.split(separator: "\n")
        #expect(lines.count == 1 + 1000 + 1)
        #expect(lines.first?.hasPrefix("index  x") == true)
        #expect(lines.last == "1000 samples (Yin-Yang validation, seed 41); class 0: 316, class 1: 336, class 2: 348")
    }

    @Test(arguments: [
        (["dataset", "yinyang", "--split", "training"], "--split must be one of train, validation, test"),
        (["dataset", "yinyang"], "missing required option --split"),
        (["dataset"], "missing dataset name"),
        (["dataset", "cifar", "--split", "train"], "unknown dataset 'cifar'"),
        (["dataset", "yinyang", "--split", "test", "--count", "-3"], "--count must be a non-negative integer"),
        (["dataset", "yinyang", "--split", "test", "--data-dir", "/tmp"], "--data-dir applies only to mnist"),
        (["dataset", "yinyang", "--split", "test", "--bogus"], "unknown option --bogus"),
        (["dataset", "mnist", "--split", "train"], "missing required option --data-dir"),
        (["dataset", "mnist", "--data-dir", "/tmp", "--split", "validation"], "--split must be one of train, test"),
        (["dataset", "mnist", "--data-dir", "/tmp", "--split", "test", "--csv"], "--csv applies only to yinyang"),
    ])
    func wrongArgumentsExitWith2(arguments: [String], fragment: String) {
        let capture = Capture()
        #expect(capture.run(arguments) == 2)
        #expect(capture.out.isEmpty)
        #expect(capture.err.contains(fragment), "\(capture.err)")
    }

    @Test func missingMNISTFilesExitWith1NamingTheFile() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("neuromesh-cli-\(UUID().uuidString)").path
        let capture = Capture()
        #expect(capture.run(["dataset", "mnist", "--data-dir", directory, "--split", "test"]) == 1)
        #expect(capture.err.contains(directory))
        #expect(capture.err.contains("no such file"))
    }

    @Test(.enabled(if: sharedMNISTDirectory != nil, "needs the MNIST files at <repo>/../shared/data/mnist"))
    func mnistPrintsTheClassCounts() throws {
        let capture = Capture()
        let directory = try #require(sharedMNISTDirectory)
        #expect(capture.run(["dataset", "mnist", "--data-dir", directory, "--split", "test"]) == 0)
        let lines = capture.out.split(separator: "\n")
        #expect(lines.first == "MNIST test: 10000 images of 28×28")
        #expect(lines.contains("    1   1135"))
        #expect(lines.last == "total  10000")

        let first = Capture()
        #expect(first.run(["dataset", "mnist", "--data-dir", directory, "--split", "train", "--count", "2"]) == 0)
        #expect(first.out.contains("first 2 of 60000 images"))
        #expect(first.out.contains("    5      1\n"))
        #expect(first.out.contains("    0      1\n"))
    }

    @Test func helpDescribesBothDatasets() {
        let capture = Capture()
        #expect(capture.run(["dataset", "--help"]) == 0)
        #expect(capture.out.contains("neuromesh dataset yinyang --split train|validation|test"))
        #expect(capture.out.contains("neuromesh dataset mnist --data-dir DIR --split train|test"))
    }
}
