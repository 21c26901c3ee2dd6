import ChipDescription
import Testing

@testable import ChipEmulator
@testable import SpikingModel
@testable import Training

/// A trainer checks its samples and settings when it is made, and throws what does not fit,
/// instead of trapping on a worker thread in the middle of an epoch.
@Suite("Trainer misuse")
struct TrainerMisuseTests {
    static let network = NetworkBuilder.layered(
        sizes: [5, 10, 3], output: .lif, inits: [WeightInit(mean: 1.5, std: 0.78), WeightInit(mean: 0.93, std: 0.1)], duration: 0.05, seed: 2)
    static let samples = YinYang.generate(split: .train).prefix(8).map { InputSpikes(times: YinYangEncoding().spikeTimes(for: $0), label: $0.label) }

    static func message(
        train: [InputSpikes] = samples, test: [InputSpikes] = [], _ change: (inout TrainingConfiguration) -> Void = { _ in }
    ) -> String? {
        var configuration = TrainingConfiguration()
        configuration.batchSize = 4
        change(&configuration)
        do {
            _ = try Trainer(network: network, train: train, test: test, configuration: configuration)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func settingsAndSamplesThatCannotTrainAreThrown() {
        #expect(Self.message() == nil)
        #expect(Self.message(train: [])?.contains("at least one training sample") == true)
        #expect(Self.message { $0.batchSize = 0 }?.contains("batch size") == true)
        #expect(Self.message { $0.threads = 0 }?.contains("at least 1 thread") == true)
        #expect(Self.message { $0.loss = .maxVoltage }?.contains("needs readout (li) outputs") == true)
        var labels = Self.samples
        labels[3].label = 3
        #expect(Self.message(train: labels)?.contains("training sample 3: label 3 does not name an output neuron") == true)
        #expect(Self.message(test: [InputSpikes(times: Self.samples[0].times)])?.contains("test sample 0: the ttfs loss needs the sample's label") == true)
        #expect(Self.message(train: [InputSpikes(times: [[0.001]], label: 0)])?.contains("1 spike trains, but the network has 5") == true)
    }

    @Test func aNetworkWithAProblemIsThrownWhenTheTrainerIsMadeOrRuns() throws {
        var configuration = TrainingConfiguration()
        configuration.batchSize = 4
        var bad = Self.network
        bad.projections[0].delays = Array(repeating: -1e-3, count: bad.projections[0].synapseCount)
        do {
            _ = try Trainer(network: bad, train: Self.samples, test: [], configuration: configuration)
            Issue.record("a network with negative delays was accepted")
        } catch {
            #expect(error.message.hasPrefix(#"projection 0 ("input" → "hidden"): delay -0.001 s at index 0 (post 0, pre 0) is invalid"#), "\(error.message)")
        }
        // Weights made non-finite later (restored here; a diverging update would do the same).
        var trainer = try Trainer(network: Self.network, train: Self.samples, test: [], configuration: configuration)
        var diverged = Self.network
        diverged.projections[1].weights[0] = .nan
        trainer.restore(network: diverged, optimizer: trainer.optimizer, epoch: 0, learningRate: configuration.learningRate)
        do {
            _ = try trainer.runEpoch()
            Issue.record("an epoch ran with a NaN weight")
        } catch {
            #expect(error.message.hasPrefix(#"epoch 1 cannot start: projection 1 ("hidden" → "output"): weight nan"#), "\(error.message)")
        }
        #expect(throws: EmulatorError.self) { _ = try trainer.classify(Self.samples) }
    }

    /// A batch whose samples all run away fails at its first sample: the rest are skipped, not
    /// each run to the event limit (a resumed checkpoint with a weight of 1e30 took minutes per
    /// batch of 500 to fail).
    @Test func aRunawayBatchStopsAtItsFirstFailingSample() throws {
        var runaway = Self.network
        runaway.projections[0].weights[0] = 1e30
        let workers = SampleWorkers(network: runaway, backend: .reference, threads: 1, eventLimit: 200_000)
        func secondsToFail(_ inputs: [InputSpikes]) -> Double {
            let clock = ContinuousClock()
            var message = ""
            let elapsed = clock.measure {
                do throws(EmulatorError) { _ = try workers.evaluate(inputs, loss: .timeToFirstSpike(), gradients: nil) } catch { message = error.message }
            }
            #expect(message.hasPrefix("sample 0 of the batch could not be simulated: the trial exceeded"), "\(message)")
            let c = elapsed.components
            return Double(c.seconds) + Double(c.attoseconds) * 1e-18
        }
        let one = secondsToFail([Self.samples[0]])
        let many = secondsToFail(Array(repeating: Self.samples[0], count: 40))
        #expect(many < 8 * one, "40 runaway samples took \(many) s to fail, one took \(one) s")
    }

    @Test func classifyRejectsSamplesThatDoNotFit() throws {
        var configuration = TrainingConfiguration()
        configuration.batchSize = 4
        let trainer = try Trainer(network: Self.network, train: Self.samples, test: [], configuration: configuration)
        #expect(try trainer.classify(Self.samples).samples == Self.samples.count)
        do {
            _ = try trainer.classify([InputSpikes(times: Self.samples[0].times, label: 7)])
            Issue.record("a label out of range was classified")
        } catch {
            #expect(error.message.contains("sample 0: label 7"), "\(error.message)")
        }
    }
}
