import Foundation
import Testing
import StrictJSON

@testable import ChipDescription

/// One way to break the tiny chip, and what the error must say.
struct Malformation: CustomTestStringConvertible, Sendable {
    var name: String
    var edits: [(String, JSONValue?)]
    /// JSON pointers that must each appear in some reported issue.
    var paths: [String]
    /// Text the message at the first path must contain.
    var fragment: String

    init(_ name: String, _ edits: [(String, JSONValue?)], at paths: [String], _ fragment: String) {
        self.name = name
        self.edits = edits
        self.paths = paths
        self.fragment = fragment
    }

    init(_ name: String, set pointer: String, to value: JSONValue?, at path: String? = nil, _ fragment: String) {
        self.init(name, [(pointer, value)], at: [path ?? pointer], fragment)
    }

    var testDescription: String { name }
}

let tiny: JSONValue = {
    do { return try JSONFile.read(chipPath("tiny.json")) } catch { fatalError("\(error)") }
}()

let malformations: [Malformation] = [
    Malformation("missing format", set: "/format", to: nil, at: "/", "missing required member \"format\""),
    Malformation("future format", set: "/format", to: "neuromesh-chip/2", "unsupported format"),
    Malformation("missing name", set: "/name", to: nil, at: "/", "\"name\""),
    Malformation("empty name", set: "/name", to: "", "must not be empty"),
    Malformation("unknown top-level key", set: "/colour", to: "blue", "unknown member \"colour\""),
    Malformation("unknown mesh key", set: "/mesh/depth", to: 3, "unknown member \"depth\""),
    Malformation("zero width", set: "/mesh/width", to: 0, "out of range"),
    Malformation("0x0 mesh", [("/mesh/width", 0), ("/mesh/height", 0)], at: ["/mesh/width", "/mesh/height"], "out of range"),
    Malformation("width as a string", set: "/mesh/width", to: "2", "expected an integer, found a string"),
    Malformation("fractional width", set: "/mesh/width", to: 2.5, "expected an integer"),
    Malformation("torus topology", set: "/mesh/topology", to: "torus", "is not one of \"mesh\""),
    Malformation("inconsistent core count", set: "/mesh/core_count", to: 9, "inconsistent"),
    Malformation("negative cores per router", set: "/mesh/cores_per_router", to: -1, "out of range"),
    Malformation("too many cores", [("/mesh/width", 4096), ("/mesh/height", 4096), ("/mesh/core_count", nil)], at: ["/mesh"], "at most"),
    Malformation("mesh not an object", set: "/mesh", to: [2, 2], "expected an object, found an array"),
    Malformation("missing neurons_max", set: "/core/neurons_max", to: nil, at: "/core", "\"neurons_max\""),
    Malformation("zero synapse memory", set: "/core/synapse_memory_bytes", to: 0, "out of range"),
    Malformation("null weight bits", set: "/core/weight_bits", to: nil as JSONValue?, at: "/core", "\"weight_bits\""),
    Malformation("weight bits null value", set: "/core/weight_bits", to: .null, "expected an integer, found null"),
    Malformation("unknown fan-in kind", set: "/core/fan_in/counts", to: "axons", "is not one of"),
    Malformation("zero fan-out", set: "/core/fan_out/max", to: 0, "out of range"),
    Malformation("negative spike log", set: "/core/spike_log_entries", to: -5, "out of range"),
    Malformation("unknown overflow policy", set: "/core/spike_log_overflow", to: "drop", "is not one of"),
    Malformation("unknown multicast", set: "/router/multicast", to: "broadcast", "is not one of"),
    Malformation("yx routing", set: "/router/routing", to: "yx", "is not one of \"xy\""),
    Malformation("zero buffer depth", set: "/router/buffer_depth_packets", to: 0, "out of range"),
    Malformation("boolean queue policy", set: "/router/queue_policy", to: true, "expected a string, found a boolean"),
    Malformation("negative pipeline latency", set: "/router/pipeline_latency_s", to: -1e-9, "must be between 0 and 0.001 s"),
    Malformation("zero link width", set: "/router/link_width_bits", to: 0, "out of range"),
    Malformation("payload wider than packet", set: "/packets/error_payload_bits", to: 128, "does not fit"),
    Malformation("zero window", set: "/time/window_s", to: 0, "must be greater than 0"),
    Malformation("unknown sync mode", set: "/time/sync/mode", to: "free_running", "is not one of"),
    Malformation(
        "barrier table not increasing",
        [("/time/sync/mode", "barrier"), ("/time/sync/latency_s", [["routers": 4, "latency_s": 1e-7], ["routers": 2, "latency_s": 2e-7]])],
        at: ["/time/sync/latency_s/1/routers"], "increase strictly"),
    Malformation("dataflow with a table", set: "/time/sync/latency_s", to: [["routers": 1, "latency_s": 1e-7]], "barriers only"),
    Malformation("sync latency as text", set: "/time/sync/latency_s", to: "fast", "expected seconds"),
    Malformation("empty barrier table", set: "/time/sync/latency_s", to: [], "at least one point"),
    Malformation("port off the mesh", set: "/io_port/x", to: 2, at: "/io_port", "off the 2 x 2 mesh"),
    Malformation("negative port coordinate", set: "/io_port/y", to: -1, "out of range"),
    Malformation("negative energy", set: "/costs/forward/synaptic_op/energy_j", to: -1e-12, "must be between 0 and 1.0 J"),
    Malformation("energy with a unit", set: "/costs/forward/synaptic_op/energy_j", to: "10 pJ", "expected a number, found a string"),
    Malformation("NaN spelled as a string", set: "/costs/network/hop/x/latency_s", to: "NaN", "expected a number"),
    Malformation("missing latency", set: "/costs/backward/adjoint_update/latency_s", to: nil, at: "/costs/backward/adjoint_update", "\"latency_s\""),
    Malformation("missing update group", set: "/costs/update", to: nil, at: "/costs", "\"update\""),
    Malformation("unknown operation", set: "/costs/forward/dendrite_op", to: ["energy_j": 0, "latency_s": 0], "unknown member"),
    Malformation("unknown hop direction", set: "/costs/network/hop/up", to: ["energy_j": 0, "latency_s": 0], "unknown member \"up\""),
    Malformation("negative hop override", set: "/costs/network/hop/east", to: ["energy_j": 1e-12, "latency_s": -1], at: "/costs/network/hop/east/latency_s", "must be between 0 and 0.001 s"),
    Malformation("missing static power", set: "/costs/static_per_core_w", to: nil, at: "/costs", "\"static_per_core_w\""),
    Malformation("provenance pointing nowhere", set: "/provenance/~1core~1neurons", to: ["basis": "GUESS", "note": "x"], "points to no field"),
    Malformation("provenance key not a pointer", set: "/provenance/core", to: ["basis": "GUESS", "note": "x"], "it must start with"),
    Malformation("provenance key with a bad escape", set: "/provenance/~1mesh~1~02", to: ["basis": "GUESS", "note": "x"], "must be followed by 0"),
    Malformation("provenance pointing at itself", set: "/provenance/~1provenance", to: ["basis": "GUESS"], "must describe a figure"),
    Malformation("unknown basis", set: "/provenance/~1mesh/basis", to: "estimate", "is not one of"),
    Malformation("unknown source", set: "/provenance/~1mesh/source", to: "nobody2020", "unknown source"),
    Malformation("published figure without source", set: "/provenance/~1mesh/basis", to: "meas", at: "/provenance/~1mesh", "needs a \"source\""),
    Malformation("unknown provenance member", set: "/provenance/~1mesh/page", to: 3, "unknown member \"page\""),
    Malformation("citation not a string", set: "/sources/x", to: 3, "expected a string"),
    Malformation("document is an array", [("", [1, 2])], at: ["/"], "expected an object"),
    Malformation("width beyond 2^63", set: "/mesh/width", to: .number(1e23), "1e+23 is out of range"),
    Malformation("latency of a second", set: "/costs/forward/synaptic_op/latency_s", to: 1.0, "must be between 0 and 0.001 s"),
    Malformation("pipeline latency of hours", set: "/router/pipeline_latency_s", to: .number(1e4), "must be between 0 and 0.001 s"),
    Malformation("energy of 1e308 J", set: "/costs/forward/synaptic_op/energy_j", to: .number(1e308), "must be between 0 and 1.0 J"),
    Malformation("static power of 1e308 W", set: "/costs/static_per_core_w", to: .number(1e308), "must be between 0 and 1000.0 W"),
    Malformation("negative static power", set: "/costs/static_per_core_w", to: -1e-3, "must be between 0 and 1000.0 W"),
]

