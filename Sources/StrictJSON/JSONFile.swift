// JSONFile: reading a JSON file into a node tree, and writing JSON text atomically.

import Foundation

public enum JSONFile {
    /// Reads and parses `path`. Unreadable files and syntax errors become a ``JSONIssues`` naming
    /// the file (and the line and column for syntax errors).
    public static func read(_ path: String) throws(JSONIssues) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let reason = !exists ? "no such file" : isDirectory.boolValue ? "is a directory" : "cannot be read"
            throw JSONIssues([JSONIssue(file: path, location: .file, message: reason)])
        }
        return try parse(bytes: [UInt8](data), file: path)
    }

    /// Parses JSON text that came from `file` (used only in messages).
    public static func parse(bytes: [UInt8], file: String) throws(JSONIssues) -> JSONValue {
        do {
            return try JSONParser.parse(bytes: bytes)
        } catch {
            throw JSONIssues([
                JSONIssue(file: file, location: .position(line: error.line, column: error.column), message: error.message)
            ])
        }
    }

    /// Writes `text` to `path` atomically (``AtomicWrite/write(_:to:)``): a temporary file in the
    /// same directory, flushed, then a rename, so a reader never sees a half-written file and an
    /// interrupted write loses nothing.
    public static func writeAtomically(_ text: String, to path: String) throws {
        try AtomicWrite.write(text.utf8, to: path)
    }
}

/// Serialises ``JSONValue`` deterministically.
///
/// Numbers use the shortest text that reads back as the same `Double` (so saving and loading a
/// network is lossless); integral values below 2^53 print without a fraction. Members keep
/// their order.
public struct JSONWriter {
    public enum Style: Sendable {
        /// One line, no spaces.
        case compact
        /// Two-space indentation; arrays of numbers stay on one line.
        case pretty
    }

    public static func string(_ value: JSONValue, style: Style = .pretty) -> String {
        var out = ""
        write(value, style: style, indent: 0, into: &out)
        if style == .pretty { out += "\n" }
        return out
    }

    public static func format(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x == x.rounded(), abs(x) < 9_007_199_254_740_992 { return String(Int64(x)) }
        return "\(x)"
    }

    private static func write(_ value: JSONValue, style: Style, indent: Int, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let x): out += format(x)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            if elements.isEmpty {
                out += "[]"
                return
            }
            let flat = style == .compact || elements.allSatisfy { !$0.isContainer }
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += flat && style == .pretty ? ", " : "," }
                if !flat { newline(indent + 1, into: &out) }
                write(element, style: style, indent: indent + 1, into: &out)
            }
            if !flat { newline(indent, into: &out) }
            out += "]"
        case .object(let object):
            if object.count == 0 {
                out += "{}"
                return
            }
            out += "{"
            for (i, (key, member)) in object.members.enumerated() {
                if i > 0 { out += "," }
                if style == .pretty { newline(indent + 1, into: &out) }
                writeString(key, into: &out)
                out += style == .pretty ? ": " : ":"
                write(member, style: style, indent: indent + 1, into: &out)
            }
            if style == .pretty { newline(indent, into: &out) }
            out += "}"
        }
    }

    private static func newline(_ indent: Int, into out: inout String) {
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension JSONValue {
    fileprivate var isContainer: Bool {
        switch self {
        case .array, .object: return true
        default: return false
        }
    }
}
