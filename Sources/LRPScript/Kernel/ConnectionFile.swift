import Foundation

/// The connection file Jupyter hands a kernel (`lrps kernel -f FILE`): where to listen, and the
/// key that signs messages.
struct ConnectionFile {
    var transport: String
    var ip: String
    var shellPort: Int
    var iopubPort: Int
    var stdinPort: Int
    var controlPort: Int
    var heartbeatPort: Int
    var key: String
    var signatureScheme: String

    init(path: String) throws(KernelProblem) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KernelProblem("cannot read the connection file \(path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? JSONObject else {
            throw KernelProblem("\(path): not a JSON object")
        }
        func port(_ name: String) throws(KernelProblem) -> Int {
            guard let port = object[name] as? Int, (0...65535).contains(port) else {
                throw KernelProblem("\(path): '\(name)' is missing or not a port number")
            }
            return port
        }
        transport = object["transport"] as? String ?? "tcp"
        ip = object["ip"] as? String ?? "127.0.0.1"
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        heartbeatPort = try port("hb_port")
        key = object["key"] as? String ?? ""
        signatureScheme = object["signature_scheme"] as? String ?? "hmac-sha256"
        guard transport == "tcp" || transport == "ipc" else {
            throw KernelProblem("\(path): transport '\(transport)' is not tcp or ipc")
        }
        guard signatureScheme == "hmac-sha256" else {
            throw KernelProblem("\(path): signature scheme '\(signatureScheme)' is not hmac-sha256")
        }
    }

    /// The ZeroMQ endpoint of a channel: only the address the file names (127.0.0.1 by default).
    func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}

struct KernelProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