@Suite("Malformed chip files")
struct MalformedChipTests {
    @Test func thereAreAtLeastThirtyCases() { #expect(malformations.count >= 30) }

    @Test(arguments: malformations)
    func isRejectedWithItsPath(_ case_: Malformation) {
        var document = tiny
        for (pointer, value) in case_.edits { document = document.setting(pointer, to: value) }
        do {
            _ = try ChipSpec.decode(document, file: "bad.json")
            Issue.record("accepted: \(case_.name)")
        } catch {
            for path in case_.paths {
                let hits = error.issues.filter { $0.path?.description == path }
                #expect(!hits.isEmpty, "\(case_.name): no issue at \(path); got:\n\(error)")
            }
            let first = error.issues.first { $0.path?.description == case_.paths[0] }
            #expect(first?.message.contains(case_.fragment) == true, "\(case_.name): \(error)")
            #expect(error.description.hasPrefix("bad.json: "), "messages name the file")
        }
    }

    @Test func reportsEveryProblemInOneRun() {
        var document = tiny
        for (pointer, value) in [
            ("/mesh/width", 0), ("/router/buffer_depth_packets", 0), ("/costs/forward/spike_emit/energy_j", -1),
            ("/time/window_s", -1),
        ] as [(String, JSONValue)] {
            document = document.setting(pointer, to: value)
        }
        document = document.setting("/surprise", to: true)
        do {
            _ = try ChipSpec.decode(document, file: "many.json")
            Issue.record("accepted")
        } catch {
            let paths = Set(error.issues.compactMap { $0.path?.description })
            #expect(
                paths.isSuperset(of: [
                    "/mesh/width", "/router/buffer_depth_packets", "/costs/forward/spike_emit/energy_j", "/time/window_s",
                    "/surprise",
                ]), "\(error)")
        }
    }

