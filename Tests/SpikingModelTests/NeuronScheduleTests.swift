import Testing

@_spi(Kernel) @testable import SpikingModel

@Suite("Neuron schedule")
struct NeuronScheduleTests {
    /// The earliest event by brute force, in the canonical order: time, check before spike, neuron.
    static func earliest(_ time: [Double], _ kind: [NeuronSchedule.Kind]) -> (neuron: Int, time: Double, kind: NeuronSchedule.Kind)? {
        var best: Int? = nil
        for i in time.indices where time[i] < .infinity {
            if let b = best, !(time[i] < time[b] || (time[i] == time[b] && kind[i].rawValue < kind[b].rawValue)) { continue }
            best = i
        }
        return best.map { ($0, time[$0], kind[$0]) }
    }

    /// Random single updates, range updates with repair, removals and clears, on sizes that are
    /// and are not powers of two; times drawn from a few values so that ties (equal times, equal
    /// kinds) are common. After every operation the root must be the brute-force earliest event.
    @Test(arguments: [1, 2, 3, 7, 8, 200, 257])
    func rootIsTheEarliestEventAfterEveryUpdate(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) &* 7919)
        var schedule = NeuronSchedule(count: count)
        var time = Array(repeating: Double.infinity, count: count)
        var kind = Array(repeating: NeuronSchedule.Kind.check, count: count)
        func randomEvent() -> (Double, NeuronSchedule.Kind) {
            let t = rng.uniform() < 0.2 ? Double.infinity : Double(Int(rng.uniform() * 6)) * 0.5
            return (t, rng.uniform() < 0.5 ? .check : .spike)
        }
        for step in 0..<4000 {
            let r = rng.uniform()
            if r < 0.6 {
                let i = Int(rng.uniform() * Double(count))
                let (t, k) = randomEvent()
                schedule.set(i, time: t, kind: k)
                (time[i], kind[i]) = (t, k)
            } else if r < 0.95 {
                let a = Int(rng.uniform() * Double(count))
                let b = a + Int(rng.uniform() * Double(count - a + 1))
                for i in a..<b {
                    let (t, k) = randomEvent()
                    schedule.setLeaf(i, time: t, kind: k)
                    (time[i], kind[i]) = (t, k)
                }
                schedule.repair(a..<b)
            } else {
                schedule.removeAll()
                time = Array(repeating: .infinity, count: count)
            }
            let expected = Self.earliest(time, kind)
            let actual = schedule.first
            #expect(actual?.neuron == expected?.neuron, "step \(step)")
            #expect(actual?.time == expected?.time, "step \(step)")
            #expect(actual?.kind == expected?.kind, "step \(step)")
            if actual?.neuron != expected?.neuron { return }
        }
    }
}
