import FuzzSupport
import Foundation
import LRPKit
import Interpreter

/// Relative paths resolve in Fuzz/script-world (made by make_seeds.py): the golden scripts'
/// paths with a tiny MNIST and tiny networks of the tutorial's shapes.
let world = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../script-world").standardized.path

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Small tensors only: the fuzzer looks for crashes, not for the allocation bound (tested
    // elsewhere). The budget first: setting it also sets the per-tensor bound.
    MemoryBudget.limit = 256 << 20
    Tensor.maximumElementCount = 1 << 20
    // No file is written: every write (save, notebooks) is refused by AtomicFile, so scripts with
    // `save` are fuzzed too (their refusals and everything before the write).
    AtomicFile.readOnly = true
    let source = String(decoding: fuzzInput(data, size), as: UTF8.self)
    let session = Session(host: RecordingHost(), workingDirectory: world)
    do {
        try session.run(source, file: "fuzz.lrps")
    } catch {
        precondition(!error.message.isEmpty, "an error without a message")
    }
    return 0
}

@_cdecl("FuzzScript_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, testOneInput)
}
