// JSONReader: typed, strict access to a JSON document that collects every problem with its path.

/// A location inside a JSON document, printed as a JSON pointer (RFC 6901): `/projections/0/weights`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    public static let root = JSONPath()

    public func appending(_ key: String) -> JSONPath { JSONPath(components + [.key(key)]) }
    public func appending(_ index: Int) -> JSONPath { JSONPath(components + [.index(index)]) }

    /// The JSON pointer; the whole document is `/`.
    public var description: String {
        if components.isEmpty { return "/" }
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                text += "/" + key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            case .index(let index): text += "/\(index)"
            }
        }
        return text
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// One problem found in an input file: where it is and what is wrong.
///
/// Printed as `FILE: JSON-PATH: message` (semantic problems) or `FILE: line L, column C: message`
/// (syntax errors).
public struct JSONIssue: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Location: Sendable, Equatable {
        case path(JSONPath)
        case position(line: Int, column: Int)
        case file
    }

    public var file: String
    public var location: Location
    public var message: String

    public init(file: String, location: Location, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public var path: JSONPath? {
        if case .path(let path) = location { return path }
        return nil
    }

    public var description: String {
        switch location {
        case .path(let path): return "\(file): \(path): \(message)"
        case .position(let line, let column): return "\(file): line \(line), column \(column): \(message)"
        case .file: return "\(file): \(message)"
        }
    }
}

/// All problems found in one file (thrown when there is at least one).
public struct JSONIssues: Error, Sendable, CustomStringConvertible {
    public var issues: [JSONIssue]

