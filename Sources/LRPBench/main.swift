// LRPBench: times the issue-4 rows (tutorial nets over all 10,000 MNIST test digits) with LRPKit.
//
//     LRPBench ROW [--runs N] [--batch B] [--count N] [--data DIR] [--dump FILE] [--compare FILE]
//
// ROW: mlp-deeptaylor, cnn-deeptaylor, cnn-forward, mlp-forward, cnn-alphabeta; cnn-layers prints
// a per-layer CPU profile instead; `info` prints the BLAS library, kernels and threads; `peak
// [--threads T]` times a large cblas_sgemm on T threads (the machine's attainable GFLOP/s).
// --count N uses the first N digits (for callgrind runs).
// Prints one line `ROW median_s min_s cpu_median_s maxrss_MB GFLOP [check]`, where GFLOP is the
// arithmetic of the row's matrix products (see `productFLOPs`). Loading (weights, MNIST) is not
// timed. `--dump` writes the row's result as raw little-endian Float32; `--compare` reads such a
// file and reports max|a-b| / max|b| (the 1e-5 check against the unoptimised path).
import CBLAS
import Foundation
import Glibc
import LRPKit

BLASKernel.prepare()  // before any thread: may re-run OpenBLAS's kernel choice

struct Options {
    var row = ""
    var runs = 5
    var batch = 64
    var data = "../shared/data"  // the shared folder beside the checkout; run.sh passes the repository copies
    var dump: String?
    var compare: String?
    var count = 10_000
    var threads = 2
}

func parseOptions() -> Options {
    var options = Options()
    var args = CommandLine.arguments.dropFirst()
    while let arg = args.popFirst() {
        switch arg {
        case "--runs": options.runs = Int(args.popFirst() ?? "") ?? 5
        case "--batch": options.batch = Int(args.popFirst() ?? "") ?? 250
        case "--data": options.data = args.popFirst() ?? options.data
        case "--dump": options.dump = args.popFirst()
        case "--compare": options.compare = args.popFirst()
        case "--threads": options.threads = max(1, Int(args.popFirst() ?? "") ?? 2)
        case "--count": options.count = min(10_000, max(1, Int(args.popFirst() ?? "") ?? 10_000))
        default: options.row = arg
        }
    }
    return options
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
    exit(2)
}

/// Whitespace-separated decimal text as written by numpy.savetxt (benchmark-only parser).
func loadText(_ path: String, shape: [Int]) throws -> Tensor {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var values: [Float] = []
    values.reserveCapacity(shape.reduce(1, *))
    for token in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
        guard let v = Float(token) else { fail("bad number \(token) in \(path)") }
        values.append(v)
    }
    return try Tensor(shape: shape, scalars: values)
}

/// MNIST test images scaled to [-1, 1] (N x 28 x 28 x 1) and one-hot labels (N x 10).
func loadMNIST(_ dir: String) throws -> (Tensor, Tensor) {
    let images = try FileData.read(dir + "/mnist/t10k-images-idx3-ubyte.gz")
    let labels = try FileData.read(dir + "/mnist/t10k-labels-idx1-ubyte.gz")
    let n = 10_000
    guard images.count == 16 + n * 784, labels.count == 8 + n else { fail("unexpected MNIST sizes") }
    let x = images[16...].map { Float($0) / 255 * 2 - 1 }
    let t = try Tensor.oneHot(labels[8...].map { Int($0) }, classes: 10)
    return (try Tensor(shape: [n, 28, 28, 1], scalars: x), t)
}

func mlp(_ dir: String) throws -> Network {
    let d = dir + "/tutorial/mlp/"
    return Network([
        try Linear(weight: loadText(d + "l1-W.txt", shape: [784, 300]), bias: loadText(d + "l1-B.txt", shape: [300])), ReLU(),
        try Linear(weight: loadText(d + "l2-W.txt", shape: [300, 100]), bias: loadText(d + "l2-B.txt", shape: [100])), ReLU(),
        try Linear(weight: loadText(d + "l3-W.txt", shape: [100, 10]), bias: loadText(d + "l3-B.txt", shape: [10])), ReLU(),
    ])
}

