import Foundation

/// `lrps kernel install`: writes the kernelspec (kernel.json and a logo) where Jupyter looks.
enum KernelSpec {
    /// The folder for `--user` (Jupyter's per-user data folder), `--prefix DIR`, or the system one.
    static func folder(user: Bool, prefix: String?, environment: [String: String]) -> String {
        if let prefix { return prefix + "/share/jupyter/kernels/lrps" }
        if user {
            let data = environment["JUPYTER_DATA_DIR"]
                ?? (environment["XDG_DATA_HOME"].map { $0 + "/jupyter" })
                ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/jupyter")
            return data + "/kernels/lrps"
        }
        return "/usr/local/share/jupyter/kernels/lrps"
    }

    /// kernel.json: Jupyter starts `EXECUTABLE kernel -f CONNECTION_FILE`; interrupts come as
    /// `interrupt_request` messages (signals work too).
    static func json(executable: String) -> [UInt8] {
        let spec: JSONObject = [
            "argv": [executable, "kernel", "-f", "{connection_file}"],
            "display_name": "lrps",
            "language": "lrps",
            "interrupt_mode": "message",
            "metadata": ["debugger": false],
        ]
        return (try? JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            .map { Array($0) + [10] } ?? []
    }

    /// Installs the spec; returns the folder written.
    static func install(user: Bool, prefix: String?, executable: String,
                        environment: [String: String]) throws(KernelProblem) -> String {
        let folder = folder(user: user, prefix: prefix, environment: environment)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(json(executable: executable)).write(to: URL(fileURLWithPath: folder + "/kernel.json"), options: .atomic)
        } catch {
            throw KernelProblem("cannot write the kernelspec in \(folder): \(error.localizedDescription)")
        }
        return folder
    }

    /// The running executable's absolute path, so the spec works from any folder.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
