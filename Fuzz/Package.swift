// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for lrps's file loaders. A separate package so the main build never sees
// the sanitizer flags; build and run them with scripts/fuzz.sh TARGET SECONDS.
let fuzzTargets = ["FuzzIDX", "FuzzNpy", "FuzzPNG", "FuzzWeights", "FuzzToolbox", "FuzzScript", "FuzzONNX"]

let package = Package(
    name: "LRPFuzz",
    dependencies: [.package(name: "lrps", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "LRPKit", package: "lrps")]),
        // The root package exports no Interpreter library, so its sources are compiled here
        // again (Sources/ScriptInterpreter is a symlink to ../../Sources/Interpreter).
        .target(name: "ScriptInterpreter", dependencies: [.product(name: "LRPKit", package: "lrps")]),
    ] + fuzzTargets.map { name in
        // No main: libFuzzer's driver is entered from FuzzSupport.runFuzzer.
        .executableTarget(name: name,
                          dependencies: ["FuzzSupport", "ScriptInterpreter", .product(name: "LRPKit", package: "lrps")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
)
