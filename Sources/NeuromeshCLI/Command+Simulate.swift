// `neuromesh simulate`: the functional reference forward pass.

import SpikingModel
import StrictJSON

let simulateCommand = Command(
    name: "simulate",
    summary: "run a network on one input with the exact functional reference",
    help: """
        Usage: neuromesh simulate --network NETWORK.json (--input INPUT.json | --yinyang INDEX) [--json]

        Simulates one trial of NETWORK (format neuromesh-network/1) driven by INPUT (format
        neuromesh-input/1) with exact event-driven dynamics: closed-form state between events,
        spike times to full double precision. Prints the spike times of every non-input
        population (and, for LI readouts, their maximum and weighted integral).

        Options:
          --network FILE   the network (required)
          --input FILE     the input spike trains (neuromesh-input/1), or
          --yinyang INDEX  Yin-Yang sample INDEX, latency-encoded as in the EventProp paper
                           (x, y, 1−x, 1−y in 0–30 ms, bias at 0); with --split train|validation|test
                           (default train)
          --json           machine-readable output: {"format": "neuromesh-simulation/1",
                           "spikes": [{"population", "times_s": [[…] per neuron]}], …}

        Example:
          neuromesh init-network --sizes 5,20,3 --seed 1 --out net.json
          echo '{"format": "neuromesh-input/1", "spikes": [[0.001], [0.02], [0.029], [0.01], [0]]}' > input.json
          neuromesh simulate --network net.json --input input.json
          neuromesh simulate --network net.json --yinyang 0 --json

        """,
    run: { arguments, console in
        let json = try arguments.flag("json")
        let (network, input, networkPath, _) = try loadNetworkAndInput(&arguments)
        var simulator = ReferenceSimulator(network: network)
        simulator.forward(input)
        if simulator.eventLimitReached {
            throw CLIError.failure("simulating \(networkPath) failed: " + runawayMessage(limit: simulator.eventLimit, spikes: simulator.spikes))
        }
        let trains = simulator.spikeTrains()
        if json {
            var object = JSONObject()
            object["format"] = "neuromesh-simulation/1"
            object["duration_s"] = .number(network.duration)
            object["spikes"] = SpikeOutput.json(trains, network: network)
            if let readouts = readoutJSON(simulator) { object["readouts"] = readouts }
            console.out(JSONWriter.string(.object(object)))
        } else {
            console.out("Simulated \(formatMilliseconds(network.duration)) ms: \(counted(trains.totalSpikes - input.times.reduce(0) { $0 + $1.count }, "spike"))\n")
            console.out(SpikeOutput.text(trains, network: network))
            if !simulator.readouts.maxValue.isEmpty {
                console.out("readouts (\(network.populations[network.output.rawValue].name)):\n")
                for o in simulator.readouts.maxValue.indices {
                    console.out("  \(o): max V \(simulator.readouts.maxValue[o]) at \(formatMilliseconds(simulator.readouts.maxTime[o])) ms, weighted integral \(simulator.readouts.weightedIntegral[o])\n")
                }
            }
        }
        return 0
    })

/// LI readout statistics as JSON, or nil if the output is not LI.
func readoutJSON(_ simulator: ReferenceSimulator) -> JSONValue? {
    let r = simulator.readouts
    guard !r.maxValue.isEmpty else { return nil }
    return .object(JSONObject([
        ("max_v", .numbers(r.maxValue)),
        ("max_time_s", .numbers(r.maxTime)),
        ("weighted_integral", .numbers(r.weightedIntegral)),
    ]))
}
