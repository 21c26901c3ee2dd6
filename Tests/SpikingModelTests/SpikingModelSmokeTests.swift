import Testing
@testable import SpikingModel
