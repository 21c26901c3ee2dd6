// The EventProp adjoint dynamics between events, in closed form (eventprop.md §3.2).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension LIFConstants {
    /// Propagates the adjoints `(λ_V, λ_I)` backwards over `u` seconds with no source term:
    ///
    ///     λ_V ← λ_V e^{−u/τm}
    ///     λ_I ← λ_I e^{−u/τs} + λ_V,old τm/(τm − τs) (e^{−u/τm} − e^{−u/τs})
    ///     (τm = τs = τ:  λ_I ← (λ_I + λ_V,old u/τ) e^{−u/τ})
    ///
    /// `mem`, `syn` are the decay factors `e^{−u/τm}`, `e^{−u/τs}`. The adjoints mean
    /// `λ_V = −(1/τm) ∂L/∂V`, `λ_I = −(1/τs) ∂L/∂I` (eventprop.md §3.1).
    @inline(__always) public func propagateAdjoint(
        lambdaV: inout Double, lambdaI: inout Double, u: Double, mem: Double, syn: Double
    ) {
        let oldV = lambdaV
        lambdaV = oldV * mem
        if equalTaus {
            lambdaI = (lambdaI + oldV * u / tauMem) * syn
        } else {
            lambdaI = lambdaI * syn + oldV * adjointK * (mem - syn)
        }
    }

    /// Propagates the adjoints backwards from `t1` to `t0 < t1` under the source
    /// `∂l_V/∂V = c e^{−t/T}` of the exponentially weighted voltage loss (eventprop.md §4.3).
    ///
    /// In forward time `τm λ_V' = λ_V + c e^{−t/T}`, `τs λ_I' = λ_I − λ_V`. Exact solution with
    /// `P = −cT/(T + τm)`, `Q = P T/(T + τs)`, `H = λ_V(t1) − P e^{−t1/T}`, `u = t1 − t0`:
    ///
    ///     λ_V(t0) = P e^{−t0/T} + H e^{−u/τm}
    ///     λ_I(t0) = Q e^{−t0/T} + R e^{−u/τm} + (λ_I(t1) − Q e^{−t1/T} − R) e^{−u/τs},  R = H τm/(τm − τs)
    ///     (τm = τs = τ:  λ_I(t0) = Q e^{−t0/T} + H (u/τ) e^{−u/τ} + (λ_I(t1) − Q e^{−t1/T}) e^{−u/τ})
    public func propagateAdjoint(
        lambdaV: inout Double, lambdaI: inout Double, from t1: Double, to t0: Double,
        sourceCoefficient c: Double, duration T: Double
    ) {
        let u = t1 - t0
        let (mem, syn) = decay(u)
        let p = -c * T / (T + tauMem)
        let q = p * T / (T + tauSyn)
        let w0 = exp(-t0 / T)
        let w1 = exp(-t1 / T)
        let h = lambdaV - p * w1
        lambdaV = p * w0 + h * mem
        if equalTaus {
            lambdaI = q * w0 + h * (u / tauMem) * syn + (lambdaI - q * w1) * syn
        } else {
            let r = h * adjointK
            lambdaI = q * w0 + r * mem + (lambdaI - q * w1 - r) * syn
        }
    }

    /// `∫_{t0}^{t0+u} e^{−t/T} V(t) dt` for the free trajectory from `(V0, I0)` at `t0`.
    ///
    /// With `V(t0+s) = A e^{−s/τm} + B e^{−s/τs}` (`A = V0 + k I0`, `B = −k I0`):
    /// `e^{−t0/T} [A (1 − e^{−u a_m})/a_m + B (1 − e^{−u a_s})/a_s]`, `a_x = 1/T + 1/τx`;
    /// for `τm = τs = τ`: `e^{−t0/T} [V0 (1 − e^{−au})/a + (I0/τ)(1 − e^{−au}(1 + au))/a²]`.
    public func weightedVoltageIntegral(v0: Double, i0: Double, from t0: Double, over u: Double, duration T: Double) -> Double {
        weightedVoltageIntegral(v0: v0, i0: i0, over: u, duration: T, factors: integralFactors(from: t0, over: u, duration: T))
    }

    /// The transcendental factors of ``weightedVoltageIntegral(v0:i0:from:over:duration:)`` for
    /// the stretch `[t0, t0 + u]`: they do not depend on the state, so neurons last updated at
    /// the same time share them (the same inputs give bit-identical factors).
    @inline(__always) package func integralFactors(from t0: Double, over u: Double, duration T: Double) -> IntegralFactors {
        let rateMem = 1 / T + 1 / tauMem
        let rateSyn = 1 / T + 1 / tauSyn
        if equalTaus {
            return IntegralFactors(t0: t0, u: u, weight: exp(-t0 / T), first: exp(-rateMem * u), second: 0, rateMem: rateMem, rateSyn: rateSyn)
        }
        return IntegralFactors(
            t0: t0, u: u, weight: exp(-t0 / T), first: expm1(-u * rateMem), second: expm1(-u * rateSyn), rateMem: rateMem, rateSyn: rateSyn)
    }

    /// ``weightedVoltageIntegral(v0:i0:from:over:duration:)`` from its precomputed factors.
    @inline(__always) package func weightedVoltageIntegral(v0: Double, i0: Double, over u: Double, duration T: Double, factors f: IntegralFactors) -> Double {
        let w0 = f.weight
        if equalTaus {
            let a = f.rateMem
            let e = f.first
            return w0 * (v0 * (1 - e) / a + (i0 / tauMem) * (1 - e * (1 + a * u)) / (a * a))
        }
        let am = f.rateMem
        let as_ = f.rateSyn
        let a = v0 + k * i0
        let b = -k * i0
        return w0 * (a * -f.first / am + b * -f.second / as_)
    }
}

/// `e^{−t0/T}` and the stretch's exponentials (`e^{−a u}` for `τm = τs`, else `expm1(−u a_m)` and
/// `expm1(−u a_s)`) of a weighted voltage integral, with the rates `a_m = 1/T + 1/τm`,
/// `a_s = 1/T + 1/τs` (1/s), for reuse across neurons.
package struct IntegralFactors {
    var t0: Double
    var u: Double
    var weight: Double
    var first: Double
    var second: Double
    var rateMem: Double
    var rateSyn: Double

    /// Factors for no stretch yet (never matching a real one).
    package static let none = IntegralFactors(t0: -1, u: -1, weight: 0, first: 0, second: 0, rateMem: 0, rateSyn: 0)
}
