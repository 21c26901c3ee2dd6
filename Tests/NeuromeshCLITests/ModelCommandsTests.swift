import Foundation
import Testing

@testable import NeuromeshCLI
@testable import StrictJSON

/// Runs commands and keeps the output of the last one.
final class CLICapture {
    private(set) var out = ""
    private(set) var err = ""

    func run(_ arguments: [String]) -> Int32 {
        let result = runCLI(arguments)
        out = result.out
        err = result.err
        return result.code
    }
}

@Suite("neuromesh simulate / grad / init-network")
struct ModelCommandsTests {
    /// A network as a user would write it by hand: recurrent with delays, non-zero reset, input
    /// delays, spiking outputs.
    static let handWrittenNetwork = """
        {
          "format": "neuromesh-network/1",
          "duration_s": 0.06,
          "populations": [
            {"name": "sensors", "kind": "input", "size": 3},
            {"name": "hidden", "kind": "lif", "size": 4, "tau_mem_s": 0.02, "tau_syn_s": 0.005, "threshold": 1.0, "reset": -0.2},
            {"name": "decision", "kind": "lif", "size": 2, "tau_mem_s": 0.02, "tau_syn_s": 0.005, "threshold": 1.0, "reset": 0.0}
          ],
          "projections": [
            {"from": "sensors", "to": "hidden",
             "weights": [[9.0, 4.0, 2.5], [3.0, 8.5, 1.0], [6.0, 6.0, 6.0], [2.0, 3.0, 11.0]],
             "delays_s": [[0.001, 0.0, 0.002], [0.0, 0.0015, 0.0], [0.0005, 0.0, 0.0], [0.0, 0.0, 0.003]]},
            {"from": "hidden", "to": "hidden",
             "weights": [[0.0, 1.5, -1.0, 0.0], [0.5, 0.0, 0.0, 1.0], [0.0, -0.5, 0.3, 0.0], [1.2, 0.0, 0.0, 0.0]],
             "delays_s": [[0.001, 0.002, 0.001, 0.001], [0.003, 0.001, 0.001, 0.002], [0.001, 0.001, 0.0025, 0.001], [0.002, 0.001, 0.001, 0.001]]},
            {"from": "hidden", "to": "decision",
             "weights": [[7.0, 5.0, 3.0, 6.0], [4.0, 6.5, 6.0, 2.5]]}
          ]
        }
        """
    static let handWrittenInput = #"{"format": "neuromesh-input/1", "spikes": [[0.001, 0.012], [0.004], [0.0, 0.02, 0.021]], "label": 1}"#

