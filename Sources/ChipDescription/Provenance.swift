// Provenance: where each figure of a chip file comes from.

/// What kind of number a figure is (chip-parameters.md §0).
public enum ProvenanceBasis: String, Sendable, CaseIterable {
    /// Measured on silicon.
    case meas
    /// Pre-silicon simulation (Loihi's Table 2).
    case sim
    /// Fitted to hardware measurements by a third party (SANA-FE).
    case cal
    /// A design constant: a count, a width, a capacity.
    case arch
    /// Arithmetic over published numbers (say which in the note).
    case der
    /// A vendor or press headline.
    case claim
    /// An estimate that is not a published figure (say why in the note).
    case guess = "GUESS"

    /// Whether an entry of this basis must name a source.
    public var needsSource: Bool { self != .guess }
}

/// A citation the provenance entries refer to by key.
public struct Citation: Sendable, Equatable {
    /// A short key such as `davies2018`.
    public var key: String
    /// The full reference.
    public var text: String
    public init(key: String, text: String) {
        self.key = key
        self.text = text
    }
}

/// The provenance of the figure (or of every figure below the object) at `pointer`.
public struct ProvenanceEntry: Sendable, Equatable {
    /// A JSON pointer into the chip file, e.g. `/costs/forward/synaptic_op/energy_j`.
    public var pointer: String
    /// A key of ``ChipSpec/sources``; required unless the basis is ``ProvenanceBasis/guess``.
    public var source: String?
    /// Where in the source: a table, a section, a file.
    public var location: String?
    public var basis: ProvenanceBasis
    public var note: String?

    public init(pointer: String, source: String? = nil, location: String? = nil, basis: ProvenanceBasis, note: String? = nil) {
        self.pointer = pointer
        self.source = source
        self.location = location
        self.basis = basis
        self.note = note
    }
}

extension ChipSpec {
    /// The entry for `pointer`, or for its nearest ancestor that has one.
    public func provenance(for pointer: String) -> ProvenanceEntry? {
        var current = pointer
        while true {
            if let entry = provenance.first(where: { $0.pointer == current }) { return entry }
            guard let slash = current.lastIndex(of: "/") else { return nil }
            current = String(current[..<slash])
        }
    }
}
