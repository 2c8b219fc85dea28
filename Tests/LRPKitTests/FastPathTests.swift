import XCTest
@testable import LRPKit

/// The optimised layers and rule engine against naive references written here: direct loops for
/// the convolution and pooling, and each rule's plain formula over full-size tensors (no
/// one-sample constants, no fused backward runs), within 1e-5 relative.
final class FastPathTests: XCTestCase {
    /// Convolution shapes that exercise every code path: one input channel (planar columns), several
    /// channels (kernel-row columns), 1x1 (no columns), stride 2, padding with 0 and with -1.
    static let convolutions: [(kernel: Int, input: Int, output: Int, stride: Int, padding: Int, padValue: Float)] = [
        (5, 1, 4, 1, 0, 0), (3, 1, 3, 2, 1, -1), (4, 1, 2, 3, 2, 0.5),
        (3, 3, 4, 1, 0, 0), (3, 2, 5, 2, 1, -1), (2, 4, 3, 2, 0, 0),
        (1, 6, 4, 1, 0, 0), (1, 3, 2, 2, 1, -1),
    ]

    func testConvolutionMatchesDirectLoops() throws {
        for (index, spec) in Self.convolutions.enumerated() {
            let layer = try Self.convolution(spec, seed: UInt64(index))
            let x = LayerTests.random([3, 9, 8, spec.input], seed: 100 + UInt64(index))
            let y = try layer.forward(x)
            assertClose(y, Self.naiveConvolution(x, layer, weight: layer.weight, bias: layer.bias), "forward \(spec)")
            let g = LayerTests.random(y.shape, seed: 200 + UInt64(index))
            assertClose(try layer.gradprop(g, input: x), Self.naiveTransposed(g, layer, weight: layer.weight, inputShape: x.shape),
                        "gradprop \(spec)")
        }
    }

    func testEveryRuleMatchesItsPlainFormulaOnConvolutions() throws {
        for (index, spec) in Self.convolutions.enumerated() {
            let layer = try Self.convolution(spec, seed: 10 + UInt64(index))
            for rule in Self.rules {
                let x = LayerTests.random([3, 7, 9, spec.input], seed: 300 + UInt64(index), in: Self.domain(of: rule))
                let forward = { (input: Tensor, weight: Tensor, bias: Tensor?) in Self.naiveConvolution(input, layer, weight: weight, bias: bias) }
                let backward = { (s: Tensor, weight: Tensor) in Self.naiveTransposed(s, layer, weight: weight, inputShape: x.shape) }
                let (r, expected) = try Self.plainRule(rule, layer: layer, input: x, seed: 400 + UInt64(index), forward: forward, backward: backward)
                assertClose(try layer.relprop(r, input: x, rule: rule), expected, within: Self.tolerance(of: rule), "\(rule) on \(spec)")
            }
        }
    }

    /// zennit's signed alpha-beta divides by four partial sums (positive and negative weights times
    /// positive and negative inputs), some of them small, and subtracts the beta part: the last
    /// float32 digits of the BLAS kernel's summation order grow to about 1.2e-5 of the largest
    /// value under OpenBLAS's Prescott kernel (1e-5 passes under Haswell and SkylakeX).
    static func tolerance(of rule: Rule) -> Float {
        if case .alphaBetaSigned = rule { return 5e-5 }
        return 1e-5
    }

    func testEveryRuleMatchesItsPlainFormulaOnLinear() throws {
        let layer = try Linear(weight: LayerTests.random([12, 5], seed: 31), bias: LayerTests.random([5], seed: 32))
        for rule in Self.rules {
            let x = LayerTests.random([4, 12], seed: 33, in: Self.domain(of: rule))
            let (r, expected) = try Self.plainRule(rule, layer: layer, input: x, seed: 34,
                                                   forward: Self.naiveLinear, backward: { Self.naiveLinearTransposed($0, $1, inputShape: x.shape) })
            assertClose(try layer.relprop(r, input: x, rule: rule), expected, "\(rule) on linear")
        }
    }

