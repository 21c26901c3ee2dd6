import Foundation
import StrictJSON
import Testing

@testable import NeuromeshCLI

@Suite("neuromesh validate")
struct ValidateCommandTests {
    @Test(arguments: ["loihi.json", "loihi-calibrated.json", "truenorth.json", "spinnaker2.json", "tiny.json"])
    func acceptsEveryBundledChip(file: String) {
        let result = runCLI(["validate", chip(file)])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("valid neuromesh-chip/1 chip"))
        #expect(result.out.contains("figures:"))
        #expect(result.err.isEmpty)
    }

    static let tinyText: String = (try? String(contentsOfFile: chip("tiny.json"), encoding: .utf8)) ?? ""

    /// Files broken the way someone else would break them: each must fail with exit 1 and a
    /// message naming the file and the JSON path (or the line and column).
    @Test(arguments: [
        ("truncated", String(tinyText.prefix(700)), "line "),
        ("wrong type", tinyText.replacingOccurrences(of: "\"neurons_max\": 64", with: "\"neurons_max\": \"64\""), "/core/neurons_max: expected an integer"),
        ("unknown key", tinyText.replacingOccurrences(of: "\"width\": 2,", with: "\"width\": 2, \"colour\": \"red\","), "/mesh/colour: unknown member"),
        ("negative energy", tinyText.replacingOccurrences(of: "\"energy_j\": 10e-12", with: "\"energy_j\": -10e-12"), "/costs/forward/synaptic_op/energy_j: -1e-11 is invalid"),
        ("0x0 mesh", tinyText.replacingOccurrences(of: "\"width\": 2", with: "\"width\": 0").replacingOccurrences(of: "\"height\": 2", with: "\"height\": 0"), "/mesh/width"),
        ("port off the mesh", tinyText.replacingOccurrences(of: "\"io_port\": { \"x\": 0", with: "\"io_port\": { \"x\": 7"), "/io_port: the I/O port router (7, 0) is off"),
        ("not JSON", "mesh: 2x2\n", "line 1, column 1"),
        ("empty", "", "empty"),
        ("binary", "\u{00}\u{01}\u{02}", "line 1"),
        ("deep nesting", String(repeating: "[", count: 10_000), "nested"),
    ] as [(String, String, String)])
    func rejectsMalformedFiles(name: String, text: String, fragment: String) {
        let directory = temporaryDirectory()
        let path = directory + "/bad.json"
        write(text, to: path)
        let result = runCLI(["validate", path])
        #expect(result.code == 1, "\(name)")
        #expect(result.err.contains(path + ": "), "\(name): \(result.err)")
        #expect(result.err.contains(fragment), "\(name): \(result.err)")
        #expect(result.out.isEmpty)
    }

    @Test func reportsEveryProblemOfAFile() {
        let directory = temporaryDirectory()
        let path = directory + "/bad.json"
        write(
            Self.tinyText.replacingOccurrences(of: "\"width\": 2", with: "\"width\": 0")
                .replacingOccurrences(of: "\"buffer_depth_packets\": 4", with: "\"buffer_depth_packets\": 0")
                .replacingOccurrences(of: "\"window_s\": 0.001", with: "\"window_s\": -1"), to: path)
        let result = runCLI(["validate", path])
        #expect(result.code == 1)
        for pointer in ["/mesh/width", "/router/buffer_depth_packets", "/time/window_s"] {
            #expect(result.err.contains("\(path): \(pointer): "), "\(result.err)")
        }
    }

    /// A chip the emulator cannot run is a valid description: validate and map accept it with a
    /// warning that names the limit, and run refuses it with the same reason.
    @Test func warnsAboutChipsBeyondTheEmulatorsLimits() {
        let directory = temporaryDirectory()
        let path = directory + "/wide.json"
        let text = Self.tinyText.replacingOccurrences(of: "\"cores_per_router\": 2", with: "\"cores_per_router\": 64")
            .replacingOccurrences(of: "\"core_count\": 8", with: "\"core_count\": 256")
        #expect(text != Self.tinyText)
        write(text, to: path)
        let validated = runCLI(["validate", path])
        #expect(validated.code == 0, "\(validated.err)")
        #expect(validated.err.contains("warning: \(path) is a valid description, but run"), "\(validated.err)")
        #expect(validated.err.contains("/mesh/cores_per_router is 64"), "\(validated.err)")
        let network = networkFile([3, 4, 2], in: directory)
        let mapped = runCLI(["map", "--chip", path, "--network", network, "--json"])
        #expect(mapped.code == 0, "\(mapped.err)")
        #expect(mapped.out.hasPrefix("{") && mapped.err.contains("up to 58 cores per router"), "\(mapped.err)")
        let input = directory + "/in.json"
        write(#"{"format": "neuromesh-input/1", "spikes": [[0.001], [], [0.002]]}"#, to: input)
        let run = runCLI(["run", "--chip", path, "--network", network, "--input", input])
        #expect(run.code == 1 && run.err.contains("up to 58 cores per router"), "\(run.err)")
        #expect(runCLI(["validate", chip("tiny.json")]).err.isEmpty)
    }

    @Test func missingFilesAndDirectoriesAreErrorsNotCrashes() {
        #expect(runCLI(["validate", "/no/such/chip.json"]).err.contains("no such file"))
        #expect(runCLI(["validate", NSTemporaryDirectory()]).code == 1)
    }

    @Test func checksThatANetworkFits() {
        let directory = temporaryDirectory()
        let small = networkFile([5, 200, 3], in: directory)
        let fits = runCLI(["validate", chip("truenorth.json"), "--network", small])
        #expect(fits.code == 0, "\(fits.err)")
        #expect(fits.out.contains("fits (fill, learning inference): 203 neurons on 1 of 4,096 cores"))
        let wide = networkFile([300, 20, 3], in: directory, name: "wide.json")
        let tooWide = runCLI(["validate", chip("truenorth.json"), "--network", wide])
        #expect(tooWide.code == 1)
        #expect(tooWide.err.contains("core 0: fan-in (input axons per core): needs 300 axons, capacity 256 axons"), "\(tooWide.err)")
        let learning = runCLI(["validate", chip("truenorth.json"), "--network", small, "--learning", "adam"])
        #expect(learning.code == 1)
        #expect(learning.err.contains("/core/learning_state_bits is null"))
    }

    @Test func wrongArgumentsExitWithTwo() {
        #expect(runCLI(["validate"]).code == 2)
        #expect(runCLI(["validate", chip("tiny.json"), "--frobnicate"]).code == 2)
        #expect(runCLI(["validate", chip("tiny.json"), "--learning", "hebbian"]).code == 2)
        #expect(runCLI(["validate", chip("tiny.json"), "extra"]).code == 2)
    }

    @Test func helpDescribesTheCommand() {
        let result = runCLI(["validate", "--help"])
        #expect(result.code == 0)
        #expect(result.out.contains("Usage: neuromesh validate CHIP"))
        #expect(result.out.contains("Examples:"))
    }
}
