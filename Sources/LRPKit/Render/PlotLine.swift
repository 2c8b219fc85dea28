import Foundation

/// A line chart: axes with ticks and labels, one line per series, a legend. Rendered to pixels
/// (`render`, for PNG and terminals) and to SVG (`svg`) from the same layout.
public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public init(name: String, x: [Double], y: [Double]) {
            self.name = name
            self.x = x
            self.y = y
        }
    }

    public var series: [Series]
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var width = 640
    public var height = 420

    public init(series: [Series], title: String = "", xLabel: String = "", yLabel: String = "") throws {
        guard !series.isEmpty else { throw LRPError.invalidArgument("plot: nothing to draw (no series)") }
        for s in series {
            guard s.x.count == s.y.count, !s.x.isEmpty else {
                throw LRPError.invalidArgument("plot: series '\(s.name)' has \(s.x.count) x values and \(s.y.count) y values; they must match and not be empty")
            }
            guard (s.x + s.y).allSatisfy(\.isFinite) else {
                throw LRPError.invalidArgument("plot: series '\(s.name)' has values that are not finite")
            }
        }
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// matplotlib's "tab10" colours, in order, repeating.
    public static let palette: [RGB] = [
        RGB(31, 119, 180), RGB(255, 127, 14), RGB(44, 160, 44), RGB(214, 39, 40), RGB(148, 103, 189),
        RGB(140, 86, 75), RGB(227, 119, 194), RGB(127, 127, 127), RGB(188, 189, 34), RGB(23, 190, 207),
    ]

    /// Where everything goes, shared by the PNG and SVG renderings.
    struct Layout {
        let left = 70, right = 20, top = 40, bottom = 50
        let xAxis: Axis, yAxis: Axis
        let plotWidth: Int, plotHeight: Int

        func px(_ x: Double) -> Double { Double(left) + (x - xAxis.low) / (xAxis.high - xAxis.low) * Double(plotWidth) }
        func py(_ y: Double) -> Double { Double(top) + (yAxis.high - y) / (yAxis.high - yAxis.low) * Double(plotHeight) }
    }

    /// An axis range widened to whole ticks of a 1-2-5 step.
    struct Axis {
        let low: Double, high: Double, ticks: [Double]

        init(_ values: [Double]) {
            var lo = values.min()!, hi = values.max()!
            if hi - lo < 1e-12 * Swift.max(1, Swift.abs(hi)) { lo -= 0.5; hi += 0.5 }
            let rough = (hi - lo) / 5
            let magnitude = pow(10, floor(log10(rough)))
            let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
            let first = floor(lo / step + 1e-9), last = ceil(hi / step - 1e-9)
            low = first * step
            high = last * step
            ticks = stride(from: first, through: last, by: 1).map { ($0 * step * 1e12).rounded() / 1e12 }
        }
    }

    var layout: Layout {
        let l0 = Layout(xAxis: Axis(series.flatMap(\.x)), yAxis: Axis(series.flatMap(\.y)), plotWidth: 0, plotHeight: 0)
        return Layout(xAxis: l0.xAxis, yAxis: l0.yAxis,
                      plotWidth: width - l0.left - l0.right, plotHeight: height - l0.top - l0.bottom)
    }

    static func label(_ v: Double) -> String { formatNumber(v, digits: 4) }

    /// The chart as RGB pixels.
    public func render() throws -> Image {
        let l = layout
        var canvas = try Canvas(width: width, height: height)
        let axisColor = RGB.black, grid = RGB(225, 225, 225)
        let (x0, y0, x1, y1) = (l.left, l.top, l.left + l.plotWidth, l.top + l.plotHeight)
        for t in l.xAxis.ticks {
            let x = Int(l.px(t).rounded())
            canvas.fill(x: x, y: y0, width: 1, height: l.plotHeight, with: grid)
            canvas.fill(x: x, y: y1, width: 1, height: 5, with: axisColor)
            let text = Self.label(t)
            canvas.draw(text, x: x - BitmapFont.width(of: text) / 2, y: y1 + 8, scale: 1, color: axisColor)
        }
        for t in l.yAxis.ticks {
            let y = Int(l.py(t).rounded())
            canvas.fill(x: x0, y: y, width: l.plotWidth, height: 1, with: grid)
            canvas.fill(x: x0 - 5, y: y, width: 5, height: 1, with: axisColor)
            let text = Self.label(t)
            canvas.draw(text, x: x0 - 8 - BitmapFont.width(of: text), y: y - BitmapFont.glyphHeight / 2, scale: 1, color: axisColor)
        }
        canvas.fill(x: x0, y: y0, width: 1, height: l.plotHeight + 1, with: axisColor)
        canvas.fill(x: x0, y: y1, width: l.plotWidth + 1, height: 1, with: axisColor)
        for (k, s) in series.enumerated() {
            let color = Self.palette[k % Self.palette.count]
            let points = zip(s.x, s.y).map { (l.px($0), l.py($1)) }
            if points.count == 1 { canvas.fill(x: Int(points[0].0) - 2, y: Int(points[0].1) - 2, width: 5, height: 5, with: color) }
            for (a, b) in zip(points, points.dropFirst()) { canvas.line(from: a, to: b, color: color) }
        }
        canvas.draw(title, x: (width - BitmapFont.width(of: title, scale: 2)) / 2, y: 10, scale: 2, color: axisColor)
        canvas.draw(xLabel, x: x0 + (l.plotWidth - BitmapFont.width(of: xLabel)) / 2, y: height - 18, scale: 1, color: axisColor)
        canvas.draw(yLabel, x: 8, y: y0 - 14, scale: 1, color: axisColor)
        // Legend: top right inside the plot, on white.
        let rowHeight = 14
        let legendWidth = (series.map { BitmapFont.width(of: $0.name) }.max() ?? 0) + 34
        let lx = x1 - legendWidth - 8, ly = y0 + 8
        canvas.fill(x: lx, y: ly, width: legendWidth, height: series.count * rowHeight + 8, with: axisColor)
        canvas.fill(x: lx + 1, y: ly + 1, width: legendWidth - 2, height: series.count * rowHeight + 6, with: .white)
        for (k, s) in series.enumerated() {
            let y = ly + 4 + k * rowHeight
            canvas.fill(x: lx + 6, y: y + 5, width: 18, height: 2, with: Self.palette[k % Self.palette.count])
            canvas.draw(s.name, x: lx + 28, y: y + 2, scale: 1, color: axisColor)
        }
        return try canvas.image()
    }

    /// The chart as a standalone SVG document.
    public func svg() -> String {
        let l = layout
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        func hex(_ c: RGB) -> String { String(format: "#%02x%02x%02x", c.red, c.green, c.blue) }
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let (x0, y0, x1, y1) = (l.left, l.top, l.left + l.plotWidth, l.top + l.plotHeight)
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>

            """
        for t in l.xAxis.ticks {
            let x = f(l.px(t))
            out += "<line x1=\"\(x)\" y1=\"\(y0)\" x2=\"\(x)\" y2=\"\(y1)\" stroke=\"#e1e1e1\"/>"
            out += "<line x1=\"\(x)\" y1=\"\(y1)\" x2=\"\(x)\" y2=\"\(y1 + 5)\" stroke=\"black\"/>"
            out += "<text x=\"\(x)\" y=\"\(y1 + 18)\" text-anchor=\"middle\">\(esc(Self.label(t)))</text>\n"
        }
        for t in l.yAxis.ticks {
            let y = f(l.py(t))
            out += "<line x1=\"\(x0)\" y1=\"\(y)\" x2=\"\(x1)\" y2=\"\(y)\" stroke=\"#e1e1e1\"/>"
            out += "<line x1=\"\(x0 - 5)\" y1=\"\(y)\" x2=\"\(x0)\" y2=\"\(y)\" stroke=\"black\"/>"
            out += "<text x=\"\(x0 - 8)\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(esc(Self.label(t)))</text>\n"
        }
        out += "<polyline points=\"\(x0),\(y0) \(x0),\(y1) \(x1),\(y1)\" fill=\"none\" stroke=\"black\"/>\n"
        for (k, s) in series.enumerated() {
            let points = zip(s.x, s.y).map { "\(f(l.px($0))),\(f(l.py($1)))" }.joined(separator: " ")
            out += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(hex(Self.palette[k % Self.palette.count]))\" stroke-width=\"2\"><title>\(esc(s.name))</title></polyline>\n"
        }
        out += "<text x=\"\(width / 2)\" y=\"26\" text-anchor=\"middle\" font-size=\"16\">\(esc(title))</text>\n"
        out += "<text x=\"\(x0 + l.plotWidth / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        out += "<text x=\"8\" y=\"\(y0 - 8)\">\(esc(yLabel))</text>\n"
        let legendWidth = (series.map { BitmapFont.width(of: $0.name) }.max() ?? 0) + 34
        let lx = x1 - legendWidth - 8, ly = y0 + 8
        out += "<rect x=\"\(lx)\" y=\"\(ly)\" width=\"\(legendWidth)\" height=\"\(series.count * 14 + 8)\" fill=\"white\" stroke=\"black\"/>\n"
        for (k, s) in series.enumerated() {
            let y = ly + 4 + k * 14
            out += "<line x1=\"\(lx + 6)\" y1=\"\(y + 6)\" x2=\"\(lx + 24)\" y2=\"\(y + 6)\" stroke=\"\(hex(Self.palette[k % Self.palette.count]))\" stroke-width=\"2\"/>"
            out += "<text x=\"\(lx + 28)\" y=\"\(y + 10)\">\(esc(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }
}

extension Canvas {
    /// A 2-pixel-wide straight line between two points (Bresenham, stamping 2 x 2 blocks).
    mutating func line(from a: (Double, Double), to b: (Double, Double), color: RGB) {
        var x = Int(a.0.rounded()), y = Int(a.1.rounded())
        let xEnd = Int(b.0.rounded()), yEnd = Int(b.1.rounded())
        let dx = abs(xEnd - x), dy = -abs(yEnd - y)
        let sx = x < xEnd ? 1 : -1, sy = y < yEnd ? 1 : -1
        var error = dx + dy
        while true {
            fill(x: x, y: y, width: 2, height: 2, with: color)
            if x == xEnd && y == yEnd { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }
}