    func testSumPoolingMatchesDirectLoops() throws {
        for (size, stride) in [(2, 2), (3, 2), (2, 1), (3, 3)] {
            let layer = try SumPooling(size: size, stride: stride, scale: 0.7)
            let x = LayerTests.random([2, 8, 7, 3], seed: UInt64(size * 10 + stride), in: 0...1)
            let (oh, ow) = ((8 - size) / stride + 1, (7 - size) / stride + 1)
            var expected = [Float](repeating: 0, count: 2 * oh * ow * 3)
            let g = LayerTests.random([2, oh, ow, 3], seed: 77)
            var expectedGrad = [Float](repeating: 0, count: x.count)
            for n in 0..<2 { for oy in 0..<oh { for ox in 0..<ow { for c in 0..<3 {
                let o = ((n * oh + oy) * ow + ox) * 3 + c
                for ky in 0..<size { for kx in 0..<size {
                    let i = ((n * 8 + oy * stride + ky) * 7 + ox * stride + kx) * 3 + c
                    expected[o] += x.scalars[i]
                    expectedGrad[i] += 0.7 * g.scalars[o]
                } }
                expected[o] *= 0.7
            } } } }
            assertClose(try layer.forward(x), try Tensor(shape: [2, oh, ow, 3], scalars: expected), "pool \(size)/\(stride)")
            assertClose(try layer.gradprop(g, input: x), try Tensor(shape: x.shape, scalars: expectedGrad), "pool grad \(size)/\(stride)")
        }
    }

    func testDeepTaylorOfAStridedPaddedNetworkMatchesLayerByLayerFormulas() throws {
        // A whole net through the fast path, against the per-layer plain formulas chained by hand.
        let c1 = try Self.convolution((3, 1, 4, 2, 1, -1), seed: 50)
        let c2 = try Self.convolution((2, 4, 3, 1, 0, 0), seed: 51)
        let pool = try SumPooling(size: 2, stride: 2, scale: 0.5)
        let net = Network([c1, ReLU(), c2, ReLU(), pool, Flatten(),
                           try Linear(weight: LayerTests.random([12, 3], seed: 52), bias: LayerTests.random([3], seed: 53)), ReLU()])
        let x = LayerTests.random([5, 11, 11, 1], seed: 54)
        let targets = try Tensor.oneHot([0, 1, 2, 0, 1], classes: 3)
        let acts = try net.activations(x)
        let fast = try net.explain(x, targets: targets, rules: .deepTaylor, batchSize: 2)
        var r = try acts.last! * targets
        for index in net.layers.indices.reversed() {
            let layer = net.layers[index], input = acts[index]
            let rule: Rule = index == 0 ? .zB(low: -1, high: 1) : .zPlus
            switch layer {
            case let conv as Convolution:
                r = try Self.plainRule(rule, layer: conv, input: input, relevance: r,
                                       forward: { Self.naiveConvolution($0, conv, weight: $1, bias: $2) },
                                       backward: { Self.naiveTransposed($0, conv, weight: $1, inputShape: input.shape) })
            case let linear as Linear:
                r = try Self.plainRule(rule, layer: linear, input: input, relevance: r, forward: Self.naiveLinear,
                                       backward: { Self.naiveLinearTransposed($0, $1, inputShape: input.shape) })
            case let pool as SumPooling:
                r = try Self.plainRule(rule, layer: pool, input: input, relevance: r,
                                       forward: { try! pool.apply($0, weight: $1, bias: $2) },
                                       backward: { try! pool.applyTransposed($0, weight: $1, inputShape: input.shape) })
            default:
                r = try r.reshaped(input.shape)
            }
        }
        XCTAssertGreaterThan(r.maximumMagnitude(), 0)
        assertClose(fast, r)
    }

    func testRulesGivenTheLayersForwardOutputMatchTheirPlainFormula() throws {
        // A Network hands each linear map its forward output; terms with the layer's own weights
        // reuse it (minus the bias where the rule has none). Convolutions and Linear with biases,
        // pooling with a positive scale (z+ keeps its weight) and a negative one (z+ zeroes it).
        for (index, spec) in Self.convolutions.enumerated() {
            let layer = try Self.convolution(spec, seed: 60 + UInt64(index))
            for rule in Self.rules {
                let x = LayerTests.random([3, 7, 9, spec.input], seed: 500 + UInt64(index), in: Self.domain(of: rule))
                let (r, expected) = try Self.plainRule(rule, layer: layer, input: x, seed: 600 + UInt64(index),
                    forward: { Self.naiveConvolution($0, layer, weight: $1, bias: $2) },
                    backward: { Self.naiveTransposed($0, layer, weight: $1, inputShape: x.shape) })
                assertClose(try layer.relprop(r, input: x, output: layer.forward(x), rule: rule), expected, "\(rule) on \(spec) given the output")
            }
        }
        let linear = try Linear(weight: LayerTests.random([12, 5], seed: 61), bias: LayerTests.random([5], seed: 62))
        for rule in Self.rules {
            let x = LayerTests.random([4, 12], seed: 63, in: Self.domain(of: rule))
            let (r, expected) = try Self.plainRule(rule, layer: linear, input: x, seed: 64,
                forward: Self.naiveLinear, backward: { Self.naiveLinearTransposed($0, $1, inputShape: x.shape) })
            assertClose(try linear.relprop(r, input: x, output: linear.forward(x), rule: rule), expected, "\(rule) on linear given the output")
        }
        for scale: Float in [0.5, -0.5] {
            let pool = try SumPooling(size: 2, stride: 2, scale: scale)
            for rule: Rule in [.zPlus, .lrp0, .epsilon(0.1), .alphaBeta(alpha: 2, beta: 1)] {
                let x = LayerTests.random([2, 6, 6, 3], seed: 65, in: 0.1...1)
                let (r, expected) = try Self.plainRule(rule, layer: pool, input: x, seed: 66,
                    forward: { try! pool.apply($0, weight: $1, bias: $2) },
                    backward: { try! pool.applyTransposed($0, weight: $1, inputShape: x.shape) })
                assertClose(try pool.relprop(r, input: x, output: pool.forward(x), rule: rule), expected, "\(rule) on pool \(scale) given the output")
            }
        }
    }

