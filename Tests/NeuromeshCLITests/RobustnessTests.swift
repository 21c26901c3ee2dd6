// Bad arguments and bad files are reported with a message and exit code, never a trap, a silent
// default or a silently accepted invalid value.

import Foundation
import StrictJSON
import Testing

@testable import NeuromeshCLI
@testable import SpikingModel
@testable import Training

@Suite("neuromesh init-network: list arguments")
struct InitNetworkListTests {
    @Test(arguments: ["", ",", "1:1,", ",1:1", "1:1,,0.5:0.1"])
    func anEmptyInitItemIsAnArgumentError(text: String) {
        expectError(["init-network", "--sizes", "2,2", "--init", text], code: 2, "--init expects")
    }

    @Test(arguments: ["5,,3", "5,3,", ",5,3", "5"])
    func anEmptyOrMissingSizeIsAnArgumentError(text: String) {
        expectError(["init-network", "--sizes", text], code: 2, "--sizes must be at least two integers")
    }

    @Test(arguments: [":1:2", "1::2", "1:2:", "1:", ":1", "1:2:3"])
    func aPairNeedsExactlyTwoNumbers(text: String) {
        expectError(["init-network", "--sizes", "2,2", "--init", text], code: 2, "--init expects NUMBER:NUMBER, got '\(text)'")
        expectError(["init-network", "--sizes", "2,2", "--recurrent", text], code: 2, "--recurrent expects NUMBER:NUMBER")
        expectError(["init-network", "--sizes", "2,2", "--delays", text], code: 2, "--delays expects NUMBER:NUMBER")
    }

    @Test func aNegativeRecurrentStandardDeviationIsRejected() {
        expectError(["init-network", "--sizes", "2,3,2", "--recurrent", "1:-1"], code: 2, "--recurrent: the standard deviation must not be negative")
        #expect(runCLI(["init-network", "--sizes", "2,3,2", "--recurrent", "1:0", "--delays", "0.001:0.002"]).code == 0)
    }
}

@Suite("neuromesh: option values and repeated options")
struct OptionValueTests {
    @Test(arguments: ["1e308", "1000001", "0"])
    func spikesPerNeuronIsBounded(text: String) {
        let directory = temporaryDirectory()
        let network = networkFile([3, 4, 2], in: directory)
        expectError(["map", "--chip", chip("tiny.json"), "--network", network, "--spikes-per-neuron", text, "--learning", "adam"], code: 2, "--spikes-per-neuron must be a number in (0, 1000000]")
    }

    @Test func spikesPerNeuronAtTheBoundIsAccepted() {
        let directory = temporaryDirectory()
        let network = networkFile([3, 4, 2], in: directory)
        let result = runCLI(["map", "--chip", chip("tiny.json"), "--network", network, "--spikes-per-neuron", "1e6", "--learning", "adam"])
        #expect(result.code == 0 || result.code == 1, "\(result.err)")  // 1: the spike log may not fit
    }

    @Test func datasetCountBeyondTheSplitIsRejected() {
        expectError(["dataset", "yinyang", "--split", "test", "--count", "1001"], code: 2, "--count must be an integer in 0...1000")
        #expect(runCLI(["dataset", "yinyang", "--split", "test", "--count", "1000", "--csv"]).code == 0)
    }

    @Test(arguments: [
        ["dataset", "yinyang", "--split", "test", "--csv", "--csv"],
        ["map", "--json", "--json", "--chip", "a", "--network", "b"],
    ])
    func aRepeatedFlagIsNamed(arguments: [String]) {
        expectError(arguments, code: 2, "is given more than once")
    }

    @Test func aRepeatedOptionIsNamedInEitherForm() {
        for repeated in [["--learning=adam", "--learning=sgd"], ["--learning=adam", "--learning", "sgd"], ["--learning", "adam", "--learning=sgd"]] {
            expectError(["map", "--chip", "a", "--network", "b"] + repeated, code: 2, "option --learning is given more than once")
        }
    }

