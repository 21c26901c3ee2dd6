import ChipDescription
import Testing

@testable import ChipEmulator
@testable import SpikingModel

/// What an embedding program can get wrong — inputs, labels, mappings, the order of calls — is
/// thrown as an ``EmulatorError`` or ``MappingError`` naming the problem, never a trap.
@Suite("Emulator misuse")
struct EmulatorMisuseTests {
    static func network(hidden: Int = 4, duration: Double = 0.02) -> Network {
        NetworkBuilder.layered(
            sizes: [2, hidden, 3], output: .lif, inits: [WeightInit(mean: 1.5, std: 0.5), WeightInit(mean: 1, std: 0.1)], duration: duration, seed: 5)
    }
    static let input = InputSpikes(times: [[0.001], [0.002]], label: 1)

    static func emulator(_ network: Network = network()) throws -> Emulator {
        try Emulator(network: network, mapping: Mapping.map(NetworkShape(network), onto: loadChip("loihi.json")))
    }

    static func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as EmulatorError {
            return error.message
        } catch let error as MappingError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    /// A trial of more windows than the emulator handles is refused with its window count,
    /// ⌊T / window⌋ + 1 (10000 s in 1 ms windows: one more than the limit).
    @Test func aTrialOfTooManyWindowsIsRefusedWithItsCount() throws {
        #expect(Self.message { _ = try Self.emulator(Self.network(duration: 10_000)) }
            == "a trial of 10000.0 s in windows of 0.001 s (/time/window_s) has 10000001 windows; the emulator handles at most 10000000: use a longer window or a shorter trial")
        #expect(Self.message { _ = try Self.emulator(Self.network(duration: 9_999.999)) } == nil)
    }

    @Test func aRunRejectsInputsThatDoNotFitTheNetwork() throws {
        var emulator = try Self.emulator()
        for (times, expected) in [
            ([[0.001]], "1 spike trains, but the network has 2 input neurons"),
            ([[-0.003], [0.002]], "-0.003 s of input neuron 0"),
            ([[0.001], [.nan]], "nan s of input neuron 1"),
        ] {
            let text = Self.message { _ = try emulator.run(InputSpikes(times: times, label: 0)) }
            #expect(text?.contains(expected) == true, "\(String(describing: text))")
        }
        // The emulator stays usable.
        #expect(try emulator.run(Self.input).windows > 0)
    }

    @Test func backwardRejectsALabelThatNamesNoOutputNeuron() throws {
        var emulator = try Self.emulator()
        _ = try emulator.run(Self.input)
        let text = Self.message { _ = try emulator.backward(loss: .timeToFirstSpike(), label: 3) }
        #expect(text?.contains("label 3 does not name an output neuron") == true, "\(String(describing: text))")
        #expect(Self.message { _ = try emulator.backward(loss: .timeToFirstSpike(), label: -1) } != nil)
        _ = try emulator.backward(loss: .timeToFirstSpike(), label: 2)
    }

    @Test func backwardNeedsAForwardPassWithTheCurrentWeights() throws {
        var emulator = try Self.emulator()
        #expect(Self.message { _ = try emulator.backward(loss: .spikeTimeSum, label: nil) }?.contains("no forward pass") == true)
        _ = try emulator.run(Self.input)
        _ = try emulator.backward(loss: .spikeTimeSum, label: nil)
        emulator.setWeights(emulator.network.projections.map(\.weights))
        #expect(Self.message { _ = try emulator.backward(loss: .spikeTimeSum, label: nil) }?.contains("no forward pass") == true)
        _ = try emulator.run(Self.input)
        _ = try emulator.backward(loss: .spikeTimeSum, label: nil)
    }

    @Test func aMappingOfAnotherNetworkIsRejected() throws {
        let chip = loadChip("loihi.json")
        let mapping = try Mapping.map(NetworkShape(Self.network(hidden: 4)), onto: chip)
        #expect(mapping.mismatch(Self.network(hidden: 4)) == nil)
        let text = Self.message { _ = try Emulator(network: Self.network(hidden: 9), mapping: mapping) }
        #expect(text?.contains("has 4 lif neurons, but \"hidden\" has 9") == true, "\(String(describing: text))")
        // Delays the mapping reserved no memory for.
        var delayed = Self.network(hidden: 4)
        delayed.projections[1].delays = Array(repeating: 2e-3, count: delayed.projections[1].synapseCount)
        #expect(mapping.mismatch(delayed)?.contains("projection 1 has delays") == true)
    }

    @Test func aNonPositiveDurationIsRejected() throws {
        let text = Self.message { _ = try Self.emulator(Self.network(duration: -1)) }
        #expect(text?.contains("greater than 0 s") == true, "\(String(describing: text))")
    }

    @Test func aNetworkWithAProblemIsRejected() throws {
        var network = Self.network()
        network.projections[1].weights[2] = .nan
        network.populations[1].parameters.tauMem = 0
        let text = Self.message { _ = try Self.emulator(network) }
        #expect(text == network.firstProblem, "\(String(describing: text))")
        #expect(text?.contains(#"population 1 "hidden": tauMem 0.0 s is invalid"#) == true, "\(String(describing: text))")
        #expect(text?.contains("and 1 more") == true, "\(String(describing: text))")
    }

    @Test func anExplicitPlacementMustFitTheShapeAndTheChip() throws {
        let chip = loadChip("loihi.json")
        let small = try Mapping.map(NetworkShape(Self.network(hidden: 4)), onto: chip)
        let text = Self.message { _ = try Mapping.map(NetworkShape(Self.network(hidden: 9)), onto: chip, strategy: .explicit(small.placement)) }
        #expect(text?.contains("places 4 neurons of population \"hidden\", which has 9") == true, "\(String(describing: text))")
        var cores = small.placement.cores
        cores[2][0] = CoreID(chip.mesh.coreCount)
        let offChip = Self.message { _ = try Mapping.map(NetworkShape(Self.network(hidden: 4)), onto: chip, strategy: .explicit(Placement(cores: cores))) }
        #expect(offChip?.contains("not one of the chip's") == true, "\(String(describing: offChip))")
    }
}
