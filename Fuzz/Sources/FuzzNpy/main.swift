import FuzzSupport
import LRPKit

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = fuzzDecompressed(fuzzInput(data, size)) else { return 0 }
    do {
        let tensor = try NumpyFile.decode(bytes, path: "fuzz-input")
        precondition(tensor.scalars.allSatisfy(\.isFinite))
    } catch {
        checkError(error)
    }
    return 0
}

@_cdecl("FuzzNpy_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, testOneInput)
}
