import Foundation
import StrictJSON
import Testing

@testable import NeuromeshCLI
@testable import SpikingModel
@testable import Training

@Suite("neuromesh train")
struct TrainCommandTests {
    @Test func trainsSavesAndReportsJSON() throws {
        let directory = temporaryDirectory()
        let model = directory + "/model.json"
        let result = runCLI(["train", "--dataset", "yinyang", "--epochs", "1", "--hidden", "40", "--threads", "2", "--save", model, "--json"])
        #expect(result.code == 0, "\(result.err)")
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == 2)
        guard case .object(let epoch) = try JSONParser.parse(String(lines[0])),
            case .object(let final) = try JSONParser.parse(String(lines[1]))
        else {
            Issue.record("not JSON objects: \(result.out)")
            return
        }
        #expect(epoch["epoch"] == 1)
        guard case .number(let accuracy) = final["test_accuracy"] else {
            Issue.record("no test_accuracy")
            return
        }
        #expect(accuracy > 0.34 && accuracy <= 1, "one epoch should beat chance (1/3): \(accuracy)")
        // Samples without any output spike are counted (errors, among the 1000 test samples).
        guard case .number(let silent) = final["test_no_output_spike"] else {
            Issue.record("no test_no_output_spike: \(result.out)")
            return
        }
        #expect(silent >= 0 && silent <= 1000 * (1 - accuracy) && silent == silent.rounded())
        #expect(epoch["test_no_output_spike"] == final["test_no_output_spike"])
        #expect(final["test_accuracy_paper_rule"] == nil && epoch["test_accuracy_paper_rule"] == nil)
        let network = try NetworkFile.load(model)
        #expect(network.populations.map(\.size) == [5, 40, 3])
    }

    @Test func sameSeedSameModelBytesWithOneAndTwoThreads() throws {
        let directory = temporaryDirectory()
        for threads in ["1", "2"] {
            #expect(runCLI(["train", "--dataset", "yinyang", "--epochs", "1", "--hidden", "8", "--seed", "5", "--threads", threads, "--save", directory + "/m\(threads).json"]).code == 0)
        }
        let one = try Data(contentsOf: URL(fileURLWithPath: directory + "/m1.json"))
        let two = try Data(contentsOf: URL(fileURLWithPath: directory + "/m2.json"))
        #expect(one == two)
    }

    /// On the chip too: the same seed gives the same model bytes with 1 and 2 threads, and each
    /// epoch reports energy and messages per sample by phase.
    @Test func trainingOnTheChipIsDeterministicAndReportsCosts() throws {
        let directory = temporaryDirectory()
        var outputs: [String] = []
        for threads in ["1", "2"] {
            let result = runCLI([
                "train", "--dataset", "yinyang", "--epochs", "1", "--hidden", "16", "--seed", "3", "--threads", threads,
                "--chip", chip("loihi.json"), "--save", directory + "/c\(threads).json", "--json",
            ])
            #expect(result.code == 0, "\(result.err)")
            outputs.append(result.out)
        }
        let one = try Data(contentsOf: URL(fileURLWithPath: directory + "/c1.json"))
        let two = try Data(contentsOf: URL(fileURLWithPath: directory + "/c2.json"))
        #expect(one == two)
        guard case .object(let epoch) = try JSONParser.parse(String(outputs[0].split(separator: "\n")[0])),
            case .object(let energy) = epoch["energy_j_per_sample"]
        else {
            Issue.record("no per-sample energy: \(outputs[0])")
            return
        }
        for phase in ["forward", "backward", "update"] {
            guard case .number(let joules) = energy[phase] else {
                Issue.record("no \(phase) energy")
                continue
            }
            #expect(joules > 0)
        }
        #expect(epoch["messages_per_sample"] != nil)
    }

    /// The epoch lines say once, not every epoch, which operations the chip file prices at no
    /// energy (the Loihi-like chip leaves several unpriced).
    @Test func epochLinesNameTheUnpricedOperationsOnce() {
        let result = runCLI([
            "train", "--dataset", "yinyang", "--epochs", "2", "--hidden", "6", "--batch", "500", "--chip", chip("loihi.json"),
        ])
        #expect(result.code == 0, "\(result.err)")
        let epochs = result.out.split(separator: "\n").filter { $0.hasPrefix("  epoch ") }
        #expect(epochs.count == 2)
        #expect(epochs.first?.contains("energy of priced operations only; no energy in the chip file for ") == true, "\(result.out)")
        #expect(epochs.last?.contains("priced operations only") == false, "\(result.out)")
    }

    @Test func wrongArgumentsAreUsageErrors() {
        #expect(runCLI(["train"]).code == 2)
        #expect(runCLI(["train", "--dataset", "cifar"]).code == 2)
        #expect(runCLI(["train", "--dataset", "yinyang", "--lr", "-1"]).code == 2)
        #expect(runCLI(["train", "--dataset", "yinyang", "--epochs", "0"]).code == 2)
        #expect(runCLI(["train", "--help"]).out.contains("Usage: neuromesh train"))
    }
}

