import Foundation
import Testing

@testable import StrictJSON

@Suite("AtomicWrite")
struct AtomicWriteTests {
    private func scratch() -> String {
        let path = NSTemporaryDirectory() + "neuromesh-atomic-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A new file, then its replacement: each time the whole text, and nothing else left in the directory.
    @Test func writesAndReplacesWholeFilesLeavingNoTemporaryFile() throws {
        let directory = scratch()
        let path = directory + "/out.json"
        try JSONFile.writeAtomically("first", to: path)
        #expect(contents(path) == "first")
        try JSONFile.writeAtomically(String(repeating: "second ", count: 100_000), to: path)
        #expect(contents(path) == String(repeating: "second ", count: 100_000))
        try AtomicWrite.write([UInt8](), to: path)
        #expect(contents(path) == "")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["out.json"])
    }

    /// A write that cannot happen throws the system's reason and leaves the old file whole.
    @Test func aFailedWriteThrowsAPOSIXErrorAndKeepsTheOldFile() throws {
        let directory = scratch()
        let error = #expect(throws: NSError.self) { try JSONFile.writeAtomically("x", to: directory + "/missing/out.json") }
        #expect(error?.domain == NSPOSIXErrorDomain)
        #expect(error?.code == Int(ENOENT))
        // Renaming a file over a directory fails after the temporary file was written: it is removed.
        let path = directory + "/out.json"
        try JSONFile.writeAtomically("kept", to: path)
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: false)
        #expect(throws: NSError.self) { try JSONFile.writeAtomically("x", to: directory + "/sub") }
        #expect(contents(path) == "kept")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["out.json", "sub"])
    }

    /// With no write in progress, the signal-handler hook does nothing.
    @Test func removingWithoutAWriteInProgressTouchesNothing() throws {
        let directory = scratch()
        try JSONFile.writeAtomically("a", to: directory + "/a.json")
        AtomicWrite.removeInterruptedTemporaryFile()
        #expect(contents(directory + "/a.json") == "a")
    }
}
