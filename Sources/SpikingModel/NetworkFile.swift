// NetworkFile: the `neuromesh-network/1` JSON format, decoded strictly and encoded losslessly.

import StrictJSON

/// Reading and writing networks as `neuromesh-network/1` JSON (SI units: seconds).
///
///     {"format": "neuromesh-network/1", "duration_s": 0.05, "output": "output",
///      "populations": [{"name": "input", "kind": "input", "size": 5},
///                      {"name": "hidden", "kind": "lif", "size": 200, "tau_mem_s": 0.02,
///                       "tau_syn_s": 0.005, "threshold": 1, "reset": 0}, …],
///      "projections": [{"from": "input", "to": "hidden", "weights": [[w_post0_pre0, …], …],
///                       "delays_s": [[…], …]}]}
///
/// `weights[post][pre]`; `delays_s` is optional with the same shape. `output` is optional (default:
/// the last population). `threshold` and `reset` default to 1 and 0. `description` and `metadata`
/// are free-form and ignored. Every other member is an error, as are missing members, wrong
/// types, impossible values and inconsistent shapes; all problems are reported at once, each with
/// its JSON path.
public enum NetworkFile {
    public static let format = "neuromesh-network/1"

    /// Reads a network file; throws every problem found.
    public static func load(_ path: String) throws(JSONIssues) -> Network {
        try decode(JSONFile.read(path), file: path)
    }

    public static func decode(_ value: JSONValue, file: String) throws(JSONIssues) -> Network {
        let diagnostics = JSONDiagnostics(file: file)
        let network = decode(JSONNode(value: value, diagnostics: diagnostics))
        try diagnostics.throwIfAny()
        return network!
    }

    package static func decode(_ root: JSONNode) -> Network? {
        guard let object = root.object() else { return nil }
        defer { object.finish() }
        object.ignore("description", "metadata")
        if let format = object.required("format"), let text = format.string(), text != NetworkFile.format {
            format.report("unsupported format \"\(text)\" (expected \"\(NetworkFile.format)\")")
        }
        let duration = object.required("duration_s")?.double(NetworkRules.duration) { NetworkRules.isValid(duration: $0) }

        var populations: [Population] = []
        var populationsValid = true
        if let list = object.required("populations")?.array() {
            if list.isEmpty { object.required("populations")?.report(NetworkRules.noPopulations) }
            for node in list {
                if let population = decodePopulation(node) {
                    if populations.contains(where: { $0.name == population.name }) {
                        node.report(NetworkRules.duplicateName(population.name))
                        populationsValid = false
                    }
                    populations.append(population)
                } else {
                    populationsValid = false
                }
            }
            let total = populations.reduce(0) { $0 + $1.size }
            if total > Network.maxNeuronCount {
                object.required("populations")?.report(NetworkRules.tooManyNeurons(total))
                populationsValid = false
            }
        } else {
            populationsValid = false
        }

        var projections: [Projection] = []
        if let list = object.required("projections")?.array(), populationsValid {
            // Each name's population (the first of that name), looked up once per projection end.
            var positions: [String: Int] = [:]
            for (p, population) in populations.enumerated() where positions[population.name] == nil { positions[population.name] = p }
            for node in list {
                if let projection = decodeProjection(node, populations: populations, positions: positions) { projections.append(projection) }
            }
        }

        var output: PopulationID? = nil
        if let node = object.optional("output"), let name = node.string(), populationsValid {
            if let index = populations.firstIndex(where: { $0.name == name }) {
                if populations[index].kind == .input {
                    node.report(NetworkRules.inputOutput("\"\(name)\""))
                }
                output = PopulationID(index)
            } else {
                node.report("no population is named \"\(name)\"")
            }
        } else if populationsValid, let last = populations.last, last.kind == .input {
            object.report("the last population (the default output) is of kind \"input\"; add \"output\" naming a lif or li population")
        }

        guard let duration, populationsValid, !root.diagnostics.hasIssues else { return nil }
        let network = Network(populations: populations, projections: projections, duration: duration, output: output)
        // The members were checked where they are, against the same rules (``NetworkRules``); any
        // model-level rule not checked above is reported here, for the whole file.
        let problems = network.problems()
        for problem in problems { root.report(problem) }
        return problems.isEmpty ? network : nil
    }

