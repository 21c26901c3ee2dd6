// Workloads: the benchmark catalogue. Later issues append descriptors to `allWorkloads`.

import Foundation
import SpikingModel
import StrictJSON
import Training

/// Every workload, in the order they run.
let allWorkloads: [Workload] = [
    Workload(
        name: "functional-5-200-3",
        summary: "ReferenceSimulator forward+backward, Yin-Yang 5-200-3 LIF, ttfs loss, T = 50 ms, train split",
        maxThreads: 1,
        prepare: { try FunctionalWorkload.yinYang($0) }),
    Workload(
        name: "functional-784-350-10",
        summary: "ReferenceSimulator forward+backward, MNIST 784-350 LIF-10 LI, max-voltage loss, T = 30 ms",
        maxThreads: 1,
        prepare: { try FunctionalWorkload.mnist($0) }),
    Workload(
        name: "reference-784-1000-10-forward",
        summary: "ReferenceSimulator forward pass only, the network and images of forward-784-1000-10-loihi: the same spikes without a chip",
        maxThreads: 1,
        prepare: { try FunctionalWorkload.mnistForward($0) }),
    Workload(
        name: "forward-5-200-3-loihi",
        summary: "Emulator forward pass on chips/loihi.json, Yin-Yang 5-200-3 LIF (paper init), T = 50 ms, train split",
        maxThreads: 1,
        prepare: { try EmulatorWorkload.yinYang($0) }),
    Workload(
        name: "forward-784-1000-10-loihi",
        summary: "Emulator forward pass on chips/loihi.json, MNIST 784-1000 LIF-10 LI (paper init), T = 30 ms",
        maxThreads: 1,
        prepare: { try EmulatorWorkload.mnist($0) }),
    Workload(
        name: "train-yinyang-epoch-loihi",
        summary: "One Yin-Yang training epoch (5000 samples forward + backward + Adam updates) on chips/loihi.json, --threads threads",
        maxThreads: 64,
        prepare: { try TrainingWorkload.yinYangOnLoihi($0) }),
]

/// Where the MNIST workload looks for the IDX files when `--data-dir` is not given
/// (the project's shared copy, relative to the package root).
let defaultMNISTDirectory = "../shared/data/mnist"

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
}

/// The functional reference (``ReferenceSimulator``): one `gradient(input:loss:)` (forward pass,
/// loss, EventProp backward pass) per sample, on one thread.
struct FunctionalWorkload: PreparedWorkload {
    var simulator: ReferenceSimulator
    var inputs: [InputSpikes]
    var loss: Loss
    var details: [(String, JSONValue)]
    var populationNames: [String]
    var notes: [String]
    /// Only the forward pass (no loss, no backward pass): the work every emulator workload of the
    /// same network and inputs must do at least.
    var forwardOnly = false
    var threads: Int { 1 }

    init(network: Network, inputs: [InputSpikes], loss: Loss, details: [(String, JSONValue)], notes: [String] = [], forwardOnly: Bool = false) {
        simulator = ReferenceSimulator(network: network)
        self.inputs = inputs
        self.loss = loss
        self.forwardOnly = forwardOnly
        populationNames = network.populations.map(\.name)
        let sizes = network.populations.map { String($0.size) }.joined(separator: "-")
        self.details = [("network", .string(sizes)), ("loss", .string(loss.name)), ("duration_s", .finite(network.duration))]
            + details
        self.notes = notes
    }

    mutating func runRepetition(countActivity: Bool) -> RepetitionResult {
        var forwardEvents = 0
        var spikes = Array(repeating: 0, count: populationNames.count)
        var checksum = 0.0
        if forwardOnly {
            for input in inputs {
                simulator.forward(input)
                if countActivity {
                    forwardEvents &+= simulator.forwardSynapticEvents
                    for (p, count) in simulator.spikesPerPopulation().enumerated() { spikes[p] &+= count }
                }
                // Black hole: the spikes' count and their latest time.
                checksum += Double(simulator.spikes.count) + (simulator.spikes.time.last ?? 0)
            }
            return RepetitionResult(
                synapticEvents: forwardEvents, forwardSynapticEvents: forwardEvents, samples: inputs.count, spikesPerPopulation: spikes,
                checksum: checksum)
        }
        for (index, input) in inputs.enumerated() {
            let evaluation = simulator.gradient(input: input, loss: loss)
            if countActivity {
                forwardEvents &+= simulator.forwardSynapticEvents
                for (p, count) in simulator.spikesPerPopulation().enumerated() { spikes[p] &+= count }
            }
            // Black hole: the loss and one gradient entry per sample (a different one each time).
            let weights = simulator.gradients.weights
            let projection = weights[index % weights.count]
            checksum += evaluation.value + projection[(index &* 7919) % projection.count]
        }
        return RepetitionResult(
            synapticEvents: 2 * forwardEvents, forwardSynapticEvents: forwardEvents, samples: inputs.count,
            spikesPerPopulation: spikes, checksum: checksum)
    }

    // MARK: The workloads

    /// The paper's Yin-Yang network (eventprop.md §8) on the training split (5000 samples = one epoch).
    static func yinYang(_ configuration: BenchmarkConfiguration) throws -> FunctionalWorkload {
        FunctionalWorkload(
            network: paperYinYangNetwork(), inputs: yinYangInputs(configuration), loss: .timeToFirstSpike(),
            details: [("inputs", "yinyang"), ("weights_seed", 1)])
    }

