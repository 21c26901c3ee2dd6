import Testing

@testable import SpikingModel

/// ``Network/validate()`` throws every problem at once; ``Network/firstProblem`` (what the
/// emulator and the trainer throw) gives the first and counts the rest.
@Suite("Network errors")
struct NetworkErrorTests {
    @Test func validateThrowsEveryProblemAndFirstProblemCountsTheRest() {
        var network = NetworkRulesTests.network()
        #expect(network.firstProblem == nil)
        network.duration = -1
        #expect(network.firstProblem == "the trial duration -1.0 s is invalid: must be greater than 0 s and at most 10000.0 s")
        network.populations[1].parameters.tauSyn = 0
        network.projections[1].weights[3] = .nan
        #expect(throws: NetworkError(network.problems())) { try network.validate() }
        #expect(network.problems().count == 3)
        #expect(network.firstProblem?.hasSuffix("(and 2 more: Network.problems() lists them all)") == true)
        #expect(NetworkError(network.problems()).description.split(separator: "\n").count == 3)
    }
}
