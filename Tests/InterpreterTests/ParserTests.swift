import Foundation
import XCTest
import LRPKit
@testable import Interpreter

final class ParserTests: XCTestCase {
    private func parse(_ source: String) throws -> [Statement] {
        var parser = try Parser(source: source, file: "t", commands: Builtins.commandNames)
        return try parser.parseProgram().statements.map(\.statement)
    }

    /// A compact rendering of the tree: calls as name{...} (command) or name(...) (ordinary).
    private func shape(_ e: Expr) -> String {
        switch e {
        case .number(let v, _): return formatNumber(v)
        case .string(let s, _): return "\"\(s)\""
        case .boolean(let b, _): return b ? "true" : "false"
        case .name(let n, _): return n
        case .list(let items, _): return "[" + items.map(shape).joined(separator: ", ") + "]"
        case .unary(let op, let x, _): return "(\(op)\(shape(x)))"
        case .binary(let op, let a, let b, _): return "(\(shape(a)) \(op) \(shape(b)))"
        case .call(let name, let args, let command, _):
            let inner = args.map { ($0.label.map { $0 + "=" } ?? "") + shape($0.value) }.joined(separator: ", ")
            return command ? "\(name){\(inner)}" : "\(name)(\(inner))"
        case .index(let base, let items, _):
            let inner: [String] = items.map(item)
            return shape(base) + "[" + inner.joined(separator: ", ") + "]"
        case .member(let base, let name, _): return shape(base) + "." + name
        }
    }

    private func item(_ item: IndexItem) -> String {
        switch item {
        case .index(let i): return shape(i)
        case .slice(let s, let e, let st):
            let start: String = s.map(shape) ?? ""
            let end: String = e.map(shape) ?? ""
            let step: String = st.map { ":" + shape($0) } ?? ""
            return start + ":" + end + step
        }
    }

    private func expr(_ source: String) throws -> String {
        let statements = try parse(source)
        XCTAssertEqual(statements.count, 1)
        switch statements[0] {
        case .expression(let e): return shape(e)
        case .assignment(let targets, let e, _): return targets.joined(separator: ", ") + " = " + shape(e)
        default: return "a statement"
        }
    }

    func testPrecedenceAndAssociativity() throws {
        XCTAssertEqual(try expr("1 + 2 * 3"), "(1 + (2 * 3))")
        XCTAssertEqual(try expr("1 - 2 - 3"), "((1 - 2) - 3)")
        XCTAssertEqual(try expr("-x ^ 2"), "(-(x ^ 2))")
        XCTAssertEqual(try expr("2 ^ 3 ^ 2"), "(2 ^ (3 ^ 2))")
        XCTAssertEqual(try expr("x ^ -1"), "(x ^ -1)")
        XCTAssertEqual(try expr("a @ b + c"), "((a @ b) + c)")
        XCTAssertEqual(try expr("a + b < c * d"), "((a + b) < (c * d))")
        XCTAssertEqual(try expr("(a + b) * c"), "((a + b) * c)")
    }

    func testCommandSyntax() throws {
        XCTAssertEqual(try expr("forward mlp X"), "forward{mlp, X}")
        XCTAssertEqual(try expr("print a + b"), "print{(a + b)}")
        XCTAssertEqual(try expr("print a -b"), "print{a, (-b)}")
        XCTAssertEqual(try expr("print a - b"), "print{(a - b)}")
        XCTAssertEqual(try expr("print a, b"), "print{a, b}")
        XCTAssertEqual(try expr("print sum(R, axis=1) Y*T"), "print{sum(R, axis=1), (Y * T)}")
        XCTAssertEqual(try expr("relprop mlp Y*T rules=deeptaylor"), "relprop{mlp, (Y * T), rules=deeptaylor}")
        XCTAssertEqual(try expr("save (gradprop mlp T)^2 \"a.png\" map=heat"),
                       "save{(gradprop{mlp, T} ^ 2), \"a.png\", map=heat}")
        XCTAssertEqual(try expr("show (x)"), "show{x}")
        XCTAssertEqual(try expr("print x [1]"), "print{x, [1]}")
        XCTAssertEqual(try expr("print x[1]"), "print{x[1]}")
        XCTAssertEqual(try expr("sum(x)"), "sum(x)")
        XCTAssertEqual(try expr("help"), "help")
        XCTAssertEqual(try expr("pad X 2 value=-1"), "pad{X, 2, value=-1}")
        // Not a builtin: no command call.
        XCTAssertThrowsError(try parse("mlp X"))
        // Inside a list or a call, a command call's arguments end at the comma.
        XCTAssertEqual(try expr("[conv \"c\" padding=2, relu]"), "[conv{\"c\", padding=2}, relu]")
        XCTAssertEqual(try expr("shape(gradprop net X T)"), "shape(gradprop{net, X, T})")
        // A name at the end of a line inside brackets is not called with the next line.
        XCTAssertEqual(try expr("[relu\n, flatten]"), "[relu, flatten]")
        XCTAssertThrowsError(try parse("[relu\n flatten]"))  // not relu{flatten}
    }

