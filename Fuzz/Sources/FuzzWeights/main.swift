import FuzzSupport
import LRPKit

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = fuzzDecompressed(fuzzInput(data, size)) else { return 0 }
    do {
        // name NUL weights NUL biases: the name may carry a kernel shape (c1-5x5x1x10).
        let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return 0 }
        let name = String(decoding: parts[0], as: UTF8.self)
        let (weight, bias) = try TutorialWeights.parse(weights: Array(parts[1]), biases: Array(parts[2]), name: name,
                                                       weightPath: "fuzz-input W", biasPath: "fuzz-input B")
        precondition(weight.shape.last == bias.count)
    } catch {
        checkError(error)
    }
    return 0
}

@_cdecl("FuzzWeights_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, testOneInput)
}
