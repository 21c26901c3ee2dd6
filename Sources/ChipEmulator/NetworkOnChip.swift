// NetworkOnChip: packet-level routers with finite input buffers, XY routing, credit
// back-pressure, and both multicast styles.

import ChipDescription

/// A packet travelling the mesh.
struct Packet: Sendable {
    enum Kind: UInt8, Sendable {
        /// A spike: `neuron` spiked at model time `time` (its `spike`-th spike overall).
        case spike
        /// An end-of-window message: stage `neuron` (of core `source`) finished window `window`.
        case sync
        /// A backward error packet: the partial sum `time` (the value travels in that field) for
        /// spike `spike`, from a target core to the spike's core.
        case error
        /// A backward end-of-window message: stage `neuron` finished reverse window `window`.
        case backSync
    }

    var kind: Kind
    /// The sending core (or the port).
    var source: Int32
    var neuron: Int32
    var spike: Int32
    var window: Int32
    var time: Double
    /// The destination cores, `destinations[start ..< start + count]` of the pool.
    var destinationStart: Int32
    var destinationCount: Int32
    /// Creation order among the packets of the same source (copies keep it): packets between two
    /// cores must arrive in this order.
    var serial: Int32
}

/// The routers and links of a 2-D mesh, as packet-level discrete-event components.
///
/// Each router has an input buffer of ``bufferDepth`` packets per input (four links, one per
/// attached core, one for the I/O port). A packet at the head of a buffer leaves for each output
/// its destinations need — XY order: all x hops, then y — once that output is free and the next
/// buffer has a slot; the slot is reserved when it leaves (credit flow control), and waiting is
/// counted as stall. A link is occupied for `flits × hop latency` (flits from the packet format of
/// its kind); the packet reaches the next router after that plus the pipeline latency.
/// In-network multicast copies a packet where the routes to its destinations part; under source
/// replication every packet has one destination.
/// Under a lossy queue policy a spike meeting a full buffer is dropped and counted.
struct NetworkOnChip: Sendable {
    static let north = 0, east = 1, south = 2, west = 3

    let width: Int
    let height: Int
    let coresPerRouter: Int
    let bufferDepth: Int
    let lossy: Bool
    let inputs: Int
    let outputs: Int
    /// The port's router and its input index there.
    let portRouter: Int
    var portInput: Int { 4 + coresPerRouter }

    /// Per direction (N, E, S, W): the hop latency of one flit, in ps; flits per packet kind
    /// (spike and sync packets use the spike format, error packets the error format).
    let hopLatency: [Picoseconds]
    let pipeline: Picoseconds
    let spikeFlits: Picoseconds
    let errorFlits: Picoseconds
    let localLatency: Picoseconds

    /// Per router: its column and row; per core: its router (the port is never a destination).
    /// Routing looks these up instead of dividing.
    private let routerX: [Int32]
    private let routerY: [Int32]
    private let coreRouter: [Int32]

    /// The packets of input buffer `b = router × inputs + input` are
    /// `slots[b × depth + (buffers[b].head + i) mod depth]`, `i < buffers[b].count`.
    private var slots: [Int32]
    private var buffers: [InputBuffer]
    /// Per router: bit `input` is set while that input buffer holds a packet.
    private var occupied: [UInt64]
    /// Per router output (`router × outputs + output`): the time it is free again, in ps.
    private var outputFree: [Picoseconds]
    private(set) var roundRobin: [Int]
    /// Per router: the time of the earliest pending service request (`.max`: none).
    private var pendingService: [Picoseconds]

    var packets: [Packet] = []
    var destinations: [Int32] = []
    private var serials: [Int32] = []

