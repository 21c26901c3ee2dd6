// EmulationReport+CSV: `neuromesh run --csv DIR` — the report as four CSV files.
//
//   cores.csv    one row per used core and phase (the counters and sparsity of the JSON report)
//   routers.csv  one row per router that saw traffic, per phase (hops and utilisation per link)
//   totals.csv   one row per sample: energy by category, unpriced and untimed
//                operations ("op=count;…"), latency, messages
//   spikes.csv   population,neuron,time_s — every spike of every non-input population
//
// Times in seconds, energies in joules; numbers print as in the JSON report (shortest text
// that reads back as the same double).

import ChipDescription
import ChipEmulator
import Foundation
import SpikingModel
import StrictJSON

enum EmulationCSV {
    static let fileNames = ["cores.csv", "routers.csv", "totals.csv", "spikes.csv"]

    /// Writes the four files into `directory` (created if missing), each atomically, after
    /// checking that all four can be written (so a predictable failure replaces none of them).
    static func write(_ result: EmulationResult, network: Network, mapping: Mapping, networkPath: String, to directory: String) throws(CLIError) {
        let files = [
            cores(result, network: network, mapping: mapping), routers(result),
            totals(result, mapping: mapping, networkPath: networkPath), spikes(result, network: network),
        ]
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .failure("cannot create the CSV directory \(directory): \(OutputPath.systemReason(error))")
        }
        let paths = fileNames.map { (directory as NSString).appendingPathComponent($0) }
        for path in paths {
            if let problem = OutputPath.problem(file: path) { throw .failure("cannot write \(path) (--csv): \(problem); no CSV file was written") }
        }
        for (path, text) in zip(paths, files) {
            do {
                try JSONFile.writeAtomically(text, to: path)
            } catch {
                throw OutputPath.writeFailure(path, error, what: "the CSV file ")
            }
        }
    }

    static func cores(_ result: EmulationResult, network: Network, mapping: Mapping) -> String {
        let sparsity = result.sparsity(network: network, placement: mapping.placement)
        var rows: [[String]] = []
        for phase in result.activePhases {
            let energy = result.energy(phase: phase)
            for c in result.usedCores.sorted() {
                let k = result.counters.cores[phase.rawValue][c]
                let coordinate = result.chip.mesh.coordinate(of: CoreID(c))
                let s = sparsity[c]
                let forward = phase == .forward
                rows.append(
                    ["\(phase)", "\(c)", "\(coordinate.router.x)", "\(coordinate.router.y)", "\(coordinate.local)"]
                        + [result.neuronsPerCore[c], result.synapsesPerCore[c]].map(String.init)
                        + [k.spikes, k.synapticOps, k.neuronUpdatesEvent, k.neuronUpdatesActive, k.neuronUpdatesInactive,
                           k.packetsInjected, k.packetsReceived, k.syncSent, k.syncReceived].map(String.init)
                        + [number(Double(k.busy) * 1e-12), number(Double(k.injectionStall) * 1e-12), "\(k.outboxPeak)", number(energy.perCore[c])]
                        + (forward
                            ? ["\(s.neuronsSpiked)", number(s.spikedFraction), number(s.spikesPerNeuron), "\(s.synapsesTouched)", number(s.synapsesTouchedFraction)]
                            : ["", "", "", "", ""]))
            }
        }
        return csv(
            header: [
                "phase", "core", "router_x", "router_y", "local", "neurons", "synapses", "spikes", "synaptic_ops",
                "neuron_updates_event", "neuron_updates_active", "neuron_updates_inactive", "packets_injected",
                "packets_received", "sync_sent", "sync_received", "busy_s", "stall_s", "outbox_peak", "energy_j",
                "neurons_spiked", "spiked_fraction", "spikes_per_neuron", "synapses_touched", "synapses_touched_fraction",
            ], rows: rows)
    }

    static func routers(_ result: EmulationResult) -> String {
        var rows: [[String]] = []
        let width = result.chip.mesh.width
        for phase in result.activePhases {
            let energy = result.energy(phase: phase)
            for (r, k) in result.counters.routers[phase.rawValue].enumerated() where k.sawTraffic {
                rows.append(
                    ["\(phase)", "\(r % width)", "\(r / width)"] + k.hops.map(String.init)
                        + [k.localDeliveries, k.forwarded].map(String.init)
                        + ["\(k.peakOccupancy)", number(Double(k.stall) * 1e-12), "\(k.drops)"]
                        + k.linkBusy.map { number(Double($0) * 1e-12) }
                        + (0..<4).map { number(result.linkUtilisation(k, direction: $0)) } + [number(energy.perRouter[r])])
            }
        }
        return csv(
            header: ["phase", "router_x", "router_y"] + linkDirections.map { "hops_\($0)" }
                + ["local_deliveries", "forwarded", "peak_occupancy", "stall_s", "drops"]
                + linkDirections.map { "link_busy_\($0)_s" } + linkDirections.map { "utilisation_\($0)" } + ["energy_j"],
            rows: rows)
    }

    static func totals(_ result: EmulationResult, mapping: Mapping, networkPath: String) -> String {
        let energy = result.totalEnergy()
        let messages = result.totalMessages()
        let c = result.counters
        let phases = result.activePhases
        let unpriced = energy.unpriced.keys.sorted().map { "\($0)=\(energy.unpriced[$0]!)" }.joined(separator: ";")
        let untimedOperations = result.untimedOperations()
        let untimed = untimedOperations.keys.sorted().map { "\($0)=\(untimedOperations[$0]!)" }.joined(separator: ";")
        let header = ["chip", "network", "strategy", "sync", "windows", "input_spikes", "cores_used", "latency_s"]
            + EnergyReport.categories.map { "energy_\($0)_j" }
            + ["energy_total_j", "unpriced", "untimed", "spike_packets", "sync_messages", "barriers", "messages_total",
               "packets_created", "packets_delivered", "packets_dropped", "late_packets", "reordered_packets", "exact"]
        let row = [result.chip.name, networkPath, mapping.strategy, result.chip.time.sync.mode.rawValue, "\(result.windows)",
                   "\(result.inputSpikes)", "\(result.usedCores.count)", number(Double(result.latency) * 1e-12)]
            + EnergyReport.categories.map { number(energy.joules[$0] ?? 0) }
            + [number(energy.total), unpriced, untimed, "\(messages.spikePackets)",
               "\(phases.reduce(0) { $0 + c.cores[$1.rawValue].reduce(0) { $0 + $1.syncSent } })",
               "\(phases.reduce(0) { $0 + c.barriers[$1.rawValue] })", "\(messages.spikePackets + messages.sync)",
               "\(c.packetsCreated)", "\(c.packetsDelivered)", "\(c.packetsDropped)", "\(c.latePackets)", "\(c.reorderedPackets)",
               result.isExact ? "true" : "false"]
        return csv(header: header, rows: [row])
    }

    static func spikes(_ result: EmulationResult, network: Network) -> String {
        var out = "population,neuron,time_s\n"
        for (p, population) in network.populations.enumerated() where population.kind != .input {
            let name = field(population.name)
            for (n, times) in result.spikes.trains[p].enumerated() {
                for t in times { out += "\(name),\(n),\(number(t))\n" }
            }
        }
        return out
    }

    static func number(_ x: Double) -> String { JSONWriter.format(x) }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func csv(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\n" }.joined()
    }
}
