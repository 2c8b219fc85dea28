import FuzzSupport
import LRPKit

/// The ONNX reader: protobuf decoding, tensor data, graph conversion. External data is looked up
/// beside "fuzz-input/model.onnx", a folder that does not exist: references must fail cleanly.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    do {
        let (network, sampleShape, _) = try ONNXModel.parse(fuzzInput(data, size), path: "fuzz-input/model.onnx")
        precondition(!network.layers.isEmpty && !sampleShape.isEmpty)
    } catch {
        checkError(error)
    }
    return 0
}

@_cdecl("FuzzONNX_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, testOneInput)
}