    /// One input buffer of a router: a ring of ``bufferDepth`` packet slots and the progress of
    /// its head packet. The arbiter reads and writes these fields together for the buffer it
    /// serves, so they share one record (one bounds check, one cache line).
    struct InputBuffer: Sendable {
        /// Ring index of the head packet and packets held.
        var head: Int32 = 0
        var count: Int32 = 0
        /// Slots promised to packets on their way here (credits handed out).
        var reserved: Int32 = 0
        /// The outputs the head packet needs, and those it has been sent to (or dropped at).
        var needMask: UInt64 = 0
        var doneMask: UInt64 = 0
        /// When the head packet became head, in ps (its stall runs from here).
        var headSince: Picoseconds = 0
    }

    init(chip: ChipSpec) {
        width = chip.mesh.width
        height = chip.mesh.height
        coresPerRouter = chip.mesh.coresPerRouter
        bufferDepth = chip.router.bufferDepthPackets
        lossy = chip.router.queuePolicy == .lossy
        inputs = 4 + coresPerRouter + 1
        outputs = 4 + coresPerRouter
        portRouter = chip.ioPort.y * chip.mesh.width + chip.ioPort.x
        pipeline = picoseconds(chip.router.pipelineLatency)
        let directions: [HopDirection] = [.north, .east, .south, .west]
        hopLatency = directions.map { picoseconds(chip.costs.hop($0).latency ?? 0) }
        spikeFlits = Picoseconds(PacketSpec.flits(bits: chip.packets.spikeBits, linkWidthBits: chip.router.linkWidthBits))
        errorFlits = Picoseconds(PacketSpec.flits(bits: chip.packets.errorBits, linkWidthBits: chip.router.linkWidthBits))
        localLatency = picoseconds(chip.costs[.localDelivery].latency ?? 0) + pipeline
        let routers = width * height
        routerX = (0..<routers).map { [width] in Int32($0 % width) }
        routerY = (0..<routers).map { [width] in Int32($0 / width) }
        coreRouter = (0..<(routers * coresPerRouter)).map { [coresPerRouter] in Int32($0 / coresPerRouter) }
        slots = Array(repeating: -1, count: routers * inputs * bufferDepth)
        buffers = Array(repeating: InputBuffer(), count: routers * inputs)
        occupied = Array(repeating: 0, count: routers)
        outputFree = Array(repeating: 0, count: routers * outputs)
        roundRobin = Array(repeating: 0, count: routers)
        pendingService = Array(repeating: .max, count: routers)
        serials = Array(repeating: 0, count: routers * coresPerRouter + 1)
    }

    mutating func reset() {
        buffers.withUnsafeMutableBufferPointer { $0.update(repeating: InputBuffer()) }
        outputFree.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        occupied.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        roundRobin.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        pendingService.withUnsafeMutableBufferPointer { $0.update(repeating: .max) }
        packets.removeAll(keepingCapacity: true)
        destinations.removeAll(keepingCapacity: true)
        serials = Array(repeating: 0, count: width * height * coresPerRouter + 1)
    }

    var routerCount: Int { width * height }

    @inline(__always) func router(ofCore core: Int) -> Int { Int(coreRouter[core]) }

    // (The small helpers below are inlined: called from a mutating method, an outlined call of a
    // non-mutating one copied the whole network state first.)

    /// Whether input buffer `input` of `router` can take one more packet (reservations included).
    @inline(__always) func hasSlot(router: Int, input: Int) -> Bool {
        let buffer = buffers[router &* inputs &+ input]
        return Int(buffer.count &+ buffer.reserved) < bufferDepth
    }

    mutating func reserve(router: Int, input: Int) { buffers[router &* inputs &+ input].reserved &+= 1 }

    /// A new packet with the given destinations; returns its index.
    mutating func make(_ kind: Packet.Kind, source: Int, neuron: Int32 = -1, spike: Int32 = -1, window: Int = -1, time: Double = 0, to cores: some Collection<Int32>) -> Int {
        let start = destinations.count
        destinations.append(contentsOf: cores)
        serials[source] += 1
        packets.append(Packet(kind: kind, source: Int32(source), neuron: neuron, spike: spike, window: Int32(window), time: time,
                              destinationStart: Int32(start), destinationCount: Int32(cores.count), serial: serials[source]))
        return packets.count - 1
    }

