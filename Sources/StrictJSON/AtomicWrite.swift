// AtomicWrite: replacing a file all at once — a temporary file beside it, flushed to disk, then
// renamed over it — and removing that temporary file when a signal interrupts the write.

import Foundation
import Synchronization

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

public enum AtomicWrite {
    /// Writes `bytes` to `given` so that the file holds either its old contents or all of the new
    /// ones, never a part: the bytes go to `.NAME.PID.partial` in the same directory, are flushed
    /// to the disk (`fsync`), and the file is renamed over the old one (atomic within a file
    /// system). A symbolic link is followed; a path that is not a regular file (a directory, a
    /// device, a pipe) is refused, and so is a link that cannot be followed (a loop, or a target
    /// that does not exist): replacing it would lose the link.
    ///
    /// While it is written the temporary file is registered for
    /// ``removeInterruptedTemporaryFile()``, which a program's signal handler can call.
    ///
    /// - Throws: an `NSError` in the POSIX domain (its code the `errno` of the failed call).
    public static func write(_ bytes: some Collection<UInt8>, to given: String) throws {
        // A symbolic link is followed (the file it names is replaced, the link stays); anything
        // but a regular file — a device, a pipe, a socket — is refused: renaming over it would
        // destroy it (`--save /dev/null` as root).
        var path = given
        var status = stat()
        if lstat(given, &status) == 0, status.st_mode & S_IFMT == S_IFLNK {
            guard let resolved = realpath(given, nil) else {
                let code = errno
                throw NSError(
                    domain: NSPOSIXErrorDomain, code: Int(code),
                    userInfo: [NSLocalizedDescriptionKey: "\(given) is a symbolic link that cannot be followed (\(String(cString: strerror(code))))"])
            }
            path = String(cString: resolved)
            free(resolved)
        }
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            throw NSError(
                domain: NSPOSIXErrorDomain, code: Int(status.st_mode & S_IFMT == S_IFDIR ? EISDIR : EINVAL),
                userInfo: [NSLocalizedDescriptionKey: "\(given) is not a regular file"])
        }
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).\(getpid()).partial"
        let registered = strdup(temporary)
        inProgress.store(UInt(bitPattern: registered), ordering: .sequentiallyConsistent)
        defer {
            inProgress.store(0, ordering: .sequentiallyConsistent)
            free(registered)
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw posixError() }
        var failure: (any Error)? = nil
        let contiguous = Array(bytes)
        contiguous.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = writeBytes(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = posixError()
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = posixError() }
        if close(descriptor) != 0, failure == nil { failure = posixError() }
        if failure == nil, rename(temporary, path) != 0 { failure = posixError() }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// Removes the temporary file of a write in progress, if any. Async-signal-safe (one atomic
    /// load and `unlink`): call it from a handler of SIGINT or SIGTERM before the process ends,
    /// so that an interrupted write leaves the old file and nothing else.
    public static func removeInterruptedTemporaryFile() {
        if let path = UnsafePointer<CChar>(bitPattern: inProgress.load(ordering: .sequentiallyConsistent)) { unlink(path) }
    }

    /// The address of the temporary file's path being written (a C string owned by
    /// ``write(_:to:)``), or 0.
    private static let inProgress = Atomic<UInt>(0)

    private static func posixError() -> NSError { NSError(domain: NSPOSIXErrorDomain, code: Int(errno)) }
}

/// `write(2)` (a free function: inside ``AtomicWrite`` the name is its own method).
private func writeBytes(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(descriptor, bytes, count) }
