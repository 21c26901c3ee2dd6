import Testing
@testable import ChipEmulator
