import XCTest
import LRPKit

/// Max |a - b| relative to max |b|: the error measure used against references throughout.
/// Any NaN (or infinity) on either side makes it infinite: `max(x, .nan)` is `x` in Swift, so a
/// plain maximum would let an all-NaN result through with error 0.
func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
    guard a.shape == b.shape else { return .infinity }
    var worst: Float = 0
    for (x, y) in zip(a.scalars, b.scalars) {
        guard x.isFinite, y.isFinite else { return .infinity }
        worst = max(worst, abs(x - y))
    }
    return worst / max(b.maximumMagnitude(), 1e-30)
}

func assertClose(_ a: Tensor, _ b: Tensor, within tolerance: Float = 1e-5, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, message, file: file, line: line)
    let error = relativeError(a, b)
    XCTAssertLessThan(error, tolerance, "relative error \(error) \(message)", file: file, line: line)
}
