// Options that would have no effect are refused (exit 2), not silently ignored: `--split` only
// picks the split of `--yinyang`, and `grad`'s `--strategy` / `--placement` only place on `--chip`.

import Foundation
import Testing

@testable import NeuromeshCLI

@Suite("neuromesh: options without effect are refused")
struct IgnoredOptionTests {
    @Test(arguments: ["simulate", "grad", "run"])
    func splitWithAnInputFileIsAnArgumentError(command: String) {
        let directory = temporaryDirectory()
        let network = networkFile([5, 4, 3], in: directory)
        let input = directory + "/input.json"
        write(#"{"format": "neuromesh-input/1", "spikes": [[0.001], [0.02], [0.029], [0.01], [0]], "label": 0}"#, to: input)
        var arguments = [command, "--network", network, "--input", input]
        if command == "grad" { arguments += ["--loss", "max-voltage"] }
        if command == "run" { arguments += ["--chip", chip("tiny.json")] }
        #expect(runCLI(arguments).code == 0)
        let result = runCLI(arguments + ["--split", "test"])
        #expect(result.code == 2, "\(result.err)")
        #expect(result.err.contains("--split applies only to --yinyang INDEX"), "\(result.err)")
        // With --yinyang, --split still picks the split.
        let yinyang = [command, "--network", network, "--yinyang", "999", "--split", "test"]
            + (command == "grad" ? ["--loss", "max-voltage"] : []) + (command == "run" ? ["--chip", chip("tiny.json")] : [])
        #expect(runCLI(yinyang).code == 0)
    }

    @Test func gradPlacementOptionsNeedAChip() {
        let directory = temporaryDirectory()
        let network = networkFile([5, 4, 3], in: directory)
        let base = ["grad", "--network", network, "--yinyang", "0", "--loss", "max-voltage"]
        for extra in [["--strategy", "spread"], ["--placement", directory + "/placement.json"]] {
            let result = runCLI(base + extra)
            #expect(result.code == 2, "\(extra): \(result.err)")
            #expect(result.err.contains("\(extra[0]) needs --chip CHIP"), "\(result.err)")
        }
        #expect(runCLI(base + ["--strategy", "spread", "--chip", chip("tiny.json")]).code == 0)
    }
}
