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
    ] + fuzzTargets.map { name in
        // No main: libFuzzer's driver is entered from FuzzSupport.runFuzzer.
        .executableTarget(name: name,
                          dependencies: ["FuzzSupport", .product(name: "LRPKit", package: "lrps"),
                                         .product(name: "Interpreter", package: "lrps")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
)
