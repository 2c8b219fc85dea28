import FuzzSupport
import LRPKit

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = fuzzDecompressed(fuzzInput(data, size)) else { return 0 }
    do {
        let (shape, values) = try IDXFile.parse(bytes, path: "fuzz-input")
        precondition(shape.reduce(1, *) == values.count)
    } catch {
        checkError(error)
    }
    return 0
}

@_cdecl("FuzzIDX_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, testOneInput)
}
