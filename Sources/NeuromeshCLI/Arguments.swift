// Arguments: a small strict parser for `--name value`, `--name=value` and `--flag`.

/// The arguments of one subcommand, consumed option by option.
///
/// Each accessor removes what it reads; ``finish()`` reports anything left over, so a misspelt
/// option is an error (exit 2), never silently ignored.
struct Arguments {
    private var tokens: [String]
    let command: String

    init(_ tokens: [String], command: String) {
        self.tokens = tokens
        self.command = command
    }

    /// Whether the arguments ask for the command's help: `--help` anywhere (an option's value
    /// never starts with `--`, so it is always an option), or `-h` where an option may stand.
    ///
    /// `-h` directly after a bare `--name` (not `--name=VALUE`) is that option's value, as
    /// ``option(_:)`` reads it: `--save -h` saves to a file named `-h`, and `--seed -h` is an
    /// invalid seed. Which options are flags is known only as they are read: a `-h` after a flag
    /// stays unread (``hasUnreadHelp``), and the argument error it then causes shows the help
    /// (``CLI/run(arguments:console:)``).
    var wantsHelp: Bool {
        tokens.indices.contains { i in
            tokens[i] == "--help" || (tokens[i] == "-h" && !(i > 0 && Self.mayTakeValue(tokens[i - 1])))
        }
    }

    /// Whether `token` is an option that the next token may be the value of (`--name`, not
    /// `--name=VALUE`).
    private static func mayTakeValue(_ token: String) -> Bool { token.hasPrefix("--") && !token.contains("=") }

    /// Whether a `-h` is still unread: no option has taken it as its value (so far).
    var hasUnreadHelp: Bool { tokens.contains("-h") }

    /// Whether option `--name` is given (as `--name` or `--name=VALUE`), without consuming it: for
    /// an option that only applies together with another one.
    func isGiven(_ name: String) -> Bool {
        tokens.contains("--" + name) || tokens.contains { $0.hasPrefix("--\(name)=") }
    }

    /// Whether `--name` is present (a flag takes no value).
    mutating func flag(_ name: String) throws(CLIError) -> Bool {
        if let given = tokens.first(where: { $0.hasPrefix("--\(name)=") }) {
            throw .usage("option --\(name) takes no value, got '\(given)'")
        }
        guard let i = tokens.firstIndex(of: "--" + name) else { return false }
        tokens.remove(at: i)
        if tokens.contains("--" + name) { throw .usage("option --\(name) is given more than once") }
        return true
    }

    /// The value of `--name VALUE` or `--name=VALUE`, if given.
    mutating func option(_ name: String) throws(CLIError) -> String? {
        let key = "--" + name
        if let i = tokens.firstIndex(of: key) {
            guard i + 1 < tokens.count, !tokens[i + 1].hasPrefix("--") else {
                throw .usage("option \(key) needs a value")
            }
            let value = tokens[i + 1]
            tokens.removeSubrange(i...(i + 1))
            try checkNotRepeated(key)
            return value
        }
        if let i = tokens.firstIndex(where: { $0.hasPrefix(key + "=") }) {
            let value = String(tokens[i].dropFirst(key.count + 1))
            tokens.remove(at: i)
            try checkNotRepeated(key)
            return value
        }
        return nil
    }

    /// Errors if option `key` is still present (in either form) after one use was consumed.
    private func checkNotRepeated(_ key: String) throws(CLIError) {
        if tokens.contains(key) || tokens.contains(where: { $0.hasPrefix(key + "=") }) {
            throw .usage("option \(key) is given more than once")
        }
    }

    mutating func required(_ name: String) throws(CLIError) -> String {
        guard let value = try option(name) else { throw .usage("missing required option --\(name)") }
        return value
    }

    mutating func int(_ name: String, default fallback: Int, in range: ClosedRange<Int> = 0...Int.max) throws(CLIError) -> Int {
        guard let text = try option(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw .usage("--\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return value
    }

    mutating func double(_ name: String, default fallback: Double, _ requirement: String = "a finite number", _ isValid: (Double) -> Bool = { $0.isFinite }) throws(CLIError) -> Double {
        guard let text = try option(name) else { return fallback }
        guard let value = Double(text), value.isFinite, isValid(value) else {
            throw .usage("--\(name) must be \(requirement), got '\(text)'")
        }
        return value
    }

    /// A value that must be one of `choices`.
    mutating func choice(_ name: String, _ choices: [String], default fallback: String? = nil) throws(CLIError) -> String? {
        guard let text = try option(name) else { return fallback }
        guard choices.contains(text) else {
            throw .usage("--\(name) must be one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }

    /// The next positional argument (one that does not start with `--`).
    mutating func positional(_ what: String) throws(CLIError) -> String {
        guard let i = tokens.firstIndex(where: { !$0.hasPrefix("--") }) else { throw .usage("missing \(what)") }
        return tokens.remove(at: i)
    }

    /// Errors if anything was not consumed.
    func finish() throws(CLIError) {
        if let extra = tokens.first {
            throw .usage(extra.hasPrefix("-") ? "unknown option \(extra)" : "unexpected argument '\(extra)'")
        }
    }
}
