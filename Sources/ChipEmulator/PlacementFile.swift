// PlacementFile: an explicit placement written by a user (`neuromesh-placement/1`).

import ChipDescription
import SpikingModel
import StrictJSON

/// Reads and writes explicit placements:
///
/// ```json
/// {"format": "neuromesh-placement/1",
///  "chip": "tiny-2x2",
///  "placement": [
///    {"population": "hidden", "neurons": [0, 99], "core": 3},
///    {"population": "hidden", "neurons": [100, 199], "core": {"x": 1, "y": 0, "local": 0}},
///    {"population": "out", "neurons": [0, 2], "core": 5}]}
/// ```
///
/// `neurons` is an inclusive range `[first, last]` of indices within the population (or one
/// index). `core` is a core ID or a router coordinate with a local index. `chip` is optional;
/// when present it must equal the chip's `name`. Every neuron of every non-input population
/// must be placed exactly once; input populations are injected through the I/O port and
/// cannot be placed.
///
/// A `neuromesh-mapping/1` report (``Mapping/encode()``, `neuromesh map --json`) is read as a
/// placement too: its `chip` and `placement` members are those of a placement file, and its other
/// members (the report's capacities and loads) are not read.
public enum PlacementFile {
    public static let format = "neuromesh-placement/1"

    /// Reads and validates the placement file at `path` against a network and a chip.
    public static func load(path: String, shape: NetworkShape, chip: ChipSpec) throws(JSONIssues) -> Placement {
        try decode(try JSONFile.read(path), file: path, shape: shape, chip: chip)
    }

    /// Validates a placement document; every problem is reported with its JSON path.
    public static func decode(_ value: JSONValue, file: String, shape: NetworkShape, chip: ChipSpec) throws(JSONIssues) -> Placement {
        let diagnostics = JSONDiagnostics(file: file)
        let root = JSONNode(value: value, diagnostics: diagnostics)
        var segments: [PlacementSegment] = []
        if let object = root.object() {
            if let node = object.required("format"), let text = node.string(), text != format {
                if text == Mapping.format {
                    object.ignore(
                        "strategy", "learning", "spikes_per_neuron", "cores_total", "cores_used", "capacity_per_core", "unchecked_limits", "cores")
                } else {
                    node.report("unsupported format \"\(text)\" (this version reads \"\(format)\", or a \"\(Mapping.format)\" report of `neuromesh map --json`)")
                }
            }
            if let node = object.optional("chip"), let name = node.string(), name != chip.name {
                node.report("this placement is for chip \"\(name)\", not \"\(chip.name)\"")
            }
            if let list = object.required("placement"), let entries = list.array() {
                segments = readSegments(entries, shape: shape, chip: chip)
                reportUnplaced(segments, shape: shape, at: list)
            }
            object.finish()
        }
        try diagnostics.throwIfAny()
        return Placement(segments: segments, shape: shape)
    }

    private static func readSegments(_ entries: [JSONNode], shape: NetworkShape, chip: ChipSpec) -> [PlacementSegment] {
        var segments: [PlacementSegment] = []
        var placedBy: [[Int]] = shape.populations.map { Array(repeating: -1, count: $0.size) }
        for (index, entry) in entries.enumerated() {
            guard let object = entry.object() else { continue }
            let populationNode = object.required("population")
            let population = populationNode.flatMap { node -> PopulationID? in
                guard let name = node.string() else { return nil }
                guard let id = shape.population(named: name) else {
                    node.report("no population named \"\(name)\" (the network has " + shape.populations.map { "\"\($0.name)\"" }.joined(separator: ", ") + ")")
                    return nil
                }
                guard shape.isPlaced(id) else {
                    node.report("\"\(name)\" is an input population: its spikes enter through the chip's I/O port and it occupies no core")
                    return nil
                }
                return id
            }
            let neuronsNode = object.required("neurons")
            let neurons = neuronsNode.flatMap(range)
            let core = object.required("core").flatMap { coreID($0, mesh: chip.mesh) }
            object.finish()
            guard let population, let neurons, let neuronsNode else { continue }
            let size = shape[population].size
            guard neurons.upperBound <= size else {
                neuronsNode.report("population \"\(shape[population].name)\" has neurons 0...\(size - 1); \(neurons.upperBound - 1) is out of range")
                continue
            }
            guard let core else { continue }
            if let clash = neurons.first(where: { placedBy[population.rawValue][$0] >= 0 }) {
                neuronsNode.report("neuron \(clash) of \"\(shape[population].name)\" is already placed by /placement/\(placedBy[population.rawValue][clash])")
                continue
            }
            for neuron in neurons { placedBy[population.rawValue][neuron] = index }
            segments.append(PlacementSegment(population: population, neurons: neurons, core: core))
        }
        return segments
    }

