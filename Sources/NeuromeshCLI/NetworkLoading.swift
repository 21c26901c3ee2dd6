// NetworkLoading: reading a `neuromesh-network/1` file for the `--network` options.
//
// A minimal decoder kept in this one file; the full network decoder (SpikingModel) replaces
// the body of `loadNetworkForCLI(path:)` when the branches merge.

import SpikingModel
import StrictJSON

/// Reads the network file at `path`; every problem is reported with its JSON path.
func loadNetworkForCLI(path: String) throws -> Network {
    let value = try JSONFile.read(path)
    let diagnostics = JSONDiagnostics(file: path)
    let network = decodeNetwork(JSONNode(value: value, diagnostics: diagnostics))
    try diagnostics.throwIfAny()
    guard let network else { throw JSONIssues([JSONIssue(file: path, location: .path(.root), message: "not a valid network")]) }
    return network
}

private func decodeNetwork(_ root: JSONNode) -> Network? {
    guard let object = root.object() else { return nil }
    if let node = object.required("format"), let text = node.string(), text != "neuromesh-network/1" {
        node.report("unsupported format \"\(text)\" (this version reads \"neuromesh-network/1\")")
    }
    let duration = object.required("duration_s")?.positiveDouble()
    var populations: [Population] = []
    var ok = true
    if let list = object.required("populations")?.array() {
        for node in list {
            guard let population = decodePopulation(node) else {
                ok = false
                continue
            }
            if populations.contains(where: { $0.name == population.name }) {
                node.report("duplicate population name \"\(population.name)\"")
                ok = false
            }
            populations.append(population)
        }
        if list.isEmpty { object.report("a network needs at least one population") }
    } else {
        ok = false
    }
    var projections: [Projection] = []
    if let list = object.required("projections")?.array() {
        for node in list {
            if let projection = decodeProjection(node, populations: populations) { projections.append(projection) } else { ok = false }
        }
    } else {
        ok = false
    }
    let output = object.optional("output").flatMap { node -> PopulationID? in
        guard let name = node.string() else { return nil }
        guard let index = populations.firstIndex(where: { $0.name == name }) else {
            node.report("no population named \"\(name)\"")
            return nil
        }
        return PopulationID(index)
    }
    object.finish()
    guard ok, let duration, !populations.isEmpty else { return nil }
    return Network(populations: populations, projections: projections, duration: duration, output: output)
}

private func decodePopulation(_ node: JSONNode) -> Population? {
    guard let object = node.object() else { return nil }
    let name = object.required("name")?.string()
    let kind = object.required("kind")?.string(oneOf: NeuronKind.allCases.map(\.rawValue)).flatMap(NeuronKind.init(rawValue:))
    let size = object.required("size")?.int(in: 1...(1 << 24))
    var parameters = NeuronParameters()
    if let kind, kind != .input {
        let tauMem = object.required("tau_mem_s")?.positiveDouble()
        let tauSyn = object.required("tau_syn_s")?.positiveDouble()
        let threshold = kind == .lif ? object.required("threshold")?.positiveDouble() : object.optional("threshold")?.positiveDouble() ?? 1
        let reset = kind == .lif ? object.required("reset")?.double() : object.optional("reset")?.double() ?? 0
        guard let tauMem, let tauSyn, let threshold, let reset else {
            object.finish()
            return nil
        }
        parameters = NeuronParameters(tauMem: tauMem, tauSyn: tauSyn, threshold: threshold, reset: reset)
    }
    object.finish()
    guard let name, let kind, let size else { return nil }
    return Population(name: name, kind: kind, size: size, parameters: parameters)
}

private func decodeProjection(_ node: JSONNode, populations: [Population]) -> Projection? {
    guard let object = node.object() else { return nil }
    func population(_ key: String) -> Int? {
        guard let node = object.required(key), let name = node.string() else { return nil }
        guard let index = populations.firstIndex(where: { $0.name == name }) else {
            node.report("no population named \"\(name)\"")
            return nil
        }
        return index
    }
    let source = population("from")
    let target = population("to")
    let weightsNode = object.required("weights")
    let delaysNode = object.optional("delays_s")
    object.finish()
    guard let source, let target, let weightsNode else { return nil }
    let pre = populations[source].size
    let post = populations[target].size
    func matrix(_ node: JSONNode, nonNegative: Bool) -> [Double]? {
        guard let rows = node.array() else { return nil }
        guard rows.count == post else {
            node.report("expected \(post) rows (one per neuron of \"\(populations[target].name)\"), found \(rows.count)")
            return nil
        }
        var flat = Array(repeating: 0.0, count: pre * post)
        var ok = true
        for (j, row) in rows.enumerated() {
            guard let values = row.doubleArray(count: pre) else {
                ok = false
                continue
            }
            for (i, x) in values.enumerated() {
                if nonNegative && x < 0 {
                    row.report("delay \(x) at column \(i) must not be negative")
                    ok = false
                }
                flat[i * post + j] = x
            }
        }
        return ok ? flat : nil
    }
    guard let weights = matrix(weightsNode, nonNegative: false) else { return nil }
    var delays: [Double]?
    if let delaysNode {
        guard let d = matrix(delaysNode, nonNegative: true) else { return nil }
        delays = d
    }
    return Projection(
        source: PopulationID(source), target: PopulationID(target), sourceSize: pre, targetSize: post, weights: weights,
        delays: delays)
}