    /// The paper's Yin-Yang network: 5-200-3 LIF, τ 20/5 ms, its initialisation, seed 1, T = 50 ms.
    static func paperYinYangNetwork() -> Network {
        NetworkBuilder.layered(
            sizes: [YinYangEncoding.inputCount, 200, YinYang.classCount], output: .lif,
            parameters: NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: 0),
            inits: [WeightInit(mean: 1.5, std: 0.78), WeightInit(mean: 0.93, std: 0.1)],
            duration: 50e-3, seed: 1)
    }

    /// The encoded Yin-Yang training split (5000 samples = one epoch; 500 with `--quick`).
    static func yinYangInputs(_ configuration: BenchmarkConfiguration) -> [InputSpikes] {
        let encoding = YinYangEncoding()
        return YinYang.generate(split: .train).prefix(configuration.quick ? 500 : 5000).map {
            InputSpikes(times: encoding.spikeTimes(for: $0), label: $0.label)
        }
    }

    /// A paper-MNIST-style network 784 – `hidden` LIF – 10 LI with the paper's initialisation, seed 1, T = 30 ms.
    static func paperMNISTNetwork(hidden: Int) -> Network {
        NetworkBuilder.layered(
            sizes: [MNIST.pixelsPerImage, hidden, MNIST.classCount], output: .li,
            parameters: NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: 0),
            inits: [WeightInit(mean: 0.078, std: 0.045), WeightInit(mean: 0.2, std: 0.37)],
            duration: 30e-3, seed: 1)
    }

    /// The paper's MNIST network (eventprop.md §8) on real images from the paper's training part
    /// of the training file (images 5000…), or synthetic latency-coded images if the files are absent.
    static func mnist(_ configuration: BenchmarkConfiguration) throws -> FunctionalWorkload {
        let (inputs, source, notes) = try mnistInputs(configuration, count: configuration.quick ? 100 : 1000)
        return FunctionalWorkload(
            network: paperMNISTNetwork(hidden: 350), inputs: inputs, loss: .maxVoltage,
            details: [("inputs", .string(source)), ("weights_seed", 1)], notes: notes)
    }

    /// The forward pass alone of forward-784-1000-10-loihi's network on its images (500; 50 with
    /// `--quick`), without a chip: the emulator's ceiling on this machine.
    static func mnistForward(_ configuration: BenchmarkConfiguration) throws -> FunctionalWorkload {
        let (inputs, source, notes) = try mnistInputs(configuration, count: configuration.quick ? 50 : 500)
        return FunctionalWorkload(
            network: paperMNISTNetwork(hidden: 1000), inputs: inputs, loss: .maxVoltage,
            details: [("inputs", .string(source)), ("weights_seed", 1)], notes: notes, forwardOnly: true)
    }

    /// Latency-coded MNIST training images (from image 5000 on, the paper's training part), or
    /// synthetic images with MNIST's statistics when the files are absent.
    static func mnistInputs(_ configuration: BenchmarkConfiguration, count: Int) throws -> (inputs: [InputSpikes], source: String, notes: [String]) {
        let encoding = MNISTEncoding()
        let directory = configuration.dataDirectory ?? defaultMNISTDirectory
        let imagesPath = directory + "/" + MNIST.Split.train.imagesFile
        let found = FileManager.default.fileExists(atPath: imagesPath)
        if !found, configuration.dataDirectory != nil {
            throw BenchmarkError(description: "--data-dir \(directory): no \(MNIST.Split.train.imagesFile)")
        }
        var inputs: [InputSpikes] = []
        guard found else {
            var rng = SplitMix64(seed: 784)
            for _ in 0..<count {
                inputs.append(InputSpikes(times: encoding.spikeTimes(pixels: syntheticImage(&rng)), label: Int(rng.next() % 10)))
            }
            return (inputs, "synthetic", ["MNIST not found in \(directory): using synthetic latency-coded images (pass --data-dir)"])
        }
        let images: MNIST
        do {
            images = try MNIST.load(directory: directory, split: .train)
        } catch {
            throw BenchmarkError(description: "MNIST in \(directory): \(error)")
        }
        let first = min(MNIST.paperValidationCount, max(0, images.count - count))
        guard images.count >= first + count else {
            throw BenchmarkError(description: "MNIST in \(directory): \(images.count) images, need \(count)")
        }
        for index in first..<(first + count) {
            inputs.append(InputSpikes(times: encoding.spikeTimes(image: index, of: images), label: Int(images.labels[index])))
        }
        return (inputs, "mnist", [])
    }

    /// A random 28 × 28 image with MNIST's statistics of active pixels: each pixel is active
    /// (> 1, so it spikes) with probability 0.19, and an active pixel is saturated (255) with
    /// probability 0.39, else uniform in 2…249 (measured on the MNIST training file).
    static func syntheticImage(_ rng: inout SplitMix64) -> [UInt8] {
        (0..<MNIST.pixelsPerImage).map { _ in
            guard rng.uniform() < 0.19 else { return 0 }
            return rng.uniform() < 0.39 ? 255 : UInt8(2 + rng.next() % 248)
        }
    }
}