    static func decodePopulation(_ node: JSONNode) -> Population? {
        guard let object = node.object() else { return nil }
        defer { object.finish() }
        let name = object.required("name")?.string()
        if let name, name.isEmpty { object.required("name")?.report(NetworkRules.emptyName) }
        let kind = object.required("kind")?.string(oneOf: NeuronKind.allCases.map(\.rawValue)).flatMap(NeuronKind.init(rawValue:))
        let size = object.required("size")?.int(in: NetworkRules.sizes)
        guard let kind else {
            object.ignore("tau_mem_s", "tau_syn_s", "threshold", "reset")
            return nil
        }
        if kind == .input {
            for key in ["tau_mem_s", "tau_syn_s", "threshold", "reset"] where object.has(key) {
                object.optional(key)?.report("input populations have no dynamics; remove \"\(key)\"")
            }
            guard let name, let size else { return nil }
            return Population(name: name, kind: .input, size: size)
        }
        let tauMem = object.required("tau_mem_s")?.timeConstant()
        let tauSyn = object.required("tau_syn_s")?.timeConstant()
        let thresholdNode = object.optional("threshold")
        let threshold = thresholdNode.map { $0.double(NetworkRules.threshold) { NetworkRules.isValid(threshold: $0) } } ?? 1
        let reset = object.optional("reset").map { $0.double() } ?? 0
        if kind == .lif, let threshold, let reset, reset >= threshold {
            object.optional("reset")?.report("the reset \(reset) \(NetworkRules.reset(below: threshold))")
            return nil
        }
        guard let name, let size, let tauMem, let tauSyn, let threshold, let reset else { return nil }
        return Population(
            name: name, kind: kind, size: size,
            parameters: NeuronParameters(tauMem: tauMem, tauSyn: tauSyn, threshold: threshold, reset: reset))
    }

    /// One projection; `positions` gives the position in `populations` of the first population
    /// of each name.
    static func decodeProjection(_ node: JSONNode, populations: [Population], positions: [String: Int]) -> Projection? {
        guard let object = node.object() else { return nil }
        defer { object.finish() }
        func population(_ key: String) -> Int? {
            guard let field = object.required(key), let name = field.string() else { return nil }
            guard let index = positions[name] else {
                field.report("no population is named \"\(name)\"")
                return nil
            }
            return index
        }
        let from = population("from")
        let to = population("to")
        if let to, populations[to].kind == .input {
            object.required("to")?.report(NetworkRules.inputTarget("\"\(populations[to].name)\""))
            object.ignore("weights", "delays_s")
            return nil
        }
        guard let from, let to else {
            object.ignore("weights", "delays_s")
            return nil
        }
        let sourceSize = populations[from].size
        let targetSize = populations[to].size
        let weights = object.required("weights").flatMap {
            matrix($0, rows: targetSize, columns: sourceSize, what: "weights", requirement: NetworkRules.weight) { NetworkRules.isValid(weight: $0) }
        }
        var delays: [Double]? = nil
        if let node = object.optional("delays_s") {
            delays = matrix(node, rows: targetSize, columns: sourceSize, what: "delays", requirement: NetworkRules.delay) {
                NetworkRules.isValid(delay: $0)
            }
            if delays == nil { return nil }
        }
        guard let weights else { return nil }
        return Projection(source: PopulationID(from), target: PopulationID(to), sourceSize: sourceSize, targetSize: targetSize, weights: weights, delays: delays)
    }

    /// A `[post][pre]` matrix as a flat fan-out-ordered array; an entry that is not `valid` is
    /// reported as "\(what) \(requirement), found x".
    static func matrix(_ node: JSONNode, rows: Int, columns: Int, what: String, requirement: String, valid: (Double) -> Bool) -> [Double]? {
        guard let list = node.array() else { return nil }
        guard list.count == rows else {
            node.report("expected \(rows) rows (one per target neuron), found \(list.count)")
            return nil
        }
        var flat = [Double](repeating: 0, count: rows * columns)
        var ok = true
        for (post, row) in list.enumerated() {
            guard let values = row.doubleArray(count: columns) else {
                ok = false
                continue
            }
            for (pre, x) in values.enumerated() {
                if !valid(x) {
                    row.diagnostics.report("\(what) \(requirement), found \(x)", at: row.path.appending(pre))
                    ok = false
                }
                flat[pre * rows + post] = x
            }
        }
        return ok ? flat : nil
    }

