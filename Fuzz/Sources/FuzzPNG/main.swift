import FuzzSupport
import LRPKit

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = fuzzDecompressed(fuzzInput(data, size)) else { return 0 }
    do {
        let image = try PNGFile.decode(bytes, path: "fuzz-input")
        precondition(image.pixels.count == image.width * image.height * image.channels)
    } catch {
        checkError(error)
    }
    return 0
}

@_cdecl("FuzzPNG_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, testOneInput)
}
