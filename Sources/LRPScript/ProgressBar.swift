import Foundation

/// The text of a progress bar for work over a data set, one terminal line:
/// `explaining  ███████░░░░░░░  4000/10000  1830/s  3 s left`.
enum ProgressBar {
    static func line(task: String, completed: Int, total: Int, elapsed: Double, columns: Int) -> String {
        let fraction = total > 0 ? min(1, Double(completed) / Double(total)) : 1
        let count = "\(completed)/\(total)"
        var tail = "  \(count)"
        if completed > 0, elapsed > 0 {
            let rate = Double(completed) / elapsed
            tail += "  \(formatRate(rate))/s"
            if completed < total { tail += "  \(formatRemaining(Double(total - completed) / rate)) left" }
        }
        let head = task + "  "
        // Leave the last column free: writing into it makes some terminals wrap.
        let barWidth = min(30, columns - 1 - head.count - tail.count)
        guard barWidth >= 5 else { return String((task + tail).prefix(max(1, columns - 1))) }
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        return head + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + tail
    }

    private static func formatRate(_ rate: Double) -> String {
        rate >= 100 ? String(Int(rate.rounded())) : String(format: "%.1f", rate)
    }

    /// `7 s`, `2 min 05 s`, `1 h 03 min`.
    static func formatRemaining(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, whole % 3600 / 60)
    }
}
