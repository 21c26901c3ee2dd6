// Bad arguments and bad files are reported with a message and exit code, never a trap, a silent
// default or a silently accepted invalid value.

import Foundation
import StrictJSON
import Testing

@testable import NeuromeshCLI

/// Runs the CLI and checks the exit code and that standard error contains `message`.
private func expectError(_ arguments: [String], code: Int32, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let result = runCLI(arguments)
    #expect(result.code == code, "\(arguments): exit \(result.code), \(result.err)", sourceLocation: sourceLocation)
    #expect(result.err.contains(message), "\(arguments): \(result.err)", sourceLocation: sourceLocation)
}

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