@Suite("neuromesh run --dataset")
struct RunDatasetTests {
    /// A trained model evaluated on the chip: the accuracy equals the functional reference's, and
    /// the summary does not depend on the thread count.
    @Test func accuracyOnTheChipMatchesTheReference() throws {
        let directory = temporaryDirectory()
        let model = directory + "/model.json"
        #expect(runCLI(["train", "--dataset", "yinyang", "--epochs", "1", "--hidden", "40", "--save", model]).code == 0)
        var summaries: [JSONObject] = []
        for threads in ["1", "2"] {
            let result = runCLI(["run", "--chip", chip("loihi.json"), "--network", model, "--dataset", "yinyang", "--samples", "60", "--threads", threads, "--json"])
            #expect(result.code == 0, "\(result.err)")
            guard case .object(let summary) = try JSONParser.parse(result.out) else { return }
            summaries.append(summary)
        }
        #expect(summaries.count == 2 && summaries[0] == summaries[1])
        // The same samples through the functional reference.
        let network = try NetworkFile.load(model)
        var simulator = ReferenceSimulator(network: network)
        var correct = 0, silent = 0
        for sample in YinYang.generate(split: .test).prefix(60) {
            simulator.forward(InputSpikes(times: YinYangEncoding().spikeTimes(for: sample), label: sample.label))
            let prediction = simulator.evaluate(.timeToFirstSpike(), label: sample.label).prediction
            if prediction == sample.label { correct += 1 }
            if prediction == nil { silent += 1 }
        }
        #expect(summaries.first?["accuracy"] == .number(Double(correct) / 60))
        #expect(summaries.first?["no_output_spike"] == .number(Double(silent)))
        #expect(summaries.first?["accuracy_paper_rule"] == nil)
        #expect(summaries.first?["exact"] == true)
    }
}

@Suite("neuromesh train --checkpoint / --resume")
struct CheckpointTests {
    /// Two epochs in one go and one epoch + a resumed second epoch give the same model bytes.
    @Test func anInterruptedRunResumesExactly() throws {
        let directory = temporaryDirectory()
        let common = ["train", "--dataset", "yinyang", "--hidden", "12", "--seed", "4", "--batch", "64"]
        #expect(runCLI(common + ["--epochs", "2", "--save", directory + "/straight.json"]).code == 0)
        #expect(runCLI(common + ["--epochs", "1", "--checkpoint", directory + "/ck"]).code == 0)
        let resumed = runCLI(common + ["--epochs", "2", "--checkpoint", directory + "/ck", "--resume", "--save", directory + "/resumed.json"])
        #expect(resumed.code == 0, "\(resumed.err)")
        #expect(resumed.out.contains("Resuming from"))
        let a = try Data(contentsOf: URL(fileURLWithPath: directory + "/straight.json"))
        let b = try Data(contentsOf: URL(fileURLWithPath: directory + "/resumed.json"))
        #expect(a == b)
        // Other settings are refused rather than mixed.
        let mismatch = runCLI(["train", "--dataset", "yinyang", "--hidden", "12", "--seed", "5", "--batch", "64", "--epochs", "3", "--checkpoint", directory + "/ck", "--resume"])
        #expect(mismatch.code == 1)
        #expect(mismatch.err.contains("other settings"))
        #expect(runCLI(["train", "--dataset", "yinyang", "--resume"]).code == 2)
    }

    /// `--save` may name a file in the `--checkpoint` directory that the run itself creates; a
    /// missing directory anywhere else is still refused before training.
    @Test func saveIntoTheCheckpointDirectoryItCreates() throws {
        let directory = temporaryDirectory()
        let common = ["train", "--dataset", "yinyang", "--hidden", "6", "--seed", "2", "--batch", "500", "--epochs", "1"]
        let result = runCLI(common + ["--checkpoint", directory + "/new/ck", "--save", directory + "/new/ck/model.json"])
        #expect(result.code == 0, "\(result.err)")
        #expect(FileManager.default.fileExists(atPath: directory + "/new/ck/model.json"))
        #expect(FileManager.default.fileExists(atPath: directory + "/new/ck/checkpoint.json"))
        let elsewhere = runCLI(common + ["--checkpoint", directory + "/other", "--save", directory + "/missing/model.json"])
        #expect(elsewhere.code == 1)
        #expect(elsewhere.err.contains("the directory \(directory)/missing does not exist"), "\(elsewhere.err)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/other"))
    }

    /// When standard output fails (a full disk), training stops after the epoch it could not
    /// report, keeps that epoch's checkpoint and does not write the unfinished model as the result.
    @Test func aFailedStandardOutputStopsTrainingAfterThatEpoch() throws {
        let directory = temporaryDirectory()
        let arguments = [
            "train", "--dataset", "yinyang", "--hidden", "6", "--seed", "2", "--batch", "500", "--epochs", "3",
            "--checkpoint", directory + "/ck", "--save", directory + "/model.json",
        ]
        // Writes: the header line, then the first epoch's line.
        let result = runCLI(arguments, failingAfter: 2)
        #expect(result.code == 1)
        #expect(result.err.contains("standard output failed, so training stopped after epoch 1 of 3"), "\(result.err)")
        #expect(result.err.contains("\(directory)/ck/checkpoint.json holds that epoch"), "\(result.err)")
        #expect(result.out.split(separator: "\n").filter { $0.hasPrefix("  epoch ") }.count == 1, "\(result.out)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/model.json"))
        // The checkpoint is the first epoch's: resuming it finishes the run.
        let resumed = runCLI(arguments + ["--resume"])
        #expect(resumed.code == 0, "\(resumed.err)")
        #expect(resumed.out.split(separator: "\n").filter { $0.hasPrefix("  epoch ") }.map { $0.prefix(10) } == ["  epoch 2:", "  epoch 3:"], "\(resumed.out)")
        #expect(FileManager.default.fileExists(atPath: directory + "/model.json"))
    }

    @Test func aDamagedCheckpointNamesTheFileAndPath() throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/ck", withIntermediateDirectories: true)
        write(#"{"format": "neuromesh-checkpoint/1", "settings": 3}"#, to: directory + "/ck/checkpoint.json")
        let result = runCLI(["train", "--dataset", "yinyang", "--hidden", "8", "--epochs", "1", "--checkpoint", directory + "/ck", "--resume"])
        #expect(result.code == 1)
        #expect(result.err.contains("checkpoint.json: /settings"))
    }
}