    func write(_ text: String, _ name: String, in directory: String) -> String {
        let path = directory + "/" + name
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func json(_ text: String) throws -> JSONObject {
        guard case .object(let object) = try JSONParser.parse(text) else { throw CLIError.failure("not an object") }
        return object
    }

    func number(_ value: JSONValue?) -> Double? {
        if case .number(let x) = value { return x }
        return nil
    }

    /// `neuromesh grad` on files written by someone else: each printed gradient agrees with the
    /// central difference of the loss that `neuromesh grad` itself prints for perturbed files.
    @Test(arguments: ["ttfs", "spike-time-sum"])
    func gradientsAgreeWithFiniteDifferencesOfTheCommandsOwnLoss(loss: String) throws {
        let directory = temporaryDirectory()
        let inputPath = write(Self.handWrittenInput, "input.json", in: directory)
        let capture = CLICapture()

        func run(_ network: String) throws -> JSONObject {
            let path = write(network, "network.json", in: directory)
            let code = capture.run(["grad", "--network", path, "--input", inputPath, "--loss", loss, "--json"])
            #expect(code == 0, "\(capture.err)")
            return try json(capture.out)
        }
        let base = try run(Self.handWrittenNetwork)
        guard case .array(let gradients) = base["gradients"] else {
            Issue.record("no gradients")
            return
        }
        #expect(gradients.count == 3)
        #expect(number(base["tangent_guard_count"]) == 0)

        // Perturb weights[post][pre] of each projection in the file text and re-run the command.
        let value = try JSONParser.parse(Self.handWrittenNetwork)
        var checked = 0
        let shapes = [(0, 4, 3), (1, 4, 4), (2, 2, 4)]
        let synapses = shapes.flatMap { (p, posts, pres) in (0..<posts).flatMap { post in (0..<pres).map { (p, post, $0) } } }
        for (p, post, pre) in synapses {
            guard case .object(let g) = gradients[p], case .array(let rows) = g["weights"], case .array(let row) = rows[post],
                let eventProp = number(row[pre])
            else {
                Issue.record("gradient missing")
                continue
            }
            let h = 1e-5
            var losses: [Double] = []
            for x in [2 * h, h, -h, -2 * h] {
                let perturbed = Self.perturb(value, projection: p, post: post, pre: pre, by: x)
                losses.append(number(try run(JSONWriter.string(perturbed))["loss"])!)
            }
            let fd = (-losses[0] + 8 * losses[1] - 8 * losses[2] + losses[3]) / (12 * h)
            let error = abs(fd - eventProp) / max(abs(fd), abs(eventProp), 1e-3)
            #expect(error < 1e-6, "projection \(p) [\(post)][\(pre)]: EventProp \(eventProp), FD \(fd)")
            if eventProp != 0 { checked += 1 }
        }
        #expect(checked >= synapses.count / 2, "most weights should matter")
    }

    static func perturb(_ network: JSONValue, projection p: Int, post: Int, pre: Int, by x: Double) -> JSONValue {
        guard case .object(var root) = network, case .array(var projections) = root["projections"],
            case .object(var projection) = projections[p], case .array(var rows) = projection["weights"],
            case .array(var row) = rows[post], case .number(let w) = row[pre]
        else { fatalError("malformed test network") }
        row[pre] = .number(w + x)
        rows[post] = .array(row)
        projection["weights"] = .array(rows)
        projections[p] = .object(projection)
        root["projections"] = .array(projections)
        return .object(root)
    }

    @Test func gradCheckOptionReportsAgreement() {
        let directory = temporaryDirectory()
        let network = write(Self.handWrittenNetwork, "network.json", in: directory)
        let input = write(Self.handWrittenInput, "input.json", in: directory)
        let capture = CLICapture()
        #expect(capture.run(["grad", "--network", network, "--input", input, "--loss", "ttfs", "--check"]) == 0)
        #expect(capture.out.contains("finite differences:"))
        #expect(capture.out.contains("loss (ttfs):"))
    }

    /// A cross-entropy near 0 is the difference of terms of order 1 or more (`log Σ e^{M} −
    /// M_label`), so its finite differences carry their rounding (~ε·M/h), not the small value's:
    /// with the label readout far ahead the loss rounds to 0 and its differences to 0, and the
    /// exact gradients (~1e-21) must not read as a relative error of 1 (as they did when the
    /// round-off was taken as ε·|L|/h = 0).
    @Test func gradCheckAllowsForTheRoundingOfACancellingCrossEntropy() throws {
        let directory = temporaryDirectory()
        let network = write(
            """
            {"format": "neuromesh-network/1", "duration_s": 0.03,
             "populations": [{"name": "in", "kind": "input", "size": 2},
                             {"name": "out", "kind": "li", "size": 2, "tau_mem_s": 0.02, "tau_syn_s": 0.005}],
             "projections": [{"from": "in", "to": "out", "weights": [[300, 0], [0, 2]]}]}
            """, "network.json", in: directory)
        let input = write(#"{"format": "neuromesh-input/1", "spikes": [[0.001], [0.002]], "label": 0}"#, "input.json", in: directory)
        let capture = CLICapture()
        #expect(capture.run(["grad", "--network", network, "--input", input, "--loss", "max-voltage", "--check", "--json"]) == 0)
        let report = try json(capture.out)
        let loss = try #require(number(report["loss"]))
        #expect(loss == 0)
        guard case .object(let check) = report["finite_difference_check"] else { throw CLIError.failure("no finite_difference_check") }
        #expect(number(check["parameters_checked"]) == 4)
        let worst = try #require(number(check["max_relative_error"]))
        #expect(worst <= 1e-6)
    }

    @Test func simulateJSONListsSpikesPerPopulation() throws {
        let directory = temporaryDirectory()
        let network = write(Self.handWrittenNetwork, "network.json", in: directory)
        let input = write(Self.handWrittenInput, "input.json", in: directory)
        let capture = CLICapture()
        #expect(capture.run(["simulate", "--network", network, "--input", input, "--json"]) == 0)
        let object = try json(capture.out)
        guard case .array(let spikes) = object["spikes"], case .object(let hidden) = spikes[0],
            case .array(let trains) = hidden["times_s"]
        else {
            Issue.record("unexpected shape: \(capture.out)")
            return
        }
        #expect(hidden["population"] == "hidden")
        #expect(trains.count == 4)
        #expect(spikes.count == 2)
        // The text listing counts each population's spikes and active neurons, in agreement
        // with the JSON (and in the right number: "1 neuron", "2 neurons").
        #expect(capture.run(["simulate", "--network", network, "--input", input]) == 0)
        for case .object(let population) in spikes {
            guard case .string(let name) = population["population"], case .array(let times) = population["times_s"] else { continue }
            let counts = times.map { value -> Int in
                if case .array(let train) = value { return train.count }
                return 0
            }
            let total = counts.reduce(0, +)
            let active = counts.filter { $0 > 0 }.count
            let line = "\(name) (lif, \(counts.count) neurons): \(total) spike\(total == 1 ? "" : "s"), \(active) neuron\(active == 1 ? "" : "s") active"
            #expect(capture.out.contains(line), "\(line) not in \(capture.out)")
        }
        let single = try String(contentsOfFile: network, encoding: .utf8).replacingOccurrences(of: "\"size\": 2", with: "\"size\": 1")
            .replacingOccurrences(of: "[[7.0, 5.0, 3.0, 6.0], [4.0, 6.5, 6.0, 2.5]]", with: "[[7.0, 5.0, 3.0, 6.0]]")
        let singleNetwork = write(single, "single.json", in: directory)
        let unlabelled = write(Self.handWrittenInput.replacingOccurrences(of: ", \"label\": 1", with: ""), "unlabelled.json", in: directory)
        #expect(capture.run(["simulate", "--network", singleNetwork, "--input", unlabelled]) == 0, "\(capture.err)")
        #expect(capture.out.contains("decision (lif, 1 neuron): "), "\(capture.out)")
    }

    @Test func malformedFilesFailWithTheFileAndJSONPath() {
        let directory = temporaryDirectory()
        let capture = CLICapture()
        let input = write(Self.handWrittenInput, "input.json", in: directory)
        let cases: [(String, String)] = [
            (String(Self.handWrittenNetwork.prefix(200)), "line "),  // truncated JSON
            (Self.handWrittenNetwork.replacingOccurrences(of: "\"size\": 4", with: "\"size\": \"four\""), "/populations/1/size"),
            (Self.handWrittenNetwork.replacingOccurrences(of: "\"tau_syn_s\": 0.005, \"threshold\": 1.0, \"reset\": -0.2", with: "\"tau_syn_s\": -0.005, \"threshold\": 1.0, \"reset\": -0.2"), "/populations/1/tau_syn_s"),
            (Self.handWrittenNetwork.replacingOccurrences(of: "[[7.0, 5.0, 3.0, 6.0], [4.0, 6.5, 6.0, 2.5]]", with: "[[7.0, 5.0, 3.0], [4.0, 6.5, 6.0, 2.5]]"), "/projections/2/weights/0"),
            (Self.handWrittenNetwork.replacingOccurrences(of: "\"duration_s\"", with: "\"duration\""), "/duration"),
            ("", "line 1, column 1"),
            ("[]", ": /: expected an object"),
        ]
        for (text, fragment) in cases {
            let network = write(text, "bad.json", in: directory)
            let code = capture.run(["grad", "--network", network, "--input", input, "--loss", "ttfs"])
            #expect(code == 1)
            #expect(capture.err.contains(network), "\(capture.err)")
            #expect(capture.err.contains(fragment), "expected \(fragment) in: \(capture.err)")
        }
        #expect(capture.run(["grad", "--network", directory + "/missing.json", "--input", input, "--loss", "ttfs"]) == 1)
        #expect(capture.err.contains("no such file"))
    }

    @Test func wrongArgumentsExitWithUsageErrors() {
        let capture = CLICapture()
        #expect(capture.run(["grad", "--network", "a.json", "--input", "b.json"]) == 2)
        #expect(capture.err.contains("--loss"))
        #expect(capture.run(["grad", "--loss", "l2"]) == 2)
        #expect(capture.run(["simulate", "--network", "a", "--input", "b", "--colour"]) == 2)
        #expect(capture.err.contains("unknown option --colour"))
        #expect(capture.run(["init-network", "--sizes", "5"]) == 2)
        #expect(capture.run(["frobnicate"]) == 2)
        #expect(capture.run([]) == 2)
        #expect(capture.run(["--help"]) == 0)
        #expect(capture.out.contains("Commands:"))
        for command in ["simulate", "grad", "init-network"] {
            #expect(capture.run([command, "--help"]) == 0)
            #expect(capture.out.contains("Usage: neuromesh \(command)"))
        }
    }

    @Test func initNetworkIsDeterministicAndLoadable() throws {
        let directory = temporaryDirectory()
        let capture = CLICapture()
        #expect(capture.run(["init-network", "--sizes", "5,20,3", "--seed", "3", "--out", directory + "/a.json"]) == 0)
        #expect(capture.run(["init-network", "--sizes", "5,20,3", "--seed", "3", "--out", directory + "/b.json"]) == 0)
        #expect(capture.run(["init-network", "--sizes", "5,20,3", "--seed", "4", "--out", directory + "/c.json"]) == 0)
        let a = try String(contentsOfFile: directory + "/a.json", encoding: .utf8)
        let b = try String(contentsOfFile: directory + "/b.json", encoding: .utf8)
        let c = try String(contentsOfFile: directory + "/c.json", encoding: .utf8)
        #expect(a == b)
        #expect(a != c)
        let input = write(#"{"format": "neuromesh-input/1", "spikes": [[0.001], [0.01], [0.02], [0.03], [0]], "label": 0}"#, "in.json", in: directory)
        #expect(capture.run(["grad", "--network", directory + "/a.json", "--input", input, "--loss", "ttfs"]) == 0)
        // A voltage loss on spiking outputs is refused with a reason.
        #expect(capture.run(["grad", "--network", directory + "/a.json", "--input", input, "--loss", "max-voltage"]) == 1)
        #expect(capture.err.contains("\"li\""))
    }
}

@Suite("neuromesh grad --chip")
struct GradOnChipTests {
    static func weights(_ report: JSONObject) -> [Double] {
        guard case .array(let projections) = report["gradients"] else { return [] }
        return projections.flatMap { projection -> [Double] in
            guard case .object(let g) = projection, case .array(let rows) = g["weights"] else { return [] }
            return rows.flatMap { row -> [Double] in
                guard case .array(let values) = row else { return [] }
                return values.compactMap { if case .number(let x) = $0 { return x } else { return nil } }
            }
        }
    }

    /// `grad` of a fresh 5-24-3 network on Yin-Yang sample `sample`, on the reference and through
    /// `chipFile`: every weight gradient must agree to 1e-12 of the largest. Returns the chip's report.
    static func compareThroughChip(output: String, loss: String, sample: Int, seed: Int, chipFile: String) throws -> JSONObject? {
        let network = temporaryDirectory() + "/net.json"
        #expect(runCLI(["init-network", "--sizes", "5,24,3", "--output", output, "--seed", "\(seed)", "--out", network]).code == 0)
        let common = ["grad", "--network", network, "--yinyang", "\(sample)", "--loss", loss, "--json"]
        let reference = runCLI(common)
        let onChip = runCLI(common + ["--chip", chip(chipFile), "--strategy", "spread"])
        #expect(onChip.code == 0, "\(onChip.err)")
        guard case .object(let a) = try JSONParser.parse(reference.out), case .object(let b) = try JSONParser.parse(onChip.out) else {
            Issue.record("not JSON")
            return nil
        }
        let ga = weights(a), gb = weights(b)
        #expect(ga.count == 5 * 24 + 24 * 3 && ga.count == gb.count)
        let scale = ga.map(abs).max() ?? 0
        #expect(scale > 0)
        for (x, y) in zip(ga, gb) { #expect(abs(x - y) <= 1e-12 * scale) }
        return b
    }

    /// The gradient through the chip (error packets on the emulated mesh) equals the functional one.
    @Test(arguments: ["tiny.json", "loihi.json", "spinnaker2.json"])
    func gradientsThroughTheChipEqualTheReference(chipFile: String) throws {
        let report = try Self.compareThroughChip(output: "lif", loss: "ttfs", sample: 7, seed: 2, chipFile: chipFile)
        #expect(report?["backward_on_chip"] != nil)
    }

    /// Readout losses go through the chip too (impulse or source on the output cores).
    @Test(arguments: ["max-voltage", "exp-voltage"])
    func readoutLossesThroughTheChipEqualTheReference(loss: String) throws {
        _ = try Self.compareThroughChip(output: "li", loss: loss, sample: 4, seed: 3, chipFile: "loihi.json")
    }

    /// A loss that does not fit the output population is refused, naming both.
    @Test func aLossForTheOtherOutputKindIsRefused() {
        let directory = temporaryDirectory()
        let network = directory + "/li.json"
        #expect(runCLI(["init-network", "--sizes", "5,10,3", "--output", "li", "--out", network]).code == 0)
        let result = runCLI(["grad", "--network", network, "--yinyang", "0", "--loss", "ttfs", "--chip", chip("tiny.json")])
        #expect(result.code == 1)
        #expect(result.err.contains("ttfs") && result.err.contains("li"), "\(result.err)")
    }
}
