// EmulationResult+JSON: one emulated sample as a versioned JSON report (`neuromesh-report/1`).
//
// Schema (keys always in this order; times in seconds, energies in joules, counts as integers):
//
//   {"format": "neuromesh-report/1",
//    "chip": chip name, "network": the network file as given, "strategy": mapping strategy,
//    "sync": "barrier" | "dataflow", "window_s", "windows", "duration_s", "input_spikes",
//    "cores_used", "latency_s": hardware time of the sample,
//    "energy_j": {"synaptic_ops", "neuron_updates", "spikes", "packet_injection", "packet_receive",
//                 "local_delivery", "hops_x", "hops_y", "synchronisation", "static", "total"},
//    "unpriced": {operation: count, …}   operations that happened but whose cost the chip file
//                                        gives as null (never counted as zero energy); {} if none,
//    "untimed": {operation: count, …}    operations whose latency the chip file gives as null (they
//                                        took no time, so latency_s is a lower bound); {} if none,
//    "messages": {"spike_packets", "sync_messages", "barriers", "total"},
//    "packets": {"created", "delivered", "dropped", "late", "reordered"},
//    "exact": true when no packet was late or reordered (the spikes then equal the reference),
//    "phases": {PHASE: {                 forward always; backward / update only when active
//        "energy_j": {…as above}, "unpriced": {…}, "barriers",
//        "cores": [{"core", "router": [x, y], "local", "neurons", "synapses", "spikes",
//                   "synaptic_ops", "neuron_updates": {"event", "active", "inactive", "total"},
//                   "packets_injected", "packets_received", "sync_sent", "sync_received",
//                   "busy_s", "stall_s", "outbox_peak", "energy_j",
//                   "sparsity": {"neurons_spiked", "spiked_fraction", "spikes_per_neuron",
//                                "synapses_touched", "synapses_touched_fraction",
//                                "error_packets_suppressed_fraction" (null: no error packets)}}],
//        "port": {"router": [x, y], "packets_injected", "sync_sent", "busy_s", "stall_s", "outbox_peak"},
//        "routers": [{"router": [x, y], "hops": {"north", "east", "south", "west"}, "hops_x",
//                     "hops_y", "local_deliveries", "forwarded", "peak_occupancy", "stall_s",
//                     "drops", "link_busy_s": {…per direction}, "link_utilisation": {…per
//                     direction: link busy ÷ latency}, "energy_j"}]   routers that saw traffic
//    }},
//    "spikes": [{"population", "times_s": [[t, …] per neuron]}]   exactly as `simulate --json`}

import ChipDescription
import SpikingModel
import StrictJSON

extension EmulationResult {
    public static let reportFormat = "neuromesh-report/1"

    /// The sample as a `neuromesh-report/1` document (schema above). `networkPath` is recorded
    /// as given; `mapping` supplies the strategy and the placement (for sparsity).
    public func encodeReport(network: Network, mapping: Mapping, networkPath: String) -> JSONValue {
        let energy = totalEnergy()
        let messages = totalMessages()
        let phases = activePhases
        var report = JSONObject()
        report["format"] = .string(Self.reportFormat)
        report["chip"] = .string(chip.name)
        report["network"] = .string(networkPath)
        report["strategy"] = .string(mapping.strategy)
        report["sync"] = .string(chip.time.sync.mode.rawValue)
        report["window_s"] = .number(chip.time.window)
        report["windows"] = .count(windows)
        report["duration_s"] = .number(network.duration)
        report["input_spikes"] = .count(inputSpikes)
        report["cores_used"] = .count(usedCores.count)
        report["latency_s"] = .number(seconds(latency))
        report["energy_j"] = Self.encodeEnergy(energy)
        report["unpriced"] = Self.encodeUnpriced(energy)
        let untimed = untimedOperations()
        report["untimed"] = .object(JSONObject(untimed.keys.sorted().map { ($0, JSONValue.count(untimed[$0]!)) }))
        report["messages"] = [
            "spike_packets": .count(messages.spikePackets),
            "sync_messages": .count(phases.reduce(0) { $0 + counters.cores[$1.rawValue].reduce(0) { $0 + $1.syncSent } }),
            "barriers": .count(phases.reduce(0) { $0 + counters.barriers[$1.rawValue] }),
            "total": .count(messages.spikePackets + messages.sync),
        ]
        report["packets"] = [
            "created": .count(counters.packetsCreated), "delivered": .count(counters.packetsDelivered),
            "dropped": .count(counters.packetsDropped), "late": .count(counters.latePackets),
            "reordered": .count(counters.reorderedPackets),
        ]
        report["spike_log_dropped"] = .count(counters.spikeLogDropped)
        report["exact"] = .bool(isExact)
        let sparsity = sparsity(network: network, placement: mapping.placement)
        var phaseObject = JSONObject()
        for phase in phases { phaseObject[phase.description] = encodePhase(phase, sparsity: sparsity) }
        report["phases"] = .object(phaseObject)
        report["spikes"] = spikes.encode(network: network)
        return .object(report)
    }

