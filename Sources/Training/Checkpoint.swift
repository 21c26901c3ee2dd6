// Checkpoint: a training run's state on disk (`neuromesh-checkpoint/1`), written atomically.

import SpikingModel
import StrictJSON

/// Everything needed to continue a training run exactly where it stopped: the network (weights
/// included), the optimizer state, the next epoch and the learning rate, and the settings that must
/// not change on resuming.
public struct Checkpoint: Sendable, Equatable {
    public static let format = "neuromesh-checkpoint/1"

    public var network: Network
    public var optimizer: Optimizer
    /// Epochs completed.
    public var epoch: Int
    public var learningRate: Double
    /// A description of the settings (seed, batch, optimizer, …) that a resumed run must match.
    public var settings: String

    public init(trainer: Trainer, settings: String) {
        network = trainer.network
        optimizer = trainer.optimizer
        epoch = trainer.epoch
        learningRate = trainer.learningRate
        self.settings = settings
    }

    public func encode() -> JSONValue {
        .object(JSONObject([
            ("format", .string(Self.format)), ("settings", .string(settings)), ("epoch", .count(epoch)),
            ("learning_rate", .number(learningRate)), ("optimizer_step", .count(optimizer.step)),
            ("optimizer_first", .array(optimizer.first.map { .numbers($0) })),
            ("optimizer_second", .array(optimizer.second.map { .numbers($0) })),
            ("network", NetworkFile.encode(network)),
        ]))
    }

    /// Writes the checkpoint to `path` atomically (a crash mid-write leaves the previous one).
    public func save(to path: String) throws {
        try JSONFile.writeAtomically(JSONWriter.string(encode(), style: .compact), to: path)
    }

    /// Reads a checkpoint written by ``save(to:)``; every problem names the file and JSON path.
    public static func load(_ path: String, optimizer kind: OptimizerKind) throws(JSONIssues) -> Checkpoint {
        let value = try JSONFile.read(path)
        let diagnostics = JSONDiagnostics(file: path)
        var result: Checkpoint? = nil
        if let object = JSONNode(value: value, diagnostics: diagnostics).object() {
            if let format = object.required("format"), let text = format.string(), text != Self.format {
                format.report("unsupported format \"\(text)\" (expected \"\(Self.format)\")")
            }
            let settings = object.required("settings")?.string()
            let epoch = object.required("epoch")?.int(in: 0...1_000_000)
            let rate = object.required("learning_rate")?.positiveDouble()
            let step = object.required("optimizer_step")?.int(in: 0...Int(Int32.max))
            let first = object.required("optimizer_first")?.array()?.compactMap { $0.doubleArray() }
            let second = object.required("optimizer_second")?.array()?.compactMap { $0.doubleArray() }
            let network = object.required("network").flatMap { NetworkFile.decode($0) }
            object.finish()
            if let settings, let epoch, let rate, let step, let first, let second, let network, !diagnostics.hasIssues {
                var optimizer = Optimizer(kind: kind, shapes: network.projections.map(\.synapseCount))
                let shapesMatch = { (state: [[Double]], expected: [[Double]]) in state.map(\.count) == expected.map(\.count) }
                if shapesMatch(first, optimizer.first) && shapesMatch(second, optimizer.second) {
                    checkState(first: first, second: second, kind: kind, diagnostics: diagnostics)
                    optimizer.first = first
                    optimizer.second = second
                    optimizer.step = step
                    if !diagnostics.hasIssues {
                        result = Checkpoint(network: network, optimizer: optimizer, epoch: epoch, learningRate: rate, settings: settings)
                    }
                } else {
                    diagnostics.report("the optimizer state does not have the network's shapes", at: .root)
                }
            }
        }
        try diagnostics.throwIfAny()
        return result!
    }

