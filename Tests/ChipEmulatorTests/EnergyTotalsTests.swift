import ChipDescription
import SpikingModel
import Testing

@testable import ChipEmulator

@Suite("Energy totals")
struct EnergyTotalsTests {
    /// Training reads each sample's energy by category only (`energyTotals`); the numbers must be
    /// those of the full report, bit for bit, on every bundled chip, forward and backward, with
    /// the same unpriced operations and counts.
    @Test(arguments: bundledChips)
    func totalsAreTheFullReportsNumbers(chipFile: String) throws {
        let chip = loadChip(chipFile)
        for seed: UInt64 in 1...3 {
            let (network, input) = activeNetwork(seed: seed, window: chip.time.window, recurrent: false)
            let mapping = try Mapping.map(NetworkShape(network), onto: chip, strategy: .explicit(farPlacement(network, chip: chip)))
            var emulator = try Emulator(network: network, mapping: mapping)
            let forward = try emulator.run(input)
            let backward = try emulator.backward(loss: .timeToFirstSpike(), label: input.label)
            for (report, totals) in [
                (forward.energy(phase: .forward), forward.energyTotals(phase: .forward)),
                (backward.energy(after: forward), backward.energyTotals(after: forward)),
            ] {
                #expect(report.total.bitPattern == totals.total.bitPattern, "\(chipFile), seed \(seed)")
                for category in EnergyCategory.allCases {
                    #expect(report.joules[category.name]?.bitPattern == totals.joules[category.rawValue].bitPattern, "\(chipFile): \(category.name)")
                }
                #expect(report.unpriced == totals.unpriced.dictionary, "\(chipFile), seed \(seed)")
            }
            #expect(forward.energy(phase: .forward).total > 0 || !forward.energy(phase: .forward).unpriced.isEmpty)
        }
    }

    /// The index layout names every chip operation and the three extra entries, and a count of
    /// zero that was recorded (static power with no used core) is still named.
    @Test func unpricedCountsNameWhatWasRecorded() {
        #expect(UnpricedCounts.names.count == ChipOperation.allCases.count + 3)
        #expect(Set(UnpricedCounts.names).count == UnpricedCounts.names.count)
        for operation in ChipOperation.allCases { #expect(UnpricedCounts.names[operation.rawValue] == operation.description) }
        var a = UnpricedCounts()
        a.add(0, at: UnpricedCounts.staticPower)
        a.add(5, at: ChipOperation.spikeEmit.rawValue)
        var b = UnpricedCounts()
        b.add(7, at: UnpricedCounts.barrier)
        b.add(2, at: ChipOperation.spikeEmit.rawValue)
        a.add(b)
        #expect(a.dictionary == ["static_power": 0, ChipOperation.spikeEmit.description: 7, "barrier": 7])
        #expect(UnpricedCounts().dictionary.isEmpty)
    }
}
