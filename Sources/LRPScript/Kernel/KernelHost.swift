import Foundation
import Interpreter
import LRPKit

/// Sends messages on IOPub. The shell thread and the control thread both publish, so a lock
/// serialises use of the one socket.
final class Publisher: @unchecked Sendable {
    private let socket: ZMQSocket
    private let signer: MessageSigner
    private let lock = NSLock()

    init(socket: ZMQSocket, signer: MessageSigner) {
        self.socket = socket
        self.signer = signer
    }

    func publish(_ type: String, _ content: JSONObject, parent: KernelMessage?, metadata: JSONObject = [:]) {
        let message = signer.message(type, content: content, parent: parent,
                                     identities: [Array(type.utf8)], metadata: metadata)
        lock.lock(); defer { lock.unlock() }
        try? socket.send(signer.frames(for: message))
    }

    func status(_ state: String, parent: KernelMessage?) {
        publish("status", ["execution_state": state], parent: parent)
    }
}

/// The interpreter's host inside the kernel: text becomes `stream`, values `execute_result`,
/// figures `display_data` with a PNG, progress an updating display.
final class KernelHost: Interpreter.Host {
    private let publisher: Publisher
    /// The execute_request being run; output is attributed to it.
    var parent: KernelMessage?
    var executionCount = 0
    private var progressDisplay: (id: String, task: String, last: ContinuousClock.Instant)?

    init(publisher: Publisher) { self.publisher = publisher }

    func write(_ text: String) {
        publisher.publish("stream", ["name": "stdout", "text": text], parent: parent)
    }

    func result(_ text: String) {
        let plain = text.hasSuffix("\n") ? String(text.dropLast()) : text
        publisher.publish("execute_result", ["execution_count": executionCount, "data": ["text/plain": plain],
                                             "metadata": [:] as JSONObject], parent: parent)
    }

    func show(_ image: Image, caption: String) { display(image, caption: caption) }

    func saved(_ image: Image, path: String, caption: String) { display(image, caption: "\(path): \(caption)") }

    private func display(_ image: Image, caption: String) {
        guard let png = try? PNGFile.encode(image, path: "figure") else {
            write("[image could not be encoded] \(caption)\n")
            return
        }
        publisher.publish("display_data", [
            "data": ["image/png": Data(png).base64EncodedString(), "text/plain": caption],
            "metadata": ["image/png": ["width": image.width, "height": image.height]],
            "transient": [:] as JSONObject,
        ], parent: parent)
    }

    /// The first report of a task opens a display; later ones update it, at most every 0.2 s
    /// (and always the last), so a notebook shows one live line per task.
    func progress(_ task: String, completed: Int, total: Int) {
        let now = ContinuousClock.now
        let text = "\(task): \(completed) / \(total)"
        let html = "<progress value=\"\(completed)\" max=\"\(max(total, 1))\"></progress> \(escapeHTML(text))"
        let data: JSONObject = ["text/plain": text, "text/html": html]
        if let display = progressDisplay, display.task == task {
            guard completed >= total || now - display.last >= .milliseconds(200) else { return }
            progressDisplay?.last = now
            publisher.publish("update_display_data", ["data": data, "metadata": [:] as JSONObject,
                                                      "transient": ["display_id": display.id]], parent: parent)
        } else {
            let id = UUID().uuidString.lowercased()
            progressDisplay = (id, task, now)
            publisher.publish("display_data", ["data": data, "metadata": [:] as JSONObject,
                                               "transient": ["display_id": id]], parent: parent)
        }
        if completed >= total { progressDisplay = nil }
    }

    func didRun(_ statement: StatementSource, seconds: Double, error: ScriptError?) {
        progressDisplay = nil
    }

    private func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
