// Harness: workload descriptors, the measurement loop (warm-up, repetitions, median) and reporting.
//
// Method after swift-nio's NIOPerformanceTester (style-anchors.md A5.2, C10): one untimed warm-up
// repetition, then `--samples` timed repetitions, the median reported; every repetition returns
// a checksum that is black-holed and printed, and must equal the warm-up's bit for bit. The
// activity (synaptic events, spikes, packets) is counted in the warm-up only: counting is the
// harness's bookkeeping, not the simulator's work, and the workloads are deterministic.

import Foundation
import StrictJSON

/// What every workload is told by the command line.
struct BenchmarkConfiguration: Sendable {
    /// Fewer samples per repetition (smoke testing, profiling).
    var quick = false
    /// Host threads the workload may use.
    var threads = 1
    /// `--data-dir`, if given; workloads fall back to their default location, then to synthetic data.
    var dataDirectory: String?
}

/// The result of one repetition of a workload.
struct RepetitionResult {
    /// Synaptic events processed (forward + backward).
    var synapticEvents: Int
    /// Synaptic events of the forward passes alone.
    var forwardSynapticEvents: Int
    /// Samples (trials) simulated.
    var samples: Int
    /// Spikes per population (inputs included), summed over the samples.
    var spikesPerPopulation: [Int]
    /// A value that depends on all the work (loss values, gradient entries), so it cannot be elided.
    var checksum: Double
    /// Packets injected into the emulated mesh (0 for functional workloads).
    var packets: Int = 0
}

/// A workload ready to run: data loaded, network built, buffers allocated.
protocol PreparedWorkload {
    /// Descriptive fields for the report (`inputs`, `network`, `loss`, …), in order.
    var details: [(String, JSONValue)] { get }
    /// Names of the populations, in the order of ``RepetitionResult/spikesPerPopulation``.
    var populationNames: [String] { get }
    /// Threads actually used.
    var threads: Int { get }
    /// Notes for the user (e.g. "MNIST not found, using synthetic inputs"), printed to stderr.
    var notes: [String] { get }
    /// One repetition: the same samples every time. With `countActivity` false the counts in the
    /// result may be left zero (timed repetitions skip the bookkeeping); the checksum may not.
    mutating func runRepetition(countActivity: Bool) -> RepetitionResult
}

/// A named benchmark. Later issues add entries to ``allWorkloads``.
struct Workload: Sendable {
    var name: String
    var summary: String
    /// The most host threads the workload can use (functional workloads: 1).
    var maxThreads: Int
    var prepare: @Sendable (BenchmarkConfiguration) throws -> any PreparedWorkload
}

/// The measured result of one workload.
struct Measurement {
    var workload: String
    var threads: Int
    /// Wall-clock seconds of each timed repetition.
    var seconds: [Double]
    var result: RepetitionResult
    var details: [(String, JSONValue)]
    var populationNames: [String]

    var medianSeconds: Double {
        let sorted = seconds.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
    }

    var synapticEventsPerSecond: Double { Double(result.synapticEvents) / medianSeconds }
    var packetsPerSecond: Double { Double(result.packets) / medianSeconds }
    var synapticEventsPerSample: Double { Double(result.synapticEvents) / Double(result.samples) }
    var spikesPerSample: [Double] { result.spikesPerPopulation.map { Double($0) / Double(result.samples) } }
}

/// Keeps a value alive so that the optimizer cannot remove the work that produced it.
@inline(never) func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// Warm-up then `repetitions` timed repetitions.
///
/// - Precondition (checked always): the workload processes at least one synaptic event, and every
///   repetition gives the warm-up's checksum bit for bit (the workloads are deterministic, so the
///   warm-up's activity counts hold for every repetition).
func measure(_ workload: inout any PreparedWorkload, name: String, repetitions: Int) -> Measurement {
    let warmUp = workload.runRepetition(countActivity: true)
    precondition(warmUp.synapticEvents > 0, "\(name): no synaptic events — the workload does no work")
    blackHole(warmUp.checksum)
    let clock = ContinuousClock()
    var seconds: [Double] = []
    for _ in 0..<repetitions {
        let start = clock.now
        let result = workload.runRepetition(countActivity: false)
        let elapsed = clock.now - start
        blackHole(result.checksum)
        precondition(
            result.checksum.bitPattern == warmUp.checksum.bitPattern,
            "\(name): repetitions differ (checksum \(result.checksum) vs \(warmUp.checksum)) — not deterministic")
        seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    return Measurement(
        workload: name, threads: workload.threads, seconds: seconds, result: warmUp, details: workload.details,
        populationNames: workload.populationNames)
}

/// Whether this is a debug build (assertions on, `_isDebugAssertConfiguration()`). Written as
/// NIOPerformanceTester does, through `assert`, so release builds compile without a
/// "will never be executed" warning.
let isDebugBuild: Bool = {
    var debug = false
    assert({ debug = _isDebugAssertConfiguration(); return true }())
    return debug
}()

/// `"release"` or `"debug"`.
var buildConfiguration: String { isDebugBuild ? "debug" : "release" }

// MARK: - Reporting

extension Measurement {
    /// One JSON object (one line) with the fields documented in Benchmarks/README.md.
    func json() -> String {
        var spikes: [(String, JSONValue)] = []
        for (name, value) in zip(populationNames, spikesPerSample) { spikes.append((name, .finite(value))) }
        var members: [(String, JSONValue)] = [
            ("workload", .string(workload)),
            ("synaptic_events_per_s", .finite(synapticEventsPerSecond.rounded())),
            ("seconds", .finite(medianSeconds)),
            ("threads", .count(threads)),
            ("samples_per_repetition", .count(result.samples)),
            ("synaptic_events_per_sample", .finite(synapticEventsPerSample)),
            ("forward_synaptic_events_per_sample", .finite(Double(result.forwardSynapticEvents) / Double(result.samples))),
            ("spikes_per_sample", .object(JSONObject(spikes))),
        ]
        if result.packets > 0 { members.append(("packets_per_s", .finite(packetsPerSecond.rounded()))) }
        members += details
        members += [
            ("repetitions", .count(seconds.count)),
            ("seconds_min", .finite(seconds.min() ?? .nan)),
            ("seconds_max", .finite(seconds.max() ?? .nan)),
            ("build", .string(buildConfiguration)),
            ("checksum", .finite(result.checksum)),
        ]
        return JSONWriter.string(.object(JSONObject(members)), style: .compact)
    }
}

/// A plain-text table with right-aligned numeric columns.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    func render() -> String {
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - cells[c].count)
                return c == 0 ? cells[c] + pad : pad + cells[c]
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}

/// `x` with `digits` decimals.
func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
