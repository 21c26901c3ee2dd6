// Outputs never overwrite inputs; sizes that cannot work are refused before any work.

import Foundation
import Testing

@testable import NeuromeshCLI
@testable import Training

private func contents(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

@Suite("Outputs that would overwrite an input")
struct OutputSafetyTests {
    /// `train --save` naming the chip file (directly, through `..`, or through a symbolic link),
    /// the placement file or the checkpoint is refused, and the file is unchanged.
    @Test func trainSaveOverAnInputIsRefused() throws {
        let directory = temporaryDirectory()
        let chipCopy = directory + "/chip.json"
        try FileManager.default.copyItem(atPath: chip("loihi.json"), toPath: chipCopy)
        try FileManager.default.createSymbolicLink(atPath: directory + "/link.json", withDestinationPath: chipCopy)
        let original = contents(chipCopy)
        let train = ["train", "--dataset", "yinyang", "--epochs", "1", "--hidden", "4"]
        expectError(train + ["--chip", chipCopy, "--save", chipCopy], code: 2, "--save \(chipCopy) is the same file as --chip \(chipCopy)")
        expectError(train + ["--chip", directory + "/link.json", "--save", directory + "/../" + (directory as NSString).lastPathComponent + "/chip.json"], code: 2,
                    "is the same file as --chip \(directory)/link.json")
        #expect(contents(chipCopy) == original)

        let placement = directory + "/placement.json"
        write("{}", to: placement)  // (refused before it is read)
        expectError(train + ["--chip", chipCopy, "--placement", placement, "--save", placement], code: 2, "is the same file as --placement \(placement)")
        #expect(contents(placement) == Data("{}".utf8))

        let checkpoint = directory + "/ck"
        try FileManager.default.createDirectory(atPath: checkpoint, withIntermediateDirectories: false)
        expectError(train + ["--checkpoint", checkpoint, "--save", checkpoint + "/checkpoint.json"], code: 2,
                    "--save \(checkpoint)/checkpoint.json is the same file as the checkpoint \(checkpoint)/checkpoint.json")
    }

    /// `run --csv DIR` where one of the four files it writes is the network or the input.
    /// An output path that is a symbolic link leading nowhere (a loop) is refused before any
    /// work, and the link stays.
    @Test func anOutputLinkThatCannotBeFollowedIsRefused() throws {
        let directory = temporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: directory + "/a.json", withDestinationPath: "b.json")
        try FileManager.default.createSymbolicLink(atPath: directory + "/b.json", withDestinationPath: "a.json")
        expectError(["init-network", "--sizes", "2,2", "--out", directory + "/a.json"], code: 1,
            "cannot write \(directory)/a.json (--out): \(directory)/a.json is a symbolic link that cannot be followed (")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory + "/a.json") == "b.json")
    }

    @Test func runCSVOverAnInputIsRefused() {
        let directory = temporaryDirectory()
        let network = directory + "/spikes.csv"
        #expect(runCLI(["init-network", "--sizes", "5,4,3", "--out", network]).code == 0)
        let original = contents(network)
        expectError(["run", "--chip", chip("tiny.json"), "--network", network, "--yinyang", "0", "--csv", directory], code: 2,
                    "--csv \(directory) (its spikes.csv) is the same file as --network \(network)")
        #expect(contents(network) == original)
        let input = directory + "/totals.csv"
        write(#"{"format": "neuromesh-input/1", "spikes": [[0.001], [0.002], [0.003], [0.004], [0]]}"#, to: input)
        expectError(["run", "--chip", chip("tiny.json"), "--network", network, "--input", input, "--csv", directory + "/."], code: 2,
                    "is the same file as --input \(input)")
        // Elsewhere the four files are written.
        #expect(runCLI(["run", "--chip", chip("tiny.json"), "--network", network, "--input", input, "--csv", directory + "/out"]).code == 0)
        #expect(EmulationCSV.fileNames.allSatisfy { FileManager.default.fileExists(atPath: directory + "/out/" + $0) })
    }
}

@Suite("Sizes and values refused before any work")
struct RefusedBeforeWorkTests {
    @Test func aBatchLargerThanTheTrainingSplitIsAnArgumentError() {
        expectError(["train", "--dataset", "yinyang", "--batch", "5001"], code: 2, "--batch must be an integer in 1...5000, got '5001'")
    }

