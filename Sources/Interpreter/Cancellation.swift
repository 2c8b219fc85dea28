import Foundation
import LRPKit

/// A flag another thread (a Ctrl-C handler) raises to stop the statement that is running.
/// The evaluator polls it between statements and between slices of whole-data-set work; it also
/// raises LRPKit's `Interruption`, which long operations (matrix products, batches) poll.
final class Cancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    func request() { lock.lock(); requested = true; lock.unlock(); Interruption.request() }
    func reset() { lock.lock(); requested = false; lock.unlock(); Interruption.reset() }
    var isRequested: Bool { lock.lock(); defer { lock.unlock() }; return requested }
}