    // MARK: - Encoding

    /// The network as `neuromesh-network/1` JSON (numbers in shortest round-trip form: lossless).
    public static func encode(_ network: Network) -> JSONValue {
        var object = JSONObject()
        object["format"] = .string(format)
        object["duration_s"] = .number(network.duration)
        object["output"] = .string(network.populations[network.output.rawValue].name)
        object["populations"] = .array(
            network.populations.map { population in
                var p = JSONObject()
                p["name"] = .string(population.name)
                p["kind"] = .string(population.kind.rawValue)
                p["size"] = .count(population.size)
                if population.kind != .input {
                    p["tau_mem_s"] = .number(population.parameters.tauMem)
                    p["tau_syn_s"] = .number(population.parameters.tauSyn)
                    p["threshold"] = .number(population.parameters.threshold)
                    p["reset"] = .number(population.parameters.reset)
                }
                return .object(p)
            })
        object["projections"] = .array(
            network.projections.map { projection in
                var p = JSONObject()
                p["from"] = .string(network.populations[projection.source.rawValue].name)
                p["to"] = .string(network.populations[projection.target.rawValue].name)
                p["weights"] = .array(projection.byPost(projection.weights).map { .numbers($0) })
                if let delays = projection.delays { p["delays_s"] = .array(projection.byPost(delays).map { .numbers($0) }) }
                return .object(p)
            })
        return .object(object)
    }

    /// Writes the network atomically.
    public static func save(_ network: Network, to path: String) throws {
        try JSONFile.writeAtomically(JSONWriter.string(encode(network)), to: path)
    }
}

/// Reading `neuromesh-input/1` files: `{"format": "neuromesh-input/1", "spikes": [[t, …], …], "label": k}`.
public enum InputFile {
    public static let format = "neuromesh-input/1"

    /// Reads an input file for `network`: one spike train per input neuron, times in seconds,
    /// finite, within `[0, duration]`; `label` (optional) must name an output neuron.
    public static func load(_ path: String, for network: Network) throws(JSONIssues) -> InputSpikes {
        try decode(JSONFile.read(path), file: path, for: network)
    }

    public static func decode(_ value: JSONValue, file: String, for network: Network) throws(JSONIssues) -> InputSpikes {
        let diagnostics = JSONDiagnostics(file: file)
        let root = JSONNode(value: value, diagnostics: diagnostics)
        var result: InputSpikes? = nil
        if let object = root.object() {
            object.ignore("description", "metadata")
            if let format = object.required("format"), let text = format.string(), text != InputFile.format {
                format.report("unsupported format \"\(text)\" (expected \"\(InputFile.format)\")")
            }
            var label: Int? = nil
            if let node = object.optional("label"), !node.isNull {
                let outputs = network.populations[network.output.rawValue].size
                label = node.int(in: 0...(outputs - 1))
            }
            if let spikes = object.required("spikes"), let trains = spikes.array() {
                if trains.count != network.inputCount {
                    spikes.report("expected \(network.inputCount) spike trains (one per input neuron of the network), found \(trains.count)")
                } else {
                    var times: [[Double]] = []
                    for train in trains {
                        guard let values = train.doubleArray() else { continue }
                        for (i, t) in values.enumerated() where t < 0 || t > network.duration {
                            diagnostics.report("spike time \(t) s is outside the trial [0, \(network.duration)] s", at: train.path.appending(i))
                        }
                        times.append(values)
                    }
                    result = InputSpikes(times: times, label: label)
                }
            }
            object.finish()
        }
        try diagnostics.throwIfAny()
        return result!
    }

    /// The input as `neuromesh-input/1` JSON.
    public static func encode(_ input: InputSpikes) -> JSONValue {
        var object = JSONObject()
        object["format"] = .string(format)
        object["spikes"] = .array(input.times.map { .numbers($0) })
        if let label = input.label { object["label"] = .count(label) }
        return .object(object)
    }
}

extension JSONNode {
    /// A time constant in seconds, within ``Network/timeConstants``.
    func timeConstant() -> Double? {
        double(NetworkRules.timeConstant) { NetworkRules.isValid(timeConstant: $0) }
    }
}
