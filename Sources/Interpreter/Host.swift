import LRPKit

/// What the interpreter needs from whoever runs it. The interpreter knows nothing of terminals:
/// `lrps` draws images in a terminal, a notebook writer embeds them, a test records them.
public protocol Host: AnyObject {
    /// Text output (`print`, value summaries). Each call is one or more whole lines, newline included.
    func write(_ text: String)
    /// An image from `show`; `caption` is a one-line description (what, shape, value range).
    func show(_ image: Image, caption: String)
    /// Progress of long work over a data set: `completed` of `total` items of `task` are done.
    /// Called from the interpreter's thread; a terminal draws a bar, others ignore it.
    func progress(_ task: String, completed: Int, total: Int)
    /// A picture `save` wrote to `path` (as the user wrote it); a notebook embeds it.
    func saved(_ image: Image, path: String, caption: String)
}

extension Host {
    public func progress(_ task: String, completed: Int, total: Int) {}
    public func saved(_ image: Image, path: String, caption: String) {}
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
