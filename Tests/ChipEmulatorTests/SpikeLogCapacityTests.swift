import ChipDescription
import Testing

@testable import ChipEmulator
@testable import SpikingModel

/// The spike log the backward pass replays has the chip file's capacity per core
/// (`/core/spike_log_entries`), enforced by its overflow policy.
@Suite("Spike-log capacity")
struct SpikeLogCapacityTests {
    static func setup(capacity: Int?, policy: OverflowPolicy) throws -> (Emulator, InputSpikes) {
        var chip = loadChip("loihi.json")
        chip.core.spikeLogEntries = capacity
        chip.core.spikeLogOverflow = policy
        let (network, input) = activeNetwork(seed: 3, window: chip.time.window, recurrent: false)
        let mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .spread)
        return (try Emulator(network: network, mapping: mapping), input)
    }

    /// Entries a core needs: its own spikes and the distinct presynaptic spikes reaching it.
    static func largestLog(_ emulator: Emulator) -> Int {
        (0..<emulator.layout.coreCount).map { core in
            var own = 0
            var received = Set<Int32>()
            for s in emulator.layout.stagesOfCore[core] {
                for entry in emulator.stageLog[s] {
                    if entry.kind == .spike { own += 1 } else { received.insert(entry.spike) }
                }
            }
            return own + received.count
        }.max() ?? 0
    }

    @Test func aLogThatFitsChangesNothing() throws {
        var (unlimited, input) = try Self.setup(capacity: nil, policy: .error)
        _ = try unlimited.run(input)
        let needed = Self.largestLog(unlimited)
        #expect(needed > 10)
        let reference = try unlimited.backward(loss: .spikeTimeSum, label: nil)
        var (exact, _) = try Self.setup(capacity: needed, policy: .error)
        _ = try exact.run(input)
        let result = try exact.backward(loss: .spikeTimeSum, label: nil)
        #expect(result.gradients == reference.gradients)
        #expect(result.counters.spikeLogDropped == 0)
    }

    @Test func anOverflowStopsTheBackwardPassUnderTheErrorPolicy() throws {
        var (probe, input) = try Self.setup(capacity: nil, policy: .error)
        _ = try probe.run(input)
        let needed = Self.largestLog(probe)
        var (emulator, _) = try Self.setup(capacity: needed - 1, policy: .error)
        _ = try emulator.run(input)  // inference needs no log
        do {
            _ = try emulator.backward(loss: .spikeTimeSum, label: nil)
            Issue.record("the overflow went unnoticed")
        } catch {
            #expect(error.message.contains("/core/spike_log_entries"), "\(error.message)")
            #expect(error.message.contains("\(needed) spike-log entries"), "\(error.message)")
        }
    }

    @Test func anOverflowIsDroppedAndCountedUnderTheCountPolicy() throws {
        var (probe, input) = try Self.setup(capacity: nil, policy: .count)
        _ = try probe.run(input)
        let needed = Self.largestLog(probe)
        let exact = try probe.backward(loss: .spikeTimeSum, label: nil)
        var (emulator, _) = try Self.setup(capacity: needed / 2, policy: .count)
        let forward = try emulator.run(input)
        #expect(forward.isExact)
        let result = try emulator.backward(loss: .spikeTimeSum, label: nil)
        #expect(result.counters.spikeLogDropped >= UInt64(needed - needed / 2))
        #expect(result.gradients != exact.gradients)
        var both = forward
        both.counters = result.counters
        #expect(!both.isExact)
    }
}
