// Network+Validation: whether a network itself can be simulated — the model-level rules, shared
// by programmatically built networks and network files.

/// Why a network cannot be simulated: every problem ``Network/problems()`` found (at least one).
public struct NetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public init(_ problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "\n") }
}

/// The model-level rules, each as the requirement a message states and the test it names, in one
/// place for ``Network/problems()`` and ``NetworkFile/decode(_:file:)`` (which reports them at
/// the members' JSON paths). The public ones also let a tool check its options by the same rules
/// before it builds a network (`neuromesh init-network`).
public enum NetworkRules {
    public static let duration = "must be greater than 0 s and at most \(Network.maxDuration) s"
    public static func isValid(duration: Double) -> Bool { duration > 0 && duration <= Network.maxDuration }

    public static let timeConstant = "must be between \(Network.timeConstants.lowerBound) and \(Network.timeConstants.upperBound) s"
    public static func isValid(timeConstant: Double) -> Bool { Network.timeConstants.contains(timeConstant) }

    static let sizes = 1...Network.maxPopulationSize
    static func tooManyNeurons(_ count: Int) -> String {
        "the populations have \(count) neurons in all; at most \(Network.maxNeuronCount) are supported"
    }

    public static let threshold = "must be greater than 0"
    public static func isValid(threshold: Double) -> Bool { threshold > 0 && threshold.isFinite }

    /// (Only LIF neurons reset; an LI population's reset is any finite number.)
    public static func reset(below threshold: Double) -> String { "must be below the threshold \(threshold)" }

    public static let weight = "must be finite"
    public static func isValid(weight: Double) -> Bool { weight.isFinite }

    static let delay = "must be finite and not negative"
    static func isValid(delay: Double) -> Bool { delay >= 0 && delay.isFinite }

    static let emptyName = "a population name must not be empty"
    static func duplicateName(_ name: String) -> String { "duplicate population name \"\(name)\"" }
    /// (`population` as a message names it: `"in"` in a file, `0 "in"` in a network.)
    static func inputTarget(_ population: String) -> String { "a projection cannot target the input population \(population)" }
    static func inputOutput(_ population: String) -> String {
        "the output population \(population) must be of kind \"lif\" or \"li\", not \"input\""
    }
    static let noPopulations = "a network needs at least one population"
}

extension Network {
    /// The largest population a network may have (as a network file's `size` allows).
    public static let maxPopulationSize = 50_000_000
    /// The most neurons a network may have in all populations together: the simulators number
    /// neurons globally in 30 bits (`2³⁰ − 1`).
    public static let maxNeuronCount = (1 << 30) - 1

    /// Everything that keeps this network from being simulated, encoded or emulated, one message
    /// each (empty if nothing does). A message names the population (`population 1 "hidden"`) or
    /// projection (`projection 0 ("input" → "hidden")`) by index and name, the field, the value and
    /// what is allowed. The rules are those ``NetworkFile/decode(_:file:)`` applies to a file:
    ///
    /// - at least one population; ``duration`` in `(0, maxDuration]` s;
    /// - every population: a non-empty name no other population has and a ``Population/size`` in
    ///   `1...maxPopulationSize`, at most ``maxNeuronCount`` neurons in all; a LIF or LI population also ``NeuronParameters/tauMem`` and
    ///   ``NeuronParameters/tauSyn`` within ``timeConstants``, a finite `threshold` > 0 and a
    ///   finite `reset` (below the threshold for LIF). An input population's parameters are unused;
    /// - every projection: source and target among the populations, a target that is not an input
    ///   population, ``Projection/sourceSize`` and ``Projection/targetSize`` equal to the
    ///   populations' sizes, `sourceSize × targetSize` finite weights and, if given, as many
    ///   finite delays ≥ 0 s;
    /// - ``output`` naming a LIF or LI population.
    ///
    /// A weights or delays array with several bad values gives one message for the projection,
    /// naming the first and how many there are.
    public func problems() -> [String] {
        var problems: [String] = []
        if populations.isEmpty { problems.append(NetworkRules.noPopulations) }
        if !NetworkRules.isValid(duration: duration) {
            problems.append("the trial duration \(duration) s is invalid: \(NetworkRules.duration)")
        }

        var firstNamed: [String: Int] = [:]
        for (p, population) in populations.enumerated() {
            let label = "population \(p) \"\(population.name)\""
            if population.name.isEmpty {
                problems.append("population \(p): \(NetworkRules.emptyName)")
            } else if let first = firstNamed[population.name] {
                problems.append("\(label): \(NetworkRules.duplicateName(population.name)) (population \(first) has it too)")
            } else {
                firstNamed[population.name] = p
            }
            if !NetworkRules.sizes.contains(population.size) {
                problems.append(
                    "\(label): size \(population.size) is out of range: must be between \(NetworkRules.sizes.lowerBound) and \(NetworkRules.sizes.upperBound)")
            }
            guard population.kind != .input else { continue }
            let parameters = population.parameters
            for (field, value) in [("tauMem", parameters.tauMem), ("tauSyn", parameters.tauSyn)] where !NetworkRules.isValid(timeConstant: value) {
                problems.append("\(label): \(field) \(value) s is invalid: \(NetworkRules.timeConstant)")
            }
            if !NetworkRules.isValid(threshold: parameters.threshold) {
                problems.append("\(label): threshold \(parameters.threshold) is invalid: \(NetworkRules.threshold)")
            }
            if !parameters.reset.isFinite {
                problems.append("\(label): reset \(parameters.reset) is invalid: must be finite")
            } else if population.kind == .lif, parameters.threshold.isFinite, parameters.reset >= parameters.threshold {
                problems.append("\(label): reset \(parameters.reset) is invalid: \(NetworkRules.reset(below: parameters.threshold))")
            }
        }

        let total = populations.reduce(0) { $0 &+ max($1.size, 0) }
        if total > Network.maxNeuronCount { problems.append(NetworkRules.tooManyNeurons(total)) }

        for (index, projection) in projections.enumerated() {
            problems += projectionProblems(projection, index: index)
        }

        if populations.indices.contains(output.rawValue) {
            let population = populations[output.rawValue]
            if population.kind == .input {
                problems.append(NetworkRules.inputOutput("\(output.rawValue) \"\(population.name)\""))
            }
        } else if !populations.isEmpty {
            problems.append("the output (population \(output.rawValue)) is not one of the network's \(populations.count) populations (0...\(populations.count - 1))")
        }
        return problems
    }

