import SpikingModel
import Testing

@testable import ChipEmulator

@Suite("Hardware kernel")
struct HardwareKernelTests {
    /// Events come out in `(time, scheduling order)` order, whether they wait in the heap or in
    /// the lane of events scheduled for the current time — also when the lane outgrows its ring
    /// and when heap events fall due at the current time behind lane events scheduled later.
    @Test func eventsLeaveInTimeThenSchedulingOrder() {
        var kernel = HardwareKernel()
        var random = SplitMix64(seed: 7)
        var scheduled = 0
        var idTimes: [Int: Picoseconds] = [:]
        // A burst at the current time (0) larger than the lane's first ring, then every handled
        // event schedules a few more: mostly now, some a little later.
        for id in 0..<200 {
            idTimes[id] = Picoseconds(id % 3 == 0 ? 1 : 0)
            kernel.schedule(.inject, at: idTimes[id]!, id)
            scheduled += 1
        }
        var order: [(time: Picoseconds, id: Int)] = []
        while let event = kernel.next() {
            #expect(event.time == kernel.now)
            order.append((event.time, Int(event.a)))
            guard scheduled < 5000 else { continue }
            for _ in 0..<Int(random.next() % 4) {
                // Mostly zero delay, so that bursts of same-time events exceed the lane's ring.
                let delay: Picoseconds = random.next() % 3 == 0 ? random.next() % 5 : 0
                kernel.schedule(.inject, at: kernel.now + delay, scheduled)
                idTimes[scheduled] = kernel.now + delay
                scheduled += 1
            }
        }
        #expect(order.count == scheduled)
        #expect(kernel.isEmpty)
        // Ids are scheduling order: sorted by (time, id) they must equal the handling order.
        let expected = (0..<scheduled).map { (time: idTimes[$0]!, id: $0) }.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
        #expect(order.map(\.id) == expected.map(\.id))
        #expect(order.map(\.time) == expected.map(\.time))
    }
}
