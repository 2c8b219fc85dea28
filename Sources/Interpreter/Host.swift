import LRPKit

/// What the interpreter needs from whoever runs it. The interpreter knows nothing of terminals:
/// `lrps` draws images in a terminal, a notebook writer embeds them, a test records them.
public protocol Host: AnyObject {
    /// Text output (`print`, value summaries). Each call is one or more whole lines, newline included.
    func write(_ text: String)
    /// The summary of a statement's value that was not assigned (`R` alone on a line), one or more
    /// whole lines. Hosts that tell results from printed text (a Jupyter kernel) override it.
    func result(_ text: String)
    /// An image from `show`; `caption` is a one-line description (what, shape, value range).
    func show(_ image: Image, caption: String)
    /// Progress of long work over a data set: `completed` of `total` items of `task` are done.
    /// Called from the interpreter's thread; a terminal draws a bar, others ignore it.
    func progress(_ task: String, completed: Int, total: Int)
    /// A picture `save` wrote to `path` (as the user wrote it); a notebook embeds it.
    func saved(_ image: Image, path: String, caption: String)
    /// `load` has read `path` (absolute; a file or a folder); a notebook lists checksums.
    func loading(_ path: String)
    /// A statement is about to run. Hosts that record a run (notebooks) group output by statement.
    func willRun(_ statement: StatementSource)
    /// The statement `willRun` announced has finished after `seconds`, with `error` if it failed.
    func didRun(_ statement: StatementSource, seconds: Double, error: ScriptError?)
}

extension Host {
    public func result(_ text: String) { write(text) }
    public func progress(_ task: String, completed: Int, total: Int) {}
    public func saved(_ image: Image, path: String, caption: String) {}
    public func loading(_ path: String) {}
    public func willRun(_ statement: StatementSource) {}
    public func didRun(_ statement: StatementSource, seconds: Double, error: ScriptError?) {}
}

/// Where a statement of a script comes from, for hosts that lay a run out as a document.
public struct StatementSource: Equatable, Sendable {
    public var file: String
    /// The first and last line (1-based) the statement spans.
    public var lines: ClosedRange<Int>
    /// The statement as written, from its first token to its end (a trailing comment included).
    public var text: String
    /// The lines between the previous statement of the same `run` (or the start of the source)
    /// and this one, as written: comment blocks and blank lines. Empty after a `;` on the same line.
    public var linesBefore: [String]
    /// The statement's place in its `Session.run` call, from 0.
    public var index: Int

    public init(file: String, lines: ClosedRange<Int>, text: String, linesBefore: [String], index: Int) {
        self.file = file
        self.lines = lines
        self.text = text
        self.linesBefore = linesBefore
        self.index = index
    }
}

/// A host that collects everything it is given; for tests and non-interactive embedding.
public final class RecordingHost: Host {
    public private(set) var output = ""
    public private(set) var images: [(image: Image, caption: String)] = []
    public init() {}
    public func write(_ text: String) { output += text }
    public func show(_ image: Image, caption: String) {
        images.append((image, caption))
        output += "[image] \(caption)\n"
    }
}
