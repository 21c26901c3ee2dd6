import Foundation
import StrictJSON
import Testing

@testable import SpikingModel
@testable import Training

/// A 5-`hidden`-3 network like `neuromesh train` builds.
private func yinYangNetwork(hidden: Int = 6, output: NeuronKind = .lif, duration: Double = 0.05) -> Network {
    NetworkBuilder.layered(
        sizes: [5, hidden, 3], output: output, inits: [WeightInit(mean: 1.5, std: 0.78), WeightInit(mean: 0.93, std: 0.1)],
        duration: duration, seed: 1)
}

/// Writes a checkpoint of `network` with the given Adam state (zeros if not given) and loads it.
private func roundTrip(_ network: Network, first: [[Double]]? = nil, second: [[Double]]? = nil) throws(JSONIssues) -> Checkpoint {
    var optimizer = Optimizer(kind: .paperAdam, shapes: network.projections.map(\.synapseCount))
    if let first { optimizer.first = first }
    if let second { optimizer.second = second }
    optimizer.step = 10
    let path = NSTemporaryDirectory() + "neuromesh-checkpoint-" + UUID().uuidString + ".json"
    try? Checkpoint(network: network, optimizer: optimizer, epoch: 1, learningRate: 0.005, settings: "s").save(to: path)
    return try Checkpoint.load(path, optimizer: .paperAdam)
}

/// The first problem `Checkpoint.load` reports, or `nil` if it loads.
private func loadProblem(_ network: Network, first: [[Double]]? = nil, second: [[Double]]? = nil) -> String? {
    do throws(JSONIssues) {
        _ = try roundTrip(network, first: first, second: second)
        return nil
    } catch {
        return error.description
    }
}

@Suite("Checkpoint validation")
struct CheckpointValidationTests {
    @Test func aNegativeSecondMomentIsRejectedWithItsPath() {
        let network = yinYangNetwork()
        var second = network.projections.map { Array(repeating: 0.0, count: $0.synapseCount) }
        second[1][4] = -1
        let problem = loadProblem(network, second: second)
        #expect(problem?.contains("/optimizer_second/1/4") == true, "\(problem ?? "accepted")")
        #expect(problem?.contains("not negative") == true)
    }

    @Test func aFirstMomentThatWouldOverflowTheUpdateIsRejected() {
        let network = yinYangNetwork()
        var first = network.projections.map { Array(repeating: 0.0, count: $0.synapseCount) }
        first[0][2] = 1e308
        let problem = loadProblem(network, first: first)
        #expect(problem?.contains("/optimizer_first/0/2") == true, "\(problem ?? "accepted")")
        // The same moment with a second moment that allows it is fine.
        let second = network.projections.map { Array(repeating: 1e300, count: $0.synapseCount) }
        first[0][2] = 1e150
        #expect(loadProblem(network, first: first, second: second) == nil)
    }

    /// The bound holds for any state Adam produces, including from gradients that grow as fast as
    /// possible relative to the second moment and from alternating signs.
    @Test func statesFromAdamUpdatesAlwaysLoad() throws {
        let network = yinYangNetwork()
        var optimizer = Optimizer(kind: .paperAdam, shapes: network.projections.map(\.synapseCount))
        var weights = network.projections.map(\.weights)
        var rng = SplitMix64(seed: 3)
        for step in 0..<300 {
            // Growing by β2/β1 per step maximises |m|/√v; some weights get random gradients.
            let grow = pow(0.999 / 0.9, Double(step))
            let gradient = weights.map { row in
                row.indices.map { s in
                    s % 3 == 0 ? grow : s % 3 == 1 ? (step % 2 == 0 ? 1.0 : -1.0) : Double(rng.next() % 1000) / 500 - 1
                }
            }
            optimizer.update(&weights, gradient: gradient, rate: 1e-3)
        }
        let problem = loadProblem(network, first: optimizer.first, second: optimizer.second)
        #expect(problem == nil, "\(problem ?? "")")
    }

    @Test func theNetworkMustHaveTheRunsStructure() throws {
        let expected = yinYangNetwork(hidden: 10)
        func mismatch(_ network: Network) throws -> String? { try roundTrip(network).networkMismatch(expected) }
        #expect(try mismatch(yinYangNetwork(hidden: 10)) == nil)
        let otherSizes = try mismatch(yinYangNetwork(hidden: 12))
        #expect(otherSizes?.contains("hidden (lif, 12)") == true, "\(otherSizes ?? "accepted")")
        let readout = try mismatch(yinYangNetwork(hidden: 10, output: .li))
        #expect(readout?.contains("li") == true && readout?.contains("time-to-first-spike") == true, "\(readout ?? "accepted")")
        let duration = try mismatch(yinYangNetwork(hidden: 10, duration: 0.08))
        #expect(duration?.contains("duration_s is 0.08") == true, "\(duration ?? "accepted")")
        var tau = yinYangNetwork(hidden: 10)
        tau.populations[1].parameters.tauMem = 0.03
        let parameters = try mismatch(tau)
        #expect(parameters?.contains("population \"hidden\"") == true, "\(parameters ?? "accepted")")
    }
}
