// JSONValue: an in-memory JSON document that keeps object member order.

/// A parsed JSON value.
///
/// Numbers are stored as `Double` (every JSON number Neuromesh reads is a quantity in SI units or a
/// count below 2^53). Object members keep the order of the file, so a document written back out
/// reads the same way it came in.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short noun for messages: "a number", "an object", ….
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON object whose members keep their order.
public struct JSONObject: Sendable, Equatable {
    public private(set) var keys: [String] = []
    public private(set) var values: [JSONValue] = []

    public init() {}

    public init(_ members: [(String, JSONValue)]) {
        for (key, value) in members { self[key] = value }
    }

    public var count: Int { keys.count }

    /// The member named `key`; setting replaces an existing member in place or appends a new one.
    public subscript(key: String) -> JSONValue? {
        get { keys.firstIndex(of: key).map { values[$0] } }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// The members in file order.
    public var members: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

extension JSONValue {
    /// A number, or `null` when the value is not finite (JSON has no infinities or NaNs).
    public static func finite(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }

    /// An integer count as a JSON number.
    public static func count<I: BinaryInteger>(_ n: I) -> JSONValue { .number(Double(n)) }

    /// An array of numbers.
    public static func numbers<S: Sequence>(_ xs: S) -> JSONValue where S.Element == Double {
        .array(xs.map { .finite($0) })
    }
}
