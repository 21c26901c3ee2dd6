import Foundation
import Neuromesh
import Testing

/// The README's embedding example, as a user would write it against `import Neuromesh` alone.
@Suite("Embedding")
struct EmbeddingExampleTests {
    static let chips: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("chips").path
    }()

    @Test func theReadmeExampleRuns() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("embedding-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try NetworkFile.save(
            NetworkBuilder.layered(
                sizes: [5, 40, 3], inits: [WeightInit(mean: 1.5, std: 0.78), WeightInit(mean: 0.93, std: 0.1)], duration: 0.05, seed: 1),
            to: file)

        // --- The README's example (with `file` for "yinyang-trained.json") ---
        let network = try NetworkFile.load(file)
        let input = InputSpikes(times: [[0.001], [0.02], [0.029], [0.01], [0]], label: 0)

        // The exact functional reference: the loss and its gradients.
        var simulator = ReferenceSimulator(network: network)
        let loss = simulator.gradient(input: input, loss: .timeToFirstSpike())

        // The same sample on the Loihi-like chip: spikes as packets, costs per core and phase.
        let chip = try ChipSpec.load(path: Self.chips + "/loihi.json")
        let mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .fill)
        var emulator = try Emulator(network: network, mapping: mapping)
        let forward = try emulator.run(input)
        let backward = try emulator.backward(loss: .timeToFirstSpike(), label: input.label)
        let energy = (forward: forward.energy().total, backward: backward.energy(after: forward).total)
        // --- end of the example ---

        #expect(loss.value.isFinite)
        #expect(forward.spikes == simulator.spikeTrains())
        #expect(backward.loss.value == loss.value)
        let scale = simulator.gradients.weights.flatMap { $0 }.map(abs).max()!
        for (chipGradient, reference) in zip(backward.gradients.weights.joined(), simulator.gradients.weights.joined()) {
            #expect(abs(chipGradient - reference) <= 1e-12 * scale)
        }
        #expect(energy.forward > 0 && energy.backward > 0)
        #expect(forward.latency > 0)
    }
}
