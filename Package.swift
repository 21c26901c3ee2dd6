// swift-tools-version: 6.2
//
// Neuromesh: a discrete-event emulator of neuromorphic chips with on-chip EventProp learning.
// Layers (dependencies point one way, see ../shared/docs/design.md §2):
//   StrictJSON  ←  SpikingModel, ChipDescription  ←  ChipEmulator  ←  Training  ←  NeuromeshCLI
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Neuromesh",
    // (Linux has no minimum; on macOS, `Synchronization.Atomic` needs 15.)
    platforms: [.macOS(.v15)],
    products: [
        // MARK: - Public API
        .library(name: "Neuromesh", targets: ["Neuromesh"]),
        .executable(name: "neuromesh", targets: ["neuromesh"]),
        .executable(name: "neuromesh-bench", targets: ["NeuromeshBench"]),
    ],
    targets: [
        // MARK: - Library modules
        .target(name: "StrictJSON", swiftSettings: strictSettings),
        .target(name: "SpikingModel", dependencies: ["StrictJSON"], swiftSettings: strictSettings),
        .target(name: "ChipDescription", dependencies: ["StrictJSON"], swiftSettings: strictSettings),
        .target(
            name: "ChipEmulator", dependencies: ["SpikingModel", "ChipDescription"],
            swiftSettings: strictSettings),
        .target(
            name: "Training", dependencies: ["SpikingModel", "ChipDescription", "ChipEmulator"],
            swiftSettings: strictSettings),
        .target(
            name: "NeuromeshCLI",
            dependencies: ["StrictJSON", "SpikingModel", "ChipDescription", "ChipEmulator", "Training"],
            swiftSettings: strictSettings),
        .target(
            name: "Neuromesh",
            dependencies: ["StrictJSON", "SpikingModel", "ChipDescription", "ChipEmulator", "Training"],
            swiftSettings: strictSettings),

        // MARK: - Executables
        .executableTarget(name: "neuromesh", dependencies: ["NeuromeshCLI"], swiftSettings: strictSettings),
        .executableTarget(
            name: "NeuromeshBench",
            dependencies: ["SpikingModel", "ChipDescription", "ChipEmulator", "Training", "StrictJSON"],
            path: "Benchmarks/NeuromeshBench", swiftSettings: strictSettings),

        // MARK: - Tests
        .testTarget(name: "StrictJSONTests", dependencies: ["StrictJSON"], swiftSettings: strictSettings),
        .testTarget(name: "SpikingModelTests", dependencies: ["SpikingModel"], swiftSettings: strictSettings),
        .testTarget(
            name: "ChipDescriptionTests", dependencies: ["ChipDescription"], swiftSettings: strictSettings),
        .testTarget(
            name: "ChipEmulatorTests", dependencies: ["ChipEmulator"], swiftSettings: strictSettings),
        .testTarget(name: "TrainingTests", dependencies: ["Training"], swiftSettings: strictSettings),
        .testTarget(
            name: "NeuromeshCLITests", dependencies: ["NeuromeshCLI"], swiftSettings: strictSettings),
        .testTarget(name: "NeuromeshTests", dependencies: ["Neuromesh"], swiftSettings: strictSettings),
    ]
)
