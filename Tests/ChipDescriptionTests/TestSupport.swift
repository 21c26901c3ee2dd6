// Test support: locating the bundled chips and editing JSON documents by pointer.

import Foundation
import StrictJSON

/// The repository's `chips/` folder, found from this file's location.
let chipsDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("chips").path
}()

func chipPath(_ name: String) -> String { chipsDirectory + "/" + name }

/// The bundled chip files (every `*.json` in `chips/`).
func bundledChipFiles() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: chipsDirectory)) ?? []
    return names.filter { $0.hasSuffix(".json") }.sorted()
}

extension JSONValue {
    /// A copy with the value at `pointer` replaced (`nil` removes the member or element).
    /// Setting a member of an existing object adds it when absent.
    func setting(_ pointer: String, to newValue: JSONValue?) -> JSONValue {
        guard let path = JSONPath(pointer: pointer) else { fatalError("bad pointer \(pointer)") }
        return setting(path.components[...], to: newValue)
    }

    private func setting(_ components: ArraySlice<JSONPath.Component>, to newValue: JSONValue?) -> JSONValue {
        guard let first = components.first else { return newValue ?? .null }
        guard case .key(let key) = first else { fatalError("keys only") }
        switch self {
        case .object(var object):
            if components.count == 1 {
                object[key] = newValue
            } else {
                guard let child = object[key] else { fatalError("no member \(key)") }
                object[key] = child.setting(components.dropFirst(), to: newValue)
            }
            return .object(object)
        case .array(var elements):
            guard let index = Int(key), elements.indices.contains(index) else { fatalError("no element \(key)") }
            if components.count == 1 {
                if let newValue { elements[index] = newValue } else { elements.remove(at: index) }
            } else {
                elements[index] = elements[index].setting(components.dropFirst(), to: newValue)
            }
            return .array(elements)
        default:
            fatalError("cannot descend into \(kindDescription)")
        }
    }
}
