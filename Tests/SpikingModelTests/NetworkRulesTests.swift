import Testing

@testable import SpikingModel

/// Every model-level rule of ``Network/problems()``, each with the message it gives: naming the
/// population or projection by index and name, the field, the value and what is allowed.
@Suite("Network rules")
struct NetworkRulesTests {
    /// 2 inputs → 3 LIF (delayed) → 2 LI readouts.
    static func network() -> Network {
        Network(
            populations: [
                Population(name: "in", kind: .input, size: 2),
                Population(name: "h", kind: .lif, size: 3),
                Population(name: "out", kind: .li, size: 2),
            ],
            projections: [
                Projection(
                    source: PopulationID(0), target: PopulationID(1), sourceSize: 2, targetSize: 3,
                    weights: [1, 2, 3, 4, 5, 6], delays: [0, 0.001, 0.002, 0, 0, 0]),
                Projection(source: PopulationID(1), target: PopulationID(2), sourceSize: 3, targetSize: 2, weights: [0.5, -0.5, 1e-3, 1, 1, 1]),
            ],
            duration: 0.04)
    }

    struct Rule: Sendable, CustomTestStringConvertible {
        var expected: String
        var change: @Sendable (inout Network) -> Void
        init(_ expected: String, _ change: @escaping @Sendable (inout Network) -> Void) {
            self.expected = expected
            self.change = change
        }
        var testDescription: String { expected }
    }

    static let rules: [Rule] = [
        Rule("a network needs at least one population") {
            $0.populations = []
            $0.projections = []
        },
        Rule("the trial duration 0.0 s is invalid: must be greater than 0 s and at most 10000.0 s") { $0.duration = 0 },
        Rule("the trial duration nan s is invalid: must be greater than 0 s and at most 10000.0 s") { $0.duration = .nan },
        Rule("the trial duration 20000.0 s is invalid: must be greater than 0 s and at most 10000.0 s") { $0.duration = 2e4 },
        Rule("population 1: a population name must not be empty") { $0.populations[1].name = "" },
        Rule(#"population 2 "h": duplicate population name "h" (population 1 has it too)"#) { $0.populations[2].name = "h" },
        Rule(#"population 1 "h": size 0 is out of range: must be between 1 and 50000000"#) { $0.populations[1].size = 0 },
        Rule(#"population 2 "out": size 50000001 is out of range: must be between 1 and 50000000"#) { $0.populations[2].size = 50_000_001 },
        Rule(#"population 1 "h": tauMem 0.0 s is invalid: must be between 1e-09 and 10000.0 s"#) { $0.populations[1].parameters.tauMem = 0 },
        Rule(#"population 2 "out": tauSyn inf s is invalid: must be between 1e-09 and 10000.0 s"#) { $0.populations[2].parameters.tauSyn = .infinity },
        Rule(#"population 1 "h": threshold 0.0 is invalid: must be greater than 0"#) { $0.populations[1].parameters.threshold = 0 },
        Rule(#"population 2 "out": threshold nan is invalid: must be greater than 0"#) { $0.populations[2].parameters.threshold = .nan },
        Rule(#"population 1 "h": reset 1.0 is invalid: must be below the threshold 1.0"#) { $0.populations[1].parameters.reset = 1 },
        Rule(#"population 2 "out": reset -inf is invalid: must be finite"#) { $0.populations[2].parameters.reset = -.infinity },
        Rule(#"projection 0 (? → "h"): the source population 9 is not one of the network's 3 populations"#) { $0.projections[0].source = PopulationID(9) },
        Rule(#"projection 1 ("h" → "in"): a projection cannot target the input population 0 "in""#) { $0.projections[1].target = PopulationID(0) },
        Rule(#"projection 0 ("in" → "h"): sourceSize 3 is not the size of population 0 "in" (2)"#) {
            $0.projections[0].sourceSize = 3
            $0.projections[0].weights += [7, 8, 9]
            $0.projections[0].delays = nil
        },
        Rule(#"projection 1 ("h" → "out"): targetSize 2 is not the size of population 2 "out" (3)"#) { $0.populations[2].size = 3 },
        Rule(#"projection 0 ("in" → "h"): weights has 5 entries, but sourceSize × targetSize is 2 × 3"#) { $0.projections[0].weights.removeLast() },
        Rule(#"projection 0 ("in" → "h"): weight nan at index 4 (post 1, pre 1) is invalid: must be finite"#) { $0.projections[0].weights[4] = .nan },
        Rule(#"projection 1 ("h" → "out"): weight inf at index 0 (post 0, pre 0) is invalid: must be finite (2 weights are not)"#) {
            $0.projections[1].weights[0] = .infinity
            $0.projections[1].weights[5] = -.infinity
        },
        Rule(#"projection 0 ("in" → "h"): delays has 5 entries, but weights has 6"#) { $0.projections[0].delays!.removeLast() },
        Rule(#"projection 0 ("in" → "h"): delay -0.001 s at index 1 (post 1, pre 0) is invalid: must be finite and not negative"#) {
            $0.projections[0].delays![1] = -0.001
        },
        Rule(#"projection 1 ("h" → "out"): delay nan s at index 2 (post 0, pre 1) is invalid: must be finite and not negative"#) {
            $0.projections[1].delays = [0, 0, .nan, 0, 0, 0]
        },
        Rule(#"the output population 0 "in" must be of kind "lif" or "li", not "input""#) { $0.output = PopulationID(0) },
        Rule("the output (population 5) is not one of the network's 3 populations (0...2)") { $0.output = PopulationID(5) },
        Rule("the populations have 1100000007 neurons in all; at most 1073741823 are supported") { network in
            for i in 0..<22 { network.populations.append(Population(name: "extra \(i)", kind: .input, size: 50_000_000)) }
        },
    ]

    @Test func aValidNetworkHasNoProblems() throws {
        #expect(Self.network().problems() == [])
        try Self.network().validate()
        let layered = NetworkBuilder.layered(
            sizes: [3, 4, 2], output: .li, inits: [WeightInit(mean: 1, std: 0.5, delayRange: 0...0.002)],
            recurrent: WeightInit(mean: 0, std: 0.1, delayRange: 0.001...0.002), duration: 0.05, seed: 3)
        #expect(layered.problems() == [])
    }

    @Test(arguments: rules)
    func eachRuleNamesWhereWhatAndTheAllowedRange(rule: Rule) {
        var network = Self.network()
        rule.change(&network)
        let problems = network.problems()
        #expect(problems.contains(rule.expected), "\(problems)")
    }

    @Test func unusedParametersAreNotChecked() {
        var network = Self.network()
        network.populations[0].parameters = NeuronParameters(tauMem: 0, tauSyn: .nan, threshold: -1, reset: .infinity)  // input: no dynamics
        network.populations[2].parameters.reset = 5  // LI: never resets
        network.projections[0].delays = nil
        #expect(network.problems() == [])
    }
}
