#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// PromQL's one-argument math functions on a float sample value.
public enum MathFunction: String, Sendable, CaseIterable {
    case abs, ceil, floor, exp, sqrt, ln, log2, log10, sgn
    case sin, cos, tan, asin, acos, atan
    case sinh, cosh, tanh, asinh, acosh, atanh
    case deg, rad
}

/// Instant-vector math kernels. The evaluator applies them to float samples only (histogram
/// samples are dropped) and removes the metric name from the output, like Prometheus.
public enum MathFunctions {
    /// The value of `function` at `v`, following IEEE/C semantics as Go's math package does
    /// (e.g. ln(0) = −Inf, ln(−1) = NaN, sqrt(−1) = NaN, sgn keeps ±0 and NaN).
    @inlinable
    public static func evaluate(_ function: MathFunction, _ v: Double) -> Double {
        switch function {
        case .abs: return v.magnitude
        case .ceil: return v.rounded(.up)
        case .floor: return v.rounded(.down)
        case .exp: return exp(v)
        case .sqrt: return v.squareRoot()
        case .ln: return log(v)
        case .log2: return goLog2(v)
        case .log10: return goLog2(v) * log10Of2
        case .sgn: return v < 0 ? -1 : (v > 0 ? 1 : v)
        case .sin: return sin(v)
        case .cos: return cos(v)
        case .tan: return tan(v)
        case .asin: return asin(v)
        case .acos: return acos(v)
        case .atan: return atan(v)
        case .sinh: return sinh(v)
        case .cosh: return cosh(v)
        case .tanh: return tanh(v)
        case .asinh: return asinh(v)
        case .acosh: return acosh(v)
        case .atanh: return atanh(v)
        case .deg: return v * 180 / Double.pi
        case .rad: return v * Double.pi / 180
        }
    }

    /// `round(v, toNearest)`: ties round up, computed as Prometheus does through the inverse
    /// (floor(v · (1/t) + 0.5) / (1/t)); multiplying by the inverse rather than dividing by t
    /// changes the last bit of some results, so keep this form.
    @inlinable
    public static func round(_ v: Double, toNearest: Double = 1) -> Double {
        let inverse = 1.0 / toNearest
        return (v * inverse + 0.5).rounded(.down) / inverse
    }

    /// `clamp(v, min, max)`; nil when max < min (Prometheus then returns an empty vector, which
    /// the evaluator should check once per call rather than per element).
    /// NaN in any argument yields NaN.
    @inlinable
    public static func clamp(_ v: Double, min lower: Double, max upper: Double) -> Double? {
        if upper < lower { return nil }
        return goMax(lower, goMin(upper, v))
    }

    /// `clamp_min(v, min)`.
    @inlinable
    public static func clampMin(_ v: Double, min lower: Double) -> Double {
        goMax(lower, goMin(.infinity, v))
    }

    /// `clamp_max(v, max)`.
    @inlinable
    public static func clampMax(_ v: Double, max upper: Double) -> Double {
        goMax(-.infinity, goMin(upper, v))
    }

    /// The value of `pi()`.
    public static let pi = Double.pi

    /// Go's math.Max, used by clamp and `max_of`: +Inf wins over NaN, otherwise NaN wins;
    /// +0 is larger than −0.
    @inlinable
    public static func goMax(_ x: Double, _ y: Double) -> Double {
        if x == .infinity || y == .infinity { return .infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 && x == y { return x.sign == .minus ? y : x }
        return x > y ? x : y
    }

    /// Go's math.Min, used by clamp and `min_of`: −Inf wins over NaN, otherwise NaN wins;
    /// −0 is smaller than +0.
    @inlinable
    public static func goMin(_ x: Double, _ y: Double) -> Double {
        if x == -.infinity || y == -.infinity { return -.infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 && x == y { return x.sign == .minus ? x : y }
        return x < y ? x : y
    }

    /// log(2)/log(10) and 1/log(2), rounded to Double as Go's constant arithmetic does.
    @usableFromInline static let log10Of2 = 0.301029995663981195213738894724493026768189881462108541310
    @usableFromInline static let inverseLn2 = 1.44269504088896340735992468100189213742664595415298593

    /// Go's math.Log2: exact for powers of two, otherwise log(frac)/ln2 + exponent. Go's Log10
    /// is this times log10(2), so both follow Go's rounding rather than the C library's.
    @inlinable
    public static func goLog2(_ v: Double) -> Double {
        if v.isNaN || v <= 0 || v.isInfinite { return log2(v) }
        // frexp: v = frac · 2^exp with frac in [0.5, 1).
        let frac = v.significand / 2
        let exp = Int(v.exponent) + 1
        if frac == 0.5 { return Double(exp - 1) }
        return log(frac) * inverseLn2 + Double(exp)
    }
}
