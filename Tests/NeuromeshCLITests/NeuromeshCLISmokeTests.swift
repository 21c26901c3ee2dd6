import Testing
@testable import NeuromeshCLI
