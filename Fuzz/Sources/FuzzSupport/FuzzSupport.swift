import LRPKit

/// libFuzzer's programmatic driver (compiler-rt, part of the Swift toolchain's `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The signature libFuzzer calls for each input.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer with the process's arguments. SwiftPM links executables with `main` renamed to
/// `<Target>_main`, so each target defines that symbol and calls this.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ callback: FuzzCallback) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments, callback)
}

/// The fuzzer's input as an array.
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Decompressed bytes under a small limit (fuzz inputs are small; a bomb should stop early),
/// or nil when the gzip layer refused them.
public func fuzzDecompressed(_ bytes: [UInt8]) -> [UInt8]? {
    try? FileData.decompressed(bytes, path: "fuzz-input", limit: 1 << 24)
}

/// Any error a loader throws must be an `LRPError` with a message; anything else is a bug.
public func checkError(_ error: any Error) {
    guard let error = error as? LRPError else { fatalError("not an LRPError: \(error)") }
    guard error.description.contains("fuzz-input") else { fatalError("error does not name the file: \(error)") }
}
