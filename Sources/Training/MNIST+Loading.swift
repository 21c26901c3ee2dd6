// MNIST+Loading: a strict reader for the IDX files of the MNIST distribution.

import Foundation

/// Why an MNIST file could not be read: the file and what is wrong with it.
public struct MNISTError: Error, CustomStringConvertible, Equatable {
    /// Path of the offending file.
    public var file: String
    /// What is wrong, e.g. "wrong magic number 0x00000801, expected 0x00000803 (IDX images)".
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

extension MNIST {
    /// Magic number of an IDX file of unsigned bytes with 3 dimensions (images).
    public static let imagesMagic: UInt32 = 0x0000_0803
    /// Magic number of an IDX file of unsigned bytes with 1 dimension (labels).
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// Reads `split` from `directory`, which holds the uncompressed IDX files under their
    /// original names (``Split/imagesFile``, ``Split/labelsFile``).
    public static func load(directory: String, split: Split) throws(MNISTError) -> MNIST {
        let base = URL(fileURLWithPath: directory, isDirectory: true)
        return try load(
            imagesFile: base.appendingPathComponent(split.imagesFile).path,
            labelsFile: base.appendingPathComponent(split.labelsFile).path)
    }

    /// Reads an image file and a label file in IDX format and checks them strictly.
    ///
    /// IDX layout (all integers big-endian `UInt32`): images: magic `0x00000803`, count, rows,
    /// columns, then `count × rows × columns` bytes; labels: magic `0x00000801`, count, then
    /// `count` bytes.
    ///
    /// - Throws: ``MNISTError`` naming the file for a missing or unreadable file, a wrong magic
    ///   number, images other than 28 × 28, data shorter or longer than the header says, image
    ///   and label counts that differ, or a label above 9.
    /// - Complexity: O(file size); the pixels are copied once.
    public static func load(imagesFile: String, labelsFile: String) throws(MNISTError) -> MNIST {
        let labels = try readLabels(labelsFile)
        let pixels = try readImages(imagesFile)
        let imageCount = pixels.count / pixelsPerImage
        guard imageCount == labels.count else {
            throw MNISTError(
                file: imagesFile,
                message: "has \(imageCount) images but \(labelsFile) has \(labels.count) labels")
        }
        return MNIST(pixels: pixels, labels: labels)
    }

    /// The labels of an IDX label file (every one checked to be 0…9).
    static func readLabels(_ path: String) throws(MNISTError) -> [UInt8] {
        let data = try contents(of: path)
        let fail = { (message: String) in MNISTError(file: path, message: message) }
        let headerSize = 8
        try checkMagic(data, expected: labelsMagic, kind: "IDX labels", path: path)
        guard data.count >= headerSize else {
            throw fail("truncated: \(data.count) bytes, shorter than the \(headerSize)-byte IDX label header")
        }
        let count = Int(bigEndianWord(data, at: 4))
        let expected = headerSize + count
        guard data.count == expected else {
            throw fail(sizeMismatch(actual: data.count, expected: expected, what: "\(count) labels"))
        }
        let labels = copyBytes(data, from: headerSize, count: count)
        if let index = labels.firstIndex(where: { $0 >= classCount }) {
            throw fail("label \(labels[index]) at index \(index) is not a digit 0...9")
        }
        return labels
    }

    /// The pixels of an IDX image file of 28 × 28 images, back to back.
    static func readImages(_ path: String) throws(MNISTError) -> [UInt8] {
        let data = try contents(of: path)
        let fail = { (message: String) in MNISTError(file: path, message: message) }
        let headerSize = 16
        try checkMagic(data, expected: imagesMagic, kind: "IDX images", path: path)
        guard data.count >= headerSize else {
            throw fail("truncated: \(data.count) bytes, shorter than the \(headerSize)-byte IDX image header")
        }
        let count = Int(bigEndianWord(data, at: 4))
        let rows = Int(bigEndianWord(data, at: 8))
        let columns = Int(bigEndianWord(data, at: 12))
        guard rows == Self.rows, columns == Self.columns else {
            throw fail("images are \(rows)×\(columns) pixels, expected \(Self.rows)×\(Self.columns)")
        }
        let expected = headerSize + count * pixelsPerImage
        guard data.count == expected else {
            throw fail(sizeMismatch(actual: data.count, expected: expected, what: "\(count) images of 28×28"))
        }
        return copyBytes(data, from: headerSize, count: count * pixelsPerImage)
    }

    private static func contents(of path: String) throws(MNISTError) -> Data {
        if let data = FileManager.default.contents(atPath: path) { return data }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let reason = !exists ? "no such file" : isDirectory.boolValue ? "is a directory, not a file" : "cannot be read"
        throw MNISTError(file: path, message: reason)
    }

    /// Checks the first four bytes (files shorter than that are left to the size checks).
    private static func checkMagic(_ data: Data, expected: UInt32, kind: String, path: String) throws(MNISTError) {
        guard data.count >= 4 else {
            throw MNISTError(file: path, message: "truncated: \(data.count) bytes, too short for an IDX magic number")
        }
        let magic = bigEndianWord(data, at: 0)
        guard magic != expected else { return }
        var message = "wrong magic number \(hex(magic)), expected \(hex(expected)) (\(kind))"
        if magic == imagesMagic {
            message += "; this looks like an image file"
        } else if magic == labelsMagic {
            message += "; this looks like a label file"
        } else if data[data.startIndex] == 0x1F, data[data.startIndex + 1] == 0x8B {
            message += "; the file is gzip-compressed, decompress it first"
        }
        throw MNISTError(file: path, message: message)
    }

    private static func sizeMismatch(actual: Int, expected: Int, what: String) -> String {
        actual < expected
            ? "truncated: the header announces \(what) (\(expected) bytes in all) but the file has only \(actual) bytes"
            : "\(actual - expected) unexpected bytes after the \(what) the header announces (\(expected) bytes)"
    }

    private static func bigEndianWord(_ data: Data, at offset: Int) -> UInt32 {
        let i = data.startIndex + offset
        return UInt32(data[i]) << 24 | UInt32(data[i + 1]) << 16 | UInt32(data[i + 2]) << 8 | UInt32(data[i + 3])
    }

    private static func copyBytes(_ data: Data, from offset: Int, count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)]))
            }
            initialized = count
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
