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
                    optimizer.first = first
                    optimizer.second = second
                    optimizer.step = step
                    result = Checkpoint(network: network, optimizer: optimizer, epoch: epoch, learningRate: rate, settings: settings)
                } else {
                    diagnostics.report("the optimizer state does not have the network's shapes", at: .root)
                }
            }
        }
        try diagnostics.throwIfAny()
        return result!
    }

    init(network: Network, optimizer: Optimizer, epoch: Int, learningRate: Double, settings: String) {
        self.network = network
        self.optimizer = optimizer
        self.epoch = epoch
        self.learningRate = learningRate
        self.settings = settings
    }
}