func cnn(_ dir: String) throws -> Network {
    let d = dir + "/tutorial/cnn/"
    func conv(_ name: String, _ shape: [Int]) throws -> Convolution {
        try Convolution(weight: loadText(d + name + "-W.txt", shape: shape), bias: loadText(d + name + "-B.txt", shape: [shape[3]]))
    }
    let pool = try SumPooling(size: 2, stride: 2, scale: 0.5)
    return Network([
        try conv("c1-5x5x1x10", [5, 5, 1, 10]), ReLU(), pool,
        try conv("c2-5x5x10x25", [5, 5, 10, 25]), ReLU(), pool,
        try conv("c3-4x4x25x100", [4, 4, 25, 100]), ReLU(), pool,
        try conv("c4-1x1x100x10", [1, 1, 100, 10]), ReLU(),
    ])
}

func seconds(_ clock: clockid_t = CLOCK_MONOTONIC, _ body: () throws -> Void) rethrows -> Double {
    var start = timespec(), end = timespec()
    clock_gettime(clock, &start)
    try body()
    clock_gettime(clock, &end)
    return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) * 1e-9
}

/// User + system CPU seconds of the whole process so far (all threads).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

func maxResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
}

/// FLOPs (2 per multiply-add) of one product of each weighted layer over `samples` samples, from
/// the layer shapes: 2 x output positions x patch size x output channels.
func layerFLOPs(_ net: Network, sampleShape: [Int], samples: Int) throws -> [Double] {
    var x = try Tensor(shape: [1] + sampleShape, scalars: [Float](repeating: 0, count: sampleShape.reduce(1, *)))
    var flops: [Double] = []
    for layer in net.layers {
        let y = try layer.forward(x)
        if let conv = layer as? Convolution {
            let positions = y.count / conv.outputChannels
            flops.append(2 * Double(samples * positions * conv.kernelHeight * conv.kernelWidth * conv.inputChannels * conv.outputChannels))
        } else if let linear = layer as? Linear {
            flops.append(2 * Double(samples * linear.inputCount * linear.outputCount))
        }
        x = y
    }
    return flops
}

/// The arithmetic of a row's matrix products, as LRPKit computes them: the forward pass is one
/// product per weighted layer (F); z^B on the first layer adds 2 F (two transposed products: the
/// data term's forward is the network's own output, the bound terms share one product), z+ 2 F
/// (a forward with max(0, W) and its transpose), alpha-beta 4 F (both signs). Element-wise work
/// (ReLU, pooling, stabilise-and-divide, im2col) is not counted.
func productFLOPs(_ row: String, _ perLayer: [Double]) -> Double {
    let forward = perLayer.reduce(0, +)
    if row.hasSuffix("forward") { return forward }
    let rest = row.hasSuffix("alphabeta") ? 4.0 : 2.0
    return forward + 2 * perLayer[0] + rest * perLayer.dropFirst().reduce(0, +)
}

/// Median GFLOP/s of a large square single-precision product on `threads` BLAS threads.
func peakGFLOPs(threads: Int, size n: Int = 3072, runs: Int) -> (Double, Double) {
    let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    openblas_set_num_threads(Int32(threads))
    var times: [Double] = []
    for _ in 0...max(1, runs) {  // the first run warms up (pages, thread pool)
        times.append(seconds {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                        a, Int32(n), b, Int32(n), 0, &c, Int32(n))
        })
    }
    openblas_set_num_threads(1)
    times = Array(times.dropFirst()).sorted()
    let flops = 2 * Double(n) * Double(n) * Double(n)
    return (flops / times[times.count / 2] / 1e9, flops / times[0] / 1e9)
}

