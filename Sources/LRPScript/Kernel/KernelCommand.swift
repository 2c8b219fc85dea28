import Foundation

/// `lrps kernel -f CONNECTION_FILE` (Jupyter starts this) and `lrps kernel install [--user |
/// --prefix DIR]` (writes the kernelspec that makes Jupyter do so).
enum KernelCommand {
    static let usage = """
        usage: lrps kernel install [--user | --prefix DIR]
               lrps kernel -f CONNECTION_FILE

          install        write the kernelspec 'lrps' (default: /usr/local/share/jupyter/kernels;
                         --user: your Jupyter data folder; --prefix DIR: DIR/share/jupyter/kernels)
          -f FILE        run as a Jupyter kernel with the connection file Jupyter wrote

        """

    /// Runs the subcommand; returns the exit status (0, or 2 for bad usage or a failed start).
    static func run(_ arguments: [String]) -> Int32 {
        let errors = FileHandle.standardError
        func fail(_ message: String) -> Int32 {
            errors.write(Data("lrps kernel: \(message)\n".utf8))
            return 2
        }
        switch arguments.first {
        case "install":
            var user = false
            var prefix: String?
            var rest = arguments.dropFirst()
            while let option = rest.first {
                rest = rest.dropFirst()
                switch option {
                case "--user": user = true
                case "--prefix":
                    guard let value = rest.first else { return fail("--prefix needs a folder") }
                    prefix = value
                    rest = rest.dropFirst()
                default: return fail("unknown option '\(option)'\n" + usage)
                }
            }
            if user && prefix != nil { return fail("--user and --prefix are alternatives") }
            do {
                let folder = try KernelSpec.install(user: user, prefix: prefix, executable: KernelSpec.executablePath,
                                                    environment: ProcessInfo.processInfo.environment)
                print("installed the lrps kernelspec in \(folder)")
                return 0
            } catch {
                return fail(error.description)
            }
        case "-f", "--connection-file":
            guard arguments.count == 2 else { return fail("-f takes one connection file\n" + usage) }
            do {
                let connection = try ConnectionFile(path: arguments[1])
                let kernel = try Kernel(connection: connection) { line in
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
                return kernel.run()
            } catch {
                return fail(error.description)
            }
        case "-h", "--help", nil:
            FileHandle.standardOutput.write(Data(usage.utf8))
            return arguments.isEmpty ? 2 : 0
        default:
            return fail("unknown subcommand '\(arguments[0])'\n" + usage)
        }
    }
}
