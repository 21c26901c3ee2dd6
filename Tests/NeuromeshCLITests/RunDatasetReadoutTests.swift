// `neuromesh run --dataset` on MNIST files and on networks with LI readouts: the predictions are
// the functional reference's, and wrong arguments or files are refused with the reason.

import Foundation
import StrictJSON
import Testing

@testable import NeuromeshCLI
@testable import SpikingModel
@testable import Training

/// `count` random MNIST-shaped images (each with its own fraction of inked pixels, 1/32 to 1/4,
/// of uniform values), labelled `i mod 10`.
private func randomImages(count: Int, seed: UInt64) -> MNIST {
    var rng = SplitMix64(seed: seed)
    var pixels = [UInt8](repeating: 0, count: count * MNIST.pixelsPerImage)
    for image in 0..<count {
        let inked = 4 + rng.next() % 29
        for i in (image * MNIST.pixelsPerImage)..<((image + 1) * MNIST.pixelsPerImage) where rng.next() % 128 < inked {
            pixels[i] = UInt8(truncatingIfNeeded: rng.next())
        }
    }
    return MNIST(pixels: pixels, labels: (0..<count).map { UInt8($0 % MNIST.classCount) })
}

/// `images` written as the t10k IDX pair into a fresh directory.
private func writeTestFiles(_ images: MNIST) -> String {
    func bigEndian(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
    let directory = temporaryDirectory()
    let header = bigEndian(0x803) + bigEndian(images.count) + bigEndian(MNIST.rows) + bigEndian(MNIST.columns)
    _ = FileManager.default.createFile(atPath: directory + "/t10k-images.idx3-ubyte", contents: Data(header + images.pixels))
    _ = FileManager.default.createFile(atPath: directory + "/t10k-labels.idx1-ubyte", contents: Data(bigEndian(0x801) + bigEndian(images.count) + images.labels))
    return directory
}

/// The functional reference's predictions for `images` under `loss`'s rule (nil: no output spiked).
private func referencePredictions(_ networkPath: String, _ images: MNIST, _ loss: Loss) throws -> [Int?] {
    var simulator = ReferenceSimulator(network: try NetworkFile.load(networkPath))
    return (0..<images.count).map { i in
        simulator.forward(InputSpikes(times: MNISTEncoding().spikeTimes(image: i, of: images)))
        return simulator.evaluate(loss, label: 0).prediction
    }
}

/// The images relabelled with `predictions` (a missing prediction keeps the label).
private func relabelled(_ images: MNIST, _ predictions: [Int?]) -> MNIST {
    MNIST(pixels: images.pixels, labels: zip(images.labels, predictions).map { label, prediction in prediction.map(UInt8.init) ?? label })
}

/// The summary of `run … --json` as an object (nil, with a recorded issue, if it failed).
private func summary(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONObject? {
    let result = runCLI(arguments + ["--json"])
    #expect(result.code == 0, "\(arguments): \(result.err)", sourceLocation: sourceLocation)
    guard result.code == 0, case .object(let object) = try JSONParser.parse(result.out) else { return nil }
    return object
}

/// The functional reference's accuracy on `inputs` with `loss`'s prediction rule.
private func referenceAccuracy(_ networkPath: String, _ inputs: [InputSpikes], _ loss: Loss) throws -> Double {
    var simulator = ReferenceSimulator(network: try NetworkFile.load(networkPath))
    var correct = 0
    for input in inputs {
        simulator.forward(input)
        if simulator.evaluate(loss, label: input.label).prediction == input.label { correct += 1 }
    }
    return Double(correct) / Double(inputs.count)
}

@Suite("neuromesh run --dataset: MNIST files and LI readouts")
struct RunDatasetReadoutTests {
    /// MNIST images on the chip, labelled with the reference's max-voltage predictions: that
    /// rule scores 100 %, exp-voltage exactly as often as the reference's two rules agree (a
    /// wrong rule, sample order or sample count could not match both); threads change nothing.
    @Test func mnistReadoutPredictionsAreTheReferences() throws {
        let network = temporaryDirectory() + "/mnist.json"
        #expect(runCLI(["init-network", "--sizes", "784,40,10", "--output", "li", "--init", "mnist", "--seed", "2", "--duration-s", "0.03", "--out", network]).code == 0)
        let random = randomImages(count: 30, seed: 11)
        let byMax = try referencePredictions(network, random, .maxVoltage)
        let byExp = try referencePredictions(network, random, .expVoltage)
        let images = relabelled(random, byMax)
        let directory = writeTestFiles(images)
        let agreeing = (0..<24).filter { byMax[$0] == byExp[$0] }.count
        #expect(agreeing < 24, "the test needs samples on which the two rules differ")
        let common = ["run", "--chip", chip("loihi.json"), "--network", network, "--dataset", "mnist", "--data-dir", directory, "--samples", "24"]
        for (loss, expected) in [(Loss.maxVoltage, 1.0), (.expVoltage, Double(agreeing) / 24)] {
            let one = try summary(common + ["--readout", loss.name])
            let three = try summary(common + ["--readout", loss.name, "--threads", "3"])
            #expect(one != nil && one == three)
            #expect(one?["classified_by"] == .string(loss.name))
            #expect(one?["dataset"] == "mnist")
            #expect(one?["split"] == "test")
            #expect(one?["samples"] == 24)
            #expect(one?["no_output_spike"] == 0)
            #expect(one?["exact"] == true)
            #expect(one?["accuracy"] == .number(expected))
        }
        // max-voltage is the default for readouts.
        #expect(try summary(common)?["accuracy"] == 1)
    }

    /// A spiking network on MNIST: the class is the earliest output spike, as for Yin-Yang (the
    /// images labelled with the reference's predictions: only silent samples are wrong).
    @Test func mnistSpikingOutputsAreClassifiedByTheFirstSpike() throws {
        let network = temporaryDirectory() + "/lif.json"
        #expect(runCLI(["init-network", "--sizes", "784,16,10", "--init", "0.08:0.05,0.9:0.5", "--seed", "3", "--duration-s", "0.03", "--out", network]).code == 0)
        let random = randomImages(count: 12, seed: 5)
        let predictions = try referencePredictions(network, random, .timeToFirstSpike())
        let silent = predictions.filter { $0 == nil }.count
        #expect(silent < 12)
        let result = try summary(["run", "--chip", chip("loihi.json"), "--network", network, "--dataset", "mnist", "--data-dir", writeTestFiles(relabelled(random, predictions))])
        #expect(result?["classified_by"] == "first-spike")
        #expect(result?["samples"] == 12)
        #expect(result?["no_output_spike"] == .number(Double(silent)))
        #expect(result?["accuracy"] == .number(Double(12 - silent) / 12))
    }

    /// Yin-Yang on a readout network (refused before this option existed) matches the reference too.
    @Test func yinYangReadoutAccuracyMatchesTheReference() throws {
        let network = temporaryDirectory() + "/li.json"
        #expect(runCLI(["init-network", "--sizes", "5,20,3", "--output", "li", "--seed", "4", "--out", network]).code == 0)
        let encoding = YinYangEncoding()
        let inputs = YinYang.generate(split: .validation).prefix(40).map { InputSpikes(times: encoding.spikeTimes(for: $0), label: $0.label) }
        for loss in [Loss.maxVoltage, .expVoltage] {
            let result = try summary(["run", "--chip", chip("tiny.json"), "--network", network, "--dataset", "yinyang", "--split", "validation", "--samples", "40", "--readout", loss.name])
            #expect(result?["accuracy"] == .number(try referenceAccuracy(network, Array(inputs), loss)))
        }
    }

    @Test func wrongArgumentsAndFilesAreRefusedWithTheReason() {
        let directory = writeTestFiles(randomImages(count: 3, seed: 1))
        let scratch = temporaryDirectory()
        let mnistNetwork = scratch + "/mnist.json", yinYangNetwork = scratch + "/yy.json", short = scratch + "/short.json"
        #expect(runCLI(["init-network", "--sizes", "784,4,10", "--output", "li", "--out", mnistNetwork]).code == 0)
        #expect(runCLI(["init-network", "--sizes", "5,4,3", "--out", yinYangNetwork]).code == 0)
        #expect(runCLI(["init-network", "--sizes", "784,4,10", "--duration-s", "0.015", "--out", short]).code == 0)
        let run = ["run", "--chip", chip("loihi.json"), "--network"]
        let cases: [([String], Int32, String)] = [
            (run + [mnistNetwork, "--dataset", "mnist"], 2, "--dataset mnist needs --data-dir DIR"),
            (run + [yinYangNetwork, "--dataset", "yinyang", "--data-dir", directory], 2, "--data-dir applies only to --dataset mnist"),
            (run + [mnistNetwork, "--dataset", "mnist", "--data-dir", directory, "--split", "validation"], 2, "--split must be one of train, test"),
            (run + [mnistNetwork, "--dataset", "mnist", "--data-dir", directory, "--samples", "4"], 2,
             "--samples must be an integer in 1...3 (MNIST's test split has 3 samples), got '4'"),
            (run + [mnistNetwork, "--dataset", "mnist", "--data-dir", directory, "--samples", "0"], 2, "--samples must be an integer in 1...3"),
            (run + [mnistNetwork, "--dataset", "mnist", "--data-dir", directory, "--readout", "max"], 2, "--readout must be one of max-voltage, exp-voltage"),
            (run + [mnistNetwork, "--dataset", "mnist", "--data-dir", directory, "--split", "train"], 1, "train-labels.idx1-ubyte: no such file"),
            (run + [yinYangNetwork, "--dataset", "mnist", "--data-dir", directory], 1, "yy.json has 5 input neurons; MNIST samples need 784"),
            (run + [mnistNetwork, "--dataset", "yinyang"], 1, "mnist.json has 784 input neurons; Yin-Yang samples need 5"),
            (run + [short, "--dataset", "mnist", "--data-dir", directory], 1, "short.json's trial ends at 0.015 s (duration_s), before the MNIST input spikes do"),
            (run + [yinYangNetwork, "--dataset", "yinyang", "--readout", "exp-voltage"], 1,
             "--readout exp-voltage reads LI readouts, but \(yinYangNetwork)'s output population \"output\" is lif"),
        ]
        for (arguments, code, message) in cases {
            let result = runCLI(arguments)
            #expect(result.code == code, "\(arguments): exit \(result.code), \(result.err)")
            #expect(result.err.contains(message), "\(arguments): \(result.err)")
            #expect(result.out.isEmpty, "\(arguments)")
        }
    }
}
