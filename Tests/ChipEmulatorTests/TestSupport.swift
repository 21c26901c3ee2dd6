// Test support: a seeded generator, the bundled chips, and small network builders.

import ChipDescription
import Foundation
import SpikingModel

@testable import ChipEmulator

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator for repeatable tests.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let chipsDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("chips").path
}()

func loadChip(_ file: String) -> ChipSpec {
    do { return try ChipSpec.load(path: chipsDirectory + "/" + file) } catch { fatalError("\(error)") }
}

let bundledChips = ["loihi.json", "loihi-calibrated.json", "truenorth.json", "spinnaker2.json", "tiny.json"]

/// A feed-forward network `sizes[0]` inputs → LIF layers → an LI readout, zero weights.
func layeredNetwork(_ sizes: [Int], delays: Bool = false) -> Network {
    let populations = sizes.enumerated().map { i, size in
        Population(name: i == 0 ? "in" : i == sizes.count - 1 ? "out" : "hidden\(i)", kind: i == 0 ? .input : i == sizes.count - 1 ? .li : .lif, size: size)
    }
    let projections = (1..<sizes.count).map { i in
        let count = sizes[i - 1] * sizes[i]
        return Projection(
            source: PopulationID(i - 1), target: PopulationID(i), sourceSize: sizes[i - 1], targetSize: sizes[i],
            weights: Array(repeating: 0, count: count), delays: delays ? Array(repeating: 1e-3, count: count) : nil)
    }
    return Network(populations: populations, projections: projections, duration: 0.1)
}
