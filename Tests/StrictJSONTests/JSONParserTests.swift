import Testing

@testable import StrictJSON

@Suite("JSON parser")
struct JSONParserTests {
    @Test func parsesNestedDocumentsKeepingMemberOrder() throws {
        let value = try JSONParser.parse(#"{"b": [1, 2.5e-3, -0.0, true, null], "a": {"x": "y\u00e9\n"}}"#)
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == [1, 2.5e-3, -0.0, true, nil])
        #expect(object["a"] == ["x": "yé\n"])
    }

    @Test(arguments: [
        ("", 1, 1, "empty"),
        ("{\"a\": 1", 1, 8, "end of file"),
        ("[1, 2,]", 1, 7, "trailing comma"),
        ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate"),
        ("{\n  \"a\": nan\n}", 2, 8, "expected a JSON value"),
        ("[01]", 1, 3, "leading zeros"),
        ("[1e999]", 1, 2, "out of the range"),
        ("{\"a\" 1}", 1, 6, "expected ':'"),
        ("[1] x", 1, 5, "after the end"),
        ("\"\u{01}\"", 1, 2, "control character"),
    ])
    func rejectsMalformedTextWithAPosition(text: String, line: Int, column: Int, fragment: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.column == column, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test func writerRoundTripsDoublesExactly() throws {
        let xs: [Double] = [0.1, 1.0 / 3.0, 1e-300, -2.5e17, 123456789.125, 5e-324, 3]
        let text = JSONWriter.string(.numbers(xs), style: .compact)
        #expect(try JSONParser.parse(text) == .numbers(xs))
        #expect(JSONWriter.string(["k": "a\"b\u{02}"], style: .compact) == #"{"k":"a\"b\u0002"}"#)
    }
}

@Suite("JSON reader")
struct JSONReaderTests {
    @Test func collectsEveryProblemWithItsPath() throws {
        let value = try JSONParser.parse(#"{"size": -2, "name": 3, "extra": 1, "list": [1, "x"]}"#)
        let diagnostics = JSONDiagnostics(file: "f.json")
        let root = try #require(JSONNode(value: value, diagnostics: diagnostics).object())
        _ = root.required("size")?.int(in: 1...10)
        _ = root.required("name")?.string()
        _ = root.required("missing")
        _ = root.required("list")?.doubleArray()
        root.finish()
        let messages = diagnostics.issues.map(\.description)
        #expect(messages.count == 5)
        #expect(messages.contains("f.json: /size: -2 is out of range: must be between 1 and 10"))
        #expect(messages.contains("f.json: /name: expected a string, found a number"))
        #expect(messages.contains { $0.hasPrefix("f.json: /: missing required member \"missing\"") })
        #expect(messages.contains("f.json: /list/1: expected a number, found a string"))
        #expect(messages.contains { $0.hasPrefix("f.json: /extra: unknown member \"extra\"") })
    }

    /// Integers beyond ±2⁶³ (which no `Int` holds) are reported as out of range, not converted.
    @Test func hugeIntegersAreOutOfRangeNotATrap() throws {
        let value = try JSONParser.parse(#"{"a": 1e23, "b": 9223372036854775807, "c": -1e30, "d": 9223372036854775806}"#)
        let diagnostics = JSONDiagnostics(file: "f.json")
        let root = try #require(JSONNode(value: value, diagnostics: diagnostics).object())
        #expect(root.required("a")?.int(in: 0...Int.max) == nil)
        #expect(root.required("b")?.int(in: 0...Int.max) == nil)  // rounds to 2⁶³ as a double
        #expect(root.required("c")?.int(in: Int.min...Int.max) == nil)
        #expect(root.required("d")?.int(in: 0...10) == nil)
        root.finish()
        let messages = diagnostics.issues.map(\.description)
        #expect(messages.contains("f.json: /a: 1e+23 is out of range: must be between 0 and \(Int.max)"))
        #expect(messages.contains("f.json: /c: -1e+30 is out of range: must be between \(Int.min) and \(Int.max)"))
        #expect(messages.count == 4)
    }

    @Test func pointerEscapesSpecialCharacters() {
        #expect(JSONPath.root.appending("a/b").appending("c~d").appending(3).description == "/a~1b/c~0d/3")
    }
}
