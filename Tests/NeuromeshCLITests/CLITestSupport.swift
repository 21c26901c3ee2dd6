// Test support: running the CLI with captured output, temporary files, bundled chips.

import Foundation
import StrictJSON
import Testing

@testable import NeuromeshCLI

/// Everything a command printed, and its exit code.
struct CLIResult {
    var code: Int32
    var out: String
    var err: String
}

private final class Capture: @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""
    private var outWrites = 0
    func appendOut(_ s: String) { lock.withLock { out += s; outWrites += 1 } }
    var outWriteCount: Int { lock.withLock { outWrites } }
    func appendErr(_ s: String) { lock.withLock { err += s } }
    var texts: (String, String) { lock.withLock { (out, err) } }
}

/// - Parameter failingAfter: standard output reports a failed write (as a full disk would) once
///   the command has written this many times; `nil`: it never fails.
func runCLI(_ arguments: [String], failingAfter writes: Int? = nil) -> CLIResult {
    let capture = Capture()
    let console = Console(
        out: { capture.appendOut($0) }, err: { capture.appendErr($0) },
        outFailed: { writes.map { capture.outWriteCount >= $0 } ?? false })
    let code = CLI.run(arguments: arguments, console: console)
    let (out, err) = capture.texts
    return CLIResult(code: code, out: out, err: err)
}

/// Runs `neuromesh ARGUMENTS` and expects exit `code` with `message` in standard error.
func expectError(_ arguments: [String], code: Int32, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let result = runCLI(arguments)
    #expect(result.code == code, "\(arguments): exit \(result.code), \(result.err)", sourceLocation: sourceLocation)
    #expect(result.err.contains(message), "\(arguments): \(result.err)", sourceLocation: sourceLocation)
}

let chipsDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("chips").path
}()

func chip(_ name: String) -> String { chipsDirectory + "/" + name }

/// A fresh temporary directory for one test.
func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "neuromesh-cli-tests-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ text: String, to path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

/// A layered network file: inputs, LIF hidden layers, an LI readout; small constant weights.
func networkFile(_ sizes: [Int], in directory: String, name: String = "net.json") -> String {
    var populations: [JSONValue] = []
    for (i, size) in sizes.enumerated() {
        if i == 0 {
            populations.append(["name": "in", "kind": "input", "size": .count(size)])
        } else if i == sizes.count - 1 {
            populations.append(["name": "out", "kind": "li", "size": .count(size), "tau_mem_s": 0.02, "tau_syn_s": 0.005])
        } else {
            populations.append([
                "name": .string("h\(i)"), "kind": "lif", "size": .count(size), "tau_mem_s": 0.02, "tau_syn_s": 0.005,
                "threshold": 1, "reset": 0,
            ])
        }
    }
    func populationName(_ i: Int) -> JSONValue { i == 0 ? "in" : i == sizes.count - 1 ? "out" : .string("h\(i)") }
    let projections: [JSONValue] = (1..<sizes.count).map { i in
        let row = JSONValue.array(Array(repeating: 0.1, count: sizes[i - 1]))
        return ["from": populationName(i - 1), "to": populationName(i), "weights": .array(Array(repeating: row, count: sizes[i]))]
    }
    let document: JSONValue = [
        "format": "neuromesh-network/1", "duration_s": 0.1, "populations": .array(populations), "projections": .array(projections),
    ]
    let path = directory + "/" + name
    write(JSONWriter.string(document, style: .compact), to: path)
    return path
}