    /// Per-sample gradient rows that cannot fit in half the machine's memory: refused with the
    /// size, not an abort while allocating. (Skipped on machines with more than 59 GiB, where
    /// this size would start training.)
    @Test func gradientRowsLargerThanMemoryAreRefused() throws {
        let needed = 5000.0 * 800_000 * 8
        try #require(Double(ProcessInfo.processInfo.physicalMemory) / 2 < needed)
        expectError(["train", "--dataset", "yinyang", "--batch", "5000", "--hidden", "100000"], code: 1,
                    "--batch 5000 with --hidden 100000 needs 29.8 GiB for the batch's per-sample gradients (batch × 800000 synapses × 8 bytes)")
    }

    @Test func anEmptyDataDirectoryPathIsAnArgumentError() {
        let network = temporaryDirectory() + "/mnist.json"
        #expect(runCLI(["init-network", "--sizes", "784,4,10", "--output", "li", "--out", network]).code == 0)
        expectError(["run", "--chip", chip("loihi.json"), "--network", network, "--dataset", "mnist", "--data-dir", ""], code: 2, "--data-dir needs a directory path, got ''")
        expectError(["dataset", "mnist", "--split", "test", "--data-dir", ""], code: 2, "--data-dir needs a directory path, got ''")
        expectError(["run", "--chip", chip("loihi.json"), "--network", network, "--dataset", "mnist", "--data-dir", network], code: 1,
                    "--data-dir \(network): is a file, not a directory")
    }

    /// An IDX pair whose header counts no images: nothing to run (it trapped on `--samples`).
    @Test func anEmptyMNISTFileIsRefused() {
        let directory = temporaryDirectory()
        let zero: [UInt8] = [0, 0, 0, 0]
        _ = FileManager.default.createFile(atPath: directory + "/t10k-images.idx3-ubyte", contents: Data([0, 0, 8, 3] + zero + [0, 0, 0, 28, 0, 0, 0, 28]))
        _ = FileManager.default.createFile(atPath: directory + "/t10k-labels.idx1-ubyte", contents: Data([0, 0, 8, 1] + zero))
        let network = directory + "/mnist.json"
        #expect(runCLI(["init-network", "--sizes", "784,4,10", "--output", "li", "--out", network]).code == 0)
        for extra in [[], ["--samples", "1"]] {
            expectError(["run", "--chip", chip("loihi.json"), "--network", network, "--dataset", "mnist", "--data-dir", directory] + extra, code: 1,
                        "\(directory)/t10k-images.idx3-ubyte: contains no images")
        }
    }

    /// A checkpoint's learning rate is a setting: one that --lr and --lr-decay do not give after
    /// its epochs (an edited file) is refused; the true one resumes.
    @Test func anEditedCheckpointLearningRateIsRefused() throws {
        let directory = temporaryDirectory() + "/ck"
        let common = ["train", "--dataset", "yinyang", "--hidden", "6", "--checkpoint", directory]
        #expect(runCLI(common + ["--epochs", "2"]).code == 0)
        let path = directory + "/checkpoint.json"
        let text = try #require(contents(path).map { String(decoding: $0, as: UTF8.self) })
        let rate = 0.005 * 0.95 * 0.95
        #expect(text.contains("\"learning_rate\":\(rate),"))
        write(text.replacingOccurrences(of: "\"learning_rate\":\(rate),", with: "\"learning_rate\":1e300,"), to: path)
        expectError(common + ["--epochs", "3", "--resume"], code: 1,
                    "checkpoint.json: /learning_rate: 1e+300 is not the rate after 2 epochs of --lr 0.005 × --lr-decay 0.95 per epoch (\(rate))")
        write(text, to: path)
        #expect(runCLI(common + ["--epochs", "3", "--resume"]).code == 0)
    }

    /// So is its optimizer step count (Adam's bias correction): one step per batch of every epoch.
    @Test func anEditedCheckpointStepCountIsRefused() throws {
        let directory = temporaryDirectory() + "/ck"
        let common = ["train", "--dataset", "yinyang", "--hidden", "6", "--batch", "1000", "--checkpoint", directory]
        #expect(runCLI(common + ["--epochs", "2"]).code == 0)
        let path = directory + "/checkpoint.json"
        let text = try #require(contents(path).map { String(decoding: $0, as: UTF8.self) })
        #expect(text.contains("\"optimizer_step\":10,"))
        write(text.replacingOccurrences(of: "\"optimizer_step\":10,", with: "\"optimizer_step\":3,"), to: path)
        expectError(common + ["--epochs", "3", "--resume"], code: 1, "checkpoint.json: /optimizer_step: 3 is not the step count after 2 epochs of batch 1000 (10)")
        write(text, to: path)
        #expect(runCLI(common + ["--epochs", "3", "--resume"]).code == 0)
    }
}