let options = parseOptions()
if options.row == "info" {
    print((BLASKernel.report + [ConvolutionKernel.report]).joined(separator: "\n"))
    exit(0)
}
if options.row == "peak" {
    let (median, best) = peakGFLOPs(threads: options.threads, runs: options.runs)
    print(String(format: "peak %.1f %.1f", median, best))
    exit(0)
}
do {
    let n = options.count
    let (allImages, allTargets) = try loadMNIST(options.data)
    let (images, targets) = n == 10_000 ? (allImages, allTargets) : (try allImages.samples(0..<n), try allTargets.samples(0..<n))
    let work: () throws -> Tensor
    var flops = 0.0
    switch options.row {
    case "mlp-deeptaylor":
        let net = try mlp(options.data)
        let x = try images.reshaped([n, 784])
        work = { try net.explain(x, targets: targets, rules: .deepTaylor, batchSize: options.batch) }
        flops = productFLOPs(options.row, try layerFLOPs(net, sampleShape: [784], samples: n))
    case "mlp-forward":
        let net = try mlp(options.data)
        let x = try images.reshaped([n, 784])
        work = { try net.forward(x, batchSize: options.batch) }
        flops = productFLOPs(options.row, try layerFLOPs(net, sampleShape: [784], samples: n))
    case "cnn-deeptaylor", "cnn-alphabeta", "cnn-forward":
        let net = try cnn(options.data)
        let x = try images.paddedSpatially(2, value: -1)
        let t = try targets.reshaped([n, 1, 1, 10])
        let rules: RuleSet = options.row == "cnn-alphabeta" ? .alphaBeta() : .deepTaylor
        flops = productFLOPs(options.row, try layerFLOPs(net, sampleShape: [32, 32, 1], samples: n))
        if options.row == "cnn-forward" {
            work = { try net.forward(x, batchSize: options.batch) }
        } else {
            work = { try net.explain(x, targets: t, rules: rules, batchSize: options.batch) }
        }
    case "cnn-layers":
        // Per-layer profile, one thread: forward and deep Taylor relprop of each layer over all
        // digits, in this thread's CPU seconds (insensitive to other processes; run with
        // OPENBLAS_NUM_THREADS=1 so BLAS stays on this thread).
        let net = try cnn(options.data)
        let x = try images.paddedSpatially(2, value: -1)
        let rules = try RuleSet.deepTaylor.rules(for: net)
        var forward = [Double](repeating: 0, count: net.layers.count)
        var backward = forward
        for first in stride(from: 0, to: n, by: options.batch) {
            var acts = [try x.samples(first..<min(first + options.batch, n))]
            for (i, layer) in net.layers.enumerated() {
                forward[i] += try seconds(CLOCK_THREAD_CPUTIME_ID) { acts.append(try layer.forward(acts[i])) }
            }
            var r = acts.last!
            for i in net.layers.indices.reversed() {
                backward[i] += try seconds(CLOCK_THREAD_CPUTIME_ID) {
                    r = try net.layers[i].relprop(r, input: acts[i], output: acts[i + 1], rule: rules[i])  // as Network.relprop
                }
            }
        }
        for (i, layer) in net.layers.enumerated() {
            print(String(format: "%-40@ forward %.3f relprop %.3f", layer.description as NSString, forward[i], backward[i]))
        }
        print(String(format: "%-40@ forward %.3f relprop %.3f", "total" as NSString, forward.reduce(0, +), backward.reduce(0, +)))
        exit(0)
    default:
        fail("unknown row '\(options.row)'")
    }
    var times: [Double] = [], cpu: [Double] = []
    var result: Tensor?
    for _ in 0..<max(1, options.runs) {
        result = nil  // let the previous result go before the next run, as a streaming caller would
        let before = cpuSeconds()
        times.append(try seconds { result = try work() })
        cpu.append(cpuSeconds() - before)
    }
    times.sort()
    cpu.sort()
    // wall median, wall min, CPU median (all threads), peak RSS in MB, GFLOP of the products
    var line = options.row + String(format: " %.4f %.4f %.4f %.1f %.2f", times[times.count / 2], times[0], cpu[cpu.count / 2], maxResidentMB(), flops / 1e9)
    if let path = options.dump, let result {
        let data = result.scalars.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: URL(fileURLWithPath: path))
    }
    if let path = options.compare, let result {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let reference = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        guard reference.count == result.count else { fail("reference has \(reference.count) values, result \(result.count)") }
        var worst: Float = 0, scale: Float = 0
        for (a, b) in zip(result.scalars, reference) { worst = max(worst, abs(a - b)); scale = max(scale, abs(b)) }
        line += String(format: " relerr %.2e", Double(worst / max(scale, 1e-30)))
    }
    if options.row.hasSuffix("forward"), let result {
        let predicted = try result.reshaped([n, 10]).argmax(axis: 1).scalars
        let labels = try targets.argmax(axis: 1).scalars
        line += " errors \(zip(predicted, labels).filter { $0 != $1 }.count)"
    }
    print(line)
} catch {
    fail("\(error)")
}