    /// The output of `router` toward `core` under XY routing (4 + local index when attached here):
    /// east or west while the columns differ, then south or north while the rows differ.
    @inline(__always) func output(at router: Int, toward core: Int32) -> Int {
        let target = Int(coreRouter[Int(core)])
        let (x, y) = (routerX[router], routerY[router])
        let (tx, ty) = (routerX[target], routerY[target])
        if tx > x { return Self.east }
        if tx < x { return Self.west }
        if ty > y { return Self.south }
        if ty < y { return Self.north }
        return 4 &+ Int(core) &- target &* coresPerRouter
    }

    /// The outputs packet `index` needs at `router`: one bit per output (``output(at:toward:)``).
    @inline(__always) func outputMask(of index: Int, at router: Int) -> UInt64 {
        let packet = packets[index]
        var mask: UInt64 = 0
        for i in 0..<Int(packet.destinationCount) {
            mask |= 1 << UInt64(output(at: router, toward: destinations[Int(packet.destinationStart) &+ i]))
        }
        return mask
    }

    /// A packet arrives in input buffer `input` of `router` (its slot was reserved).
    mutating func arrive(packet: Int, router: Int, input: Int, now: Picoseconds, counters: inout [RouterCounters]) {
        let b = router &* inputs &+ input
        var buffer = buffers[b]
        buffer.reserved &-= 1
        // The ring position after the last packet: head + count wrapped (both below the depth).
        let tail = Int(buffer.head) &+ Int(buffer.count)
        slots[b &* bufferDepth &+ (tail >= bufferDepth ? tail &- bufferDepth : tail)] = Int32(packet)
        buffer.count &+= 1
        if Int(buffer.count) > counters[router].peakOccupancy { counters[router].peakOccupancy = Int(buffer.count) }
        if buffer.count == 1 {
            occupied[router] |= 1 << UInt64(input)
            buffer.needMask = outputMask(of: packet, at: router)
            buffer.doneMask = 0
            buffer.headSince = now
        }
        buffers[b] = buffer
    }

    /// Asks for `router` to be serviced at time `t` (at most one pending request per router and time).
    mutating func requestService(_ router: Int, at t: Picoseconds, _ kernel: inout HardwareKernel) {
        guard pendingService[router] > t else { return }
        pendingService[router] = t
        kernel.schedule(.routerService, at: t, router)
    }

    /// A router service request falls due.
    mutating func serviceRequested(_ router: Int, now: Picoseconds) {
        if pendingService[router] <= now { pendingService[router] = .max }
    }

    /// When no head packet of `router` has a free output it still needs, the time the first of
    /// those outputs frees (`.max` when the router holds no packet): a service now would move
    /// nothing and only ask to be woken then. `nil` when some head may move.
    @inline(__always) func idleUntil(router: Int, now: Picoseconds) -> Picoseconds? {
        let occupied = occupied[router]
        // (The router's buffers and outputs, read through their storage: the indices below are
        // its own inputs and outputs.)
        return buffers.withUnsafeBufferPointer { buffers in
            outputFree.withUnsafeBufferPointer { outputFree in
                var wake = Picoseconds.max
                var remaining = occupied
                while remaining != 0 {
                    let input = remaining.trailingZeroBitCount
                    remaining &= remaining &- 1
                    let buffer = buffers[router &* inputs &+ input]
                    var open = buffer.needMask & ~buffer.doneMask
                    if open == 0 { return nil }
                    while open != 0 {
                        let busyUntil = outputFree[router &* outputs &+ open.trailingZeroBitCount]
                        open &= open &- 1
                        if busyUntil <= now { return nil }
                        wake = min(wake, busyUntil)
                    }
                }
                return wake
            }
        }
    }

