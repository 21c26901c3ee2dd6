import Testing
import StrictJSON

@testable import ChipDescription

@Suite("Bundled chip files")
struct BundledChipTests {
    @Test func theExpectedChipsAreBundled() {
        let files = bundledChipFiles()
        for name in ["loihi.json", "loihi-calibrated.json", "truenorth.json", "spinnaker2.json", "tiny.json"] {
            #expect(files.contains(name), "chips/\(name) is missing")
        }
    }

    @Test(arguments: bundledChipFiles())
    func validates(file: String) throws {
        do {
            let chip = try ChipSpec.load(path: chipPath(file))
            #expect(!chip.name.isEmpty)
        } catch {
            Issue.record("\(error)")
        }
    }

    /// Every number in a bundled file (capacities and costs alike) carries provenance, at its
    /// own pointer or at an enclosing object's.
    @Test(arguments: bundledChipFiles())
    func everyFigureHasProvenance(file: String) throws {
        let document = try JSONFile.read(chipPath(file))
        let chip = try ChipSpec.decode(document, file: file)
        var missing: [String] = []
        func walk(_ value: JSONValue, _ path: JSONPath) {
            switch value {
            case .object(let object):
                for (key, member) in object.members where !(path.components.isEmpty && (key == "provenance" || key == "sources")) {
                    walk(member, path.appending(key))
                }
            case .array(let elements):
                for (i, element) in elements.enumerated() { walk(element, path.appending(i)) }
            case .number, .null:
                if chip.provenance(for: path.description) == nil { missing.append(path.description) }
            default: break
            }
        }
        walk(document, .root)
        #expect(missing.isEmpty, "\(file): no provenance for \(missing)")
    }

    /// Figures taken from a paper name the paper; guesses say why.
    @Test(arguments: bundledChipFiles())
    func provenanceEntriesAreComplete(file: String) throws {
        let chip = try ChipSpec.load(path: chipPath(file))
        for entry in chip.provenance {
            if entry.basis != .guess { #expect(entry.source != nil, "\(file) \(entry.pointer)") }
            if entry.basis == .guess { #expect(!(entry.note ?? "").isEmpty, "\(file) \(entry.pointer): a GUESS needs a note") }
        }
    }

    @Test(arguments: bundledChipFiles())
    func encodingRoundTrips(file: String) throws {
        let chip = try ChipSpec.load(path: chipPath(file))
        let again = try ChipSpec.decode(chip.encode(), file: "encoded \(file)")
        #expect(again == chip)
        let text = JSONWriter.string(chip.encode())
        let reparsed = try ChipSpec.decode(try JSONParser.parse(text), file: "text")
        #expect(reparsed == chip)
    }

    @Test func loihiCarriesTable2Figures() throws {
        let chip = try ChipSpec.load(path: chipPath("loihi.json"))
        #expect(chip.mesh.coreCount == 128)
        #expect(chip.costs[.synapticOp] == OperationCost(energy: 23.6e-12, latency: 3.5e-9))
        #expect(chip.costs.hop(.north) == OperationCost(energy: 4.0e-12, latency: 6.5e-9))
        #expect(chip.costs.hop(.east) == OperationCost(energy: 3.0e-12, latency: 4.1e-9))
        #expect(chip.time.sync.latency.seconds(routers: 32) == 465e-9)
        #expect(chip.provenance(for: "/costs/forward/synaptic_op/energy_j")?.source == "davies2018")
        #expect(chip.provenance(for: "/costs/backward/adjoint_update/energy_j")?.basis == .guess)
    }

    @Test func trueNorthLeavesUnpublishedCostsUnknown() throws {
        let chip = try ChipSpec.load(path: chipPath("truenorth.json"))
        #expect(chip.costs[.synapticOp].energy == nil)
        #expect(chip.costs[.hopX].energy == 2.3e-12)
        #expect(chip.costs[.hopX].latency == nil)
        #expect(chip.core.learningStateBits == nil)
    }
}

@Suite("Chip geometry and costs")
struct ChipGeometryTests {
    @Test func coreIDsAndCoordinatesAreInverse() {
        let mesh = MeshSpec(width: 3, height: 2, coresPerRouter: 4)
        for core in mesh.cores {
            let coordinate = mesh.coordinate(of: core)
            #expect(mesh.core(at: coordinate) == core)
        }
        #expect(mesh.coordinate(of: CoreID(5)) == CoreCoordinate(router: RouterCoordinate(x: 1, y: 0), local: 1))
        #expect(mesh.core(at: CoreCoordinate(router: RouterCoordinate(x: 3, y: 0), local: 0)) == nil)
    }

    @Test func barrierLatencyIsPiecewiseLinearAndClamped() {
        let latency = SyncLatency.byRouters([SyncPoint(routers: 1, latency: 100e-9), SyncPoint(routers: 11, latency: 200e-9)])
        #expect(latency.seconds(routers: 1) == 100e-9)
        #expect(abs(latency.seconds(routers: 6)! - 150e-9) < 1e-18)
        #expect(latency.seconds(routers: 50) == 200e-9)
        #expect(SyncLatency.unknown.seconds(routers: 3) == nil)
    }

    @Test func costFiguresListUnknownsAsNil() throws {
        let chip = try ChipSpec.load(path: chipPath("loihi.json"))
        let unknown = chip.costFigures.filter { $0.value == nil }.map(\.pointer)
        #expect(unknown.contains("/costs/forward/spike_emit/energy_j"))
        #expect(unknown.contains("/time/sync/energy_j"))
        #expect(!unknown.contains("/costs/forward/synaptic_op/energy_j"))
    }
}
