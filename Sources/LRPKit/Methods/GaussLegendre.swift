import Foundation

/// Gauss-Legendre quadrature on [0, 1], the integration rule of Captum's integrated gradients
/// (`gausslegendre`: numpy's `leggauss(n)` nodes mapped by `(1 + x) / 2`, weights halved).
public enum GaussLegendre {
    /// `n` nodes ascending in (0, 1) and their weights (summing to 1).
    public static func rule(_ n: Int) -> (nodes: [Double], weights: [Double]) {
        precondition(n >= 1, "validated by AttributionMethod")
        var nodes = [Double](repeating: 0, count: n), weights = [Double](repeating: 0, count: n)
        for i in 0..<(n + 1) / 2 {
            // Root i of P_n (descending from near 1) by Newton from the Chebyshev-like guess.
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                let (p, dp) = legendre(n, x)
                derivative = dp
                let step = p / dp
                x -= step
                if abs(step) < 1e-16 { break }
            }
            derivative = legendre(n, x).1
            let w = 2 / ((1 - x * x) * derivative * derivative)
            // Symmetric pair -x, x on [-1, 1] -> (1 - x) / 2, (1 + x) / 2 on [0, 1].
            nodes[i] = (1 - x) / 2
            nodes[n - 1 - i] = (1 + x) / 2
            weights[i] = w / 2
            weights[n - 1 - i] = w / 2
        }
        if n % 2 == 1 { nodes[n / 2] = 0.5 }
        return (nodes, weights)
    }

    /// P_n(x) and P_n'(x) by the three-term recurrence.
    private static func legendre(_ n: Int, _ x: Double) -> (Double, Double) {
        var p0 = 1.0, p1 = x
        if n == 0 { return (1, 0) }
        for k in stride(from: 2, through: n, by: 1) {
            let pk = (Double(2 * k - 1) * x * p1 - Double(k - 1) * p0) / Double(k)
            p0 = p1
            p1 = pk
        }
        return (p1, Double(n) * (x * p1 - p0) / (x * x - 1))
    }
}