    /// Moves every head packet of `router` that can move now (round-robin over inputs), and
    /// schedules what follows: arrivals downstream, deliveries to cores (`.coreReceive`), wake-ups
    /// when a slot opens of the upstream router or of the network interface if it waits for one
    /// (`injectBlocked`; `.inject` for `core`, the port being core `portCore`), and a later look
    /// when an output it needs is still busy.
    ///
    /// - Returns: the destinations dropped at full buffers (lossy policy only).
    mutating func service(
        router: Int, now: Picoseconds, portCore: Int, counters: inout [RouterCounters], injectBlocked: inout [Bool], kernel: inout HardwareKernel
    ) -> Int {
        let first = roundRobin[router]
        var dropped = 0
        var wake = Picoseconds.max
        var routerCounters = counters[router]
        let granted = routerCounters.forwarded + routerCounters.localDeliveries + routerCounters.drops
        // The non-empty inputs in round-robin order: `first` and above, then below `first`.
        // (Serving empties buffers but fills none, so the set taken here stays valid.)
        let nonEmpty = occupied[router]
        var emptied: UInt64 = 0
        let below: UInt64 = (1 << UInt64(first)) &- 1
        let depth = bufferDepth
        // (One uniqueness check for the interfaces' flags, not one per wake-up.)
        injectBlocked.withUnsafeMutableBufferPointer { injectBlocked in
            for pass in 0..<2 {
                var remaining = pass == 0 ? nonEmpty & ~below : nonEmpty & below
                while remaining != 0 {
                    let input = remaining.trailingZeroBitCount
                    remaining &= remaining &- 1
                    let b = router &* inputs &+ input
                    while buffers[b].count > 0 {
                        // The head's outputs still to serve; none of them free: it waits
                        // (for the earliest of them) without any other effect.
                        let open = buffers[b].needMask & ~buffers[b].doneMask
                        var free: UInt64 = 0
                        var scan = open
                        while scan != 0 {
                            let out = scan.trailingZeroBitCount
                            scan &= scan &- 1
                            let busyUntil = outputFree[router &* outputs &+ out]
                            if busyUntil <= now { free |= 1 << UInt64(out) } else { wake = min(wake, busyUntil) }
                        }
                        guard free != 0 || open == 0 else { break }
                        serveHead(b, outputs: free, router: router, now: now, counters: &routerCounters, kernel: &kernel, dropped: &dropped)
                        guard buffers[b].doneMask == buffers[b].needMask else { break }
                        routerCounters.stall += now - buffers[b].headSince
                        buffers[b].head = Int(buffers[b].head) &+ 1 == depth ? 0 : buffers[b].head &+ 1
                        buffers[b].count &-= 1
                        if buffers[b].count > 0 {
                            buffers[b].needMask = outputMask(of: Int(slots[b &* depth &+ Int(buffers[b].head)]), at: router)
                            buffers[b].doneMask = 0
                            buffers[b].headSince = now
                        } else {
                            emptied |= 1 << UInt64(input)
                        }
                        // A slot opened: whoever feeds this input may send again (a network
                        // interface only if it waits for a slot; the wake-up then stands for
                        // its pending inject).
                        if input < 4 {
                            let upstream = neighbour(of: router, direction: input).router
                            if pendingService[upstream] > now {
                                pendingService[upstream] = now
                                kernel.schedule(.routerService, at: now, upstream)
                            }
                        } else {
                            let core = router == portRouter && input == 4 &+ coresPerRouter ? portCore : router &* coresPerRouter &+ input &- 4
                            if injectBlocked[core] {
                                injectBlocked[core] = false
                                kernel.schedule(.inject, at: now, core)
                            }
                        }
                    }
                }
            }
        }
        if emptied != 0 { occupied[router] &= ~emptied }
        counters[router] = routerCounters
        // The arbiter's priority moves on after it has granted an output (or dropped a copy): a
        // wake-up that moved nothing (outputs still busy, no credit yet) leaves it where it was.
        if routerCounters.forwarded + routerCounters.localDeliveries + routerCounters.drops != granted {
            roundRobin[router] = first &+ 1 == inputs ? 0 : first &+ 1
        }
        if wake != .max { requestService(router, at: wake, &kernel) }
        return dropped
    }

