import CZMQ
import Dispatch
import Foundation
import Interpreter

/// `lrps kernel -f CONNECTION_FILE`: a Jupyter kernel (messaging protocol 5.3) over ZeroMQ.
/// One kernel is one session: variables persist across cells, as in the REPL.
///
/// Threads: the shell channel is served on the calling thread, which also runs the code; the
/// control channel (interrupt, shutdown) on its own thread, so it answers while a cell runs; the
/// heartbeat echoes on a third.
final class Kernel: @unchecked Sendable {
    private let context: ZMQContext
    private let shell, control, stdinChannel, iopub, heartbeat: ZMQSocket
    private let signer: MessageSigner
    private let publisher: Publisher
    private let host: KernelHost
    private let session: Session
    private let log: (String) -> Void
    private var executionCount = 0

    init(connection: ConnectionFile, log: @escaping (String) -> Void) throws(KernelProblem) {
        do {
            context = try ZMQContext()
            shell = try ZMQSocket(context, type: ZMQ_ROUTER, bindTo: connection.endpoint(connection.shellPort))
            control = try ZMQSocket(context, type: ZMQ_ROUTER, bindTo: connection.endpoint(connection.controlPort))
            stdinChannel = try ZMQSocket(context, type: ZMQ_ROUTER, bindTo: connection.endpoint(connection.stdinPort))
            iopub = try ZMQSocket(context, type: ZMQ_PUB, bindTo: connection.endpoint(connection.iopubPort))
            heartbeat = try ZMQSocket(context, type: ZMQ_REP, bindTo: connection.endpoint(connection.heartbeatPort))
        } catch {
            throw KernelProblem(error.description)
        }
        signer = MessageSigner(key: connection.key)
        publisher = Publisher(socket: iopub, signer: signer)
        host = KernelHost(publisher: publisher)
        session = Session(host: host)
        session.define("args", strings: [])
        self.log = log
    }

    /// Serves until a shutdown request; returns the exit status.
    func run() -> Int32 {
        // Ctrl-C (a signal-mode interrupt from a front end) stops the running statement only.
        signal(SIGINT, SIG_IGN)
        let interrupts = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupts.setEventHandler { [session] in session.cancel() }
        interrupts.resume()

        Thread { [heartbeat] in
            while let frames = try? heartbeat.receive() { try? heartbeat.send(frames) }
        }.start()
        Thread { [self] in serve(control, isControl: true) }.start()
        publisher.status("starting", parent: nil)
        serve(shell, isControl: false)
        return 0
    }

    private func serve(_ socket: ZMQSocket, isControl: Bool) {
        while true {
            guard let frames = try? socket.receive() else { continue }
            let message: KernelMessage
            do {
                message = try signer.message(from: frames)
            } catch {
                log("lrps kernel: dropped a message on the \(isControl ? "control" : "shell") channel: \(error)")
                continue
            }
            publisher.status("busy", parent: message)
            handle(message, on: socket)
            publisher.status("idle", parent: message)
        }
    }

    private func reply(_ request: KernelMessage, on socket: ZMQSocket, _ content: JSONObject) {
        let type = request.type.replacingOccurrences(of: "_request", with: "_reply")
        let message = signer.message(type, content: content, parent: request, identities: request.identities)
        try? socket.send(signer.frames(for: message))
    }

    private func handle(_ request: KernelMessage, on socket: ZMQSocket) {
        let content = request.content
        switch request.type {
        case "kernel_info_request":
            reply(request, on: socket, Self.kernelInfo)
        case "execute_request":
            reply(request, on: socket, execute(request))
        case "complete_request":
            reply(request, on: socket, complete(content["code"] as? String ?? "",
                                                cursor: content["cursor_pos"] as? Int))
        case "inspect_request":
            reply(request, on: socket, inspect(content["code"] as? String ?? "",
                                               cursor: content["cursor_pos"] as? Int))
        case "is_complete_request":
            reply(request, on: socket, isComplete(content["code"] as? String ?? ""))
        case "history_request":
            reply(request, on: socket, ["status": "ok", "history": [] as [Any]])
        case "comm_info_request":
            reply(request, on: socket, ["status": "ok", "comms": [:] as JSONObject])
        case "interrupt_request":
            session.cancel()
            reply(request, on: socket, ["status": "ok"])
        case "shutdown_request":
            let restart = content["restart"] as? Bool ?? false
            session.cancel()
            reply(request, on: socket, ["status": "ok", "restart": restart])
            publisher.status("idle", parent: request)
            exit(0)
        default:
            log("lrps kernel: ignored a \(request.type) message")
        }
    }