    public init(_ issues: [JSONIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Collects the problems found while reading one document.
public final class JSONDiagnostics {
    public let file: String
    public private(set) var issues: [JSONIssue] = []

    public init(file: String) { self.file = file }

    public func report(_ message: String, at path: JSONPath) {
        issues.append(JSONIssue(file: file, location: .path(path), message: message))
    }

    public var hasIssues: Bool { !issues.isEmpty }

    /// Throws ``JSONIssues`` if anything was reported.
    public func throwIfAny() throws(JSONIssues) {
        if !issues.isEmpty { throw JSONIssues(issues) }
    }
}

/// A value in a document together with its path, for strict typed reading.
///
/// Every accessor that fails reports a problem naming the path and returns `nil`, so a decoder
/// can keep going and report all problems of a file in one run.
public struct JSONNode {
    public let value: JSONValue
    public let path: JSONPath
    public let diagnostics: JSONDiagnostics

    public init(value: JSONValue, path: JSONPath = .root, diagnostics: JSONDiagnostics) {
        self.value = value
        self.path = path
        self.diagnostics = diagnostics
    }

    public func report(_ message: String) { diagnostics.report(message, at: path) }

    public var isNull: Bool { value == .null }

    private func mismatch(_ expected: String) {
        report("expected \(expected), found \(value.kindDescription)")
    }

    /// The value as a finite number.
    public func double() -> Double? {
        guard case .number(let x) = value else {
            mismatch("a number")
            return nil
        }
        return x
    }

    /// A number that is finite and satisfies `isValid`; otherwise reports "`requirement`".
    public func double(_ requirement: String, _ isValid: (Double) -> Bool) -> Double? {
        guard let x = double() else { return nil }
        guard isValid(x) else {
            report("\(x) is invalid: \(requirement)")
            return nil
        }
        return x
    }

    /// A number > 0.
    public func positiveDouble() -> Double? { double("must be greater than 0") { $0 > 0 } }

    /// A number ≥ 0.
    public func nonNegativeDouble() -> Double? { double("must not be negative") { $0 >= 0 } }

    /// `null` (unknown) or a number ≥ 0. Returns `.some(nil)` for null, `nil` on error.
    public func nullableNonNegativeDouble() -> Double?? {
        if isNull { return .some(nil) }
        guard let x = nonNegativeDouble() else { return nil }
        return .some(x)
    }

    /// An integer within `range`.
    public func int(in range: ClosedRange<Int> = Int(Int32.min)...Int(Int32.max)) -> Int? {
        guard case .number(let x) = value else {
            mismatch("an integer")
            return nil
        }
        guard x.rounded() == x else {
            report("expected an integer, found \(x)")
            return nil
        }
        // (`Int(exactly:)`: a value beyond ±2⁶³ must be reported, not converted.)
        guard let n = Int(exactly: x), range.contains(n) else {
            report("\(Int(exactly: x).map(String.init) ?? "\(x)") is out of range: must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return n
    }

    public func bool() -> Bool? {
        guard case .bool(let b) = value else {
            mismatch("true or false")
            return nil
        }
        return b
    }

    public func string() -> String? {
        guard case .string(let s) = value else {
            mismatch("a string")
            return nil
        }
        return s
    }

    /// A string that must be one of `choices`.
    public func string(oneOf choices: [String]) -> String? {
        guard let s = string() else { return nil }
        guard choices.contains(s) else {
            report("\"\(s)\" is not one of " + choices.map { "\"\($0)\"" }.joined(separator: ", "))
            return nil
        }
        return s
    }

    /// The elements of an array, each with its own path.
    public func array() -> [JSONNode]? {
        guard case .array(let elements) = value else {
            mismatch("an array")
            return nil
        }
        return elements.enumerated().map {
            JSONNode(value: $0.element, path: path.appending($0.offset), diagnostics: diagnostics)
        }
    }

    /// An array of finite numbers, read without building a node per element.
    ///
    /// - Parameter count: the required length, if any.
    public func doubleArray(count: Int? = nil) -> [Double]? {
        guard case .array(let elements) = value else {
            mismatch(count.map { "an array of \($0) numbers" } ?? "an array of numbers")
            return nil
        }
        if let count, elements.count != count {
            report("expected \(count) numbers, found \(elements.count)")
            return nil
        }
        var result = [Double]()
        result.reserveCapacity(elements.count)
        var ok = true
        for (i, element) in elements.enumerated() {
            if case .number(let x) = element {
                result.append(x)
            } else {
                diagnostics.report("expected a number, found \(element.kindDescription)", at: path.appending(i))
                ok = false
            }
        }
        return ok ? result : nil
    }

    /// The value as an object whose members are read through ``JSONObjectReader``.
    public func object() -> JSONObjectReader? {
        guard case .object(let object) = value else {
            mismatch("an object")
            return nil
        }
        return JSONObjectReader(object: object, path: path, diagnostics: diagnostics)
    }
}

/// Reads the members of one object and, on ``finish()``, reports every member nobody asked for.
public final class JSONObjectReader {
    public let object: JSONObject
    public let path: JSONPath
    public let diagnostics: JSONDiagnostics
    private var consumed: Set<String> = []

    init(object: JSONObject, path: JSONPath, diagnostics: JSONDiagnostics) {
        self.object = object
        self.path = path
        self.diagnostics = diagnostics
    }

    public func report(_ message: String) { diagnostics.report(message, at: path) }

    /// A member that must be present (it may be `null`; check ``JSONNode/isNull``).
    public func required(_ key: String) -> JSONNode? {
        consumed.insert(key)
        guard let value = object[key] else {
            diagnostics.report("missing required member \"\(key)\"", at: path)
            return nil
        }
        return JSONNode(value: value, path: path.appending(key), diagnostics: diagnostics)
    }

    /// A member that may be absent; `null` is returned as a node (not as absence).
    public func optional(_ key: String) -> JSONNode? {
        consumed.insert(key)
        guard let value = object[key] else { return nil }
        return JSONNode(value: value, path: path.appending(key), diagnostics: diagnostics)
    }

    /// Whether the member is present.
    public func has(_ key: String) -> Bool { object[key] != nil }

    /// Marks members as known without reading them (e.g. free-form `provenance`, `notes`).
    public func ignore(_ keys: String...) { consumed.formUnion(keys) }

    /// Reports every member that was not read: unknown keys are errors, never silently ignored.
    public func finish() {
        for key in object.keys where !consumed.contains(key) {
            let known = consumed.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            diagnostics.report("unknown member \"\(key)\" (known members here: \(known))", at: path.appending(key))
        }
    }
}
