import CBLAS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which BLAS LRPKit multiplies with, and making sure its kernels suit the CPU.
///
/// Debian 12's OpenBLAS 0.3.21 (DYNAMIC_ARCH) picks its kernels from the CPU's family and model
/// numbers, in a library constructor. A CPU newer than the library (e.g. Intel family 6 model 207,
/// an AVX-512 Xeon) gets the `Prescott` (SSE3) fallback, about half the speed of the `SkylakeX`
/// kernels the same library ships. OpenBLAS reads `OPENBLAS_CORETYPE` only in that constructor,
/// before any of our code runs, so instead of asking users to set it, LRPKit re-runs OpenBLAS's own
/// core selection once, before its first product (`prepare()`), when the detected kernels use fewer
/// vector features than the CPU has (read from /proc/cpuinfo's flags, which the kernel clears when
/// the OS does not save the wider registers): AVX-512 F/BW/DQ/VL/CD -> SkylakeX, AVX2 + FMA ->
/// Haswell, AVX -> SandyBridge. It uses OpenBLAS's exported `gotoblas_dynamic_quit/_init` (the
/// functions the constructor calls), looked up at run time so another BLAS simply skips this.
///
/// An explicitly set `OPENBLAS_CORETYPE` is always respected (the test matrix runs the suite under
/// Prescott, Haswell and SkylakeX that way). The choice applies to every program using LRPKit:
/// `lrps` and `LRPBench` call `prepare()` first thing; any other user gets it on its first product.
public enum BLASKernel {
    /// How the kernel in use came about.
    public enum Choice: Sendable, Equatable {
        /// The library's own detection already matches the CPU (or the CPU has no wider units).
        case detected
        /// `OPENBLAS_CORETYPE` was set by the user; left alone.
        case environment(String)
        /// The library's detection fell short of the CPU; LRPKit selected `to` instead of `from`.
        case upgraded(from: String, to: String)
        /// The BLAS is not a dynamic-architecture OpenBLAS; nothing to choose.
        case notApplicable
    }

    /// Chooses the kernels and makes BLAS single-threaded, stopping its idle thread pool (once;
    /// later calls return the first result). Call before starting threads that use BLAS, and early:
    /// the pool spins until then. `BLAS.gemm` also calls it.
    @discardableResult
    public static func prepare() -> Choice {
        _ = BLAS.singleThreaded
        return choice
    }

    static let choice: Choice = choose()

    private static func choose() -> Choice {
        if let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] {  // even empty: OpenBLAS read it
            return .environment(forced)
        }
        guard let quit = symbol("gotoblas_dynamic_quit"), let initialise = symbol("gotoblas_dynamic_init")
        else { return .notApplicable }
        let detected = corename
        guard let wanted = wantedCore(cpuFlags: cpuFlags()),
              level(ofCore: detected) < level(ofCore: wanted) else { return .detected }
        typealias Routine = @convention(c) () -> Void
        // OpenBLAS's constructor does exactly this with the variable set: quit resets the kernel
        // table, init reads OPENBLAS_CORETYPE and installs (and initialises) the named kernels.
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        unsafeBitCast(quit, to: Routine.self)()
        unsafeBitCast(initialise, to: Routine.self)()
        unsetenv("OPENBLAS_CORETYPE")  // child processes make their own choice
        let now = corename
        return now.lowercased() == detected.lowercased() ? .detected : .upgraded(from: detected, to: now)
    }

    /// The kernels' name as the library reports it (e.g. "Prescott", "SkylakeX"), or "-".
    public static var corename: String {
        guard let name = openblas_get_corename() else { return "-" }
        return String(cString: name)
    }

    /// The library's own description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64".
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "-" }
        return String(cString: text).trimmingCharacters(in: .whitespaces)
    }

    /// The shared library file the BLAS was loaded from (the mapped file named like "*blas*.so*").
    public static var libraryPath: String {
        guard let maps = procFile("self/maps") else { return "-" }
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            let file = path.split(separator: "/").last.map(String.init) ?? ""
            if file.lowercased().contains("blas"), file.contains(".so") { return path }
        }
        return "-"
    }

    /// Lines for `lrps --info` and the benchmark: library, kernels and how they were chosen, threads.
    public static var report: [String] {
        _ = BLAS.singleThreaded
        let how: String
        switch prepare() {
        case .detected: how = "detected by the library"
        case .environment(let name): how = "OPENBLAS_CORETYPE=\(name), set by the user"
        case .upgraded(let from, _): how = "chosen by LRPKit from the CPU's features (the library detected \(from))"
        case .notApplicable: how = "fixed by the library"
        }
        return [
            "BLAS: \(configuration) (\(libraryPath))",
            "BLAS kernels: \(corename), \(how)",
            "threads: \(Batching.threadCount) LRPKit workers over slices of a batch; BLAS \(openblas_get_num_threads()) per call",
            "CPU: \(cpuModel)",
        ]
    }

    /// The CPU's model name from /proc/cpuinfo.
    public static var cpuModel: String {
        cpuinfoField("model name") ?? "unknown"
    }

    // MARK: - Feature levels

    /// The best kernel set of OpenBLAS 0.3.x for these CPU flags, or nil below AVX.
    static func wantedCore(cpuFlags flags: Set<String>) -> String? {
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        if flags.contains("avx") { return "SandyBridge" }
        return nil
    }

    /// The widest vector features a kernel set uses: 4 AVX-512, 3 AVX2/FMA, 2 AVX, 1 SSE.
    static func level(ofCore name: String) -> Int {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return 4
        case "haswell", "zen", "excavator": return 3
        case "sandybridge", "bulldozer", "piledriver", "steamroller": return 2
        default: return 1
        }
    }

    static func cpuFlags() -> Set<String> {
        Set((cpuinfoField("flags") ?? "").split(separator: " ").map(String.init))
    }

    private static func cpuinfoField(_ key: String) -> String? {
        guard let text = procFile("cpuinfo") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// A /proc file, read to its end (they report size 0, and a single read may stop at a page).
    private static func procFile(_ name: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: "/proc/" + name) else { return nil }
        defer { try? handle.close() }
        return (try? handle.readToEnd()).flatMap { $0.flatMap { String(data: $0, encoding: .utf8) } }
    }

    /// Stops OpenBLAS's thread pool. The library's constructor starts it with one thread per extra
    /// core, and an idle pool thread spins in `sched_yield` for about 0.1 s (2^28 cycles) before it
    /// sleeps: a core taken from LRPKit's workers at every start (0.1 CPU s of the tutorial's 0.9,
    /// measured with perf). LRPKit calls BLAS single-threaded, so it never needs the pool; a later
    /// threaded call (LRPBench's peak GEMM) starts it again, as OpenBLAS does after a fork.
    static func stopThreadPool() {
        guard let shutdown = symbol("blas_thread_shutdown_") else { return }
        typealias Routine = @convention(c) () -> Int32
        _ = unsafeBitCast(shutdown, to: Routine.self)()
    }

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)  // RTLD_DEFAULT
    }
}
