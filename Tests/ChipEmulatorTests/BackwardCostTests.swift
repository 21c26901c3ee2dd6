import ChipDescription
import SpikingModel
import Testing

@testable import ChipEmulator

@Suite("Backward-pass costs")
struct BackwardCostTests {
    /// A library user reads the backward pass's energy and messages from its result: the adjoint
    /// updates priced by the chip file, static power over the backward latency, error packets.
    @Test func energyAndMessagesOfTheBackwardPass() throws {
        let chip = loadChip("loihi.json")
        let (network, input) = activeNetwork(seed: 4, window: chip.time.window, recurrent: false)
        let mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .explicit(farPlacement(network, chip: chip)))
        var emulator = try Emulator(network: network, mapping: mapping)
        let forward = try emulator.run(input)
        let backward = try emulator.backward(loss: .timeToFirstSpike(), label: input.label)
        let energy = backward.energy(after: forward)
        let cores = backward.counters.cores[Phase.backward.rawValue]
        let adjoints = cores.reduce(0) { $0 + $1.adjointUpdates }
        #expect(adjoints > 0)
        if let joules = chip.costs[.adjointUpdate].energy {
            #expect(abs(energy.joules["adjoint_updates"]! - Double(adjoints) * joules) <= 1e-12 * energy.joules["adjoint_updates"]!)
        } else {
            #expect(energy.unpriced[ChipOperation.adjointUpdate.description] == adjoints)
        }
        if let watts = chip.costs.staticPowerPerCore {
            let expected = watts * Double(forward.usedCores.count) * Double(backward.latency) * 1e-12
            #expect(abs(energy.joules["static"]! - expected) <= 1e-12 * expected)
        }
        #expect(energy.joules["synaptic_ops"] == 0, "the forward pass's operations are not charged again")
        let messages = backward.messages(after: forward)
        #expect(messages.spikePackets == cores.reduce(0) { $0 + $1.packetsInjected })
        #expect(messages.spikePackets > 0, "the far placement sends error packets across the mesh")
    }
}
