import SpikingModel
import Testing

@testable import ChipEmulator

@Suite("Window ends")
struct WindowEndsTests {
    /// `windowOf(t) ≤ w ⟺ t < windowEnds[w]`, checked at each end, one ulp below it, and at random
    /// times, for window lengths whose multiples round up, down or not at all (0.1, 1e-3, 1/3, …).
    @Test(arguments: [1e-3, 0.1, 1.0 / 3, 0.7, 2.5e-4, 1e-3 * (1 + 1e-15), 5e-9])
    func windowEndsSplitTimesAsTheDivisionDoes(window: Double) {
        let count = 60
        func windowOf(_ t: Double) -> Int { min(Int(t / window), count - 1) }
        let ends = Emulator.windowEnds(window: window, count: count)
        #expect(ends.count == count)
        #expect(ends[count - 1] == .infinity)
        var rng = SpikingModel.SplitMix64(seed: 17)
        for w in 0..<(count - 1) {
            let end = ends[w]
            #expect(windowOf(end) > w, "window \(w): its end \(end) still divides into it")
            #expect(windowOf(end.nextDown) <= w, "window \(w): one ulp below its end \(end) is already later")
            #expect(end.nextDown < Double(w + 1) * window * (1 + 1e-12) && end > Double(w + 1) * window * (1 - 1e-12))
        }
        for _ in 0..<2000 {
            let t = rng.uniform() * Double(count + 2) * window
            let w = Int(rng.uniform() * Double(count))
            #expect((windowOf(t) <= w) == (t < ends[w]), "t = \(t), window \(w)")
        }
    }
}
