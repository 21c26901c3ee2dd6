import NeuromeshCLI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

exit(CLI.run(arguments: Array(CommandLine.arguments.dropFirst())))
