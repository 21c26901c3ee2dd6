import ChipDescription
import SpikingModel
import Testing

@testable import ChipEmulator

@Suite("Mapping the reference networks onto the bundled chips")
struct BundledChipMappingTests {
    static let small = NetworkShape(layeredNetwork([5, 200, 3]))
    static let mnist = NetworkShape(layeredNetwork([784, 350, 10]))

    @Test(arguments: bundledChips)
    func fiveTwoHundredThreeMapsEverywhere(file: String) throws {
        let chip = loadChip(file)
        let mapping = try Mapping.map(Self.small, onto: chip)
        #expect(verify(mapping, Self.small, chip, mapping.options).isEmpty)
        #expect(mapping.usage.reduce(0) { $0 + $1.neurons } == 203)
    }

    /// 784-350-10 fits the chips with enough synapse memory and fan-in; TrueNorth's 256-axon
    /// cores cannot take 784 inputs per neuron, and the tiny test chip allows 256 synapses per
    /// neuron.
    @Test(arguments: [
        ("loihi.json", nil), ("loihi-calibrated.json", nil), ("spinnaker2.json", nil),
        ("truenorth.json", "core 0: fan-in (input axons per core): needs 784 axons, capacity 256 axons"),
        ("tiny.json", "core 0: fan-in (synapses per neuron): needs 784 synapses, capacity 256 synapses"),
    ] as [(String, String?)])
    func mnistNetworkMapsWhereItFits(file: String, expectedError: String?) throws {
        let chip = loadChip(file)
        do {
            let mapping = try Mapping.map(Self.mnist, onto: chip)
            #expect(expectedError == nil, "\(file) should not hold 784-350-10")
            #expect(verify(mapping, Self.mnist, chip, mapping.options).isEmpty)
        } catch {
            #expect(error.description == expectedError, "\(file): \(error)")
        }
    }

    @Test func loihiNeedsMoreCoresForAdamState() throws {
        let chip = loadChip("loihi.json")
        let inference = try Mapping.map(Self.mnist, onto: chip)
        let adam = try Mapping.map(Self.mnist, onto: chip, options: MappingOptions(learning: .adam))
        // 784 synapses × 8 bits = 784 B per hidden neuron → 167 per core; with Adam
        // 784 × (8 + 3 × 16) bits = 5,488 B → 23 per core.
        #expect(inference.usedCores.count == 3)
        #expect(adam.usedCores.count == 16)
        #expect(adam.usedCores[0].synapseMemoryBytes == 23 * 5488)
        #expect(verify(adam, Self.mnist, chip, adam.options).isEmpty)
        #expect(adam.uncheckedLimits == ["spike log: /core/spike_log_entries is null"])
    }

    @Test func trueNorthCannotLearn() {
        #expect {
            try Mapping.map(Self.small, onto: loadChip("truenorth.json"), options: MappingOptions(learning: .sgd))
        } throws: { error in
            (error as? MappingError)?.description.contains("/core/learning_state_bits is null") == true
        }
    }

    @Test func spreadingOnTrueNorthBreaksItsOneCoreFanOut() {
        #expect {
            try Mapping.map(Self.small, onto: loadChip("truenorth.json"), strategy: .spread)
        } throws: { error in
            let text = (error as? MappingError)?.description ?? ""
            return text.contains("fan-out (destination cores per neuron): needs 3 cores, capacity 1 cores")
        }
    }

    @Test func spreadUsesAsManyCoresAsThePopulationAllows() throws {
        let chip = loadChip("tiny.json")
        let mapping = try Mapping.map(Self.small, onto: chip, strategy: .spread)
        // 200 hidden neurons over all 8 cores (25 each), 3 outputs on the next 3 cores.
        #expect(mapping.usedCores.count == 8)
        #expect(mapping.placement.segments.filter { $0.population == PopulationID(1) }.map(\.neurons.count) == Array(repeating: 25, count: 8))
        #expect(verify(mapping, Self.small, chip, mapping.options).isEmpty)
    }

    @Test func everyViolatedCoreIsReportedNotJustTheFirst() {
        let chip = loadChip("loihi.json")
        // Hidden neurons 0...199 on core 0 and 200...349 on core 1: 156,800 and 117,600 bytes.
        var cores = [[CoreID]](repeating: [], count: 3)
        cores[1] = Array(repeating: CoreID(0), count: 200) + Array(repeating: CoreID(1), count: 150)
        cores[2] = Array(repeating: CoreID(0), count: 10)
        #expect {
            try Mapping.map(Self.mnist, onto: chip, strategy: .explicit(Placement(cores: cores)))
        } throws: { error in
            (error as? MappingError)?.description == "core 0: synapse memory: needs 160,300 bytes, capacity 131,072 bytes"
        }
        cores[1] = Array(repeating: CoreID(0), count: 175) + Array(repeating: CoreID(1), count: 175)
        cores[2] = Array(repeating: CoreID(1), count: 10)
        #expect {
            try Mapping.map(Self.mnist, onto: chip, strategy: .explicit(Placement(cores: cores)), options: MappingOptions(learning: .sgd))
        } throws: { error in
            let issues = (error as? MappingError)?.issues ?? []
            return issues.count == 2 && issues.allSatisfy { $0.description.contains("synapse memory") }
        }
    }

    @Test func spikeLogIsCheckedOnlyWhenLearning() throws {
        let chip = loadChip("tiny.json")  // 512 entries per core
        let shape = NetworkShape(layeredNetwork([5, 20, 3]))
        _ = try Mapping.map(shape, onto: chip, options: MappingOptions(learning: .inference, spikesPerNeuron: 100))
        #expect {
            try Mapping.map(shape, onto: chip, options: MappingOptions(learning: .sgd, spikesPerNeuron: 100))
        } throws: { error in
            (error as? MappingError)?.description.contains("spike log (expected entries)") == true
        }
    }

    @Test func delaysCostMemoryAndNeedADelayField() throws {
        var chip = loadChip("tiny.json")
        let shape = NetworkShape(layeredNetwork([5, 10, 3], delays: true))
        let mapping = try Mapping.map(shape, onto: chip)
        // 10 × 5 × (8 + 4) bits + 3 × 10 × (8 + 4) bits = 960 bits = 120 bytes, all on core 0.
        #expect(mapping.usage[0].synapseMemoryBytes == 120)
        chip.core.delayBits = nil
        #expect(throws: MappingError.self) { try Mapping.map(shape, onto: chip) }
    }
}