    func testFusedForwardMatchesTheActivations() throws {
        // Network.forward fuses a ReLU into the Convolution or Linear before it and rectifies in
        // place elsewhere; activations() runs every layer on its own.
        let net = Network([ReLU(), try Self.convolution((3, 1, 4, 1, 1, -1), seed: 70), ReLU(),
                           try SumPooling(size: 2, stride: 2, scale: 0.5), ReLU(),
                           try Self.convolution((2, 4, 3, 1, 0, 0), seed: 71), Flatten(),
                           try Linear(weight: LayerTests.random([12, 6], seed: 72), bias: LayerTests.random([6], seed: 73)), ReLU(),
                           try Linear(weight: LayerTests.random([6, 3], seed: 74), bias: LayerTests.random([3], seed: 75)), ReLU()])
        let x = LayerTests.random([5, 6, 6, 1], seed: 76)
        let expected = try net.activations(x).last!
        XCTAssertGreaterThan(expected.maximumMagnitude(), 0)
        XCTAssertEqual(try net.forward(x).shape, expected.shape)
        assertClose(try net.forward(x), expected, within: 1e-6)
        assertClose(try net.forward(x, batchSize: 2), expected, within: 1e-6)
        // The caller's input is not rectified in place.
        XCTAssertEqual(x, LayerTests.random([5, 6, 6, 1], seed: 76))
    }

    // MARK: - References

    /// Inputs each rule is meant for: z+ and alpha-beta see non-negative activations.
    static func domain(of rule: Rule) -> ClosedRange<Float> {
        switch rule {
        case .zPlus, .alphaBeta: return 0...1
        default: return -1...1
        }
    }

    static func naiveLinear(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?) -> Tensor {
        let (n, i, o) = (x.shape[0], weight.shape[0], weight.shape[1])
        var out = [Float](repeating: 0, count: n * o)
        for b in 0..<n { for k in 0..<o {
            var sum = bias?.scalars[k] ?? 0
            for j in 0..<i { sum += x.scalars[b * i + j] * weight.scalars[j * o + k] }
            out[b * o + k] = sum
        } }
        return try! Tensor(shape: [n, o], scalars: out)
    }

    static func naiveLinearTransposed(_ s: Tensor, _ weight: Tensor, inputShape: [Int]) -> Tensor {
        let (n, i, o) = (inputShape[0], weight.shape[0], weight.shape[1])
        var out = [Float](repeating: 0, count: n * i)
        for b in 0..<n { for j in 0..<i { for k in 0..<o { out[b * i + j] += s.scalars[b * o + k] * weight.scalars[j * o + k] } } }
        return try! Tensor(shape: inputShape, scalars: out)
    }

    static let rules: [Rule] = [.lrp0, .epsilon(0.1), .gamma(0.25), .gammaSigned(0.25), .zPlus, .zPlusSigned, .zB(low: -1, high: 1),
                                .alphaBeta(alpha: 2, beta: 1), .alphaBetaSigned(alpha: 2, beta: 1), .wSquare, .flat]

    static func convolution(_ spec: (kernel: Int, input: Int, output: Int, stride: Int, padding: Int, padValue: Float), seed: UInt64) throws -> Convolution {
        try Convolution(weight: LayerTests.random([spec.kernel, spec.kernel, spec.input, spec.output], seed: seed),
                        bias: LayerTests.random([spec.output], seed: seed + 1000),
                        stride: spec.stride, padding: spec.padding, padValue: spec.padValue)
    }

