// EmulationReport+Text: `neuromesh run`'s readable report — header, per-core and per-router
// tables, totals.

import ChipDescription
import ChipEmulator
import SpikingModel

/// The human-readable report of one emulated sample.
func emulationReportText(_ result: EmulationResult, network: Network, mapping: Mapping, networkPath: String) -> String {
    let chip = result.chip
    let energy = result.totalEnergy()
    let messages = result.totalMessages()
    let sparsity = result.sparsity(network: network, placement: mapping.placement)
    let outputSpikes = network.populations.indices.filter { network.populations[$0].kind != .input }
        .reduce(0) { $0 + result.spikes.trains[$1].reduce(0) { $0 + $1.count } }
    var out = "\(networkPath) on chip \"\(chip.name)\" (\(mapping.strategy)): "
    out += "\(groupedDigits(mapping.shape.placedNeuronCount)) neurons on \(result.usedCores.count) of \(groupedDigits(chip.mesh.coreCount)) cores, \(chip.time.sync.mode.rawValue) sync\n"
    out += "Model time \(formatMilliseconds(network.duration)) ms in \(groupedDigits(result.windows)) window\(result.windows == 1 ? "" : "s") of \(siText(chip.time.window, "s")); "
    out += "\(groupedDigits(result.inputSpikes)) input spike\(result.inputSpikes == 1 ? "" : "s"), \(groupedDigits(outputSpikes)) spike\(outputSpikes == 1 ? "" : "s")\n"

    for phase in result.activePhases {
        let phaseEnergy = result.energy(phase: phase)
        let cores = result.counters.cores[phase.rawValue]
        let used = result.usedCores.sorted()
        let port = cores[result.portIndex]
        let ids = used + [result.portIndex]
        let busy = scaledColumn(ids.map { Double(cores[$0].busy) * 1e-12 }, unit: "s", zeroPrefix: "µ")
        let stall = scaledColumn(ids.map { Double(cores[$0].injectionStall) * 1e-12 }, unit: "s", zeroPrefix: "µ")
        let joules = scaledColumn(ids.map { $0 == result.portIndex ? 0 : phaseEnergy.perCore[$0] }, unit: "J", zeroPrefix: "n")
        var rows: [[String]] = used.enumerated().map { i, c in
            let k = cores[c]
            let s = sparsity[c]
            return [
                "\(c)", "\(chip.mesh.coordinate(of: CoreID(c)).router)", groupedDigits(result.neuronsPerCore[c]),
                groupedDigits(result.synapsesPerCore[c]), groupedDigits(Int(k.spikes)), groupedDigits(Int(k.synapticOps)),
                groupedDigits(Int(k.neuronUpdatesEvent + k.neuronUpdatesActive + k.neuronUpdatesInactive)),
                groupedDigits(Int(k.packetsReceived)), groupedDigits(Int(k.packetsInjected)),
                groupedDigits(Int(k.syncSent + k.syncReceived)), busy.cells[i], stall.cells[i], joules.cells[i],
                phase == .forward ? percentText(s.spikedFraction) : "",
                phase == .forward ? shortNumber(s.spikesPerNeuron) : "",
                phase == .forward ? percentText(s.synapsesTouchedFraction) : "",
            ]
        }
        rows.append([
            "port", "\(chip.ioPort)", "", "", "", "", "", "", groupedDigits(Int(port.packetsInjected)),
            groupedDigits(Int(port.syncSent + port.syncReceived)), busy.cells.last!, stall.cells.last!, "", "", "", "",
        ])
        out += "\nCores (\(phase) phase; the port injects the input spikes)\n"
        out += renderTable(
            header: [
                "core", "router", "neurons", "synapses", "spikes", "synaptic ops", "neuron updates", "packets in",
                "packets out", "sync msgs", "busy \(busy.unit)", "stall \(stall.unit)", "energy \(joules.unit)",
                "spiked", "spikes/neuron", "synapses touched",
            ], rows: rows, rightAligned: Set(0..<16).subtracting([1]))

        let routers = result.counters.routers[phase.rawValue].enumerated().filter { $0.element.sawTraffic }
        out += "\nRouters with traffic (\(phase) phase; hops = packets sent on each outgoing link, utilisation = link busy / latency)\n"
        if routers.isEmpty {
            out += "  none\n"
        } else {
            let routerStall = scaledColumn(routers.map { Double($0.element.stall) * 1e-12 }, unit: "s", zeroPrefix: "µ")
            let routerEnergy = scaledColumn(routers.map { phaseEnergy.perRouter[$0.offset] }, unit: "J", zeroPrefix: "n")
            out += renderTable(
                header: [
                    "router", "N", "E", "S", "W", "local", "forwarded", "peak buffer", "stall \(routerStall.unit)", "drops",
                    "util N", "util E", "util S", "util W", "energy \(routerEnergy.unit)",
                ],
                rows: routers.enumerated().map { i, entry in
                    let (r, k) = entry
                    return ["\(RouterCoordinate(x: r % chip.mesh.width, y: r / chip.mesh.width))"]
                        + k.hops.map { groupedDigits(Int($0)) }
                        + [
                            groupedDigits(Int(k.localDeliveries)), groupedDigits(Int(k.forwarded)), "\(k.peakOccupancy)",
                            routerStall.cells[i], groupedDigits(Int(k.drops)),
                        ]
                        + (0..<4).map { percentText(result.linkUtilisation(k, direction: $0)) } + [routerEnergy.cells[i]]
                }, rightAligned: Set(1..<15))
        }
    }

    out += "\nTotals (one sample)\n"
    let categories = EnergyReport.categories.filter { (energy.joules[$0] ?? 0) != 0 }
    out += "  Energy by category:\n"
    let width = (categories.map(\.count).max() ?? 0) + 2
    for category in categories {
        out += "    " + category.replacingUnderscores.padding(toLength: width) + siText(energy.joules[category], "J") + "\n"
    }
    if categories.isEmpty { out += "    (no priced operations)\n" }
    out += "  Total energy:        \(siText(energy.total, "J"))" + (energy.unpriced.isEmpty ? "\n" : " (priced operations only)\n")
    if energy.unpriced.isEmpty {
        out += "  Unpriced operations: none\n"
    } else {
        out += "  Unpriced operations (cost null in the chip file; NOT in the total): "
        out += energy.unpriced.keys.sorted().map { "\($0) × \(groupedDigits(Int(energy.unpriced[$0]!)))" }.joined(separator: ", ") + "\n"
    }
    out += "  Hardware latency:    \(siText(Double(result.latency) * 1e-12, "s"))"
    let untimed = result.untimedOperations()
    if untimed.isEmpty {
        out += "\n"
    } else {
        out += " (a lower bound: no latency in the chip file for "
        out += untimed.keys.sorted().map { "\($0) × \(groupedDigits(Int(untimed[$0]!)))" }.joined(separator: ", ") + ")\n"
    }
    let syncName = chip.time.sync.mode == .barrier ? "barriers" : "sync messages"
    out += "  Messages:            \(groupedDigits(Int(messages.spikePackets + messages.sync))) "
    out += "(\(groupedDigits(Int(messages.spikePackets))) spike packets + \(groupedDigits(Int(messages.sync))) \(syncName))\n"
    let c = result.counters
    out += "  Packets:             \(groupedDigits(Int(c.packetsCreated))) created, \(groupedDigits(Int(c.packetsDelivered))) delivered, \(groupedDigits(Int(c.packetsDropped))) dropped\n"
    if result.isExact {
        out += "  Exact:               yes (no late or reordered packets)\n"
    } else {
        out += "  Exact:               NO: \(groupedDigits(Int(c.latePackets))) late and \(groupedDigits(Int(c.reorderedPackets))) reordered packets\n"
    }
    if c.packetsDropped > 0 {
        out += "  Warning: the lossy queue policy dropped \(groupedDigits(Int(c.packetsDropped))) packet destinations; spikes differ from the reference.\n"
    }
    return out
}
