import NeuromeshCLI
import StrictJSON

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

// Interrupted (Ctrl-C, kill, a closed terminal) while a file is being replaced: remove the
// temporary file of that write, then end as the signal would have (the old file stays whole).
// A signal the caller ignores (`nohup` ignores SIGHUP) stays ignored.
for interruption in [SIGINT, SIGTERM, SIGHUP] {
    let previous = signal(interruption, SIG_IGN)
    if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
    signal(interruption) { received in
        AtomicWrite.removeInterruptedTemporaryFile()
        signal(received, SIG_DFL)
        raise(received)
    }
}

let code = CLI.run(arguments: Array(CommandLine.arguments.dropFirst()))
// What a command printed must have reached standard output: a full disk or a failed device is
// an error, not a success (the output is buffered, so the failure may show only when flushed).
if fflush(stdout) != 0 || ferror(stdout) != 0 {
    let reason = errno != 0 ? String(cString: strerror(errno)) : "a write failed"
    fputs("neuromesh: cannot write standard output: \(reason)\n", stderr)
    exit(code == 0 ? 1 : code)
}
exit(code)
