// Argument defects found by an adversarial sweep: values init-network wrote but no command could
// load, options with no effect, and help requests that were not (or were wrongly) recognised.
// Each is now an argument error (exit 2) naming the option, or the help it asked for.

import Foundation
import StrictJSON
import Testing

@testable import NeuromeshCLI
@testable import SpikingModel

@Suite("neuromesh init-network: writes only networks every command can load")
struct InitNetworkValidityTests {
    @Test(arguments: [
        ("tau-mem-s", "1e-300", "--tau-mem-s 1e-300 is invalid: must be between 1e-09 and 10000.0 s"),
        ("tau-mem-s", "1e5", "--tau-mem-s 1e5 is invalid: must be between 1e-09 and 10000.0 s"),
        ("tau-syn-s", "1e5", "--tau-syn-s 1e5 is invalid: must be between 1e-09 and 10000.0 s"),
        ("tau-syn-s", "1e-10", "--tau-syn-s 1e-10 is invalid: must be between 1e-09 and 10000.0 s"),
        ("duration-s", "1e5", "--duration-s 1e5 is invalid: must be greater than 0 s and at most 10000.0 s"),
        ("duration-s", "0", "--duration-s 0 is invalid: must be greater than 0 s"),
        ("threshold", "0", "--threshold 0 is invalid: must be greater than 0"),
        ("reset", "1", "--reset 1 is invalid: must be below the threshold 1.0"),
        ("reset", "-inf", "--reset must be a finite number, got '-inf'"),
        ("tau-mem-s", "abc", "--tau-mem-s must be a finite number, got 'abc'"),
    ])
    func aNeuronParameterOutsideTheNetworkRulesIsAnArgumentError(option: String, value: String, message: String) {
        let directory = temporaryDirectory()
        let out = directory + "/net.json"
        expectError(["init-network", "--sizes", "5,3", "--\(option)", value, "--out", out], code: 2, message)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func valuesAtTheRulesBoundsAreWrittenAndLoad() throws {
        let directory = temporaryDirectory()
        let out = directory + "/net.json"
        let result = runCLI([
            "init-network", "--sizes", "5,4,3", "--tau-mem-s", "1e-9", "--tau-syn-s", "1e4", "--duration-s", "1e4",
            "--threshold", "1e300", "--reset", "-1e300", "--out", out,
        ])
        #expect(result.code == 0, "\(result.err)")
        let network = try NetworkFile.load(out)
        #expect(network.populations[1].parameters.tauMem == 1e-9)
        #expect(network.populations[2].parameters.tauSyn == 1e4)
        #expect(runCLI(["validate", chip("tiny.json"), "--network", out]).code == 0)
    }

    @Test(arguments: [
        (["--sizes", "5,3", "--init", "1e308:1e308"], "--init 1e308:1e308 draws weights that are not finite numbers"),
        (["--sizes", "5,3", "--init", "0:1e308"], "--init 0:1e308 draws weights that are not finite numbers"),
        (["--sizes", "5,4,3", "--init", "1:1,1e308:1e308"], "--init item 2 (1e308:1e308) draws weights that are not finite numbers"),
        (["--sizes", "5,4,3", "--recurrent", "1e308:1e308"], "--recurrent 1e308:1e308 draws weights that are not finite numbers"),
    ])
    func weightsThatAreNotFiniteAreAnArgumentError(arguments: [String], message: String) {
        let directory = temporaryDirectory()
        let out = directory + "/net.json"
        expectError(["init-network"] + arguments + ["--out", out], code: 2, message)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func largeButFiniteWeightsAreWrittenAndLoad() throws {
        let directory = temporaryDirectory()
        let out = directory + "/net.json"
        #expect(runCLI(["init-network", "--sizes", "5,3", "--init", "1e300:1e300", "--out", out]).code == 0)
        let network = try NetworkFile.load(out)
        #expect(network.projections[0].weights.allSatisfy { $0.isFinite })
    }

    @Test func recurrentNeedsAHiddenLayer() {
        expectError(["init-network", "--sizes", "5,3", "--recurrent", "1:1"], code: 2, "--recurrent needs a hidden layer: --sizes 5,3 has none")
        #expect(runCLI(["init-network", "--sizes", "5,4,3", "--recurrent", "1:1", "--delays", "0.001:0.002"]).code == 0)
    }

    @Test func moreInitItemsThanProjectionsAreAnArgumentError() {
        expectError(["init-network", "--sizes", "5,3", "--init", "1:1,2:2,3:3"], code: 2, "--init has 3 items but the network has 1 feed-forward projection")
        // --recurrent projections take --recurrent's weights: they do not count for --init.
        expectError(
            ["init-network", "--sizes", "5,4,3", "--recurrent", "0:0.1", "--delays", "0.001:0.002", "--init", "1:1,2:2,3:3"], code: 2,
            "--init has 3 items but the network has 2 feed-forward projections")
    }

    @Test func fewerOrAsManyInitItemsAsProjectionsAreAllowed() throws {
        let directory = temporaryDirectory()
        let out = directory + "/net.json"
        #expect(runCLI(["init-network", "--sizes", "5,4,4,3", "--init", "1:0", "--out", out]).code == 0)
        // The last item repeats: every feed-forward weight is exactly 1.
        #expect(try NetworkFile.load(out).projections.allSatisfy { $0.weights.allSatisfy { $0 == 1 } })
        #expect(runCLI(["init-network", "--sizes", "5,4,3", "--init", "1:0,2:0", "--recurrent", "0:0.1", "--delays", "0.001:0.002"]).code == 0)
    }

    @Test func helpStatesTheRules() {
        let help = runCLI(["init-network", "--help"]).out
        for text in ["more are an error", "not counted", "at least three --sizes", "not a finite number", "\(Network.timeConstants.lowerBound)"] {
            #expect(help.contains(text), "\(text)")
        }
    }
}

@Suite("neuromesh map and validate: options without effect are refused")
struct OptionWithoutEffectTests {
    @Test(arguments: [[String](), ["--learning", "inference"], ["--json"]])
    func spikesPerNeuronNeedsALearningMode(extra: [String]) {
        let directory = temporaryDirectory()
        let network = networkFile([3, 4, 2], in: directory)
        expectError(
            ["map", "--chip", chip("tiny.json"), "--network", network, "--spikes-per-neuron", "3"] + extra, code: 2,
            "--spikes-per-neuron needs --learning sgd, sgd-momentum or adam")
        let learning = runCLI(["map", "--chip", chip("tiny.json"), "--network", network, "--spikes-per-neuron", "3", "--learning", "adam"])
        #expect(learning.code == 0, "\(learning.err)")
        #expect(learning.out.contains("assumes 3.0 spike(s) per neuron"))
    }

    @Test func validateLearningNeedsANetwork() {
        expectError(["validate", chip("tiny.json"), "--learning", "adam"], code: 2, "--learning needs --network")
        expectError(["validate", chip("tiny.json"), "--learning=inference"], code: 2, "--learning needs --network")
        let directory = temporaryDirectory()
        let network = networkFile([3, 4, 2], in: directory)
        #expect(runCLI(["validate", chip("tiny.json"), "--network", network, "--learning", "adam"]).code == 0)
        #expect(runCLI(["validate", "--help"]).out.contains("needs --network"))
    }
}

@Suite("neuromesh: help requests")
struct HelpRequestTests {
    @Test(arguments: ["help", "--help", "-h"])
    func helpForAnUnknownCommandIsAnArgumentError(word: String) {
        let result = runCLI([word, "bogus"])
        #expect(result.code == 2, "\(result.out)")
        #expect(result.err.contains("unknown command 'bogus'"), "\(result.err)")
        #expect(result.out.isEmpty)
    }

    @Test(arguments: ["help", "--help", "-h"])
    func helpForACommandPrintsItsHelp(word: String) {
        let result = runCLI([word, "train"])
        #expect(result.code == 0)
        #expect(result.out.contains("Usage: neuromesh train"))
        let general = runCLI([word])
        #expect(general.code == 0)
        #expect(general.out.contains("Commands:"))
    }

    @Test(arguments: [["--version", "extra"], ["--help", "train", "extra"], ["help", "train", "extra"], ["-h", "map", "--json"]])
    func extraArgumentsAfterHelpOrVersionAreAnError(arguments: [String]) {
        let result = runCLI(arguments)
        #expect(result.code == 2, "\(arguments): \(result.out)")
        #expect(result.err.contains("unexpected argument '\(arguments.last!)'"), "\(result.err)")
        #expect(result.out.isEmpty)
        #expect(runCLI(["--version"]).code == 0)
    }

    @Test func dashHAsAnOptionsValueIsThatValue() {
        // train --save -h: "-h" is the file to save to, not a help request (checked here with a
        // misspelt option, so that nothing trains).
        let train = runCLI(["train", "--dataset", "yinyang", "--save", "-h", "--no-such-option"])
        #expect(train.code == 2)
        #expect(train.err.contains("unknown option --no-such-option"), "\(train.err)")
        #expect(!train.out.contains("Usage:"))
        // The value is checked like any other.
        expectError(["init-network", "--sizes", "5,3", "--seed", "-h"], code: 2, "--seed must be an integer in 0...")
        let directory = temporaryDirectory()
        let network = networkFile([3, 4, 2], in: directory)
        expectError(["map", "--chip", "-h", "--network", network], code: 1, "-h")
    }

    @Test(arguments: [
        ["map", "-h"],
        ["map", "--chip", "x", "-h"],
        ["map", "--chip=x", "-h", "--network", "y"],
        ["map", "--json", "-h"],
        ["simulate", "--json", "-h"],
        ["grad", "--check", "-h", "--loss", "l2"],
        ["dataset", "yinyang", "--csv", "-h"],
        ["train", "--save", "-h", "-h"],
        // A flag read after a required option that is missing: the `-h` is still a help request.
        ["run", "--json", "-h"],
        ["train", "--resume", "-h"],
        ["map", "--chip", "--help"],
        ["map", "--help", "--chip", "x"],
    ])
    func dashHAsAnOptionIsAHelpRequest(arguments: [String]) {
        let result = runCLI(arguments)
        #expect(result.code == 0, "\(arguments): \(result.err)")
        #expect(result.out.contains("Usage: neuromesh \(arguments[0])"), "\(arguments)")
    }
}
