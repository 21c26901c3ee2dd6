import Testing
@testable import ChipDescription