    @Test func aFlagWithAValueIsAnError() {
        expectError(["dataset", "yinyang", "--split", "test", "--csv=yes"], code: 2, "option --csv takes no value")
    }
}

@Suite("neuromesh train: argument checks")
struct TrainArgumentTests {
    @Test func placementOptionsNeedAChip() {
        expectError(["train", "--dataset", "yinyang", "--placement", "/no/such/placement.json"], code: 2, "--placement needs --chip")
        expectError(["train", "--dataset", "yinyang", "--strategy", "spread"], code: 2, "--strategy needs --chip")
    }

    @Test(arguments: ["0.001", "0.03"])
    func aTrialShorterThanTheInputEncodingIsRejected(text: String) {
        expectError(["train", "--dataset", "yinyang", "--duration-s", text], code: 2, "--duration-s must be a number of seconds greater than \(YinYangEncoding().tMax)")
    }

    @Test func anEmptyOutputPathIsAnArgumentError() {
        expectError(["train", "--dataset", "yinyang", "--save", ""], code: 2, "--save needs a file path")
        expectError(["train", "--dataset", "yinyang", "--checkpoint", ""], code: 2, "--checkpoint needs a directory path")
        expectError(["init-network", "--sizes", "2,2", "--out", ""], code: 2, "--out needs a file path")
    }

    /// Unwritable destinations fail before training starts (exit 1 at once, no epoch printed),
    /// and the message says why in words.
    @Test func unwritableDestinationsFailBeforeTraining() {
        let directory = temporaryDirectory()
        let missing = directory + "/missing/model.json"
        let result = runCLI(["train", "--dataset", "yinyang", "--hidden", "4", "--epochs", "1", "--save", missing])
        #expect(result.code == 1)
        #expect(result.err.contains("cannot write \(missing) (--save): the directory \(directory)/missing does not exist"), "\(result.err)")
        #expect(!result.out.contains("epoch"))
        expectError(["train", "--dataset", "yinyang", "--save", directory], code: 1, "\(directory) is a directory")
        write("x", to: directory + "/file")
        expectError(["train", "--dataset", "yinyang", "--checkpoint", directory + "/file"], code: 1, "--checkpoint \(directory)/file is not a directory")
        expectError(["train", "--dataset", "yinyang", "--checkpoint", directory + "/file/ck"], code: 1, "\(directory)/file is not a directory")
        // Nothing was created on the way.
        #expect(!FileManager.default.fileExists(atPath: directory + "/missing"))
    }

    @Test func initNetworkWriteErrorsAreInWords() {
        let directory = temporaryDirectory()
        expectError(["init-network", "--sizes", "2,2", "--out", directory], code: 1, "cannot write \(directory) (--out): \(directory) is a directory")
        expectError(["init-network", "--sizes", "2,2", "--out", directory + "/no/net.json"], code: 1, "the directory \(directory)/no does not exist")
    }

    /// A write that fails anyway (the check passed, then the directory vanished) is explained too.
    @Test func aFailedWriteIsExplainedWithoutFoundationCodes() {
        let directory = temporaryDirectory()
        let path = directory + "/gone/x.json"
        do {
            try JSONFile.writeAtomically("{}", to: path)
            Issue.record("the write succeeded")
        } catch {
            let message = OutputPath.writeFailure(path, error).message
            #expect(message == "cannot write \(path): the directory \(directory)/gone does not exist")
            #expect(!message.contains("NSCocoaErrorDomain"))
        }
    }
}

