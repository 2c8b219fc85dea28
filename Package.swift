// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "lrps",
    products: [
        .library(name: "LRPKit", targets: ["LRPKit"]),
        // The language on its own, for embedding (and for the fuzz package, Fuzz/Package.swift).
        .library(name: "Interpreter", targets: ["Interpreter"]),
        .executable(name: "lrps", targets: ["LRPScript"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // ONNX models (issue 13); the generated onnx.pb.swift is committed (scripts/onnx/regenerate.sh).
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        // C libraries from Debian's -dev packages (scripts/setup.sh installs them).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // No pkgConfig: libzmq.pc adds Kerberos include flags that SwiftPM warns about.
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CEdit", path: "Sources/CEdit", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        // glibc's malloc.h (mallinfo2 for the memory budget); part of libc, nothing to install.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),

        // Hand-written kernels for shapes BLAS serves badly (the direct pixel-layer convolution).
        // -O3 in every configuration: the debug build's -O0 would leave its vector loops 10x slower
        // (debug tests run the tutorial CNN over all 10,000 digits).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),

        .target(name: "LRPKit", dependencies: [
            "CBLAS", "CKernels", "CPNG", "CZlib", "CMalloc", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .target(name: "Interpreter", dependencies: ["LRPKit"]),
        .executableTarget(
            name: "LRPScript",
            dependencies: [
                "LRPKit", "Interpreter", "CEdit", "CZMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),

        // Benchmark driver for scripts/bench/run.sh (issue 4).
        .executableTarget(name: "LRPBench", dependencies: ["LRPKit", "CBLAS"]),

        .testTarget(name: "LRPKitTests", dependencies: ["LRPKit"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "InterpreterTests", dependencies: ["Interpreter", "LRPKit"], exclude: ["Golden"]),
        .testTarget(name: "LRPScriptTests", dependencies: ["LRPScript", "Interpreter", "LRPKit"],
                    exclude: ["Kernel/drive_kernel.py"]),
    ]
)
