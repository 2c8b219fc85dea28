import Foundation
import LRPKit

/// A flag another thread (a Ctrl-C handler, a `--timeout` timer) raises to stop what is running.
/// The evaluator polls it between statements, at each loop turn and function call, and between
/// slices of whole-data-set work; it also raises LRPKit's `Interruption`, which long operations
/// (matrix products, batches) poll.
final class Cancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var why = "interrupted"

    /// `reason` becomes the error message of the statement that stops.
    func request(reason: String = "interrupted") {
        lock.lock(); requested = true; why = reason; lock.unlock(); Interruption.request()
    }
    func reset() { lock.lock(); requested = false; why = "interrupted"; lock.unlock(); Interruption.reset() }
    var isRequested: Bool { lock.lock(); defer { lock.unlock() }; return requested }
    var reason: String { lock.lock(); defer { lock.unlock() }; return why }
}
