/// Attribution methods beyond LRP, as data. Each explains, for every sample, the network output
/// weighted by that sample's target row (one-hot: the target class's score), like `relprop`'s `Y*T`.
///
/// The arithmetic follows Captum's definitions so results can be compared with it (see
/// Tests/oracle/make_methods.py): `gradient` is `Saliency` (`absolute` = its `abs=True`),
/// `gradientTimesInput` is `InputXGradient`, `integratedGradients` is `IntegratedGradients` with its
/// default Gauss-Legendre rule, `smoothGrad` is `NoiseTunnel(..., nt_type="smoothgrad")`, `occlusion`
/// is `Occlusion` with a square window over all channels.
public enum AttributionMethod: Sendable, CustomStringConvertible {
    /// d(target score)/d(input); with `absolute`, its magnitude.
    case gradient(absolute: Bool)
    /// input * gradient.
    case gradientTimesInput
    /// (x - baseline) * sum_k w_k grad(baseline + a_k (x - baseline)), Gauss-Legendre nodes a_k and
    /// weights w_k on [0, 1].
    case integratedGradients(baseline: Baseline, steps: Int)
    /// The mean of `base` over `samples` noisy copies x + N(0, sigma^2). The noise of the sample at
    /// position i of the data is `RandomState(seed + i).randn(samples, *sample_shape) * sigma`
    /// (numpy's legacy generator), so runs are reproducible and independent of batching.
    case smoothGrad(base: Smoothed, sigma: Double, samples: Int, seed: UInt32)
    /// Slides a `window` x `window` patch (all channels) with `stride` over the image, sets it to
    /// `baseline` and credits every covered pixel with the drop of the target score, averaged over
    /// the windows covering it. Windows start at 0, stride, ..., and the last may be cut off by the
    /// border (Captum's `ceil((size - window) / stride) + 1` positions per axis).
    case occlusion(window: Int, stride: Int, baseline: Float)

    /// What SmoothGrad averages.
    public enum Smoothed: String, Sendable {
        case gradient
        case gradientTimesInput = "gradient x input"
    }

    public var description: String {
        switch self {
        case .gradient(let absolute): return absolute ? "saliency" : "gradient"
        case .gradientTimesInput: return "gradient x input"
        case .integratedGradients(let baseline, let steps): return "integrated gradients (\(steps) steps, baseline \(baseline))"
        case .smoothGrad(let base, let sigma, let samples, let seed):
            return "smoothgrad of \(base.rawValue) (sigma \(formatNumber(Float(sigma))), \(samples) samples, seed \(seed))"
        case .occlusion(let window, let stride, let baseline):
            return "occlusion (\(window)x\(window) stride \(stride), baseline \(formatNumber(baseline)))"
        }
    }

    /// Checks the parameters against one sample's shape (e.g. 28x28x1), naming the parameter at fault.
    public func validate(sampleShape: [Int]) throws {
        switch self {
        case .gradient, .gradientTimesInput: return
        case .integratedGradients(let baseline, let steps):
            guard steps >= 1 else { throw ParameterError("steps", "must be at least 1, got \(steps)") }
            try baseline.validate(sampleShape: sampleShape)
        case .smoothGrad(_, let sigma, let samples, _):
            guard sigma >= 0, sigma.isFinite else { throw ParameterError("sigma", "must be a finite number >= 0, got \(sigma)") }
            guard samples >= 1 else { throw ParameterError("samples", "must be at least 1, got \(samples)") }
        case .occlusion(let window, let stride, let baseline):
            guard sampleShape.count == 3 else {
                throw ParameterError("window", "occlusion needs images (height x width x channels), got samples of shape \(describe(shape: sampleShape))")
            }
            let side = Swift.min(sampleShape[0], sampleShape[1])
            guard window >= 1, window <= side else {
                throw ParameterError("window", "must be between 1 and the image's \(describe(shape: Array(sampleShape.prefix(2)))) size, got \(window)")
            }
            // Captum's rule: a stride longer than the window would leave pixels uncovered.
            guard stride >= 1, stride <= window else {
                throw ParameterError("stride", "must be between 1 and the window (\(window)), got \(stride)")
            }
            guard baseline.isFinite else { throw ParameterError("baseline", "must be finite, got \(baseline)") }
        }
    }
}

/// The reference input of integrated gradients: one value everywhere, or one sample's tensor.
public enum Baseline: Sendable, CustomStringConvertible {
    case value(Float)
    case tensor(Tensor)

    public var description: String {
        switch self {
        case .value(let v): return formatNumber(v)
        case .tensor(let t): return "a \(describe(shape: t.shape)) tensor"
        }
    }

    func validate(sampleShape: [Int]) throws {
        switch self {
        case .value(let v):
            guard v.isFinite else { throw ParameterError("baseline", "must be finite, got \(v)") }
        case .tensor(let t):
            let shape = t.shape.first == 1 && t.rank == sampleShape.count + 1 ? Array(t.shape.dropFirst()) : t.shape
            guard shape == sampleShape else {
                throw ParameterError("baseline", "has shape \(describe(shape: t.shape)); expected one sample's shape \(describe(shape: sampleShape)) or a number")
            }
        }
    }

    /// The baseline as a batch of `count` samples of `sampleShape`.
    func batch(count: Int, sampleShape: [Int]) throws -> Tensor {
        switch self {
        case .value(let v): return try Tensor(shape: [count] + sampleShape, repeating: v)
        case .tensor(let t): return try t.reshaped([1] + sampleShape).broadcast(to: [count] + sampleShape)
        }
    }
}

/// A method parameter outside what it accepts; `parameter` names it (`steps`, `sigma`, `window`...).
public struct ParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let parameter: String
    public let problem: String
    public init(_ parameter: String, _ problem: String) {
        self.parameter = parameter
        self.problem = problem
    }
    public var description: String { "\(parameter) \(problem)" }
}