    /// Sends the head packet of buffer `b` to each output of `free` (outputs it still needs that
    /// are free now) whose next buffer has a slot (reserving it: credit flow control); under the
    /// lossy policy a spike or error copy meeting a full buffer is dropped instead. An output
    /// without credit stays open: the downstream router wakes this one when a slot opens.
    @inline(__always) private mutating func serveHead(
        _ b: Int, outputs free: UInt64, router: Int, now: Picoseconds, counters: inout RouterCounters, kernel: inout HardwareKernel, dropped: inout Int
    ) {
        let index = Int(slots[b &* bufferDepth &+ Int(buffers[b].head)])
        let kind = packets[index].kind
        let single = buffers[b].needMask.nonzeroBitCount == 1
        var remaining = free
        while remaining != 0 {
            let out = remaining.trailingZeroBitCount
            remaining &= remaining &- 1
            let o = router &* outputs &+ out
            if out < 4 {
                let (next, input) = neighbour(of: router, direction: out)
                let n = next &* inputs &+ input
                if Int(buffers[n].count &+ buffers[n].reserved) >= bufferDepth {
                    // Waits for a credit: the downstream router wakes us when a slot opens.
                    guard lossy, kind == .spike || kind == .error else { continue }
                    buffers[b].doneMask |= 1 << UInt64(out)
                    dropped += copyCount(of: packets[index], at: router, output: out)
                    counters.drops += 1
                    continue
                }
                let copy = single ? index : split(index, at: router, output: out)
                buffers[n].reserved &+= 1
                let occupancy = (kind == .error ? errorFlits : spikeFlits) * hopLatency[out]
                outputFree[o] = now + occupancy
                kernel.schedule(.routerArrive, at: now + occupancy + pipeline, next, input, copy)
                counters.hops[out] += 1
                counters.forwarded += 1
                counters.linkBusy[out] += occupancy
            } else {
                let copy = single ? index : split(index, at: router, output: out)
                outputFree[o] = now + localLatency
                kernel.schedule(.coreReceive, at: now + localLatency, router &* coresPerRouter &+ out &- 4, copy)
                counters.localDeliveries += 1
            }
            buffers[b].doneMask |= 1 << UInt64(out)
        }
    }

    @inline(__always) private func copyCount(of packet: Packet, at router: Int, output out: Int) -> Int {
        (0..<Int(packet.destinationCount)).filter { output(at: router, toward: destinations[Int(packet.destinationStart) + $0]) == out }.count
    }

    /// A copy of packet `index` carrying only the destinations reached through `output`.
    private mutating func split(_ index: Int, at router: Int, output out: Int) -> Int {
        let packet = packets[index]
        let subset = (0..<Int(packet.destinationCount)).map { destinations[Int(packet.destinationStart) + $0] }
            .filter { output(at: router, toward: $0) == out }
        var copy = packet
        copy.destinationStart = Int32(destinations.count)
        copy.destinationCount = Int32(subset.count)
        destinations.append(contentsOf: subset)
        packets.append(copy)
        return packets.count - 1
    }

    /// The router a link leads to and the input it enters there.
    @inline(__always) func neighbour(of router: Int, direction: Int) -> (router: Int, input: Int) {
        switch direction {
        case Self.north: return (router - width, Self.south)
        case Self.east: return (router + 1, Self.west)
        case Self.south: return (router + width, Self.north)
        default: return (router - 1, Self.east)
        }
    }

    /// Packets waiting in buffers or reserved slots (zero when the network has drained).
    var occupancy: Int { buffers.reduce(0) { $0 + Int($1.count) + Int($1.reserved) } }
}
