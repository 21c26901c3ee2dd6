import Foundation
import StrictJSON
import Testing

@testable import NeuromeshCLI
@testable import SpikingModel

@Suite("neuromesh train")
struct TrainCommandTests {
    @Test func trainsSavesAndReportsJSON() throws {
        let directory = temporaryDirectory()
        let model = directory + "/model.json"
        let result = runCLI(["train", "--dataset", "yinyang", "--epochs", "1", "--hidden", "40", "--threads", "2", "--save", model, "--json"])
        #expect(result.code == 0, "\(result.err)")
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == 2)
        guard case .object(let epoch) = try JSONParser.parse(String(lines[0])),
            case .object(let final) = try JSONParser.parse(String(lines[1]))
        else {
            Issue.record("not JSON objects: \(result.out)")
            return
        }
        #expect(epoch["epoch"] == 1)
        guard case .number(let accuracy) = final["test_accuracy"] else {
            Issue.record("no test_accuracy")
            return
        }
        #expect(accuracy > 0.34 && accuracy <= 1, "one epoch should beat chance (1/3): \(accuracy)")
        let network = try NetworkFile.load(model)
        #expect(network.populations.map(\.size) == [5, 40, 3])
    }

    @Test func sameSeedSameModelBytesWithOneAndTwoThreads() throws {
        let directory = temporaryDirectory()
        for threads in ["1", "2"] {
            #expect(runCLI(["train", "--dataset", "yinyang", "--epochs", "1", "--hidden", "8", "--seed", "5", "--threads", threads, "--save", directory + "/m\(threads).json"]).code == 0)
        }
        let one = try Data(contentsOf: URL(fileURLWithPath: directory + "/m1.json"))
        let two = try Data(contentsOf: URL(fileURLWithPath: directory + "/m2.json"))
        #expect(one == two)
    }

    @Test func wrongArgumentsAreUsageErrors() {
        #expect(runCLI(["train"]).code == 2)
        #expect(runCLI(["train", "--dataset", "cifar"]).code == 2)
        #expect(runCLI(["train", "--dataset", "yinyang", "--lr", "-1"]).code == 2)
        #expect(runCLI(["train", "--dataset", "yinyang", "--epochs", "0"]).code == 2)
        #expect(runCLI(["train", "--help"]).out.contains("Usage: neuromesh train"))
    }
}