/// A checkpoint directory for `train --hidden HIDDEN` (reference, other options at defaults)
/// holding `network` with a zero Adam state after `epoch` epochs.
private func checkpointDirectory(_ network: Network, hidden: Int, epoch: Int = 1, duration: Double = 0.05) -> String {
    let directory = temporaryDirectory() + "/ck"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let settings = "yinyang hidden=\(hidden) duration=\(duration) batch=32 lr=0.005 decay=0.95 seed=0 chip=reference"
    var optimizer = Optimizer(kind: .paperAdam, shapes: network.projections.map(\.synapseCount))
    // The step count and the rate after `epoch` epochs of batch 32, as the trainer leaves them (a
    // resumed run checks both).
    optimizer.step = epoch * 157
    var rate = 0.005
    for _ in 0..<epoch { rate *= 0.95 }
    try? Checkpoint(network: network, optimizer: optimizer, epoch: epoch, learningRate: rate, settings: settings).save(to: directory + "/checkpoint.json")
    return directory
}

private func layered(_ sizes: [Int], output: NeuronKind = .lif, duration: Double = 0.05) -> Network {
    NetworkBuilder.layered(
        sizes: sizes, output: output, inits: [WeightInit(mean: 1.5, std: 0.78), WeightInit(mean: 0.93, std: 0.1)], duration: duration, seed: 0)
}

@Suite("neuromesh train --resume: checkpoint checks")
struct ResumeCheckTests {
    @Test func aCheckpointWithAnotherNetworkIsRefused() {
        for network in [layered([2, 3, 2]), layered([5, 12, 3])] {
            let directory = checkpointDirectory(network, hidden: 10)
            expectError(
                ["train", "--dataset", "yinyang", "--hidden", "10", "--epochs", "2", "--checkpoint", directory, "--resume"], code: 1,
                "\(directory)/checkpoint.json cannot be resumed by this run: its network has populations")
        }
    }

    @Test func aCheckpointWithReadoutOutputsIsRefused() {
        let directory = checkpointDirectory(layered([5, 10, 3], output: .li), hidden: 10)
        expectError(["train", "--dataset", "yinyang", "--hidden", "10", "--epochs", "2", "--checkpoint", directory, "--resume"], code: 1, "is li (non-spiking readouts)")
    }

    @Test func aCheckpointWithAnotherDurationIsRefused() {
        let directory = checkpointDirectory(layered([5, 10, 3], duration: 0.07), hidden: 10)
        expectError(["train", "--dataset", "yinyang", "--hidden", "10", "--epochs", "2", "--checkpoint", directory, "--resume"], code: 1, "its network's duration_s is 0.07; this run's is 0.05")
    }

    @Test func aCorruptOptimizerStateIsRefusedWithThePath() throws {
        let directory = checkpointDirectory(layered([5, 10, 3]), hidden: 10)
        let path = directory + "/checkpoint.json"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        // The second projection's second moments are the last zeros before "network".
        let marker = "]],\"network\""
        let range = try #require(text.range(of: marker))
        text.replaceSubrange(range, with: ",-1" + marker)
        text = text.replacingOccurrences(of: "0,0,-1" + marker, with: "0,-1" + marker)
        write(text, to: path)
        expectError(["train", "--dataset", "yinyang", "--hidden", "10", "--epochs", "2", "--checkpoint", directory, "--resume"], code: 1, "checkpoint.json: /optimizer_second/1/29: -1")
    }

