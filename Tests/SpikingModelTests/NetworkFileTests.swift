import Testing

@testable import SpikingModel
@testable import StrictJSON

@Suite("Network and input files")
struct NetworkFileTests {
    static let valid = """
        {"format": "neuromesh-network/1", "duration_s": 0.04,
         "populations": [
           {"name": "in", "kind": "input", "size": 2},
           {"name": "h", "kind": "lif", "size": 3, "tau_mem_s": 0.02, "tau_syn_s": 0.005, "threshold": 1, "reset": -0.1},
           {"name": "out", "kind": "li", "size": 2, "tau_mem_s": 0.01, "tau_syn_s": 0.005}],
         "projections": [
           {"from": "in", "to": "h", "weights": [[1, 2], [3, 4], [5, 6]], "delays_s": [[0, 0.001], [0.002, 0], [0, 0]]},
           {"from": "h", "to": "h", "weights": [[0, 0.1, 0], [0, 0, 0], [0.2, 0, 0]], "delays_s": [[0.001, 0.001, 0.001], [0.001, 0.001, 0.001], [0.001, 0.001, 0.001]]},
           {"from": "h", "to": "out", "weights": [[0.5, -0.5, 1e-3], [1, 1, 1]]}]}
        """

    static func decode(_ text: String) throws(JSONIssues) -> Network {
        try NetworkFile.decode(try JSONFile.parse(bytes: Array(text.utf8), file: "net.json"), file: "net.json")
    }

    @Test func decodesWeightsByPostAndPreAndRoundTripsExactly() throws {
        let network = try Self.decode(Self.valid)
        #expect(network.populations.map(\.name) == ["in", "h", "out"])
        #expect(network.output == PopulationID(2))
        let p = network.projections[0]
        #expect(p.weight(post: 1, pre: 0) == 3)
        #expect(p.weight(post: 2, pre: 1) == 6)
        #expect(p.delays![p.synapse(post: 1, pre: 0)] == 0.002)
        #expect(network.populations[2].parameters.threshold == 1)  // default
        let text = JSONWriter.string(NetworkFile.encode(network))
        #expect(try Self.decode(text) == network)
    }

