import CZMQ
import Foundation

/// A ZeroMQ problem: what was being done and libzmq's own words.
struct ZMQError: Error, CustomStringConvertible {
    var description: String
    init(_ action: String) {
        description = "\(action): \(String(cString: zmq_strerror(zmq_errno())))"
    }
}

/// One ZeroMQ context for the process.
final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
        self.handle = handle
    }
}

/// A ZeroMQ socket. libzmq sockets are not thread-safe: each is used by one thread, or behind a
/// lock (the IOPub publisher).
final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let endpoint: String

    init(_ context: ZMQContext, type: Int32, bindTo endpoint: String) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type) else { throw ZMQError("zmq_socket") }
        self.handle = handle
        self.endpoint = endpoint
        // Don't keep unsent messages around at exit: a kernel that shuts down should end at once.
        _ = lrps_zmq_set_int(handle, ZMQ_LINGER, 0)
        guard zmq_bind(handle, endpoint) == 0 else {
            let error = ZMQError("cannot listen on \(endpoint)")
            zmq_close(handle)
            throw error
        }
    }

    deinit { zmq_close(handle) }

    /// Sends the frames as one multipart message.
    func send(_ frames: [[UInt8]]) throws(ZMQError) {
        for (i, frame) in frames.enumerated() {
            let flags = i + 1 < frames.count ? ZMQ_SNDMORE : 0
            let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            if sent < 0 { throw ZMQError("zmq_send on \(endpoint)") }
        }
    }

    /// Receives one multipart message (blocking); nil when interrupted by a signal.
    func receive() throws(ZMQError) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            if zmq_msg_recv(&message, handle, 0) < 0 {
                if zmq_errno() == EINTR { return nil }
                throw ZMQError("zmq_msg_recv on \(endpoint)")
            }
            let size = zmq_msg_size(&message)
            let bytes = zmq_msg_data(&message).map {
                Array(UnsafeRawBufferPointer(start: $0, count: size))
            } ?? []
            frames.append(bytes)
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Waits up to `milliseconds` for a message; true when one can be received.
    func poll(milliseconds: Int) -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        return zmq_poll(&item, 1, milliseconds) > 0 && item.revents & Int16(ZMQ_POLLIN) != 0
    }
}