    private static func reportUnplaced(_ segments: [PlacementSegment], shape: NetworkShape, at node: JSONNode) {
        for population in shape.populationIDs where shape.isPlaced(population) {
            var placed = Array(repeating: false, count: shape[population].size)
            for segment in segments where segment.population == population {
                for neuron in segment.neurons { placed[neuron] = true }
            }
            var runs: [String] = []
            var i = 0
            while i < placed.count {
                if placed[i] {
                    i += 1
                    continue
                }
                let start = i
                while i < placed.count && !placed[i] { i += 1 }
                runs.append(start == i - 1 ? "\(start)" : "\(start)...\(i - 1)")
            }
            if !runs.isEmpty {
                let one = runs.count == 1 && !runs[0].contains(".")
                node.report("\(one ? "neuron" : "neurons") \(runs.joined(separator: ", ")) of population \"\(shape[population].name)\" \(one ? "is" : "are") not placed")
            }
        }
    }

    /// `[first, last]` (inclusive) or a single index.
    private static func range(_ node: JSONNode) -> Range<Int>? {
        if case .number = node.value {
            return node.int(in: 0...Int(Int32.max)).map { $0..<($0 + 1) }
        }
        guard let elements = node.array() else { return nil }
        guard elements.count == 2 else {
            node.report("expected [first, last] (two neuron indices, inclusive) or one index, found \(elements.count) elements")
            return nil
        }
        guard let first = elements[0].int(in: 0...Int(Int32.max)), let last = elements[1].int(in: 0...Int(Int32.max)) else { return nil }
        guard first <= last else {
            node.report("first neuron \(first) is after last neuron \(last)")
            return nil
        }
        return first..<(last + 1)
    }

    private static func coreID(_ node: JSONNode, mesh: MeshSpec) -> CoreID? {
        if case .number = node.value {
            guard let id = node.int(in: 0...Int(Int32.max)) else { return nil }
            guard id < mesh.coreCount else {
                node.report("core \(id) does not exist: the chip has cores 0...\(mesh.coreCount - 1)")
                return nil
            }
            return CoreID(id)
        }
        guard case .object = node.value else {
            node.report("expected a core: its number, or {\"x\": …, \"y\": …, \"local\": …}; found \(node.value.kindDescription)")
            return nil
        }
        guard let object = node.object() else { return nil }
        let x = object.required("x")?.int(in: 0...Int(Int32.max))
        let y = object.required("y")?.int(in: 0...Int(Int32.max))
        let local = object.required("local")?.int(in: 0...Int(Int32.max))
        object.finish()
        guard let x, let y, let local else { return nil }
        let coordinate = CoreCoordinate(router: RouterCoordinate(x: x, y: y), local: local)
        guard let id = mesh.core(at: coordinate) else {
            node.report("\(coordinate) is off the chip (\(mesh.width) x \(mesh.height) routers, \(mesh.coresPerRouter) cores each)")
            return nil
        }
        return id
    }

    /// The placement as a document this decoder reads back.
    public static func encode(_ placement: Placement, shape: NetworkShape, chip: ChipSpec) -> JSONValue {
        [
            "format": .string(format),
            "chip": .string(chip.name),
            "placement": .array(placement.segments.map { segment in
                [
                    "population": .string(shape[segment.population].name),
                    "neurons": [.count(segment.neurons.lowerBound), .count(segment.neurons.upperBound - 1)],
                    "core": .count(segment.core.rawValue),
                ]
            }),
        ]
    }
}
