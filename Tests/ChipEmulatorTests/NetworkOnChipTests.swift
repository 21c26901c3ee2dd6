import ChipDescription
import Testing

@testable import ChipEmulator

@Suite("Routers")
struct NetworkOnChipTests {
    /// The round-robin arbiter moves its priority on only after a grant: a wake-up while the
    /// output a head needs is still busy moves nothing and leaves the priority where it was.
    @Test func noOpWakeUpsKeepTheArbitersPriority() {
        let chip = loadChip("tiny.json")  // 2 × 2 routers, 2 cores each
        var noc = NetworkOnChip(chip: chip)
        var kernel = HardwareKernel()
        var counters = Array(repeating: RouterCounters(), count: chip.mesh.routerCount)
        var blocked = Array(repeating: false, count: chip.mesh.coreCount + 1)
        // Two packets from the cores of router 0 to core 2 (router 1, east): one output, one link.
        for (core, input) in [(0, 4), (1, 5)] {
            let packet = noc.make(.spike, source: core, neuron: 0, spike: 0, time: 0, to: CollectionOfOne(Int32(2)))
            noc.reserve(router: 0, input: input)
            noc.arrive(packet: packet, router: 0, input: input, now: 0, counters: &counters)
        }
        _ = noc.service(router: 0, now: 0, portCore: chip.mesh.coreCount, counters: &counters, injectBlocked: &blocked, kernel: &kernel)
        #expect(counters[0].forwarded == 1)
        #expect(noc.roundRobin[0] == 1, "a grant moves the priority on")
        // The east link is busy with the first packet: the second cannot leave yet.
        for _ in 0..<3 {
            _ = noc.service(router: 0, now: 1, portCore: chip.mesh.coreCount, counters: &counters, injectBlocked: &blocked, kernel: &kernel)
        }
        #expect(counters[0].forwarded == 1)
        #expect(noc.roundRobin[0] == 1, "wake-ups that moved nothing leave the priority alone")
    }
}
