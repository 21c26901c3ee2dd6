import Foundation
import StrictJSON
import Testing

@testable import NeuromeshCLI

@Suite("neuromesh map")
struct MapCommandTests {
    @Test func printsPlacementAndUtilisation() {
        let directory = temporaryDirectory()
        let network = networkFile([5, 200, 3], in: directory)
        let result = runCLI(["map", "--chip", chip("tiny.json"), "--network", network])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("203 neurons on 4 of 8 cores"))
        #expect(result.out.contains("Placement"))
        #expect(result.out.contains("hidden") == false)  // populations are named h1 and out here
        #expect(result.out.contains("h1          0...63"))
        #expect(result.out.contains("Per-core utilisation"))
        #expect(result.out.contains("64 / 64 100%"))
    }

    @Test func jsonOutputIsVersionedAndItsPlacementReadsBack() throws {
        let directory = temporaryDirectory()
        let network = networkFile([5, 200, 3], in: directory)
        let result = runCLI(["map", "--chip", chip("tiny.json"), "--network", network, "--strategy", "spread", "--learning", "sgd", "--json"])
        #expect(result.code == 0, "\(result.err)")
        let value = try JSONParser.parse(result.out)
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object["format"] == "neuromesh-mapping/1")
        #expect(object["strategy"] == "spread")
        #expect(object["learning"] == "sgd")
        #expect(object["cores_used"] == 8)
        // Save its placement as a placement file and map with it: same cores.
        let placement: JSONValue = ["format": "neuromesh-placement/1", "chip": "tiny-2x2", "placement": object["placement"]!]
        let placementPath = directory + "/placement.json"
        write(JSONWriter.string(placement), to: placementPath)
        let again = runCLI(["map", "--chip", chip("tiny.json"), "--network", network, "--placement", placementPath, "--learning", "sgd", "--json"])
        #expect(again.code == 0, "\(again.err)")
        guard case .object(let second) = try JSONParser.parse(again.out) else { return }
        #expect(second["cores"] == object["cores"])
        #expect(second["strategy"] == "placement file")
        // The saved report itself reads back as a placement, for map and run; its chip is checked.
        let reportPath = directory + "/mapping.json"
        write(result.out, to: reportPath)
        let fromReport = runCLI(["map", "--chip", chip("tiny.json"), "--network", network, "--placement", reportPath, "--learning", "sgd", "--json"])
        #expect(fromReport.code == 0, "\(fromReport.err)")
        guard case .object(let third) = try JSONParser.parse(fromReport.out) else { return }
        #expect(third["cores"] == object["cores"])
        #expect(runCLI(["run", "--chip", chip("tiny.json"), "--network", network, "--placement", reportPath, "--yinyang", "0"]).code == 0)
        expectError(["map", "--chip", chip("loihi.json"), "--network", network, "--placement", reportPath], code: 1,
            "\(reportPath): /chip: this placement is for chip \"tiny-2x2\"")
        write(result.out.replacingOccurrences(of: "neuromesh-mapping/1", with: "neuromesh-mapping/2"), to: reportPath)
        expectError(["map", "--chip", chip("tiny.json"), "--network", network, "--placement", reportPath], code: 1,
            "unsupported format \"neuromesh-mapping/2\"")
    }

    @Test func aNetworkThatDoesNotFitNamesCoreLimitNeedAndCapacity() {
        let directory = temporaryDirectory()
        let network = networkFile([300, 20, 3], in: directory)
        let result = runCLI(["map", "--chip", chip("truenorth.json"), "--network", network])
        #expect(result.code == 1)
        #expect(result.err.contains("does not fit chip \"ibm-truenorth\""))
        #expect(result.err.contains("core 0: fan-in (input axons per core): needs 300 axons, capacity 256 axons"), "\(result.err)")
        let tooMany = networkFile([5, 600, 3], in: directory, name: "big.json")
        let full = runCLI(["map", "--chip", chip("tiny.json"), "--network", tooMany])
        #expect(full.code == 1)
        #expect(full.err.contains("out of cores: all 8 cores are full"), "\(full.err)")
    }

    @Test func badPlacementFilesNameTheirPath() {
        let directory = temporaryDirectory()
        let network = networkFile([5, 20, 3], in: directory)
        let path = directory + "/p.json"
        write(#"{"format": "neuromesh-placement/1", "placement": [{"population": "h1", "neurons": [0, 25], "core": 0}]}"#, to: path)
        let result = runCLI(["map", "--chip", chip("tiny.json"), "--network", network, "--placement", path])
        #expect(result.code == 1)
        #expect(result.err.contains("\(path): /placement/0/neurons: population \"h1\" has neurons 0...19"), "\(result.err)")
        #expect(result.err.contains("\(path): /placement: neurons 0...19 of population \"h1\" are not placed"))
        #expect(result.err.contains("neurons 0...2 of population \"out\" are not placed"))
    }

    @Test func badNetworkFilesNameTheirPath() {
        let directory = temporaryDirectory()
        let path = directory + "/n.json"
        write(#"{"format": "neuromesh-network/1", "duration_s": 0.1, "populations": [{"name": "in", "kind": "input", "size": -3}], "projections": []}"#, to: path)
        let result = runCLI(["map", "--chip", chip("tiny.json"), "--network", path])
        #expect(result.code == 1)
        #expect(result.err.contains("\(path): /populations/0/size: -3 is out of range"), "\(result.err)")
    }

    @Test func wrongArgumentsExitWithTwo() {
        let directory = temporaryDirectory()
        let network = networkFile([5, 20, 3], in: directory)
        #expect(runCLI(["map", "--network", network]).err.contains("missing required option --chip"))
        #expect(runCLI(["map", "--chip", chip("tiny.json")]).code == 2)
        #expect(runCLI(["map", "--chip", chip("tiny.json"), "--network", network, "--strategy", "random"]).code == 2)
        #expect(runCLI(["map", "--chip", chip("tiny.json"), "--network", network, "--spikes-per-neuron", "-1"]).code == 2)
        let both = runCLI(["map", "--chip", chip("tiny.json"), "--network", network, "--strategy", "fill", "--placement", "p.json"])
        #expect(both.code == 2)
        #expect(both.err.contains("cannot be combined"))
    }

    @Test func helpDescribesEveryOption() {
        let result = runCLI(["map", "--help"])
        #expect(result.code == 0)
        for option in ["--chip", "--network", "--strategy", "--placement", "--learning", "--spikes-per-neuron", "--json"] {
            #expect(result.out.contains(option), "\(option)")
        }
    }
}
