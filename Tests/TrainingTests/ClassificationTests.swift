import Testing

@testable import SpikingModel
@testable import Training

@Suite("Classification")
struct ClassificationTests {
    @Test func samplesWithoutOutputSpikesAreErrors() {
        var c = Classification()
        #expect(c.accuracy == 0)
        c.add(prediction: 1, label: 1)
        c.add(prediction: 0, label: 1)
        c.add(prediction: nil, label: 2)
        c.add(prediction: 2, label: 2)
        #expect(c.samples == 4 && c.correct == 2 && c.withoutPrediction == 1)
        #expect(c.accuracy == 0.5)
    }

    /// The trainer's test classification agrees with first spikes read off the reference
    /// simulator: samples without any output spike are errors, and counted.
    @Test func trainerCountsSamplesWithoutOutputSpikes() throws {
        var network = TrainerTests.setup(samples: 1, threads: 1).network
        // Output 2 never spikes and outputs 0 and 1 only for strong hidden activity, so some
        // samples have no output spike at all.
        let outputs = network.projections[1].targetSize
        for i in 0..<network.projections[1].sourceSize {
            network.projections[1].weights[i * outputs + 2] = -10
            network.projections[1].weights[i * outputs] *= 0.45
            network.projections[1].weights[i * outputs + 1] *= 0.45
        }
        let encoding = YinYangEncoding()
        let data = YinYang.generate(split: .test).prefix(120).map { InputSpikes(times: encoding.spikeTimes(for: $0), label: $0.label) }
        var simulator = ReferenceSimulator(network: network)
        var correct = 0, silent = 0
        let firstOutput = network.firstNeuron(of: network.output)
        let outputRange = firstOutput..<(firstOutput + outputs)
        for input in data {
            simulator.forward(input)
            var first = [Double](repeating: .infinity, count: outputs)
            for k in 0..<simulator.spikes.count where outputRange.contains(Int(simulator.spikes.neuron[k])) {
                let o = Int(simulator.spikes.neuron[k]) - outputRange.lowerBound
                first[o] = min(first[o], simulator.spikes.time[k])
            }
            let earliest = first.min()!
            if earliest == .infinity { silent += 1 } else if first.firstIndex(of: earliest) == input.label { correct += 1 }
        }
        #expect(silent > 0 && silent < data.count, "the test needs both kinds of sample")
        var configuration = TrainingConfiguration()
        configuration.threads = 2
        let trainer = try Trainer(network: network, train: Array(data.prefix(4)), test: Array(data), configuration: configuration)
        let result = try trainer.classify(Array(data))
        #expect(result.samples == data.count && result.correct == correct && result.withoutPrediction == silent)
        #expect(try trainer.accuracy(on: Array(data)) == Double(correct) / Double(data.count))
    }
}