    /// Cross-section problems (a port off the mesh, provenance pointing nowhere) are reported in
    /// the same run as a problem inside a section.
    @Test func crossSectionProblemsAreReportedAlongsideSectionProblems() {
        let document = tiny.setting("/io_port", to: ["x": 7, "y": 0])
            .setting("/router/buffer_depth_packets", to: 0)
            .setting("/provenance/~1no~1such", to: ["basis": "GUESS"])
        do {
            _ = try ChipSpec.decode(document, file: "cross.json")
            Issue.record("accepted")
        } catch {
            let paths = Set(error.issues.compactMap { $0.path?.description })
            #expect(paths.isSuperset(of: ["/io_port", "/router/buffer_depth_packets", "/provenance/~1no~1such"]), "\(error)")
        }
    }

    @Test(arguments: [
        ("{\"format\": \"neuromesh-chip/1\", \"mesh\": {\"width\": 2", "truncated"),
        ("", "empty"),
        ("{\"a\": 1, \"a\": 2}", "duplicate"),
        ("[1, 2,]", "trailing comma"),
    ])
    func syntaxErrorsCarryAPosition(text: String, fragment: String) {
        do {
            let value = try JSONFile.parse(bytes: Array(text.utf8), file: "broken.json")
            _ = try ChipSpec.decode(value, file: "broken.json")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.issues.count == 1)
            if case .position = error.issues[0].location {} else { Issue.record("no position: \(error)") }
            #expect(error.description.hasPrefix("broken.json: line "), "\(error)")
        }
    }

    @Test func aTruncatedBundledFileIsRejectedNotCrashed() throws {
        let bytes = Array(try String(contentsOfFile: chipPath("loihi.json"), encoding: .utf8).utf8)
        for cut in stride(from: 0, to: bytes.count, by: bytes.count / 20 + 1) {
            do {
                let value = try JSONFile.parse(bytes: Array(bytes[..<cut]), file: "cut.json")
                _ = try ChipSpec.decode(value, file: "cut.json")
                Issue.record("a file cut at byte \(cut) was accepted")
            } catch {
                #expect(!error.issues.isEmpty)
            }
        }
    }
}
