// ChipSpec+Validation: checks that span sections (decoding has already checked each value).

import StrictJSON

/// Checks that span sections. They run on whatever sections decoded, so that a file with a
/// problem in one section still has its cross-section problems reported in the same run.
enum ChipValidation {
    /// The I/O port must be a router of the mesh.
    static func checkPort(_ ioPort: RouterCoordinate, on mesh: MeshSpec, diagnostics: JSONDiagnostics) {
        if !mesh.contains(ioPort) {
            diagnostics.report(
                "the I/O port router \(ioPort) is off the \(mesh.width) x \(mesh.height) mesh (x must be 0...\(mesh.width - 1), y 0...\(mesh.height - 1))",
                at: JSONPath([.key("io_port")]))
        }
    }

    /// Every provenance entry must point to a field of `document`, cite a known source, and have a
    /// source unless its basis is a guess.
    static func checkProvenance(_ provenance: [ProvenanceEntry], sources: [Citation], document: JSONValue, diagnostics: JSONDiagnostics) {
        let sourceKeys = Set(sources.map(\.key))
        for entry in provenance {
            let at = JSONPath([.key("provenance"), .key(entry.pointer)])
            guard let path = JSONPath(pointer: entry.pointer) else {
                let reason = entry.pointer.hasPrefix("/") ? "a \"~\" must be followed by 0 (for ~) or 1 (for /)" : "it must start with \"/\""
                diagnostics.report("\"\(entry.pointer)\" is not a JSON pointer (\(reason))", at: at)
                continue
            }
            if case .key(let first) = path.components.first, first == "provenance" || first == "sources" {
                diagnostics.report("provenance must describe a figure, not \"/\(first)\"", at: at)
            } else if path.components.isEmpty || document.resolve(path) == nil {
                diagnostics.report("\"\(entry.pointer)\" points to no field of this file", at: at)
            }
            if let source = entry.source, !sourceKeys.contains(source) {
                let known = sourceKeys.sorted().joined(separator: ", ")
                diagnostics.report(
                    "unknown source \"\(source)\" (keys in /sources: \(known.isEmpty ? "none" : known))",
                    at: at.appending("source"))
            }
            if entry.basis.needsSource && entry.source == nil {
                diagnostics.report(
                    "basis \"\(entry.basis.rawValue)\" needs a \"source\" (only \"GUESS\" may omit it)", at: at)
            }
        }
    }
}