    @Test func resumingWithoutACheckpointIsAnError() {
        let directory = temporaryDirectory() + "/empty"
        expectError(["train", "--dataset", "yinyang", "--hidden", "4", "--epochs", "1", "--checkpoint", directory, "--resume"], code: 1, "there is no checkpoint to resume from")
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func aCheckpointBeyondTheRequestedEpochsIsAnError() {
        let directory = checkpointDirectory(layered([5, 4, 3]), hidden: 4, epoch: 5)
        expectError(["train", "--dataset", "yinyang", "--hidden", "4", "--epochs", "2", "--checkpoint", directory, "--resume"], code: 1, "has already completed 5 epochs, more than --epochs 2")
        // Exactly the requested epochs: nothing to train, said so, and the network is evaluated.
        let finished = runCLI(["train", "--dataset", "yinyang", "--hidden", "4", "--epochs", "5", "--checkpoint", directory, "--resume", "--json"])
        #expect(finished.code == 0, "\(finished.err)")
        #expect(finished.err.contains("has already completed all 5 epochs; nothing to train"))
        #expect(finished.out.contains("\"final\":true"))
    }
}

@Suite("neuromesh run --csv")
struct RunCSVTests {
    /// A CSV set that cannot be written completely is not written at all: the files already in
    /// the directory stay as they were.
    @Test func aFileThatCannotBeWrittenLeavesTheOthersUntouched() throws {
        let directory = temporaryDirectory() + "/csv"
        try FileManager.default.createDirectory(atPath: directory + "/spikes.csv", withIntermediateDirectories: true)
        write("old", to: directory + "/cores.csv")
        let network = temporaryDirectory() + "/net.json"
        #expect(runCLI(["init-network", "--sizes", "5,5,3", "--seed", "2", "--out", network]).code == 0)
        expectError(["run", "--chip", chip("tiny.json"), "--network", network, "--yinyang", "0", "--csv", directory], code: 1, "spikes.csv is a directory; no CSV file was written")
        #expect(try String(contentsOfFile: directory + "/cores.csv", encoding: .utf8) == "old")
        expectError(["run", "--chip", chip("tiny.json"), "--network", network, "--yinyang", "0", "--csv", network + "/sub"], code: 1, "is not a directory")
    }
}

@Suite("neuromesh grad: overflowing losses")
struct GradOverflowTests {
    /// Loss parameters that push the loss beyond double precision are an error, not `inf`.
    @Test func anOverflowingLossIsAnError() {
        let network = temporaryDirectory() + "/net.json"
        #expect(runCLI(["init-network", "--sizes", "5,8,3", "--seed", "1", "--init", "yinyang", "--out", network]).code == 0)
        #expect(runCLI(["grad", "--network", network, "--yinyang", "0", "--loss", "ttfs"]).code == 0)
        expectError(["grad", "--network", network, "--yinyang", "0", "--loss", "ttfs", "--tau1", "1e-300"], code: 1, "overflowed")
        expectError(["grad", "--network", network, "--yinyang", "0", "--loss", "ttfs", "--alpha", "1e308"], code: 1, "\(network): the ttfs loss or its gradient overflowed")
    }
}

@Suite("Results that differ from the reference say so")
struct InexactResultTests {
    /// A lossy chip: `grad --chip` marks the gradients inexact and counts the lost packets.
    @Test func gradOnALossyChipIsMarkedInexact() throws {
        let directory = temporaryDirectory()
        let tiny = try String(contentsOfFile: chip("tiny.json"), encoding: .utf8)
        let lossy = tiny.replacingOccurrences(of: "\"buffer_depth_packets\": 4", with: "\"buffer_depth_packets\": 1")
            .replacingOccurrences(of: "\"queue_policy\": \"lossless\"", with: "\"queue_policy\": \"lossy\"")
        #expect(lossy.contains("\"lossy\"") && lossy.contains("\"buffer_depth_packets\": 1"))
        write(lossy, to: directory + "/lossy.json")
        let network = directory + "/net.json"
        #expect(runCLI(["init-network", "--sizes", "5,20,3", "--seed", "1", "--out", network]).code == 0)
        let result = runCLI(["grad", "--chip", directory + "/lossy.json", "--strategy", "spread", "--network", network, "--yinyang", "0", "--loss", "ttfs", "--json"])
        #expect(result.code == 0, "\(result.err)")
        guard case .object(let report) = try JSONParser.parse(result.out), case .object(let onChip)? = report["backward_on_chip"],
            case .number(let lost)? = onChip["packets_dropped"], case .bool(let exact)? = onChip["exact"]
        else {
            Issue.record("no backward_on_chip.packets_dropped / exact in \(result.out.prefix(300))")
            return
        }
        #expect(lost > 0)
        #expect(!exact)
    }