    /// Throws every problem of ``problems()`` at once, if there is any.
    public func validate() throws(NetworkError) {
        let problems = problems()
        if !problems.isEmpty { throw NetworkError(problems) }
    }

    /// The first of ``problems()``, saying how many others there are, or `nil`: what the library's
    /// throwing entry points (the chip emulator, the trainer) report.
    public var firstProblem: String? {
        let problems = problems()
        guard let first = problems.first else { return nil }
        return problems.count == 1 ? first : "\(first) (and \(problems.count - 1) more: Network.problems() lists them all)"
    }

    private func projectionProblems(_ projection: Projection, index: Int) -> [String] {
        func name(_ id: PopulationID) -> String? {
            populations.indices.contains(id.rawValue) ? populations[id.rawValue].name : nil
        }
        let sourceName = name(projection.source)
        let targetName = name(projection.target)
        let label = "projection \(index) (\(sourceName.map { "\"\($0)\"" } ?? "?") → \(targetName.map { "\"\($0)\"" } ?? "?"))"
        var problems: [String] = []
        for (end, id) in [("source", projection.source), ("target", projection.target)] where name(id) == nil {
            problems.append("\(label): the \(end) population \(id.rawValue) is not one of the network's \(populations.count) populations")
        }
        if let targetName, populations[projection.target.rawValue].kind == .input {
            problems.append("\(label): \(NetworkRules.inputTarget("\(projection.target.rawValue) \"\(targetName)\""))")
        }
        for (field, id, size) in [("sourceSize", projection.source, projection.sourceSize), ("targetSize", projection.target, projection.targetSize)] {
            if let name = name(id), populations[id.rawValue].size != size {
                problems.append(
                    "\(label): \(field) \(size) is not the size of population \(id.rawValue) \"\(name)\" (\(populations[id.rawValue].size))")
            }
        }
        let (expected, overflow) = projection.sourceSize.multipliedReportingOverflow(by: projection.targetSize)
        if overflow || projection.sourceSize < 0 || projection.targetSize < 0 || projection.weights.count != expected {
            problems.append(
                "\(label): weights has \(projection.weights.count) entries, but sourceSize × targetSize is \(projection.sourceSize) × \(projection.targetSize)")
        } else if let bad = projection.weights.firstIndex(where: { !NetworkRules.isValid(weight: $0) }) {
            let count = projection.weights.count(where: { !NetworkRules.isValid(weight: $0) })
            problems.append(
                "\(label): weight \(projection.weights[bad]) at \(projection.position(bad)) is invalid: \(NetworkRules.weight)\(count > 1 ? " (\(count) weights are not)" : "")")
        }
        if let delays = projection.delays {
            if delays.count != projection.weights.count {
                problems.append("\(label): delays has \(delays.count) entries, but weights has \(projection.weights.count)")
            } else if let bad = delays.firstIndex(where: { !NetworkRules.isValid(delay: $0) }) {
                let count = delays.count(where: { !NetworkRules.isValid(delay: $0) })
                problems.append(
                    "\(label): delay \(delays[bad]) s at \(projection.position(bad)) is invalid: \(NetworkRules.delay)\(count > 1 ? " (\(count) delays are not)" : "")")
            }
        }
        return problems
    }
}

extension Projection {
    /// A flat index in words: `"index 5 (post 1, pre 2)"`.
    fileprivate func position(_ index: Int) -> String {
        targetSize > 0 ? "index \(index) (post \(index % targetSize), pre \(index / targetSize))" : "index \(index)"
    }
}
