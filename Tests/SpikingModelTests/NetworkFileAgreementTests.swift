import Testing

@testable import SpikingModel
@testable import StrictJSON

/// A network read from a file and the same network built in code get the same verdict: the file
/// decoder and ``Network/problems()`` apply the same model-level rules.
@Suite("Network files and built networks agree")
struct NetworkFileAgreementTests {
    /// `NetworkFileTests.valid`, built in code (weights and delays in fan-out order).
    static func built() -> Network {
        Network(
            populations: [
                Population(name: "in", kind: .input, size: 2),
                Population(name: "h", kind: .lif, size: 3, parameters: NeuronParameters(tauMem: 0.02, tauSyn: 0.005, threshold: 1, reset: -0.1)),
                Population(name: "out", kind: .li, size: 2, parameters: NeuronParameters(tauMem: 0.01, tauSyn: 0.005)),
            ],
            projections: [
                Projection(
                    source: PopulationID(0), target: PopulationID(1), sourceSize: 2, targetSize: 3,
                    weights: [1, 3, 5, 2, 4, 6], delays: [0, 0.002, 0, 0.001, 0, 0]),
                Projection(
                    source: PopulationID(1), target: PopulationID(1), sourceSize: 3, targetSize: 3,
                    weights: [0, 0, 0.2, 0.1, 0, 0, 0, 0, 0], delays: Array(repeating: 0.001, count: 9)),
                Projection(source: PopulationID(1), target: PopulationID(2), sourceSize: 3, targetSize: 2, weights: [0.5, 1, -0.5, 1, 1e-3, 1]),
            ],
            duration: 0.04)
    }

    static func decode(_ value: JSONValue) -> [JSONIssue]? {
        do {
            _ = try NetworkFile.decode(value, file: "net.json")
            return nil
        } catch {
            return error.issues
        }
    }

    @Test func theSameValidNetworkFromAFileAndFromCode() throws {
        let decoded = try NetworkFileTests.decode(NetworkFileTests.valid)
        let built = Self.built()
        #expect(decoded == built)
        #expect(decoded.problems() == [])
        #expect(built.problems() == [])
    }

    /// Changes a file can express: the built network's problems and the file's issues agree on
    /// whether there is one (and the file names its member).
    @Test(arguments: [
        ("duration", "/duration_s"), ("tauMem", "/populations/1/tau_mem_s"), ("threshold", "/populations/2/threshold"),
        ("reset", "/populations/1/reset"), ("duplicate", "/populations/2"), ("empty name", "/populations/0/name"),
        ("delay", "/projections/0/delays_s/1/0"), ("into input", "/projections/2/to"), ("output", "/output"),
        ("size", "/populations/2/size"), ("valid", ""),
    ])
    func aFileAndTheSameBuiltNetworkGetTheSameVerdict(change: String, path: String) {
        var network = Self.built()
        switch change {
        case "duration": network.duration = 2e4
        case "tauMem": network.populations[1].parameters.tauMem = 1e-12
        case "threshold": network.populations[2].parameters.threshold = -1
        case "reset": network.populations[1].parameters.reset = 1.5
        case "duplicate": network.populations[2].name = "h"
        case "empty name": network.populations[0].name = ""
        case "delay": network.projections[0].delays![1] = -1e-3
        case "into input": network.projections[2].target = PopulationID(0)
        case "output": network.output = PopulationID(0)
        case "size":  // a population of 0 neurons, and a projection to it with no weights
            network.populations[2].size = 0
            network.projections[2].targetSize = 0
            network.projections[2].weights = []
        default: break
        }
        let issues = Self.decode(NetworkFile.encode(network))
        #expect((issues == nil) == network.problems().isEmpty, "\(network.problems()) vs \(String(describing: issues))")
        if !path.isEmpty {
            #expect(issues?.contains { $0.path?.description == path } == true, "\(String(describing: issues))")
        }
    }
}
