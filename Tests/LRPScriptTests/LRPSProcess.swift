import Foundation
import XCTest

/// Runs the built `lrps` binary, which SwiftPM puts in the products directory next to the tests.
enum LRPSBinary {
    static var url: URL {
        get throws {
            let candidates = [Bundle.main.bundleURL] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
            for directory in candidates {
                let binary = directory.appendingPathComponent("lrps")
                if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
            }
            // Locally a partial build may lack it; in CI a missing binary is a failure, not a skip.
            if ProcessInfo.processInfo.environment["CI"] != nil { throw MissingBinary() }
            throw XCTSkip("lrps binary not found next to the test bundle")
        }
    }
}

struct MissingBinary: Error, CustomStringConvertible {
    var description: String { "lrps binary not found next to the test bundle (CI is set: the command-line tests must run)" }
}

struct ProcessResult {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs `lrps arguments` with `input` on stdin (not a terminal), stderr optionally into the same
/// file as stdout (`2>&1`, to check the order of the two); output goes through files so a
/// large output can't deadlock, and a run longer than `timeout` is killed and fails the test.
func runLRPS(_ arguments: [String], input: String = "", environment: [String: String] = [:],
             mergingErrorsIntoOutput: Bool = false, timeout: TimeInterval = 30, directory workingDirectory: String? = nil,
             file: StaticString = #filePath, line: UInt = #line) throws -> ProcessResult {
    try runProgram(try LRPSBinary.url, arguments, input: input, environment: environment,
                   mergingErrorsIntoOutput: mergingErrorsIntoOutput, timeout: timeout,
                   directory: workingDirectory, file: file, line: line)
}

/// `runLRPS` for any program (python3, jupyter): the same files, HOME and time limit.
func runProgram(_ executable: URL, _ arguments: [String], input: String = "", environment: [String: String] = [:],
                mergingErrorsIntoOutput: Bool = false, timeout: TimeInterval = 30, directory workingDirectory: String? = nil,
                file: StaticString = #filePath, line: UInt = #line) throws -> ProcessResult {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let inputURL = directory.appendingPathComponent("in")
    let outputURL = directory.appendingPathComponent("out")
    let errorURL = directory.appendingPathComponent("err")
    try Data(input.utf8).write(to: inputURL)
    try Data().write(to: outputURL)
    try Data().write(to: errorURL)

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
    var merged = ProcessInfo.processInfo.environment
    merged["HOME"] = directory.path
    merged.merge(environment) { $1 }
    process.environment = merged
    let inputHandle = try FileHandle(forReadingFrom: inputURL)
    let outputHandle = try FileHandle(forWritingTo: outputURL)
    let errorHandle = try FileHandle(forWritingTo: errorURL)
    defer { try? inputHandle.close(); try? outputHandle.close(); try? errorHandle.close() }
    process.standardInput = inputHandle
    process.standardOutput = outputHandle
    process.standardError = mergingErrorsIntoOutput ? outputHandle : errorHandle
    try process.run()

    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        XCTFail("\(executable.lastPathComponent) \(arguments) did not finish within \(timeout) s", file: file, line: line)
    }
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         standardOutput: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
                         standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
}
