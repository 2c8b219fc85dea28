import Foundation
import XCTest

/// The Jupyter side: the kernel driven by a real client (Debian's python3-jupyter-client), the
/// committed tutorial notebook executed by `jupyter nbconvert`, and the `.ipynb` files lrps writes
/// validated by nbformat and run back by lrps.
final class KernelTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Debian's python3 with the Jupyter packages scripts/setup.sh installs. Missing: a skip on a
    /// developer's machine, a failure in CI (where setup.sh must have installed them).
    private func requireJupyterPython() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        probe.arguments = ["-c", "import jupyter_client, nbformat, nbconvert"]
        probe.standardError = FileHandle.nullDevice
        let ran = (try? probe.run()) != nil
        if ran { probe.waitUntilExit() }
        if !ran || probe.terminationStatus != 0 {
            let message = "Debian's python3-jupyter-client, jupyter-nbconvert and python3-nbformat are needed (scripts/setup.sh)"
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(message) }
            throw XCTSkip(message)
        }
    }

    /// A kernelspec for this build in a fresh folder; returns the JUPYTER_PATH that finds it.
    private func installKernelSpec() throws -> String {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-kernelspec-\(UUID().uuidString)").path
        let result = try runLRPS(["kernel", "install", "--prefix", prefix])
        XCTAssertEqual(result.status, 0, result.standardError)
        let spec = try Data(contentsOf: URL(fileURLWithPath: prefix + "/share/jupyter/kernels/lrps/kernel.json"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: spec) as? [String: Any])
        let argv = try XCTUnwrap(json["argv"] as? [String])
        XCTAssertEqual(Array(argv.dropFirst()), ["kernel", "-f", "{connection_file}"])
        XCTAssertEqual(argv.first, try LRPSBinary.url.resolvingSymlinksInPath().path)
        return prefix + "/share/jupyter"
    }

    /// Runs a program in the repository, standard error merged into the output it returns.
    private func run(_ program: String, _ arguments: [String], environment: [String: String] = [:],
                     timeout: TimeInterval = 300) throws -> (status: Int32, output: String) {
        let result = try runProgram(URL(fileURLWithPath: program), arguments, environment: environment,
                                    mergingErrorsIntoOutput: true, timeout: timeout, directory: Self.repository.path)
        return (result.status, result.standardOutput)
    }

    func testKernelWithARealJupyterClient() throws {
        try requireJupyterPython()
        let jupyterPath = try installKernelSpec()
        let driver = Self.repository.appendingPathComponent("Tests/LRPScriptTests/Kernel/drive_kernel.py").path
        let result = try run("/usr/bin/python3", ["-u", driver, Self.repository.path],
                             environment: ["JUPYTER_PATH": jupyterPath])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("all kernel checks passed"), result.output)
        // The forged message was reported on the kernel's standard error, not answered.
        XCTAssertTrue(result.output.contains("dropped a message on the shell channel: bad signature"), result.output)
    }

    func testNbconvertExecutesTheTutorialNotebook() throws {
        try requireJupyterPython()
        let jupyterPath = try installKernelSpec()
        let drift = try run("/usr/bin/python3", ["scripts/make_tutorial_ipynb.py", "--check"])
        XCTAssertEqual(drift.status, 0, "scripts/tutorial.ipynb is out of date with tutorial.lrps: \(drift.output)")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-nbconvert-\(UUID().uuidString).ipynb")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try run("/usr/bin/jupyter", ["nbconvert", "--to", "notebook", "--execute",
                                                  "--output", out.path, "scripts/tutorial.ipynb"],
                             environment: ["JUPYTER_PATH": jupyterPath])
        XCTAssertEqual(result.status, 0, result.output)
        let notebook = try NotebookJSON(url: out)
        XCTAssertEqual(notebook.pngs.count, 6, "six figures inline")
        XCTAssertTrue(notebook.text.contains("MLP test errors:  105 of 10000"), notebook.text)
        XCTAssertTrue(notebook.text.contains("CNN test errors:  76 of 10000"), notebook.text)
        XCTAssertEqual(notebook.errors, [])
        // The inline figures are the files the cells saved (byte-identical to the tutorial's).
        for name in ["mlp-deeptaylor", "cnn-alphabeta"] {
            let saved = try Data(contentsOf: Self.repository.appendingPathComponent("out/tutorial/\(name).png"))
            XCTAssertTrue(notebook.pngs.contains(saved), "\(name).png inline")
        }
    }

    func testIpynbNotebooksValidateAndRunBack() throws {
        try requireJupyterPython()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-ipynb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let source = folder.appendingPathComponent("explain.lrps").path
        try Data(Self.smallScript(savingIn: folder.path).utf8).write(to: URL(fileURLWithPath: source))
        let path = folder.appendingPathComponent("explain.ipynb").path
        let script = try runLRPS([source, "--notebook", path], timeout: 120)
        XCTAssertEqual(script.status, 0, script.standardError)
        let validate = try run("/usr/bin/python3", ["-c", "import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')", path])
        XCTAssertEqual(validate.status, 0, validate.output)
        let notebook = try NotebookJSON(url: URL(fileURLWithPath: path))
        XCTAssertEqual(notebook.pngs.count, 2, "the shown and the saved figure")
        XCTAssertEqual(notebook.markdownCells, 3, "header and two comment blocks")
        XCTAssertEqual(notebook.kernel, "lrps")
        XCTAssertTrue(notebook.text.contains("[2 1 0]"), notebook.text)
        XCTAssertEqual(notebook.pngs.last, try Data(contentsOf: folder.appendingPathComponent("R.png")))

        // The notebook runs back as a script, printing what the script printed, cell by cell.
        let rerun = try runLRPS([path], timeout: 120)
        XCTAssertEqual(rerun.status, 0, rerun.standardError)
        XCTAssertEqual(rerun.standardOutput, script.standardOutput)
        let alias = try runLRPS(["run", path], timeout: 120)
        XCTAssertEqual(alias.standardOutput, script.standardOutput)

        // An error names the notebook and the cell.
        let failing = folder.appendingPathComponent("failing.ipynb").path
        let cells = ##"{"cells": [{"cell_type": "markdown", "source": "# x"}, {"cell_type": "code", "source": ["x = 1\n", "print y"]}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}"##
        try Data(cells.utf8).write(to: URL(fileURLWithPath: failing))
        let failed = try runLRPS([failing])
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.standardError.contains("failing.ipynb[2]:2:7"), failed.standardError)
        let notNotebook = folder.appendingPathComponent("plain.ipynb").path
        try Data("print 1".utf8).write(to: URL(fileURLWithPath: notNotebook))
        let refused = try runLRPS([notNotebook])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.standardError.contains("is not a Jupyter notebook"), refused.standardError)
    }

    /// Prose, a shown and a saved figure, printed text: what a notebook holds.
    static func smallScript(savingIn folder: String) -> String {
        let root = repository.path
        return """
            # # A small explanation
            mnist = load mnist "\(root)/data/mnist"
            X, T = sample mnist 3 seed=1234
            print argmax(T, axis=1)
            show X

            # Deep Taylor on the MLP.
            mlp = load network "\(root)/models/tutorial/mlp"
            Y = forward mlp X
            R = relprop mlp Y*T rules=deeptaylor
            save R "\(folder)/R.png" map=heat

            """
    }

    func testKernelCommandLine() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-home-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let user = try runLRPS(["kernel", "install", "--user"], environment: ["HOME": home, "JUPYTER_DATA_DIR": home + "/jd"])
        XCTAssertEqual(user.status, 0, user.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home + "/jd/kernels/lrps/kernel.json"))
        let bad = try runLRPS(["kernel", "install", "--bogus"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.standardError.contains("unknown option '--bogus'"), bad.standardError)
        let missing = try runLRPS(["kernel", "-f", home + "/nope.json"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.standardError.contains("cannot read the connection file"), missing.standardError)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try Data(#"{"shell_port": 1, "iopub_port": 2}"#.utf8).write(to: URL(fileURLWithPath: home + "/c.json"))
        let incomplete = try runLRPS(["kernel", "-f", home + "/c.json"])
        XCTAssertEqual(incomplete.status, 2)
        XCTAssertTrue(incomplete.standardError.contains("'stdin_port' is missing"), incomplete.standardError)
    }
}

/// The parts of an .ipynb file the tests look at.
private struct NotebookJSON {
    var pngs: [Data] = []
    var text = ""
    var errors: [String] = []
    var markdownCells = 0
    var kernel: String?

    init(url: URL) throws {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        kernel = ((object["metadata"] as? [String: Any])?["kernelspec"] as? [String: Any])?["name"] as? String
        for cell in object["cells"] as? [[String: Any]] ?? [] {
            if cell["cell_type"] as? String == "markdown" { markdownCells += 1 }
            for output in cell["outputs"] as? [[String: Any]] ?? [] {
                if let lines = output["text"] as? [String] { text += lines.joined() }
                if let line = output["text"] as? String { text += line }
                if let png = (output["data"] as? [String: Any])?["image/png"] as? String,
                   let bytes = Data(base64Encoded: png.replacingOccurrences(of: "\n", with: "")) {
                    pngs.append(bytes)
                }
                if output["output_type"] as? String == "error" { errors.append(output["evalue"] as? String ?? "") }
            }
        }
    }
}