    /// No packet was lost, arrived late or overtook another, and no spike-log entry was dropped:
    /// the emulated spikes (and gradients) equal the reference's.
    public var isExact: Bool {
        counters.latePackets == 0 && counters.reorderedPackets == 0 && counters.packetsDropped == 0 && counters.spikeLogDropped == 0
    }

    func seconds(_ ps: Picoseconds) -> Double { Double(ps) * 1e-12 }

    static func encodeEnergy(_ energy: EnergyReport) -> JSONValue {
        var object = JSONObject(EnergyReport.categories.map { ($0, JSONValue.number(energy.joules[$0] ?? 0)) })
        object["total"] = .number(energy.total)
        return .object(object)
    }

    static func encodeUnpriced(_ energy: EnergyReport) -> JSONValue {
        .object(JSONObject(energy.unpriced.keys.sorted().map { ($0, JSONValue.count(energy.unpriced[$0]!)) }))
    }

    func encodePhase(_ phase: Phase, sparsity: [CoreSparsity]) -> JSONValue {
        let energy = energy(phase: phase)
        let cores = counters.cores[phase.rawValue]
        func router(_ r: RouterCoordinate) -> JSONValue { [.count(r.x), .count(r.y)] }
        let coreEntries: [JSONValue] = usedCores.sorted().map { c in
            let k = cores[c]
            let coordinate = chip.mesh.coordinate(of: CoreID(c))
            var entry = JSONObject()
            entry["core"] = .count(c)
            entry["router"] = router(coordinate.router)
            entry["local"] = .count(coordinate.local)
            entry["neurons"] = .count(neuronsPerCore[c])
            entry["synapses"] = .count(synapsesPerCore[c])
            entry["spikes"] = .count(k.spikes)
            entry["synaptic_ops"] = .count(k.synapticOps)
            entry["neuron_updates"] = [
                "event": .count(k.neuronUpdatesEvent), "active": .count(k.neuronUpdatesActive),
                "inactive": .count(k.neuronUpdatesInactive),
                "total": .count(k.neuronUpdatesEvent + k.neuronUpdatesActive + k.neuronUpdatesInactive),
            ]
            entry["packets_injected"] = .count(k.packetsInjected)
            entry["packets_received"] = .count(k.packetsReceived)
            entry["sync_sent"] = .count(k.syncSent)
            entry["sync_received"] = .count(k.syncReceived)
            entry["busy_s"] = .number(seconds(k.busy))
            entry["stall_s"] = .number(seconds(k.injectionStall))
            entry["outbox_peak"] = .count(k.outboxPeak)
            entry["energy_j"] = .number(energy.perCore[c])
            if phase == .forward {
                let s = sparsity[c]
                entry["sparsity"] = [
                    "neurons_spiked": .count(s.neuronsSpiked), "spiked_fraction": .number(s.spikedFraction),
                    "spikes_per_neuron": .number(s.spikesPerNeuron), "synapses_touched": .count(s.synapsesTouched),
                    "synapses_touched_fraction": .number(s.synapsesTouchedFraction),
                    "error_packets_suppressed_fraction": .null,
                ]
            }
            return .object(entry)
        }
        let port = cores[portIndex]
        let routerEntries: [JSONValue] = counters.routers[phase.rawValue].enumerated().filter { $0.element.sawTraffic }.map { r, k in
            func perLink(_ value: (Int) -> Double) -> JSONValue {
                .object(JSONObject(linkDirections.indices.map { (linkDirections[$0], JSONValue.number(value($0))) }))
            }
            return [
                "router": router(RouterCoordinate(x: r % chip.mesh.width, y: r / chip.mesh.width)),
                "hops": perLink { Double(k.hops[$0]) },
                "hops_x": .count(k.hopsX), "hops_y": .count(k.hopsY),
                "local_deliveries": .count(k.localDeliveries), "forwarded": .count(k.forwarded),
                "peak_occupancy": .count(k.peakOccupancy), "stall_s": .number(seconds(k.stall)), "drops": .count(k.drops),
                "link_busy_s": perLink { seconds(k.linkBusy[$0]) },
                "link_utilisation": perLink { linkUtilisation(k, direction: $0) },
                "energy_j": .number(energy.perRouter[r]),
            ]
        }
        return [
            "energy_j": Self.encodeEnergy(energy),
            "unpriced": Self.encodeUnpriced(energy),
            "barriers": .count(counters.barriers[phase.rawValue]),
            "cores": .array(coreEntries),
            "port": [
                "router": router(chip.ioPort), "packets_injected": .count(port.packetsInjected), "sync_sent": .count(port.syncSent),
                "busy_s": .number(seconds(port.busy)), "stall_s": .number(seconds(port.injectionStall)),
                "outbox_peak": .count(port.outboxPeak),
            ],
            "routers": .array(routerEntries),
        ]
    }
}
