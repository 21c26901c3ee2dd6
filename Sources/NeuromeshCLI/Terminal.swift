// Terminal: the few libc calls the command line needs.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { buffer in _ = write(STDERR_FILENO, buffer.baseAddress, buffer.count) }
}

func standardOutputIsTerminal() -> Bool { isatty(STDOUT_FILENO) == 1 }
