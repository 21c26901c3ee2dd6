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

    /// A symbolic link is written through (the link stays); a pipe is refused and stays a pipe
    /// (renaming over it would have replaced it, as it would a device).
    @Test func followsSymbolicLinksAndRefusesWhatIsNotARegularFile() throws {
        let directory = scratch()
        try JSONFile.writeAtomically("old", to: directory + "/target.json")
        try FileManager.default.createSymbolicLink(atPath: directory + "/link.json", withDestinationPath: "target.json")
        try JSONFile.writeAtomically("new", to: directory + "/link.json")
        #expect(contents(directory + "/target.json") == "new")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory + "/link.json") == "target.json")

        let fifo = directory + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        let error = #expect(throws: NSError.self) { try JSONFile.writeAtomically("x", to: fifo) }
        #expect(error?.localizedDescription == "\(fifo) is not a regular file")
        var status = stat()
        #expect(stat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["fifo", "link.json", "target.json"])
    }

    /// A symbolic link that cannot be followed — a loop, or one whose target's directory does not
    /// exist — is refused and stays as it was (a rename would have replaced the link).
    @Test func refusesSymbolicLinksThatCannotBeFollowed() throws {
        let directory = scratch()
        try FileManager.default.createSymbolicLink(atPath: directory + "/a", withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(atPath: directory + "/b", withDestinationPath: "a")
        try FileManager.default.createSymbolicLink(atPath: directory + "/dangling", withDestinationPath: "missing/x.json")
        for (name, target) in [("a", "b"), ("dangling", "missing/x.json")] {
            let error = #expect(throws: NSError.self) { try JSONFile.writeAtomically("x", to: directory + "/" + name) }
            #expect(error?.localizedDescription.hasPrefix("\(directory)/\(name) is a symbolic link that cannot be followed (") == true, "\(String(describing: error))")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + name) == target)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["a", "b", "dangling"])
    }

    /// With no write in progress, the signal-handler hook does nothing.
    @Test func removingWithoutAWriteInProgressTouchesNothing() throws {
        let directory = scratch()
        try JSONFile.writeAtomically("a", to: directory + "/a.json")
        AtomicWrite.removeInterruptedTemporaryFile()
        #expect(contents(directory + "/a.json") == "a")
    }
}
