// TextTable: aligned plain-text tables and number formatting for command output.

/// Renders rows under a header with columns padded to the widest cell; columns in
/// `rightAligned` are padded on the left (numbers).
func renderTable(header: [String], rows: [[String]], rightAligned: Set<Int> = [], indent: String = "  ") -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
    var out = ""
    for row in all {
        let cells = header.indices.map { column -> String in
            let cell = row.indices.contains(column) ? row[column] : ""
            let pad = String(repeating: " ", count: widths[column] - cell.count)
            return rightAligned.contains(column) ? pad + cell : cell + pad
        }
        var line = indent + cells.joined(separator: "  ")
        while line.hasSuffix(" ") { line.removeLast() }
        out += line + "\n"
    }
    return out
}

/// A quantity with an SI prefix: `23.6e-12, "J"` → `"23.6 pJ"`; `nil` → `"unknown"`.
func siText(_ value: Double?, _ unit: String) -> String {
    guard let value else { return "unknown" }
    if value == 0 { return "0 \(unit)" }
    let prefixes: [(Double, String)] = [(1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")]
    let (scale, prefix) = prefixes.first { abs(value) >= $0.0 } ?? prefixes.last!
    var text = String(format3: value / scale)
    if text.hasSuffix(".0") { text.removeLast(2) }
    return "\(text) \(prefix)\(unit)"
}

/// A percentage of `capacity` with one decimal below 10 %.
func percentText(_ need: Int, of capacity: Int?) -> String {
    guard let capacity, capacity > 0 else { return "" }
    let percent = 100 * Double(need) / Double(capacity)
    return percent < 10 ? "\((percent * 10).rounded() / 10)%" : "\(Int(percent.rounded()))%"
}

extension String {
    /// Up to 4 significant digits without trailing zeros (no Foundation formatting needed).
    fileprivate init(format3 x: Double) {
        var digits = 3
        var magnitude = abs(x)
        while magnitude >= 10 && digits > 0 {
            magnitude /= 10
            digits -= 1
        }
        let factor = [1.0, 10, 100, 1000][digits]
        var text = "\((x * factor).rounded() / factor)"
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        self = text
    }
}

/// A column of quantities in one unit with an SI prefix chosen for its largest value:
/// `[2.1e-9, 3e-10], "J"` → `("nJ", ["2.1", "0.3"])`.
/// An all-zero column uses `zeroPrefix`.
func scaledColumn(_ values: [Double], unit: String, zeroPrefix: String = "") -> (unit: String, cells: [String]) {
    let largest = values.map(abs).max() ?? 0
    let prefixes: [(Double, String)] = [(1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")]
    let (scale, prefix) = largest == 0 ? (1, zeroPrefix) : prefixes.first { largest >= $0.0 } ?? prefixes.last!
    return (prefix + unit, values.map { $0 == 0 ? "0" : String(format3: $0 / scale) })
}

/// A fraction as a percentage with up to 4 significant digits: `0.1234` → `"12.34%"`.
func percentText(_ fraction: Double) -> String {
    fraction == 0 ? "0%" : String(format3: fraction * 100) + "%"
}

/// A number with up to 4 significant digits.
func shortNumber(_ x: Double) -> String { x == 0 ? "0" : String(format3: x) }

/// `count` and a noun in the matching number: "1 neuron", "2 neurons" (plural by adding "s").
func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
