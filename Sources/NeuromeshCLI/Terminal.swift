// Terminal: the few libc calls the command line needs.

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { buffer in _ = write(STDERR_FILENO, buffer.baseAddress, buffer.count) }
}

/// Writes `text` to standard output and flushes it, so that each report line, epoch line or
/// progress update shows at once — also through a pipe (`| tee log`), where the stream would
/// otherwise hold it back in a block buffer. A failed write is reported when the command ends
/// (`main.swift` checks the stream).
func writeStandardOutput(_ text: String) {
    print(text, terminator: "")
    fflush(stdout)
}

/// Whether a write to standard output has failed (its error indicator is set; `main.swift`
/// reports the reason when the command ends).
func standardOutputFailed() -> Bool { ferror(stdout) != 0 }

func standardOutputIsTerminal() -> Bool { isatty(STDOUT_FILENO) == 1 }
