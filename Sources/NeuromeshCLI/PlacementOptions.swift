// PlacementOptions: `--strategy fill|spread` or `--placement FILE`, and mapping with the
// mapper's messages on failure — shared by `neuromesh map` and `neuromesh run`.

import ChipDescription
import ChipEmulator
import StrictJSON

/// How the user asked to place the network: a strategy, or an explicit placement file.
struct PlacementOptions {
    var strategy: String?
    var placementPath: String?

    /// The help lines for both options (indented like the commands' option lists).
    static let help = """
          --strategy fill|spread   fill (default): cores in order, each filled before the next;
                                   spread: each population divided evenly over min(neurons,
                                   cores on the chip) consecutive cores, after the cores of the
                                   population before it, back at core 0 after the last (more
                                   parallelism, more fan-out)
          --placement FILE         an explicit placement (neuromesh-placement/1; see
                                   chips/README.md, or the output of map --json) instead of
                                   a strategy
        """

    /// Reads `--strategy` and `--placement`; they cannot be combined.
    init(_ arguments: inout Arguments) throws(CLIError) {
        strategy = try arguments.choice("strategy", ["fill", "spread"])
        placementPath = try arguments.option("placement")
        if strategy != nil && placementPath != nil {
            throw .usage("--strategy and --placement cannot be combined (a placement file replaces the strategy)")
        }
    }

    /// The strategy to map with; reads the placement file if one was given (its problems are
    /// thrown as ``JSONIssues`` naming the file).
    func resolve(shape: NetworkShape, chip: ChipSpec) throws -> PlacementStrategy {
        if let placementPath { return .explicit(try PlacementFile.load(path: placementPath, shape: shape, chip: chip)) }
        return strategy == "spread" ? .spread : .fill
    }

    /// Maps `shape` onto `chip`, or fails (exit 1) with every problem the mapper found.
    func map(_ shape: NetworkShape, onto chip: ChipSpec, options: MappingOptions, networkPath: String) throws -> Mapping {
        let strategy = try resolve(shape: shape, chip: chip)
        do throws(MappingError) {
            return try Mapping.map(shape, onto: chip, strategy: strategy, options: options)
        } catch {
            throw CLIError.failure(
                "network \(networkPath) does not fit chip \"\(chip.name)\" (\(strategy.name), learning \(options.learning.rawValue)):\n"
                    + error.issues.map { "  \($0)" }.joined(separator: "\n"))
        }
    }
}
