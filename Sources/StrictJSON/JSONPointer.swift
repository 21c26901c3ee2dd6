// JSONPointer: parsing RFC 6901 pointers and resolving them against a JSONValue.

extension JSONPath {
    /// Parses an RFC 6901 JSON pointer (`/router/hop/x`, `~1` for `/`, `~0` for `~`).
    ///
    /// Returns `nil` when `pointer` is neither empty (the whole document) nor starts with `/`,
    /// or when it contains a `~` not followed by `0` or `1`. Every component is parsed as a key;
    /// ``JSONValue/resolve(_:)`` reads a key made of decimal digits as an array index when the
    /// value at that point is an array.
    public init?(pointer: String) {
        if pointer.isEmpty {
            self.init()
            return
        }
        guard pointer.hasPrefix("/") else { return nil }
        var components: [Component] = []
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var key = ""
            var escaping = false
            for character in raw {
                if escaping {
                    switch character {
                    case "0": key.append("~")
                    case "1": key.append("/")
                    default: return nil
                    }
                    escaping = false
                } else if character == "~" {
                    escaping = true
                } else {
                    key.append(character)
                }
            }
            if escaping { return nil }
            components.append(.key(key))
        }
        self.init(components)
    }
}

extension JSONValue {
    /// The value at `path`, or `nil` when the path leads nowhere.
    ///
    /// A `.key` component made of decimal digits (without a leading zero, as RFC 6901 requires)
    /// selects an array element when the value at that point is an array.
    public func resolve(_ path: JSONPath) -> JSONValue? {
        var current = self
        for component in path.components {
            switch (component, current) {
            case (.key(let key), .object(let object)):
                guard let next = object[key] else { return nil }
                current = next
            case (.index(let index), .array(let elements)):
                guard elements.indices.contains(index) else { return nil }
                current = elements[index]
            case (.key(let key), .array(let elements)):
                guard let index = Int(key), String(index) == key, elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }
}