    // MARK: Requests

    static var kernelInfo: JSONObject { [
        "status": "ok",
        "protocol_version": KernelMessage.protocolVersion,
        "implementation": "lrps",
        "implementation_version": lrpsVersion,
        "language_info": [
            "name": "lrps",
            "version": lrpsVersion,
            "mimetype": "text/x-lrps",
            "file_extension": ".lrps",
        ] as JSONObject,
        "banner": "lrps \(lrpsVersion): layer-wise relevance propagation. Type help for the commands.",
        "help_links": [] as [Any],
    ] }

    private func execute(_ request: KernelMessage) -> JSONObject {
        let code = request.content["code"] as? String ?? ""
        let silent = request.content["silent"] as? Bool ?? false
        let store = (request.content["store_history"] as? Bool ?? true) && !silent
        if store { executionCount += 1 }
        host.parent = request
        host.executionCount = executionCount
        if !silent {
            publisher.publish("execute_input", ["code": code, "execution_count": executionCount], parent: request)
        }
        do throws(ScriptError) {
            try session.run(code, file: "<cell \(executionCount)>")
        } catch {
            let content: JSONObject = [
                "ename": error.message == "interrupted" ? "Interrupted" : "ScriptError",
                "evalue": error.message,
                "traceback": error.description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
            ]
            publisher.publish("error", content, parent: request)
            return content.merging(["status": "error", "execution_count": executionCount]) { a, _ in a }
        }
        return ["status": "ok", "execution_count": executionCount, "user_expressions": [:] as JSONObject,
                "payload": [] as [Any]]
    }

    /// The code up to the cursor, which the protocol (5.2 and later) counts in Unicode code points.
    private func prefix(_ code: String, cursor: Int?) -> String {
        String(String.UnicodeScalarView(code.unicodeScalars.prefix(cursor ?? Int.max)))
    }

    /// The REPL's completion: the candidates replace the partial word (or path inside a string)
    /// that the REPL's Tab would replace.
    private func complete(_ code: String, cursor: Int?) -> JSONObject {
        let before = prefix(code, cursor: cursor)
        let line = before.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let candidates = session.completions(forLine: line)
        let word = Completion.partialWord(in: line, candidates: candidates) ?? ""
        let end = before.unicodeScalars.count
        return ["status": "ok", "matches": candidates.filter { $0.hasPrefix(word) },
                "cursor_start": end - word.unicodeScalars.count, "cursor_end": end, "metadata": [:] as JSONObject]
    }

    private func inspect(_ code: String, cursor: Int?) -> JSONObject {
        let scalars = Array(code.unicodeScalars)
        func isWord(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c.properties.numericType != nil || c == "_" }
        var end = min(cursor ?? scalars.count, scalars.count)
        var start = end
        while start > 0, isWord(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isWord(scalars[end]) { end += 1 }
        let name = String(String.UnicodeScalarView(scalars[start..<end]))
        let text = session.help(for: name) ?? session.describe(variable: name).map { "\(name) = \($0)" }
        guard let text else { return ["status": "ok", "found": false, "data": [:] as JSONObject, "metadata": [:] as JSONObject] }
        return ["status": "ok", "found": true, "data": ["text/plain": text], "metadata": [:] as JSONObject]
    }

    private func isComplete(_ code: String) -> JSONObject {
        session.needsMoreInput(code) ? ["status": "incomplete", "indent": ""] : ["status": "complete"]
    }
}
