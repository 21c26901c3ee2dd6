// CLI: the `neuromesh` command line as a testable library: `CLI.run(arguments:console:)`.

import StrictJSON

/// Where a command writes. Tests capture both streams; the executable uses the process's.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// Whether standard output is an interactive terminal (progress bars only then).
    public var isTerminal: Bool
    /// Whether a write to `out` has failed (a full disk, a device error), so that long work can
    /// stop instead of running on with nobody reading it.
    public var outFailed: @Sendable () -> Bool

    public init(
        out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, isTerminal: Bool = false,
        outFailed: @escaping @Sendable () -> Bool = { false }
    ) {
        self.out = out
        self.err = err
        self.isTerminal = isTerminal
        self.outFailed = outFailed
    }

    public static let standard = Console(
        out: { text in writeStandardOutput(text) },
        err: { text in writeStandardError(text) },
        isTerminal: standardOutputIsTerminal(),
        outFailed: { standardOutputFailed() })
}

/// A command-line failure with the exit code to return. Its message goes to standard error.
public struct CLIError: Error, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    /// Exit code 2: the arguments were wrong.
    public static func usage(_ message: String) -> CLIError { CLIError(message: message, exitCode: 2) }
    /// Exit code 1: an input file or the requested work failed.
    public static func failure(_ message: String) -> CLIError { CLIError(message: message, exitCode: 1) }

    public var description: String { message }
}

/// One subcommand.
struct Command: Sendable {
    var name: String
    var summary: String
    /// Full help text, shown by `neuromesh NAME --help`.
    var help: String
    var run: @Sendable (inout Arguments, Console) throws -> Int32
}

public enum CLI {
    /// The subcommands, in the order `neuromesh --help` lists them.
    static let commands: [Command] = [
        simulateCommand, gradCommand, initNetworkCommand,
        validateCommand, mapCommand, runCommand,
        datasetCommand, trainCommand,
    ]

    static let overview = """
        neuromesh: a discrete-event emulator of neuromorphic chips with on-chip EventProp learning.

        Usage: neuromesh COMMAND [OPTIONS]
               neuromesh COMMAND --help     (help for one command; also -h or neuromesh help COMMAND)
               neuromesh --version

        """

    /// Runs the command line `arguments` (without the program name) and returns the exit code:
    /// 0 success, 1 a failure of the work or an input file, 2 wrong arguments.
    ///
    /// `neuromesh --help|-h|help [COMMAND]` prints the overview or COMMAND's help, and
    /// `neuromesh --version` the version; an unknown COMMAND or any further argument is an
    /// argument error. After a command, `--help` or `-h` where an option may stand asks for its
    /// help (see ``Arguments/wantsHelp``).
    public static func run(arguments: [String], console: Console = .standard) -> Int32 {
        guard let name = arguments.first else {
            console.err(usageText())
            return 2
        }
        if name == "--help" || name == "-h" || name == "help" {
            guard arguments.count > 1 else {
                console.out(usageText())
                return 0
            }
            guard let command = commands.first(where: { $0.name == arguments[1] }) else {
                console.err("neuromesh: unknown command '\(arguments[1])'\n\n" + usageText())
                return 2
            }
            if arguments.count > 2 { return unexpectedArgument(arguments[2], console) }
            console.out(command.help)
            return 0
        }
        if name == "--version" {
            if arguments.count > 1 { return unexpectedArgument(arguments[1], console) }
            console.out("neuromesh \(version)\n")
            return 0
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            console.err("neuromesh: unknown command '\(name)'\n\n" + usageText())
            return 2
        }
        var args = Arguments(Array(arguments.dropFirst()), command: name)
        if args.wantsHelp {
            console.out(command.help)
            return 0
        }
        do {
            return try command.run(&args, console)
        } catch let error as CLIError where error.exitCode == 2 && args.hasUnreadHelp {
            // A `-h` after a flag (`run --json -h`, `map --chip C --network N --json -h`) is no
            // option's value: it is left unread, so the arguments end in an error (a missing
            // option, or `-h` itself as unknown) — and help is what was asked for.
            console.out(command.help)
            return 0
        } catch let error as CLIError {
            console.err("neuromesh \(name): \(error.message)\n")
            if error.exitCode == 2 { console.err("Run 'neuromesh \(name) --help' for usage.\n") }
            return error.exitCode
        } catch let error as JSONIssues {
            console.err(error.description + "\n")
            return 1
        } catch {
            console.err("neuromesh \(name): \(error)\n")
            return 1
        }
    }

    public static let version = "0.1.0"

    /// Exit code 2 for an argument after `--help COMMAND` or `--version`, which take no more.
    private static func unexpectedArgument(_ argument: String, _ console: Console) -> Int32 {
        console.err("neuromesh: unexpected argument '\(argument)'\nRun 'neuromesh --help' for usage.\n")
        return 2
    }

    static func usageText() -> String {
        let width = commands.map(\.name.count).max() ?? 0
        let list = commands.map { "  " + $0.name.padding(toLength: width + 2) + $0.summary }.joined(separator: "\n")
        return overview + "Commands:\n" + list + "\n"
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