    /// Reports optimizer state that training cannot have produced and that would wreck the
    /// weights on the next update: a non-finite value, a negative second moment, or (Adam) a
    /// first moment too large for its second moment.
    ///
    /// Adam's moments of one weight are `m = (1−β1) Σ β1ᵏ gₖ` and `v = (1−β2) Σ β2ᵏ gₖ²`, so by
    /// Cauchy–Schwarz `|m| ≤ (1−β1) / √((1−β2)(1 − β1²/β2)) · √v` (7.27 √v for the paper's β)
    /// whenever β1² < β2. A first moment beyond that bound (e.g. 1e308 with v = 0) would make the
    /// update `m̂ / (√v̂ + ε)` overflow.
    static func checkState(first: [[Double]], second: [[Double]], kind: OptimizerKind, diagnostics: JSONDiagnostics) {
        var bound = Double.infinity
        if case .adam(let beta1, let beta2, _) = kind, beta1 * beta1 < beta2 {
            // A little slack for rounding; a state from training is far inside.
            bound = 1.001 * (1 - beta1) / ((1 - beta2) * (1 - beta1 * beta1 / beta2)).squareRoot()
        }
        let root = JSONPath.root
        for p in first.indices {
            for s in first[p].indices {
                let m = first[p][s]
                let v = second[p].isEmpty ? nil : second[p][s]
                if !m.isFinite {
                    diagnostics.report("\(m) is invalid: an optimizer moment must be finite", at: root.appending("optimizer_first").appending(p).appending(s))
                    return
                }
                if let v, !(v.isFinite && v >= 0) {
                    diagnostics.report("\(v) is invalid: a second moment must be finite and not negative", at: root.appending("optimizer_second").appending(p).appending(s))
                    return
                }
                if let v, bound.isFinite, abs(m) > bound * v.squareRoot() {
                    diagnostics.report(
                        "\(m) is invalid: the size of an Adam first moment is at most \((bound * 1000).rounded() / 1000) × √(second moment), here \(bound * v.squareRoot()) (optimizer_second holds \(v)); training cannot have written this",
                        at: root.appending("optimizer_first").appending(p).appending(s))
                    return
                }
            }
        }
    }

    /// How the checkpoint's network differs from `expected`, the network the resumed run would
    /// train (populations, neuron parameters, projections, delays, duration — everything but the
    /// weights), or `nil` if it has the same structure.
    public func networkMismatch(_ expected: Network) -> String? {
        let found = network
        func layout(_ n: Network) -> String {
            let populations = n.populations.map { "\($0.name) (\($0.kind.rawValue), \($0.size))" }.joined(separator: ", ")
            let projections = n.projections.map { "\(n.populations[$0.source.rawValue].name)→\(n.populations[$0.target.rawValue].name)" }.joined(separator: ", ")
            return "populations \(populations); projections \(projections)"
        }
        if found.populations[found.output.rawValue].kind == .li && expected.populations[expected.output.rawValue].kind == .lif {
            return "its output population \"\(found.populations[found.output.rawValue].name)\" is li (non-spiking readouts), which the time-to-first-spike loss cannot train; this run needs lif outputs"
        }
        let sameLayout =
            found.populations.map(\.kind) == expected.populations.map(\.kind) && found.populations.map(\.size) == expected.populations.map(\.size)
            && found.output == expected.output
            && found.projections.map { [$0.source, $0.target] } == expected.projections.map { [$0.source, $0.target] }
        guard sameLayout else { return "its network has \(layout(found)); this run needs \(layout(expected))" }
        for (f, e) in zip(found.populations, expected.populations) where e.kind != .input && f.parameters != e.parameters {
            let describe = { (p: NeuronParameters) in "tau_mem_s \(p.tauMem), tau_syn_s \(p.tauSyn), threshold \(p.threshold), reset \(p.reset)" }
            return "population \"\(f.name)\" has \(describe(f.parameters)); this run needs \(describe(e.parameters))"
        }
        for (i, (f, e)) in zip(found.projections, expected.projections).enumerated() where f.hasDelays != e.hasDelays || (f.hasDelays && f.delays != e.delays) {
            let difference = f.hasDelays == e.hasDelays ? "other synaptic delays than" : f.hasDelays ? "synaptic delays, unlike" : "no synaptic delays, unlike"
            return "projection \(i) (\(found.populations[f.source.rawValue].name)→\(found.populations[f.target.rawValue].name)) has \(difference) this run's network"
        }
        if found.duration != expected.duration {
            return "its network's duration_s is \(found.duration); this run's is \(expected.duration)"
        }
        return nil
    }

    init(network: Network, optimizer: Optimizer, epoch: Int, learningRate: Double, settings: String) {
        self.network = network
        self.optimizer = optimizer
        self.epoch = epoch
        self.learningRate = learningRate
        self.settings = settings
    }
}
