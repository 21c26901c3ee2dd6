import Foundation
import StrictJSON
import Testing

@testable import NeuromeshCLI

@Suite("neuromesh run")
struct RunCommandTests {
    static let input = #"{"format": "neuromesh-input/1", "spikes": [[0.001, 0.012], [0.004], [0.0, 0.02], [0.007], [0]]}"#

    /// A 5-20-3 network from `init-network` and an input for it.
    static func files(seed: Int = 7) -> (directory: String, network: String, input: String) {
        let directory = temporaryDirectory()
        let network = directory + "/net.json"
        let made = runCLI(["init-network", "--sizes", "5,20,3", "--seed", "\(seed)", "--out", network])
        #expect(made.code == 0, "\(made.err)")
        let input = directory + "/input.json"
        write(Self.input, to: input)
        return (directory, network, input)
    }

    static var bundledChips: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: chipsDirectory))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
    }

    static func object(_ text: String) throws -> JSONObject {
        guard case .object(let object) = try JSONParser.parse(text) else {
            Issue.record("not a JSON object")
            return JSONObject()
        }
        return object
    }

    @Test func jsonSpikesEqualSimulateOnEveryBundledChip() throws {
        let (_, network, input) = Self.files()
        let simulated = try Self.object(runCLI(["simulate", "--network", network, "--input", input, "--json"]).out)
        #expect(Self.bundledChips.count >= 5)
        for name in Self.bundledChips {
            // Spread gives every hidden neuron 3 destination cores; TrueNorth allows 1.
            for strategy in name == "truenorth.json" ? ["fill"] : ["fill", "spread"] {
                let result = runCLI(["run", "--chip", chip(name), "--network", network, "--input", input, "--strategy", strategy, "--json"])
                #expect(result.code == 0, "\(name): \(result.err)")
                let report = try Self.object(result.out)
                #expect(report["spikes"] == simulated["spikes"], "\(name) \(strategy)")
                #expect(report.keys.prefix(4) == ["format", "chip", "network", "strategy"])
                #expect(report["format"] == "neuromesh-report/1")
                #expect(report["network"] == .string(network))
                #expect(report["strategy"] == .string(strategy))
                #expect(report["exact"] == true)
                for key in ["windows", "latency_s", "energy_j", "unpriced", "untimed", "messages", "packets", "phases", "spikes"] {
                    #expect(report[key] != nil, "\(name): missing \(key)")
                }
                // Energy total = Σ categories.
                guard case .object(let energy) = report["energy_j"] else {
                    Issue.record("energy_j")
                    continue
                }
                var sum = 0.0
                for (key, value) in energy.members where key != "total" {
                    if case .number(let x) = value { sum += x }
                }
                guard case .number(let total) = energy["total"] else {
                    Issue.record("energy_j.total")
                    continue
                }
                #expect(abs(total - sum) <= 1e-12 * max(1, abs(sum)), "\(name): \(total) vs \(sum)")
                // One core entry per used core, each with its router and sparsity.
                guard case .object(let phases) = report["phases"], case .object(let forward) = phases["forward"],
                    case .array(let cores) = forward["cores"], case .number(let used) = report["cores_used"]
                else {
                    Issue.record("phases.forward.cores")
                    continue
                }
                #expect(phases.keys == ["forward"])
                #expect(Double(cores.count) == used)
                if case .object(let core) = cores.first {
                    #expect(core["router"] != nil && core["sparsity"] != nil && core["energy_j"] != nil)
                }
            }
        }
    }

    @Test func tableShowsCoresRoutersTotalsAndUnpricedOperations() {
        let (_, network, input) = Self.files()
        let result = runCLI(["run", "--chip", chip("truenorth.json"), "--network", network, "--input", input])
        #expect(result.code == 0, "\(result.err)")
        for text in [
            "on chip \"ibm-truenorth\" (fill)", "Cores (forward phase", "Routers with traffic", "Totals (one sample)",
            "Total energy:", "Hardware latency:", "Messages:", "Packets:", "Exact:               yes",
            "Unpriced operations (cost null in the chip file; NOT in the total): ", "synaptic_op × ",
        ] {
            #expect(result.out.contains(text), "missing \(text):\n\(result.out)")
        }
        let tiny = runCLI(["run", "--chip", chip("tiny.json"), "--network", network, "--input", input])
        #expect(tiny.code == 0, "\(tiny.err)")
        #expect(tiny.out.contains("Unpriced operations: none"), "\(tiny.out)")
        #expect(tiny.out.contains("synaptic ops"))
    }

    @Test func csvWritesFourFilesWithHeadersAndRows() throws {
        let (directory, network, input) = Self.files()
        let csv = directory + "/reports/a"
        let result = runCLI(["run", "--chip", chip("tiny.json"), "--network", network, "--input", input, "--strategy", "spread", "--csv", csv, "--json"])
        #expect(result.code == 0, "\(result.err)")
        let report = try Self.object(result.out)
        func lines(_ name: String) -> [Substring] {
            let text = (try? String(contentsOfFile: csv + "/" + name, encoding: .utf8)) ?? ""
            return text.split(separator: "\n")
        }
        guard case .number(let used) = report["cores_used"], case .object(let phases) = report["phases"],
            case .object(let forward) = phases["forward"], case .array(let routers) = forward["routers"],
            case .array(let spikes) = report["spikes"]
        else {
            Issue.record("report shape")
            return
        }
        let cores = lines("cores.csv")
        #expect(cores.first?.hasPrefix("phase,core,router_x,router_y,") == true)
        #expect(cores.count == Int(used) + 1)
        let routerLines = lines("routers.csv")
        #expect(routerLines.first?.hasPrefix("phase,router_x,router_y,hops_north") == true)
        #expect(routerLines.count == routers.count + 1)
        let totals = lines("totals.csv")
        #expect(totals.count == 2)
        #expect(totals.first?.contains("energy_total_j") == true)
        var spikeCount = 0
        for case .object(let population) in spikes {
            if case .array(let neurons) = population["times_s"] {
                for case .array(let times) in neurons { spikeCount += times.count }
            }
        }
        let spikeLines = lines("spikes.csv")
        #expect(spikeLines.first == "population,neuron,time_s")
        #expect(spikeLines.count == spikeCount + 1)
        #expect(spikeCount > 0)
    }

    @Test func csvDirectoryThatCannotBeCreatedIsNamed() {
        let (directory, network, input) = Self.files()
        let blocker = directory + "/file"
        write("x", to: blocker)
        let result = runCLI(["run", "--chip", chip("tiny.json"), "--network", network, "--input", input, "--csv", blocker + "/sub"])
        #expect(result.code == 1)
        #expect(result.err.contains(blocker + "/sub"), "\(result.err)")
    }

    @Test func errorsAndExitCodes() {
        let (directory, network, input) = Self.files()
        // Does not fit: TrueNorth has 256 input axons per core.
        let big = networkFile([784, 350, 10], in: directory, name: "big.json")
        let bigInput = directory + "/big-input.json"
        write(JSONWriter.string(["format": "neuromesh-input/1", "spikes": .array(Array(repeating: [0.001], count: 784))]), to: bigInput)
        let tooBig = runCLI(["run", "--chip", chip("truenorth.json"), "--network", big, "--input", bigInput])
        #expect(tooBig.code == 1)
        #expect(tooBig.err.contains("does not fit chip \"ibm-truenorth\""), "\(tooBig.err)")
        #expect(tooBig.err.contains("capacity 256"), "\(tooBig.err)")
        // Wrong arguments: exit 2.
        let unknown = runCLI(["run", "--chip", chip("tiny.json"), "--network", network, "--input", input, "--colour"])
        #expect(unknown.code == 2)
        #expect(unknown.err.contains("unknown option --colour"))
        let noChip = runCLI(["run", "--network", network, "--input", input])
        #expect(noChip.code == 2)
        #expect(noChip.err.contains("missing required option --chip"))
        let both = runCLI(["run", "--chip", chip("tiny.json"), "--network", network, "--input", input, "--strategy", "fill", "--placement", "p.json"])
        #expect(both.code == 2)
        // Bad files: exit 1 naming the file.
        let missing = runCLI(["run", "--chip", directory + "/nope.json", "--network", network, "--input", input])
        #expect(missing.code == 1)
        #expect(missing.err.contains(directory + "/nope.json"))
    }

    @Test func helpDocumentsTheReport() {
        let help = runCLI(["run", "--help"])
        #expect(help.code == 0)
        for text in ["neuromesh-report/1", "--csv DIR", "--strategy fill|spread", "--placement FILE", "unpriced", "spikes.csv"] {
            #expect(help.out.contains(text), "missing \(text)")
        }
    }
}
