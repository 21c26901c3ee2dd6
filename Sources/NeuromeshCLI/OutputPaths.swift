// OutputPaths: checking where a command will write before it works, and saying plainly why a
// write failed ("the directory DIR does not exist", "FILE is a directory") instead of showing a
// raw Foundation error.

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum OutputPath {
    /// Why a file could not be written at `path`, if the file system shows a reason: the path is
    /// a directory, its directory is missing, not a directory, or not writable. Touches nothing.
    static func problem(file path: String) -> String? {
        if path.hasSuffix("/") || isDirectory(path) { return "\(path) is a directory" }
        // A device, pipe or socket would be replaced by the atomic rename, not written into.
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            return "\(path) is not a regular file (a device, pipe or socket); write to a file"
        }
        // A link that leads nowhere (a loop, a missing target) would be replaced, not followed.
        if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK {
            guard let resolved = realpath(path, nil) else {
                return "\(path) is a symbolic link that cannot be followed (\(String(cString: strerror(errno))))"
            }
            free(resolved)
        }
        let parent = parentDirectory(of: path)
        if !FileManager.default.fileExists(atPath: parent) { return "the directory \(parent) does not exist" }
        if !isDirectory(parent) { return "\(parent) is not a directory" }
        if access(parent, W_OK) != 0 { return "the directory \(parent) is not writable" }
        return nil
    }

    /// Checks, before any work is done, that `--option PATH` can be written (atomically: a
    /// temporary file in its directory, then a rename). Neither creates nor changes the file.
    static func checkFile(_ path: String, option: String) throws(CLIError) {
        if path.isEmpty { throw .usage("--\(option) needs a file path, got ''") }
        if let problem = problem(file: path) { throw .failure("cannot write \(path) (--\(option)): \(problem)") }
    }

    /// ``checkFile(_:option:)`` for a file in a directory the command creates before it writes
    /// (`train --save` into its `--checkpoint` directory): that directory's absence is no
    /// problem (its own check, ``checkDirectory(_:option:)``, says whether it can be created).
    static func checkFile(_ path: String, option: String, inDirectoryCreated created: String?) throws(CLIError) {
        let parent = parentDirectory(of: path)
        if let created, !path.isEmpty, !path.hasSuffix("/"), !FileManager.default.fileExists(atPath: parent), canonical(parent) == canonical(created) {
            return
        }
        try checkFile(path, option: option)
    }

    /// `--option DIR` for a directory that is created if missing: an error if DIR is empty,
    /// exists as something else, or sits below a file or an unwritable directory.
    static func checkDirectory(_ path: String, option: String) throws(CLIError) {
        if path.isEmpty { throw .usage("--\(option) needs a directory path, got ''") }
        var existing = path
        while !FileManager.default.fileExists(atPath: existing) {
            let parent = parentDirectory(of: existing)
            if parent == existing { return }
            existing = parent
        }
        guard isDirectory(existing) else {
            throw .failure(existing == path ? "--\(option) \(path) is not a directory" : "cannot create the directory \(path) (--\(option)): \(existing) is not a directory")
        }
        if access(existing, W_OK) != 0 {
            throw .failure(existing == path ? "cannot write in \(path) (--\(option)): the directory is not writable" : "cannot create the directory \(path) (--\(option)): the directory \(existing) is not writable")
        }
    }

    /// Refuses to write `output` when it is one of the files the command reads, `inputs` (how the
    /// message names it, e.g. "--chip", → path): saving over an input would lose the user's file. `description` says which
    /// output it is ("--save FILE"). Paths are compared after resolving symbolic links and
    /// `.`/`..`, and by device and inode when both exist (hard links).
    static func checkNotAnInput(_ output: String, describedAs description: String, inputs: [(name: String, path: String?)]) throws(CLIError) {
        let target = canonical(output)
        for case let (name, path?) in inputs where !path.isEmpty {
            if canonical(path) == target || sameInode(path, output) {
                throw .usage("\(description) is the same file as \(name) \(path): writing it would overwrite that input; choose another path")
            }
        }
    }

    /// `path` made absolute with symbolic links, `.` and `..` resolved as far as it exists (a file
    /// to be created: its directory's real path and its name).
    private static func canonical(_ path: String) -> String {
        if let real = realPath(path) { return real }
        let name = (path as NSString).lastPathComponent
        if let parent = realPath(parentDirectory(of: path)) { return (parent as NSString).appendingPathComponent(name) }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether both paths exist and name the same file (device and inode).
    private static func sameInode(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// Why `path` cannot be read as a directory ("no such file or directory", "is a file, not a directory"),
    /// or nil if it is one.
    static func notADirectory(_ path: String) -> String? {
        if isDirectory(path) { return nil }
        return FileManager.default.fileExists(atPath: path) ? "is a file, not a directory" : "no such file or directory"
    }

    /// A failure to write `path`, with the reason in words.
    static func writeFailure(_ path: String, _ error: any Error, what: String = "") -> CLIError {
        let reason = problem(file: path) ?? systemReason(error)
        return .failure("cannot write \(what)\(path): \(reason)")
    }

    /// The operating system's reason for `error` (e.g. "No space left on device"), without
    /// Foundation's domain and code.
    static func systemReason(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        return error.localizedDescription
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    private static func parentDirectory(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }
}