    func testAssignmentsIndexingAndMembers() throws {
        XCTAssertEqual(try expr("X, T = sample mnist 12 seed=1234"), "X, T = sample{mnist, 12, seed=1234}")
        XCTAssertEqual(try expr("R[:, 2:-2, 2:-2]"), "R[:, 2:-2, 2:-2]")
        XCTAssertEqual(try expr("Y[:, ::2]"), "Y[:, ::2]")
        XCTAssertEqual(try expr("X[0:3]"), "X[0:3]")
        XCTAssertEqual(try expr("mnist.labels[0]"), "mnist.labels[0]")
        XCTAssertEqual(try expr("a == b"), "(a == b)")
        XCTAssertEqual(try parse("a = 1; b = 2\nc").count, 3)
    }

    func testErrors() {
        func message(_ source: String) -> String? {
            do { _ = try parse(source); return nil } catch let error as ScriptError {
                return "\(error.location.line):\(error.location.column) \(error.message)"
            } catch { return "\(error)" }
        }
        XCTAssertEqual(message("x = 1 + * 2"), "1:9 expected an expression, found '*'")
        XCTAssertEqual(message("x = (1 + 2"), "1:5 '(' is never closed")
        XCTAssertEqual(message("x = [1, 2"), "1:5 '[' is never closed")
        XCTAssertEqual(message("x = f(1, 2"), "1:6 '(' is never closed")
        XCTAssertEqual(message("x = (1 + 2) )"), "1:13 unexpected ')' after the end of the statement")
        XCTAssertEqual(message("x ="), "1:4 expected an expression after '='")
        XCTAssertEqual(message("x[]"), "1:3 expected an index or a slice, found ']'")
        XCTAssertEqual(message("[1](1)"), "1:4 only builtin functions can be called")
        XCTAssertEqual(message("false = 1"), "1:1 cannot assign to 'false'")
    }

    /// Nesting and operator chains are bounded (parser and evaluator recurse on them), so a
    /// pathological line is an error, not a stack overflow; ordinary depths still parse.
    func testDepthIsBounded() throws {
        func nestedParens(_ n: Int) -> String { "x = " + String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n) }
        XCTAssertNoThrow(try parse(nestedParens(120)))
        XCTAssertNoThrow(try parse("x = 1" + String(repeating: "+1", count: 120)))
        for source in [nestedParens(100_000), "x = 1" + String(repeating: "+1", count: 100_000),
                       "x = " + String(repeating: "-", count: 100_000) + "1",
                       "x = " + String(repeating: "[", count: 100_000), "x = 2" + String(repeating: "^2", count: 100_000)] {
            XCTAssertThrowsError(try parse(source)) { error in
                XCTAssertTrue((error as? ScriptError)?.message.contains("nested too deeply") == true, "\(error)")
            }
        }
        let deep = "x = 1" + String(repeating: "+1", count: 120) + "\nprint x"
        let host = RecordingHost()
        try Session(host: host).run(deep, file: "deep.lrps")
        XCTAssertEqual(host.output, "121\n")
    }

    func testNeedsMoreInput() {
        let session = Session(host: RecordingHost())
        XCTAssertTrue(session.needsMoreInput("x = (1 +"))
        XCTAssertTrue(session.needsMoreInput("x = [1,"))
        XCTAssertTrue(session.needsMoreInput("x = 1 +"))
        XCTAssertTrue(session.needsMoreInput("x = 1 \\"))
        XCTAssertTrue(session.needsMoreInput("print \"abc"))
        XCTAssertFalse(session.needsMoreInput("x = 1"))
        XCTAssertFalse(session.needsMoreInput("x = 1 )"))
        XCTAssertFalse(session.needsMoreInput("x = $"))
    }

    func testCompletions() throws {
        let session = Session(host: RecordingHost())
        try session.run("relevance = 1", file: "t")
        XCTAssertEqual(session.completions(forLine: "relp"), ["relprop"])
        XCTAssertEqual(session.completions(forLine: "print rele"), ["relevance"])
        XCTAssertTrue(session.completions(forLine: "R = relprop mlp Y*T ru").contains("rules="))
        XCTAssertTrue(session.completions(forLine: "x = sum(y, ax").contains("axis="))
        XCTAssertEqual(session.variableNames, ["relevance"])
        XCTAssertTrue(Session.builtinNames.contains("deeptaylor"))
    }

    func testPathCompletionInsideString() throws {
        let dir = NSTemporaryDirectory() + "lrps-completion-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/models/mlp", withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/mnist.npy", contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = Session(host: RecordingHost(), workingDirectory: dir)
        XCTAssertEqual(session.completions(forLine: "x = load \"mo"), ["models/"])
        XCTAssertEqual(session.completions(forLine: "x = load \"models/m"), ["models/mlp/"])
        XCTAssertEqual(session.completions(forLine: "x = load \"mn"), ["mnist.npy"])
    }
}