    /// A network whose trial ends before the Yin-Yang inputs do is refused, as an input file
    /// with late spikes is.
    @Test func aTrialShorterThanTheYinYangInputsIsRefused() {
        let network = temporaryDirectory() + "/short.json"
        #expect(runCLI(["init-network", "--sizes", "5,4,3", "--duration-s", "0.02", "--out", network]).code == 0)
        expectError(["simulate", "--network", network, "--yinyang", "0"], code: 1, "before the Yin-Yang input spikes do")
        expectError(["run", "--chip", chip("tiny.json"), "--network", network, "--dataset", "yinyang", "--samples", "5"], code: 1, "before the Yin-Yang input spikes do")
    }

    /// Resuming on the chip needs the same chip file and placement: the trajectory depends on them.
    @Test func resumingWithAnotherPlacementIsRefused() {
        let directory = temporaryDirectory() + "/ck"
        let common = ["train", "--dataset", "yinyang", "--chip", chip("loihi.json"), "--hidden", "4", "--seed", "3", "--checkpoint", directory]
        #expect(runCLI(common + ["--epochs", "1"]).code == 0)
        expectError(common + ["--epochs", "2", "--resume", "--strategy", "spread"], code: 1, "was written with other settings")
    }
}

@Suite("Yin-Yang samples on a network with fewer outputs than classes")
struct YinYangLabelRangeTests {
    /// A train-split sample whose class (2) names no neuron of a network with 1 or 2 outputs.
    let sample = String(YinYang.generate(split: .train).firstIndex { $0.label == YinYang.classCount - 1 }!)

    @Test(arguments: [("lif", "2", "ttfs"), ("li", "1", "max-voltage"), ("li", "2", "exp-voltage")])
    func gradRefusesALabelWithoutAnOutputNeuron(kind: String, outputs: String, loss: String) {
        let directory = temporaryDirectory()
        let network = directory + "/net.json"
        #expect(runCLI(["init-network", "--sizes", "5,8,\(outputs)", "--output", kind, "--out", network]).code == 0)
        let last = Int(outputs)! - 1
        expectError(["grad", "--network", network, "--yinyang", sample, "--loss", loss], code: 1,
                    "net.json: label 2 does not name an output neuron (the output population \"output\" has \(outputs): 0...\(last))")
        expectError(["grad", "--chip", chip("tiny.json"), "--network", network, "--yinyang", sample, "--loss", loss], code: 1,
                    "label 2 does not name an output neuron")
    }

    @Test func aLossWithoutALabelStillRuns() {
        let directory = temporaryDirectory()
        let network = directory + "/net.json"
        #expect(runCLI(["init-network", "--sizes", "5,8,2", "--out", network]).code == 0)
        let result = runCLI(["grad", "--network", network, "--yinyang", sample, "--loss", "spike-time-sum"])
        #expect(result.code == 0, "\(result.err)")
    }

    @Test func runOverTheDatasetNeedsAnOutputPerClass() {
        let directory = temporaryDirectory()
        let network = directory + "/net.json"
        #expect(runCLI(["init-network", "--sizes", "5,8,2", "--out", network]).code == 0)
        expectError(["run", "--chip", chip("tiny.json"), "--network", network, "--dataset", "yinyang", "--samples", "5"], code: 1,
                    "Yin-Yang has 3 classes, but \(network)'s output population \"output\" has 2 neurons (one per class needed)")
    }
}

@Suite("neuromesh grad: input file checks")
struct GradInputTests {
    /// A label-less input file (no "label", or null) is refused naming the file.
    @Test(arguments: [#""#, #", "label": null"#])
    func aMissingLabelNamesTheInputFile(label: String) {
        let directory = temporaryDirectory()
        let network = networkFile([3, 4, 2], in: directory)
        let input = directory + "/unlabelled.json"
        write(#"{"format": "neuromesh-input/1", "spikes": [[0.001], [], [0.002]]"# + label + "}", to: input)
        expectError(["grad", "--network", network, "--input", input, "--loss", "max-voltage"], code: 1, "\(input): loss max-voltage needs a class label")
    }
}
