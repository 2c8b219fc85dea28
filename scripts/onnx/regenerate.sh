#!/usr/bin/env bash
# Regenerates Sources/LRPKit/IO/ONNX/onnx.pb.swift from scripts/onnx/onnx.proto.
#
# The build never runs this: the generated file is committed, so building lrps needs neither protoc
# nor swift-protobuf's plugin (whose first build takes minutes). Run it only to move to a newer
# onnx.proto (copy it from the `onnx` Python package: python -c 'import onnx, os;
# print(os.path.dirname(onnx.__file__))'/onnx.proto) or a newer swift-protobuf; the plugin's version
# must match the swift-protobuf version in Package.swift.
#
# Needs Debian's protobuf-compiler (apt-get install protobuf-compiler). Builds protoc-gen-swift from
# the swift-protobuf package in a scratch folder outside the repository (SCRATCH, default a new
# temporary folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=1.39.0   # keep equal to Package.swift's swift-protobuf version
SCRATCH=${SCRATCH:-$(mktemp -d)}
command -v protoc >/dev/null || { echo "protoc missing: apt-get install protobuf-compiler" >&2; exit 1; }
if [ ! -x "$SCRATCH/swift-protobuf/.build/debug/protoc-gen-swift" ]; then
    git clone --quiet --branch "$VERSION" https://github.com/apple/swift-protobuf "$SCRATCH/swift-protobuf"
    (cd "$SCRATCH/swift-protobuf" && swift build --product protoc-gen-swift)
fi
protoc --plugin=protoc-gen-swift="$SCRATCH/swift-protobuf/.build/debug/protoc-gen-swift" \
    --swift_opt=Visibility=Internal \
    --swift_out=Sources/LRPKit/IO/ONNX -I scripts/onnx scripts/onnx/onnx.proto
echo "wrote Sources/LRPKit/IO/ONNX/onnx.pb.swift (protoc $(protoc --version), swift-protobuf $VERSION)"
