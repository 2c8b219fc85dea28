import FuzzSupport
import LRPKit

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = fuzzDecompressed(fuzzInput(data, size)) else { return 0 }
    do {
        let network = try ToolboxModel.parse(bytes, path: "fuzz-input", droppingFinalSoftMax: bytes.first == UInt8(ascii: "L"))
        precondition(!network.layers.isEmpty)
    } catch {
        checkError(error)
    }
    return 0
}

@_cdecl("FuzzToolbox_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, testOneInput)
}
