// neuromesh-bench: synaptic events per second of Neuromesh workloads (see Benchmarks/README.md).

import Foundation
import StrictJSON

let usage = """
    USAGE: neuromesh-bench [--json] [--filter SUBSTRING] [--samples N] [--quick] [--threads N] [--data-dir DIR]
           neuromesh-bench --list

    Measures synaptic events per second of each workload — forward + backward for the
    functional and training workloads, the forward pass alone for the forward-* and
    reference-*-forward ones: one untimed warm-up repetition, then N timed repetitions; the
    median is reported.

    A synaptic event is one spike reaching one synapse (one arrival at one target neuron). The
    forward count of a sample is the sum over its spikes of the number of targets of the spike's
    outgoing projections (arrivals after T excluded), counted from the simulator's event log. The
    EventProp backward pass processes the same arrivals in reverse, so forward + backward = 2 ×
    the forward count.

    OPTIONS:
      --json               One JSON object per line per workload (workload, synaptic_events_per_s,
                           seconds, threads, samples_per_repetition, synaptic_events_per_sample,
                           spikes_per_sample, inputs, build, …) instead of a table.
      --filter SUBSTRING   Run only workloads whose name contains SUBSTRING (repeatable).
      --samples N          Timed repetitions per workload (default 5).
      --quick              Fewer samples per repetition (smoke tests, profiling).
      --threads N          Host threads (default 1; functional workloads support only 1).
      --data-dir DIR       MNIST IDX files (default \(defaultMNISTDirectory) if present, else
                           synthetic latency-coded images, reported as "inputs": "synthetic").
      --list               List the workloads and exit.
      -h, --help           Show this help.

    WORKLOADS:
    \(allWorkloads.map { "  \($0.name)\n      \($0.summary)" }.joined(separator: "\n"))

    Build with: swift build -c release --product neuromesh-bench
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("neuromesh-bench: \(message)\n".utf8))
    exit(2)
}

func note(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

/// Unbuffered output: each line reaches the terminal or pipe as soon as a workload finishes.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data("\(line)\n".utf8))
}

// MARK: Arguments

struct Options {
    var json = false
    var filters: [String] = []
    var repetitions = 5
    var configuration = BenchmarkConfiguration()

    init(_ argv: [String]) {
        var arguments = argv[...]
        func value(for option: String) -> String {
            guard let next = arguments.popFirst() else { fail("\(option) needs a value") }
            return next
        }
        func positiveInteger(for option: String) -> Int {
            let text = value(for: option)
            guard let n = Int(text), n > 0 else { fail("\(option) needs a positive integer, got '\(text)'") }
            return n
        }
        while let argument = arguments.popFirst() {
            switch argument {
            case "--json": json = true
            case "--filter": filters.append(value(for: argument))
            case "--samples": repetitions = positiveInteger(for: argument)
            case "--quick": configuration.quick = true
            case "--threads": configuration.threads = positiveInteger(for: argument)
            case "--data-dir": configuration.dataDirectory = value(for: argument)
            case "--list":
                for workload in allWorkloads { emit("\(workload.name)\t\(workload.summary)") }
                exit(0)
            case "-h", "--help":
                emit(usage)
                exit(0)
            default: fail("unknown argument '\(argument)' (see --help)")
            }
        }
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let json = options.json
let filters = options.filters
let repetitions = options.repetitions
let configuration = options.configuration

if isDebugBuild {
    note("""
        WARNING: neuromesh-bench is a DEBUG build; the numbers are meaningless.
        WARNING: build with: swift build -c release --product neuromesh-bench
        """)
}

let selected = allWorkloads.filter { workload in filters.isEmpty || filters.contains { workload.name.contains($0) } }
if selected.isEmpty { fail("no workload matches \(filters) (see --list)") }

// MARK: Run

var table = Table([
    "workload", "inputs", "samples", "spikes/sample (per population)", "syn. events/sample",
    "median s", "min s", "max s", "M syn. events/s", "threads",
])
var checksum = 0.0
var ran = 0
for workload in selected {
    guard configuration.threads <= workload.maxThreads else {
        note("\(workload.name): skipped, supports at most \(workload.maxThreads) thread(s), --threads \(configuration.threads)")
        continue
    }
    var prepared: any PreparedWorkload
    do {
        prepared = try workload.prepare(configuration)
    } catch {
        fail("\(workload.name): \(error)")
    }
    for line in prepared.notes { note("\(workload.name): \(line)") }
    let measurement = measure(&prepared, name: workload.name, repetitions: repetitions)
    checksum += measurement.result.checksum
    ran += 1
    if json {
        emit(measurement.json())
    } else {
        var inputs = "-"
        if let (_, value) = measurement.details.first(where: { $0.0 == "inputs" }), case .string(let source) = value {
            inputs = source
        }
        let spikes = zip(measurement.populationNames, measurement.spikesPerSample)
            .map { "\($0) \(fixed($1, 1))" }.joined(separator: ", ")
        table.rows.append([
            measurement.workload, inputs, String(measurement.result.samples), spikes,
            fixed(measurement.synapticEventsPerSample, 0), fixed(measurement.medianSeconds, 3),
            fixed(measurement.seconds.min()!, 3), fixed(measurement.seconds.max()!, 3),
            fixed(measurement.synapticEventsPerSecond / 1e6, 2), String(measurement.threads),
        ])
    }
}

if !json, ran > 0 {
    emit(table.render())
    emit("build: \(buildConfiguration); \(repetitions) timed repetitions after one warm-up; median reported")
    emit("synaptic event = one spike arriving at one target neuron; forward + backward = 2 × forward")
    emit("checksum: \(checksum)")
}
if ran == 0 { fail("no selected workload can run with --threads \(configuration.threads)") }
