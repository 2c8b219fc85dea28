extension Duration {
    /// The duration in seconds as a Double: the one conversion of clock readings (statement
    /// timings, notebook run times, progress bars).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