    /// The value of the padded input at (n, y, x, c), y and x in padded coordinates.
    static func paddedValue(_ x: Tensor, _ n: Int, _ y: Int, _ xx: Int, _ c: Int, _ layer: Convolution) -> Float {
        let (h, w, ch) = (x.shape[1], x.shape[2], x.shape[3])
        let (iy, ix) = (y - layer.padding, xx - layer.padding)
        guard iy >= 0, iy < h, ix >= 0, ix < w else { return layer.padValue }
        return x.scalars[((n * h + iy) * w + ix) * ch + c]
    }

    static func naiveConvolution(_ x: Tensor, _ layer: Convolution, weight: Tensor, bias: Tensor?) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (k, o, s, p) = (layer.kernelHeight, layer.outputChannels, layer.stride, layer.padding)
        let (oh, ow) = ((h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1)
        var out = [Float](repeating: 0, count: n * oh * ow * o)
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for oc in 0..<o {
            var sum = bias?.scalars[oc] ?? 0
            for ky in 0..<k { for kx in 0..<k { for ic in 0..<c {
                sum += paddedValue(x, b, oy * s + ky, ox * s + kx, ic, layer) * weight.scalars[((ky * k + kx) * c + ic) * o + oc]
            } } }
            out[((b * oh + oy) * ow + ox) * o + oc] = sum
        } } } }
        return try! Tensor(shape: [n, oh, ow, o], scalars: out)
    }

    static func naiveTransposed(_ g: Tensor, _ layer: Convolution, weight: Tensor, inputShape: [Int]) -> Tensor {
        let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (k, o, s, p) = (layer.kernelHeight, layer.outputChannels, layer.stride, layer.padding)
        let (oh, ow) = (g.shape[1], g.shape[2])
        var out = [Float](repeating: 0, count: n * h * w * c)
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for oc in 0..<o {
            let gv = g.scalars[((b * oh + oy) * ow + ox) * o + oc]
            for ky in 0..<k { for kx in 0..<k { for ic in 0..<c {
                let (iy, ix) = (oy * s + ky - p, ox * s + kx - p)
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                out[((b * h + iy) * w + ix) * c + ic] += gv * weight.scalars[((ky * k + kx) * c + ic) * o + oc]
            } } }
        } } } }
        return try! Tensor(shape: inputShape, scalars: out)
    }

    /// A relevance `R = u * Z * |Z| / (|Z| + 0.1)` (u uniform in [0, 1], Z the rule's first
    /// denominator) keeps `R / Z` and its sensitivity to Z bounded, so rounding differences in Z
    /// between the two paths (summation order) are not amplified where Z is near 0; returns R and
    /// the plain formula's input relevance.
    static func plainRule(_ rule: Rule, layer: some LinearMap, input x: Tensor, seed: UInt64,
                          forward f: (Tensor, Tensor, Tensor?) -> Tensor, backward g: (Tensor, Tensor) -> Tensor) throws -> (Tensor, Tensor) {
        var z: Tensor?
        _ = try plainRule(rule, layer: layer, input: x, relevance: nil, denominator: &z, forward: f, backward: g)
        let damped = z!.map { $0 * abs($0) / (abs($0) + 0.1) }
        let r = try damped * LayerTests.random(z!.shape, seed: seed, in: 0...1)
        return (r, try plainRule(rule, layer: layer, input: x, relevance: r, denominator: &z, forward: f, backward: g))
    }

    static func plainRule(_ rule: Rule, layer: some LinearMap, input x: Tensor, relevance r: Tensor,
                          forward f: (Tensor, Tensor, Tensor?) -> Tensor, backward g: (Tensor, Tensor) -> Tensor) throws -> Tensor {
        var z: Tensor?
        return try plainRule(rule, layer: layer, input: x, relevance: r, denominator: &z, forward: f, backward: g)
    }

    /// Each rule written out as in the tutorial, with full-size constant inputs and one backward
    /// run per term. Stores the (first) stabilised denominator in `denominator`; with a nil
    /// relevance it stops there.
    static func plainRule(_ rule: Rule, layer: some LinearMap, input x: Tensor, relevance: Tensor?, denominator: inout Tensor?,
                          forward f: (Tensor, Tensor, Tensor?) -> Tensor, backward g: (Tensor, Tensor) -> Tensor) throws -> Tensor {
        var found: Tensor?
        defer { denominator = found }
        let r = relevance ?? Tensor([0])
        let w = layer.weight, b = layer.bias
        let filled = { (v: Float) in try! Tensor(shape: x.shape, repeating: v) }
        func divide(_ r: Tensor, _ z: Tensor) -> Tensor {
            if found == nil { found = z }
            guard relevance != nil else { return z }
            return try! Tensor(shape: z.shape, scalars: zip(r.scalars, z.scalars).map { $1 == 0 ? 0 : $0 / $1 })
        }
        func signed(_ z: Tensor, _ e: Float) -> Tensor { z.map { $0 + ($0 >= 0 ? e : -e) } }
        switch rule {
        case .lrp0, .epsilon:
            let e: Float = { if case .epsilon(let e) = rule { return e }; return 1e-9 }()
            return try x * g(divide(r, signed(f(x, w, b), e)), w)
        case .gamma(let gamma):
            let boost = { (t: Tensor) in t.map { $0 + gamma * max(0, $0) } }
            let wg = boost(w)
            return try x * g(divide(r, signed(f(x, wg, b.map(boost)), 1e-9)), wg)
        case .zPlus:
            let v = w.maximum(0)
            return try x * g(divide(r, f(x, v, nil) + 1e-9), v)
        case .zPlusSigned:
            let (v, u) = (w.maximum(0), w.minimum(0))
            let (xp, xn) = (x.maximum(0), x.minimum(0))
            let s = divide(r, try signed(f(xp, v, b.map { $0.maximum(0) }) + f(xn, u, nil), 1e-6))
            return try xp * g(s, v) + xn * g(s, u)
        case .zB, .zBox:
            let (v, u) = (w.maximum(0), w.minimum(0))
            let (l, h): (Tensor, Tensor)
            if case .zB(let low, let high) = rule {
                (l, h) = (filled(low), filled(high))
            } else if case .zBox(let low, let high) = rule {
                // Bound c of channel j at every position whose last index is j (one value: everywhere).
                let perChannel = { (v: [Float]) in try! Tensor(shape: x.shape, scalars: (0..<x.count).map { v[$0 % v.count] }) }
                (l, h) = (perChannel(low), perChannel(high))
            } else { preconditionFailure() }
            let z = try f(x, w, nil) - f(l, v, nil) - f(h, u, nil) + 1e-9
            let s = divide(r, z)
            return try x * g(s, w) - l * g(s, v) - h * g(s, u)
        case .alphaBeta(let alpha, let beta):
            let (p, n) = (w.maximum(1e-9), w.minimum(-1e-9))
            let xs = x + 1e-9
            let sp = divide(r * alpha, f(xs, p, nil))
            guard relevance != nil else { return x }
            let sn = divide(r * -beta, f(xs, n, nil))
            return try xs * (g(sp, p) + g(sn, n))
        case .alphaBetaSigned(let alpha, let beta):
            let (v, u) = (w.maximum(0), w.minimum(0))
            let (xp, xn) = (x.maximum(0), x.minimum(0))
            let sp = divide(r * alpha, try signed(f(xp, v, b.map { $0.maximum(0) }) + f(xn, u, nil), 1e-6))
            guard relevance != nil else { return x }
            let sn = divide(r * -beta, try signed(f(xp, u, b.map { $0.minimum(0) }) + f(xn, v, nil), 1e-6))
            return try xp * (g(sp, v) + g(sn, u)) + xn * (g(sp, u) + g(sn, v))
        case .gammaSigned(let gamma):
            let up = { (t: Tensor) in t.map { $0 + gamma * max(0, $0) } }
            let down = { (t: Tensor) in t.map { $0 + gamma * min(0, $0) } }
            let (xp, xn) = (x.maximum(0), x.minimum(0))
            let out = f(x, w, b)
            let keep = { (s: Tensor, sign: Float) in try! Tensor.combine(s, out, operation: "keep") { v, o in o * sign > 0 ? v : 0 } }
            let sp = keep(divide(r, try signed(f(xp, up(w), b.map(up)) + f(xn, down(w), nil), 1e-6)), 1)
            guard relevance != nil else { return x }
            let sn = keep(divide(r, try signed(f(xp, down(w), b.map(down)) + f(xn, up(w), nil), 1e-6)), -1)
            return try xp * (g(sp, up(w)) + g(sn, down(w))) + xn * (g(sp, down(w)) + g(sn, up(w)))
        case .wSquare, .flat:
            let v = rule == .wSquare ? w.map { $0 * $0 } : w.map { _ in 1 }
            let ones = filled(1)
            return try ones * g(divide(r, f(ones, v, nil) + 1e-9), v)
        case .winnerTakeAll, .identity:
            throw LRPError.invalidArgument("not a linear-map rule")
        }
    }
}
