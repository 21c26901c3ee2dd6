// The umbrella module: `import Neuromesh` gives an embedder the whole public API.
@_exported import ChipDescription
@_exported import ChipEmulator
@_exported import SpikingModel
@_exported import StrictJSON
@_exported import Training