    @Test(arguments: [
        (#"{"format": "neuromesh-network/2"}"#, "/format"),
        (#"{"format": "neuromesh-network/1", "duration_s": 0, "populations": [], "projections": []}"#, "/duration_s"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "lif", "size": 0, "tau_mem_s": 1, "tau_syn_s": 1}], "projections": []}"#, "/populations/0/size"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "lif", "size": 2, "tau_mem_s": -1, "tau_syn_s": 1}], "projections": []}"#, "/populations/0/tau_mem_s"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "lif", "size": 2, "tau_syn_s": 1}], "projections": []}"#, "/populations/0"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "relu", "size": 2}], "projections": []}"#, "/populations/0/kind"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "lif", "size": 2, "tau_mem_s": 1, "tau_syn_s": 1, "threshold": 1, "reset": 2}], "projections": []}"#, "/populations/0/reset"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "input", "size": 2, "colour": 1}], "projections": []}"#, "/populations/0/colour"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "input", "size": 1}, {"name": "b", "kind": "lif", "size": 1, "tau_mem_s": 1, "tau_syn_s": 1}], "projections": [{"from": "a", "to": "c", "weights": [[1]]}]}"#, "/projections/0/to"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "input", "size": 1}, {"name": "b", "kind": "lif", "size": 2, "tau_mem_s": 1, "tau_syn_s": 1}], "projections": [{"from": "a", "to": "b", "weights": [[1]]}]}"#, "/projections/0/weights"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "input", "size": 2}, {"name": "b", "kind": "lif", "size": 1, "tau_mem_s": 1, "tau_syn_s": 1}], "projections": [{"from": "a", "to": "b", "weights": [[1, "x"]]}]}"#, "/projections/0/weights/0/1"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "input", "size": 1}, {"name": "b", "kind": "lif", "size": 1, "tau_mem_s": 1, "tau_syn_s": 1}], "projections": [{"from": "a", "to": "b", "weights": [[1]], "delays_s": [[-1]]}]}"#, "/projections/0/delays_s/0/0"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "input", "size": 1}, {"name": "b", "kind": "lif", "size": 1, "tau_mem_s": 1, "tau_syn_s": 1}], "projections": [{"from": "b", "to": "a", "weights": [[1]]}]}"#, "/projections/0/to"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "input", "size": 1}, {"name": "a", "kind": "lif", "size": 1, "tau_mem_s": 1, "tau_syn_s": 1}], "projections": []}"#, "/populations/1"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "input", "size": 1}], "projections": []}"#, "/"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1e9, "populations": [{"name": "a", "kind": "input", "size": 1}], "projections": []}"#, "/duration_s"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "lif", "size": 2, "tau_mem_s": 1e-300, "tau_syn_s": 1}], "projections": []}"#, "/populations/0/tau_mem_s"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [{"name": "a", "kind": "lif", "size": 2e23, "tau_mem_s": 1, "tau_syn_s": 1}], "projections": []}"#, "/populations/0/size"),
        (#"{"format": "neuromesh-network/1", "duration_s": 1, "output": "zz", "populations": [{"name": "a", "kind": "input", "size": 1}, {"name": "b", "kind": "lif", "size": 1, "tau_mem_s": 1, "tau_syn_s": 1}], "projections": []}"#, "/output"),
    ])
    func malformedNetworksNameTheJSONPath(text: String, path: String) {
        do {
            _ = try Self.decode(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.issues.contains { $0.path?.description == path }, "\(error)")
            #expect(error.description.hasPrefix("net.json: "))
        }
    }

    @Test func theNeuronsOfAllPopulationsTogetherAreLimited() {
        // 22 populations of the largest size: 1.1 billion neurons, more than neuron indices hold.
        let populations = (0..<22).map { #"{"name": "p\#($0)", "kind": "lif", "size": 50000000, "tau_mem_s": 0.02, "tau_syn_s": 0.005}"# }
        let text = #"{"format": "neuromesh-network/1", "duration_s": 1, "populations": [\#(populations.joined(separator: ", "))], "projections": []}"#
        do {
            _ = try Self.decode(text)
            Issue.record("accepted")
        } catch {
            let issue = error.issues.first { $0.path?.description == "/populations" }
            #expect(issue?.message.contains("1100000000 neurons in all; at most 1073741823") == true, "\(error)")
        }
    }

    @Test func reportsEveryProblemAtOnce() {
        let text = #"{"format": "x", "duration_s": -1, "populations": [{"name": "a", "kind": "lif", "size": -3, "tau_mem_s": 0, "tau_syn_s": 1}], "projections": [], "extra": true}"#
        do {
            _ = try Self.decode(text)
            Issue.record("accepted")
        } catch {
            let paths = Set(error.issues.compactMap { $0.path?.description })
            #expect(paths.isSuperset(of: ["/format", "/duration_s", "/populations/0/size", "/populations/0/tau_mem_s", "/extra"]), "\(error)")
        }
    }

    @Test func inputFilesAreCheckedAgainstTheNetwork() throws {
        let network = try Self.decode(Self.valid)
        func decode(_ text: String) throws(JSONIssues) -> InputSpikes {
            try InputFile.decode(try JSONFile.parse(bytes: Array(text.utf8), file: "in.json"), file: "in.json", for: network)
        }
        let input = try decode(#"{"format": "neuromesh-input/1", "spikes": [[0.001, 0.002], []], "label": 1}"#)
        #expect(input.times == [[0.001, 0.002], []])
        #expect(input.label == 1)
        let cases = [
            (#"{"format": "neuromesh-input/1", "spikes": [[0.001]]}"#, "/spikes"),
            (#"{"format": "neuromesh-input/1", "spikes": [[0.001], [0.5]]}"#, "/spikes/1/0"),
            (#"{"format": "neuromesh-input/1", "spikes": [[-0.001], []]}"#, "/spikes/0/0"),
            (#"{"format": "neuromesh-input/1", "spikes": [[], []], "label": 2}"#, "/label"),
            (#"{"format": "neuromesh-input/1", "spikes": [[], []], "lable": 0}"#, "/lable"),
        ]
        for (text, path) in cases {
            #expect(throws: JSONIssues.self) { try decode(text) }
            do { _ = try decode(text) } catch {
                #expect(error.issues.contains { $0.path?.description == path }, "\(error)")
            }
        }
    }
}
