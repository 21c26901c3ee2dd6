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
