import ChipDescription
import SpikingModel
import StrictJSON
import Testing

@testable import ChipEmulator

@Suite("Placement files")
struct PlacementFileTests {
    let chip = loadChip("tiny.json")
    let shape = NetworkShape(layeredNetwork([5, 200, 3]))

    func decode(_ value: JSONValue) throws(JSONIssues) -> Placement {
        try PlacementFile.decode(value, file: "p.json", shape: shape, chip: chip)
    }

    var valid: JSONValue {
        [
            "format": "neuromesh-placement/1", "chip": "tiny-2x2",
            "placement": [
                ["population": "hidden1", "neurons": [0, 63], "core": 0],
                ["population": "hidden1", "neurons": [64, 127], "core": ["x": 1, "y": 0, "local": 0]],
                ["population": "hidden1", "neurons": [128, 199], "core": 4],
                ["population": "out", "neurons": 0, "core": 7],
                ["population": "out", "neurons": [1, 2], "core": 7],
            ],
        ]
    }

    @Test func readsRangesCoreIDsAndCoordinates() throws {
        let placement = try decode(valid)
        #expect(placement.core(of: PopulationID(1), neuron: 100) == CoreID(2))
        #expect(placement.core(of: PopulationID(1), neuron: 150) == CoreID(4))
        #expect(placement.core(of: PopulationID(2), neuron: 0) == CoreID(7))
        #expect(placement.cores[0].isEmpty)
    }

    @Test func aMappingsPlacementReadsBack() throws {
        let mapping = try Mapping.map(shape, onto: chip, strategy: .spread)
        let document = PlacementFile.encode(mapping.placement, shape: shape, chip: chip)
        #expect(try decode(document) == mapping.placement)
    }

    @Test(arguments: [
        ("/format", "neuromesh-placement/0", "/format", "unsupported format"),
        ("/chip", "loihi", "/chip", "not \"tiny-2x2\""),
        ("/placement/0/population", "visual", "/placement/0/population", "no population named"),
        ("/placement/0/population", "in", "/placement/0/population", "input population"),
        ("/placement/0/neurons", [10, 5], "/placement/0/neurons", "after last"),
        ("/placement/0/neurons", [0, 1, 2], "/placement/0/neurons", "expected [first, last]"),
        ("/placement/2/neurons", [128, 200], "/placement/2/neurons", "out of range"),
        ("/placement/1/neurons", [60, 127], "/placement/1/neurons", "already placed by /placement/0"),
        ("/placement/1/core", ["x": 2, "y": 0, "local": 0], "/placement/1/core", "off the chip"),
        ("/placement/2/core", 8, "/placement/2/core", "does not exist"),
        ("/placement/2/core", "4", "/placement/2/core", "expected a core: its number, or {"),
        ("/placement/2/cores", 4, "/placement/2/cores", "unknown member"),
        ("/placement/4", nil, "/placement", "neurons 1...2 of population \"out\" are not placed"),
        ("/placement/3", nil, "/placement", "neuron 0 of population \"out\" is not placed"),
    ] as [(String, JSONValue?, String, String)])
    func rejectsWithThePath(pointer: String, value: JSONValue?, path: String, fragment: String) {
        do {
            _ = try decode(valid.setting(pointer, to: value))
            Issue.record("accepted \(pointer)")
        } catch {
            let hit = error.issues.first { $0.path?.description == path }
            #expect(hit?.message.contains(fragment) == true, "\(error)")
        }
    }

    @Test func anExplicitPlacementIsCheckedAgainstCapacities() throws {
        let crowded: JSONValue = [
            "format": "neuromesh-placement/1",
            "placement": [["population": "hidden1", "neurons": [0, 199], "core": 0], ["population": "out", "neurons": [0, 2], "core": 1]],
        ]
        let placement = try decode(crowded)
        #expect {
            try Mapping.map(shape, onto: chip, strategy: .explicit(placement))
        } throws: { error in
            (error as? MappingError)?.description == "core 0: neurons: needs 200 neurons, capacity 64 neurons"
        }
    }
}

extension JSONValue {
    func setting(_ pointer: String, to newValue: JSONValue?) -> JSONValue {
        let path = JSONPath(pointer: pointer)!
        return setting(path.components[...], to: newValue)
    }

    private func setting(_ components: ArraySlice<JSONPath.Component>, to newValue: JSONValue?) -> JSONValue {
        guard let first = components.first, case .key(let key) = first else { return newValue ?? .null }
        switch self {
        case .object(var object):
            object[key] = components.count == 1 ? newValue : object[key]!.setting(components.dropFirst(), to: newValue)
            return .object(object)
        case .array(var elements):
            let index = Int(key)!
            if components.count == 1 {
                if let newValue { elements[index] = newValue } else { elements.remove(at: index) }
            } else {
                elements[index] = elements[index].setting(components.dropFirst(), to: newValue)
            }
            return .array(elements)
        default: fatalError("cannot descend")
        }
    }
}
