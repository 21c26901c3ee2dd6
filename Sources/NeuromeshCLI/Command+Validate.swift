// `neuromesh validate`: check a chip description file (and optionally that a network fits).

import ChipDescription
import ChipEmulator
import SpikingModel
import StrictJSON

let validateCommand = Command(
    name: "validate",
    summary: "check a chip description file (and that a network fits it)",
    help: """
        Usage: neuromesh validate CHIP [--network NETWORK] [--learning MODE]

        Checks the chip description file CHIP (format neuromesh-chip/1, see chips/README.md):
        syntax, unknown members, types, missing members, impossible values (negative, zero where
        impossible), inconsistent meshes, an I/O port off the mesh, and provenance that points to
        no field or cites an unknown source. Every problem is printed as
            FILE: /json/pointer: reason
        in one run. On success prints a summary of the chip and of its cost figures (how many
        are priced, unknown, or GUESSes).

        Options:
          --network NETWORK   also check that this network (neuromesh-network/1) fits the chip
                              with the fill strategy (see 'neuromesh map --help')
          --learning MODE     inference (default), sgd, sgd-momentum or adam: the learning state
                              the network check leaves room for (so it needs --network)

        A valid chip that the emulator cannot run (more than 58 cores per router, or router
        buffers beyond 2^27 packet slots in all) gets a warning on standard error; `map` warns
        the same way.

        Exit status: 0 valid (and the network fits), 1 invalid file or the network does not fit,
        2 wrong arguments.

        Examples:
          neuromesh validate chips/loihi.json
          neuromesh validate chips/truenorth.json --network net.json

        """,
    run: { args, console in
        let networkPath = try args.option("network")
        let learningText = try args.choice("learning", LearningMode.allCases.map(\.rawValue), default: nil)
        // --learning only sizes the network check; without a network it would be ignored.
        if learningText != nil, networkPath == nil {
            throw CLIError.usage("--learning needs --network: it sets the learning state the network check leaves room for")
        }
        let chipPath = try args.positional("a chip file (CHIP)")
        try args.finish()
        let chip = try ChipSpec.load(path: chipPath)
        console.out(chipSummary(chip, file: chipPath))
        if let note = emulationNote(chip, chipPath) { console.err(note) }
        guard let networkPath else { return 0 }
        let network = try NetworkFile.load(networkPath)
        let shape = NetworkShape(network)
        let learning = learningText ?? LearningMode.inference.rawValue
        let options = MappingOptions(learning: LearningMode(rawValue: learning)!)
        do throws(MappingError) {
            let mapping = try Mapping.map(shape, onto: chip, strategy: .fill, options: options)
            console.out(
                "network \(networkPath): fits (fill, learning \(learning)): \(groupedDigits(shape.placedNeuronCount)) neurons on \(mapping.usedCores.count) of \(groupedDigits(chip.mesh.coreCount)) cores\n")
            for limit in mapping.uncheckedLimits { console.out("  not checked: \(limit)\n") }
            return 0
        } catch {
            throw CLIError.failure(
                "network \(networkPath) does not fit chip \"\(chip.name)\" (fill, learning \(learning)):\n"
                    + error.issues.map { "  \($0)" }.joined(separator: "\n"))
        }
    })

/// A warning when the emulator cannot run `chip` (a valid description beyond its limits), so the
/// user learns it from `validate` or `map` rather than from a later `run`.
func emulationNote(_ chip: ChipSpec, _ path: String) -> String? {
    do throws(EmulatorError) {
        try Emulator.checkEmulable(chip)
        return nil
    } catch {
        return "warning: \(path) is a valid description, but run, grad --chip and train --chip will refuse it: \(error.message)\n"
    }
}

/// A few lines describing a valid chip.
func chipSummary(_ chip: ChipSpec, file: String) -> String {
    let mesh = chip.mesh
    let core = chip.core
    func limit(_ max: Int?, _ what: String) -> String { max.map { "\(groupedDigits($0)) \(what)" } ?? "unknown (\(what), not checked)" }
    func bits(_ n: Int?, _ what: String) -> String { n.map { "\($0)-bit \(what)" } ?? "\(what): unknown" }
    let sync: String
    switch chip.time.sync.latency {
    case .unknown: sync = "latency unknown"
    case .constant(let s): sync = siText(s, "s")
    case .byRouters(let points):
        sync = points.map { "\(siText($0.latency, "s")) at \($0.routers) router\($0.routers == 1 ? "" : "s")" }.joined(separator: ", ")
    }
    let figures = chip.costFigures
    let priced = figures.filter { $0.value != nil }
    let guesses = priced.filter { chip.provenance(for: $0.pointer)?.basis == .guess }
    let rows: [[String]] = [
        ["mesh", "\(mesh.width) x \(mesh.height) routers x \(mesh.coresPerRouter) cores = \(groupedDigits(mesh.coreCount)) cores; \(chip.router.routing.rawValue) routing, \(chip.router.multicast.rawValue); I/O port at router \(chip.ioPort)"],
        ["core", "\(groupedDigits(core.neuronsMax)) neurons, \(groupedDigits(core.synapseMemoryBytes)) bytes synapse memory (\(core.weightBits)-bit weights, \(bits(core.delayBits, "delays")), \(bits(core.learningStateBits, "learning state")))"],
        ["limits", "fan-in \(limit(core.fanIn.max, core.fanIn.kind.rawValue.replacingUnderscores)); fan-out \(limit(core.fanOut.max, core.fanOut.kind.rawValue.replacingUnderscores)); spike log \(limit(core.spikeLogEntries, "entries")) (on overflow: \(core.spikeLogOverflow.rawValue))"],
        ["router", "\(chip.router.bufferDepthPackets)-packet buffers (\(chip.router.queuePolicy.rawValue)), \(chip.router.linkWidthBits)-bit links, pipeline \(siText(chip.router.pipelineLatency, "s"))"],
        ["packets", "spike \(chip.packets.spikeBits) bits, error \(chip.packets.errorBits) bits (\(chip.packets.errorPayloadBits)-bit payload)"],
        ["time", "window \(siText(chip.time.window, "s")); \(chip.time.sync.mode.rawValue) sync: \(sync), energy \(siText(chip.time.sync.energy, "J"))"],
        ["costs", "\(figures.count) figures: \(priced.count) priced (\(guesses.count) of them GUESSes), \(figures.count - priced.count) unknown (null, reported as unpriced)"],
        ["provenance", "\(chip.provenance.count) entries citing \(chip.sources.count) sources"],
    ]
    return "\(file): valid \(ChipSpec.format) chip \"\(chip.name)\"\n" + renderTable(header: ["", ""], rows: rows).split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
