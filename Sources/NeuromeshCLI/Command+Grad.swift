// `neuromesh grad`: EventProp gradients of a loss, optionally checked by finite differences.

import ChipDescription
import ChipEmulator
import SpikingModel
import StrictJSON

let gradCommand = Command(
    name: "grad",
    summary: "exact EventProp gradients of a loss for one input",
    help: """
        Usage: neuromesh grad --network NETWORK.json (--input INPUT.json | --yinyang INDEX) --loss LOSS [options]

        Runs the functional forward pass and the EventProp adjoint (backward) pass and prints the
        loss and the gradient of every weight (and every delay, for projections with delays).
        Gradients are exact: they agree with central finite differences of the same loss to
        round-off (see --check).

        Losses (on the network's output population):
          ttfs            cross-entropy over first-spike times + regulariser (LIF outputs; label)
          max-voltage     cross-entropy over max_t V of LI readouts (label)
          exp-voltage     cross-entropy over (1/T)∫e^{-t/T} V dt of LI readouts (label)
          spike-time-sum  sum of all output spike times, seconds (LIF outputs)

        Options:
          --network FILE   the network (neuromesh-network/1, required)
          --input FILE     the input (neuromesh-input/1; needs "label" for the cross-entropy
                           losses), or
          --yinyang INDEX  Yin-Yang sample INDEX (paper encoding, its class as the label), with
                           --split train|validation|test (default train)
          --loss LOSS      one of the losses above (required)
          --tau0 S, --tau1 S, --alpha A
                           ttfs constants in seconds (defaults 0.0005, 0.0064, 0.003)
          --check          also compute finite differences for every parameter and report the
                           largest relative error (slow on big networks)
          --chip CHIP      compute the gradient *through the chip*: the forward pass as spike
                           packets and the backward pass as error packets on the emulated CHIP
                           (every loss: readout losses enter on the output cores); the gradients
                           equal the functional reference's to rounding, and the backward
                           phase's energy, messages and hardware time are reported
          --strategy fill|spread, --placement FILE
                           how to place the network on CHIP (as for `neuromesh map`); only
                           with --chip
          --json           {"loss", "prediction", "spikes", "gradients": [{"from", "to",
                           "weights": [[dL/dw_post,pre]], "delays_s": …}], …}

        """,
    run: { arguments, console in
        let json = try arguments.flag("json")
        let check = try arguments.flag("check")
        let lossName = try arguments.choice("loss", Loss.names)
        guard let lossName else { throw CLIError.usage("missing required option --loss (\(Loss.names.joined(separator: ", ")))") }
        var loss = Loss(name: lossName)!
        if case .timeToFirstSpike(let tau0, let tau1, let alpha) = loss {
            let positive = "a positive number of seconds"
            loss = .timeToFirstSpike(
                tau0: try arguments.double("tau0", default: tau0, positive) { $0 > 0 },
                tau1: try arguments.double("tau1", default: tau1, positive) { $0 > 0 },
                alpha: try arguments.double("alpha", default: alpha, "a number ≥ 0") { $0 >= 0 })
        }
        let chipPath = try arguments.option("chip")
        let placement = try PlacementOptions(&arguments)
        if chipPath == nil {
            // Without a chip nothing is placed: say so rather than ignore the option.
            if placement.strategy != nil { throw CLIError.usage("--strategy needs --chip CHIP (without it the gradient is computed by the functional reference)") }
            if placement.placementPath != nil { throw CLIError.usage("--placement needs --chip CHIP (without it the gradient is computed by the functional reference)") }
        }
        let (network, input, networkPath, inputPath) = try loadNetworkAndInput(&arguments)
        let output = network.populations[network.output.rawValue]
        guard output.kind == loss.outputKind else {
            throw CLIError.failure("loss \(loss.name) needs an output population of kind \"\(loss.outputKind.rawValue)\", but \(networkPath)'s output \"\(output.name)\" is \"\(output.kind.rawValue)\"")
        }
        if loss.needsLabel, input.label == nil {
            // (Only an --input file can lack a label: a --yinyang sample has its class.)
            throw CLIError.failure("\(inputPath ?? "the input"): loss \(loss.name) needs a class label: add \"label\" (an output neuron's index) to the input file")
        }
        // The label must name an output neuron (a Yin-Yang sample's class may not, on a network
        // with fewer than three outputs).
        if let problem = network.problem(with: loss, label: input.label) {
            throw CLIError.failure("\(networkPath): \(problem)")
        }

        var simulator = ReferenceSimulator(network: network)
        var evaluation = simulator.gradient(input: input, loss: loss)
        if simulator.eventLimitReached {
            throw CLIError.failure("the gradient of \(networkPath) failed: " + runawayMessage(limit: simulator.eventLimit, spikes: simulator.spikes))
        }
        let finite = evaluation.value.isFinite && simulator.gradients.weights.allSatisfy { $0.allSatisfy(\.isFinite) }
            && simulator.gradients.delays.allSatisfy { $0?.allSatisfy(\.isFinite) ?? true }
        guard finite else {
            throw CLIError.failure(
                "\(networkPath): the \(loss.name) loss or its gradient overflowed (loss \(evaluation.value)): its parameters (--tau0, --tau1, --alpha) or the network's activity put it beyond double precision")
        }
        var gradients = simulator.gradients
        var chipSummary: String? = nil
        var chipJSON: JSONValue? = nil
        if let chipPath {
            let chip = try ChipSpec.load(path: chipPath)
            let mapping = try placement.map(NetworkShape(network), onto: chip, options: MappingOptions(), networkPath: networkPath)
            do throws(EmulatorError) {
                var emulator = try Emulator(network: network, mapping: mapping)
                let forward = try emulator.run(input)
                let backward = try emulator.backward(loss: loss, label: input.label)
                evaluation = backward.loss
                gradients = backward.gradients
                var result = forward
                result.counters = backward.counters
                let energy = result.energy(phase: .backward)
                let cores = backward.counters.cores[Phase.backward.rawValue]
                let errorPackets = cores.reduce(0) { $0 + $1.packetsInjected }
                let suppressed = cores.reduce(0) { $0 + $1.errorPacketsSuppressed }
                let sync = chip.time.sync.mode == .barrier ? backward.counters.barriers[Phase.backward.rawValue] : cores.reduce(0) { $0 + $1.syncSent }
                let unpriced = energy.unpriced.keys.sorted().map { "\($0) × \(energy.unpriced[$0]!)" }.joined(separator: ", ")
                let dropped = backward.counters.spikeLogDropped
                let lost = backward.counters.packetsDropped
                var droppedNote = ""
                if lost > 0 {
                    droppedNote += "warning: the lossy queue policy dropped \(lost) packet destinations, so the chip's spikes, loss and gradients differ from the reference's (the spikes listed below are the reference's)\n"
                }
                if dropped > 0 {
                    droppedNote += "warning: the cores' spike logs overflowed: \(dropped) entries dropped (/core/spike_log_overflow is \"count\"), so these gradients are not exact\n"
                }
                chipSummary = "backward pass on chip \"\(chip.name)\": \(errorPackets) error packets (\(suppressed) zero partial sums suppressed), \(sync) \(chip.time.sync.mode == .barrier ? "barriers" : "sync messages"), \(backward.counters.lossMessages[Phase.backward.rawValue]) loss-reduction messages, energy \(formatJoules(energy.total))\(unpriced.isEmpty ? "" : " (unpriced: \(unpriced))"), hardware time \(formatSeconds(Double(backward.latency) * 1e-12))\n" + droppedNote
                chipJSON = .object(JSONObject([
                    ("chip", .string(chip.name)), ("error_packets", .count(errorPackets)), ("error_packets_suppressed", .count(suppressed)),
                    ("sync", .count(sync)), ("loss_messages", .count(backward.counters.lossMessages[Phase.backward.rawValue])),
                    ("spike_log_dropped", .count(dropped)), ("packets_dropped", .count(lost)), ("exact", .bool(result.isExact)),
                    ("energy_j", .finite(energy.total)), ("latency_s", .finite(Double(backward.latency) * 1e-12)),
                    ("unpriced", .object(JSONObject(energy.unpriced.keys.sorted().map { ($0, .count(energy.unpriced[$0]!)) }))),
                ]))
            } catch {
                throw CLIError.failure("gradient of \(networkPath) on chip \"\(chip.name)\": \(error.message)")
            }
        }
        var checkSummary: (worst: Double, checked: Int, skipped: Int)? = nil
        if check {
            let checks = FiniteDifferences.check(network: network, input: input, loss: loss)
            let scale = checks.map { abs($0.eventProp) }.max() ?? 0
            // Differences below 1e-3 of the largest gradient, or below a thousand times the
            // stencil's round-off (ε|L|/h, with |L| the magnitude of the terms the loss was
            // summed from: a cross-entropy near 0 cancels terms of order 1 or more), are not
            // errors: with all gradients zero (a loss that does not depend on the weights) the
            // round-off alone would otherwise read as 100 %.
            let loss = max(abs(evaluation.value), evaluation.magnitude)
            let errors = checks.compactMap { check in
                check.relativeError(floor: max(1e-3 * scale, 1e3 * Double.ulpOfOne * loss / max(check.step, .leastNormalMagnitude), 1e-300))
            }
            checkSummary = (errors.max() ?? 0, errors.count, checks.count - errors.count)
        }

        if json {
            var object = JSONObject()
            object["format"] = "neuromesh-gradient/1"
            object["loss_function"] = .string(loss.name)
            object["loss"] = .finite(evaluation.value)
            object["prediction"] = evaluation.prediction.map { .count($0) } ?? .null
            object["label"] = input.label.map { .count($0) } ?? .null
            object["spikes"] = SpikeOutput.json(simulator.spikeTrains(), network: network)
            object["gradients"] = .array(
                network.projections.indices.map { p in
                    let projection = network.projections[p]
                    var g = JSONObject()
                    g["from"] = .string(network.populations[projection.source.rawValue].name)
                    g["to"] = .string(network.populations[projection.target.rawValue].name)
                    g["weights"] = .array(projection.byPost(gradients.weights[p]).map { .numbers($0) })
                    if let d = gradients.delays[p] { g["delays_s"] = .array(projection.byPost(d).map { .numbers($0) }) }
                    return .object(g)
                })
            object["tangent_guard_count"] = .count(simulator.tangentGuardCount)
            if let chipJSON { object["backward_on_chip"] = chipJSON }
            if let checkSummary {
                object["finite_difference_check"] = .object(JSONObject([
                    ("max_relative_error", .number(checkSummary.worst)),
                    ("parameters_checked", .count(checkSummary.checked)),
                    ("parameters_at_discontinuities", .count(checkSummary.skipped)),
                ]))
            }
            console.out(JSONWriter.string(.object(object)))
            return 0
        }
        console.out("loss (\(loss.name)): \(evaluation.value)\n")
        if let chipSummary { console.out(chipSummary) }
        if let label = input.label { console.out("label: \(label)\n") }
        console.out("prediction: \(evaluation.prediction.map(String.init) ?? "none")\n")
        if simulator.tangentGuardCount > 0 {
            console.out("warning: \(simulator.tangentGuardCount) near-tangent spikes were clamped by the tangency guard; their gradients are not exact\n")
        }
        console.out(SpikeOutput.text(simulator.spikeTrains(), network: network, limit: 10))
        for (p, projection) in network.projections.enumerated() {
            let g = gradients.weights[p]
            let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let largest = g.map(abs).max() ?? 0
            console.out("gradient \(network.populations[projection.source.rawValue].name) → \(network.populations[projection.target.rawValue].name): \(projection.targetSize)×\(projection.sourceSize) weights, norm \(norm), max |dL/dw| \(largest)\n")
            if g.count <= 64 {
                for (post, row) in projection.byPost(g).enumerated() {
                    console.out("  [\(post)] " + row.map { "\($0)" }.joined(separator: " ") + "\n")
                }
            }
        }
        if let checkSummary {
            console.out("finite differences: \(checkSummary.checked) parameters, max relative error \(checkSummary.worst)\(checkSummary.skipped > 0 ? ", \(checkSummary.skipped) at discontinuities (not comparable)" : "")\n")
        }
        return 0
    })
