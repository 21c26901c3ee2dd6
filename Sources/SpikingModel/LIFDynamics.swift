// LIFDynamics: closed-form LIF/LI state between events and the exact next threshold crossing.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Constants of one population's dynamics, derived once from ``NeuronParameters``.
///
/// Between events a neuron with state `(V0, I0)` evolves in closed form (eventprop.md §1.2):
///
///     I(u) = I0 e^{−u/τs}
///     τm ≠ τs:  V(u) = V0 e^{−u/τm} + I0 k (e^{−u/τm} − e^{−u/τs}),   k = τs / (τm − τs)
///     τm = τs = τ:  V(u) = (V0 + I0 u/τ) e^{−u/τ}
///
/// Times are in seconds; `V`, `I`, `ϑ` are dimensionless.
public struct LIFConstants: Sendable, Equatable {
    public let tauMem: Double
    public let tauSyn: Double
    public let threshold: Double
    public let reset: Double
    /// `k = τs/(τm − τs)` (unused when `equalTaus`).
    public let k: Double
    /// `τm/(τm − τs)`, the factor coupling λ_V into λ_I in the adjoint propagator.
    public let adjointK: Double
    public let equalTaus: Bool
    /// `τm == 2τs` exactly: the crossing time has a closed form (eventprop.md §1.3).
    public let doubleRatio: Bool
    /// `n` when `τm = n τs` for an integer `3 ≤ n ≤ 16` (then `e^{−u/τs} = x^n` with `x = e^{−u/τm}`,
    /// and crossings are roots of a polynomial: ``nextCrossingByPolynomial(v0:i0:horizon:)``), else 0.
    public let integerRatio: Int
    /// `max_u K(u)` of the unit postsynaptic kernel `K(u) = V(u)` for `(V0, I0) = (0, 1)`; bounds how
    /// far a positive current can lift the voltage.
    public let kernelPeak: Double
    /// `n` when `τm = n τs` for an integer `n ≥ 2` (``doubleRatio`` or ``integerRatio``), `ϑ > 0` and
    /// `ϑ^{n−1}` (``thresholdPower``) within 2^±500: then ``mayCross(v0:i0:)`` decides exactly; else 0.
    @usableFromInline let peakOrder: Int
    @usableFromInline let thresholdPower: Double
    /// `1 − 1/n` for ``peakOrder`` `n` (the peak's scale `c = A(1 − 1/n)` in ``mayCross(v0:i0:)``).
    @usableFromInline let peakShrink: Double

    public init(_ p: NeuronParameters) {
        tauMem = p.tauMem
        tauSyn = p.tauSyn
        threshold = p.threshold
        reset = p.reset
        equalTaus = p.tauMem == p.tauSyn
        doubleRatio = p.tauMem == 2 * p.tauSyn
        let ratio = p.tauMem / p.tauSyn
        integerRatio = ratio == ratio.rounded() && ratio >= 3 && ratio <= 16 && p.tauMem == ratio * p.tauSyn ? Int(ratio) : 0
        let order = p.threshold > 0 ? (doubleRatio ? 2 : integerRatio) : 0
        var power = 1.0
        for _ in 1..<max(order, 1) { power *= p.threshold }
        thresholdPower = power
        // ϑⁿ⁻¹ within 2^±500 keeps the comparison's right side a normal double whenever the
        // answer matters: it leaves the range only for currents so small that no crossing is
        // possible (below 2^−522, against ϑ ≥ 2^−500) or so large that cⁿ overflows too.
        peakOrder = power >= 0x1p-500 && power <= 0x1p500 ? order : 0
        peakShrink = 1 - 1 / Double(max(peakOrder, 1))
        if equalTaus {
            k = 0
            adjointK = 0
            kernelPeak = exp(-1.0)
        } else {
            k = p.tauSyn / (p.tauMem - p.tauSyn)
            adjointK = p.tauMem / (p.tauMem - p.tauSyn)
            let uPeak = log(p.tauMem / p.tauSyn) / (1 / p.tauSyn - 1 / p.tauMem)
            kernelPeak = k * (exp(-uPeak / p.tauMem) - exp(-uPeak / p.tauSyn))
        }
    }

    /// The two decay factors `(e^{−u/τm}, e^{−u/τs})` for a step of `u` seconds.
    ///
    /// When `τm = n τs` for an integer n (``doubleRatio``, ``integerRatio``), `e^{−u/τs}` is
    /// computed as `(e^{−u/τm})ⁿ`: one `exp` instead of two, and exactly the relation the
    /// closed-form and polynomial crossing solvers assume.
    @inlinable @inline(__always) public func decay(_ u: Double) -> (mem: Double, syn: Double) {
        let mem = exp(-u / tauMem)
        if doubleRatio { return (mem, mem * mem) }
        if integerRatio == 4 {
            let square = mem * mem
            return (mem, square * square)
        }
        if integerRatio != 0 {
            var syn = mem
            for _ in 1..<integerRatio { syn *= mem }
            return (mem, syn)
        }
        return (mem, exp(-u / tauSyn))
    }

    /// The voltage after `u` seconds given the decay factors for `u`.
    @inlinable @inline(__always) public func voltage(v0: Double, i0: Double, u: Double, mem: Double, syn: Double) -> Double {
        equalTaus ? (v0 + i0 * u / tauMem) * mem : v0 * mem + i0 * k * (mem - syn)
    }

    /// Advances `(v, i)` by `u` seconds.
    @inline(__always) public func advance(v: inout Double, i: inout Double, by u: Double) {
        let (mem, syn) = decay(u)
        v = voltage(v0: v, i0: i, u: u, mem: mem, syn: syn)
        i *= syn
    }

    /// `dV/du` at offset `u` (decay factors for `u` given): `(I(u) − V(u))/τm`.
    @inline(__always) func slope(v0: Double, i0: Double, u: Double, mem: Double, syn: Double) -> Double {
        (i0 * syn - voltage(v0: v0, i0: i0, u: u, mem: mem, syn: syn)) / tauMem
    }

    /// The offset `u* > 0` of the single stationary point of `V` (a maximum when `V'(0) > 0`), or
    /// `+∞` if `V` has none. `V(u) = A e^{−u/τm} + B e^{−u/τs}` has at most one (§1.3).
    public func stationaryPoint(v0: Double, i0: Double) -> Double {
        if equalTaus {
            // V' ∝ I0 − V0 − I0 u/τ  ⇒  u* = τ (I0 − V0)/I0.
            guard i0 > 0 else { return .infinity }
            let u = tauMem * (i0 - v0) / i0
            return u > 0 ? u : .infinity
        }
        let a = v0 + k * i0
        let b = -k * i0
        let ratio = -b * tauMem / (a * tauSyn)
        guard ratio > 0, ratio.isFinite else { return .infinity }
        let u = log(ratio) / (1 / tauSyn - 1 / tauMem)
        return u > 0 ? u : .infinity
    }

    /// Whether the stationary point lies certainly at or beyond `u` (so ``stationaryPoint(v0:i0:)``
    /// would not return less than `u`), decided without its logarithm from the decay factors for
    /// `u`: `u* < u ⟺ log(ratio)/(1/τs − 1/τm) < u ⟺ ratio < e^{u/τs − u/τm} = mem/syn` (the
    /// inequality turned round when `τs > τm`). A margin of 1e-9 relative keeps every rounding on
    /// the safe side; near the boundary, and for `τm = τs`, it answers false and the caller
    /// computes the point.
    @inline(__always) public func stationaryPointIsBeyond(_ u: Double, v0: Double, i0: Double, mem: Double, syn: Double) -> Bool {
        guard !equalTaus else { return false }
        let a = v0 + k * i0
        let b = -k * i0
        let ratio = -b * tauMem / (a * tauSyn)
        guard ratio > 0, ratio.isFinite else { return true }  // no stationary point
        let growth = mem / syn
        guard growth.isFinite else { return false }
        return tauMem > tauSyn ? ratio >= growth * (1 + 1e-9) : ratio <= growth * (1 - 1e-9)
    }

    /// The offset `u ∈ (0, horizon]` at which `V` first reaches the threshold from below if no
    /// other event intervenes, or `nil` if it does not (eventprop.md §1.3).
    ///
    /// Uses the closed form when `τm = 2τs`, otherwise ``nextCrossingByRootFinding(v0:i0:horizon:)``.
    /// Never misses a crossing: `V` has at most one stationary point on an event-free interval, so
    /// it is monotone on `[0, min(u*, horizon)]` and the crossing, if any, is bracketed there.
    @inlinable @inline(__always) public func nextCrossing(v0: Double, i0: Double, horizon: Double) -> Double? {
        guard mayCross(v0: v0, i0: i0) else { return nil }
        if v0 >= threshold { return 0 }  // only through rounding: fire at once, rising
        if doubleRatio { return nextCrossingAnalytic(v0: v0, i0: i0, horizon: horizon) }
        if integerRatio != 0 { return nextCrossingByPolynomial(v0: v0, i0: i0, horizon: horizon) }
        return nextCrossingByRootFinding(v0: v0, i0: i0, horizon: horizon)
    }

    /// A necessary condition for a future crossing, without transcendental functions: false only
    /// if `V` certainly stays below ϑ.
    ///
    /// `V'(0) ≤ 0` means `V` stays below `max(V0, 0)`. Otherwise, when `τm = n τs` (integer `n ≥ 2`,
    /// ϑ > 0, I0 > 0) the test is exact: with `x = e^{−u/τm}`, `V = A x + B xⁿ` (`A = V0 + k I0`,
    /// `B = −k I0`, `k = 1/(n − 1)`) peaks where `x*ⁿ⁻¹ = A(n − 1)/(n I0)`, at
    /// `V_max = c x*` with `c = A(n − 1)/n`; so `V_max ≥ ϑ ⟺ cⁿ ≥ ϑⁿ⁻¹ I0` (for `c > 0`; `A ≤ 0`
    /// keeps `V ≤ 0`). The right side is shrunk by 1e-9 relative, far above the rounding of `cⁿ`,
    /// so the answer is false only when the peak is below ϑ by a margin no root finder could
    /// resolve. Otherwise (or for thresholds so extreme that ϑⁿ⁻¹ leaves 2^±500) a bound decides:
    /// `V(u) = V0 e^{−u/τm} + I0 K(u)` with `0 ≤ K ≤ kernelPeak` gives
    /// `V(u) ≤ max(V0, 0) + max(I0, 0)·kernelPeak`.
    ///
    /// A neuron that fails this test needs no crossing check: most arrivals in a dense layer
    /// leave the neuron below threshold, and are settled here without a schedule entry.
    @inlinable @inline(__always) public func mayCross(v0: Double, i0: Double) -> Bool {
        guard i0 > v0 else { return false }
        if peakOrder != 0 && i0 > 0 {
            let c = (v0 + k * i0) * peakShrink
            guard c > 0 else { return false }
            var cn = c * c
            if peakOrder == 4 {
                cn *= cn
            } else {
                for _ in 2..<peakOrder { cn *= c }
            }
            return cn >= thresholdPower * i0 * (1 - 1e-9)
        }
        return max(v0, 0) + max(i0, 0) * kernelPeak >= threshold * (1 - 1e-12)
    }

    /// A lower bound on the offset of the next crossing, without transcendental functions, or nil
    /// if there can be none (``mayCross(v0:i0:)`` is false).
    ///
    /// For `τm ≠ τs` and `I0 > 0`, `V = A(1 − y) + B(1 − y)^{τm/τs}` is concave in
    /// `y = 1 − e^{−u/τm}` (its second derivative has the sign of `B·(r − 1) < 0`), so the tangent at
    /// `y = 0`, whose slope is `I0 − V0`, lies above it: `y ≥ (ϑ − V0)/(I0 − V0)`, and `u ≥ τm y`.
    /// For `τm = τs`: `τm V' ≤ I0 − min(V0, 0)` gives `u ≥ τm (ϑ − V0)/(I0 − min(V0, 0))`.
    /// Shrunk by 1e-9 relative against rounding.
    @inlinable @inline(__always) public func crossingLowerBound(v0: Double, i0: Double) -> Double? {
        guard mayCross(v0: v0, i0: i0) else { return nil }
        guard v0 < threshold else { return 0 }
        let rate = equalTaus ? i0 - min(v0, 0) : i0 - v0
        return (threshold - v0) * tauMem / rate * (1 - 1e-9)
    }

    /// The crossing for `τm = 2τs`: with `x = e^{−u/τm}`, `V = (V0 + I0) x − I0 x²`; the first
    /// crossing is the larger root `x₊ = ((V0 + I0) + √D)/(2 I0)`, `D = (V0 + I0)² − 4 I0 ϑ`
    /// (jaxsnn; eventprop.md §1.3). Written without cancellation as
    ///
    ///     1 − x₊ = 2(ϑ − V0) / (I0 − V0 + √D),   u = −τm log1p(−(1 − x₊))
    ///
    /// which keeps full relative precision even when the crossing is only nanoseconds away.
    ///
    /// - Precondition: `τm == 2τs`.
    public func nextCrossingAnalytic(v0: Double, i0: Double, horizon: Double) -> Double? {
        precondition(doubleRatio, "the analytic crossing needs τm = 2τs")
        let s = v0 + i0
        guard i0 > 0, s > 0, i0 > v0, v0 < threshold else { return nil }
        let d = s * s - 4 * i0 * threshold
        guard d >= 0 else { return nil }
        let oneMinusX = 2 * (threshold - v0) / (i0 - v0 + d.squareRoot())
        guard oneMinusX < 1 else { return nil }
        let u = -tauMem * log1p(-oneMinusX)
        return u <= horizon ? u : nil
    }

    /// The crossing when `τm = n τs` (``integerRatio``): with `x = e^{−u/τm}`,
    /// `V = A x + B xⁿ` (`A = V0 + k I0`, `B = −k I0`), a polynomial, solved with no
    /// transcendental function in the loop. The unknown is `y = 1 − x = −expm1(−u/τm)`, which keeps
    /// full relative precision for crossings close to the anchor; then `u = −τm log1p(−y)`.
    ///
    /// With `I0 > 0`, `g(y) = A(1 − y) + B(1 − y)ⁿ` is concave (`B < 0`) and `g'(0) = I0 − V0 > 0`,
    /// so Newton's method started at `y = 0` increases monotonically to the first root if there is
    /// one — every iterate is a lower bound of the crossing — and meets `g' ≤ 0` (it has passed
    /// the maximum, which is then below ϑ) if there is none. Convergence is quadratic, so it stops
    /// as soon as the error left by the last step is provably below a quarter ulp of `y` (or a
    /// step no longer moves `y`); a crossing later than the horizon is not reported.
    ///
    /// - Precondition: ``integerRatio`` ≥ 3.
    public func nextCrossingByPolynomial(v0: Double, i0: Double, horizon: Double) -> Double? {
        precondition(integerRatio >= 3, "the polynomial crossing needs τm = n τs with an integer n ≥ 3")
        guard i0 > v0, v0 < threshold else { return v0 >= threshold && i0 > v0 ? 0 : nil }
        guard i0 > 0 else { return nil }
        let n = integerRatio
        let a = v0 + k * i0
        let b = -k * i0
        let nb = Double(n) * b
        var y = (threshold - v0) / (i0 - v0)  // the first Newton step from y = 0
        let curvatureFactor = Double(n * (n - 1)) * -b
        // A first step below half an ulp of 1 is already the crossing to double precision (the
        // step's relative error is O(y)), and the loop could not refine it: x = 1 − y would round
        // to 1. (Only currents ≳ 2⁵³ (ϑ − V0) get here; with I0 near the largest double the loop
        // once took all its steps, each a whole y, at every crossing.)
        for _ in 0..<(y < 0x1p-53 ? 0 : 100) {
            guard y < 1 else { return nil }
            let x = 1 - y
            var xn2 = 1.0  // x^(n−2)
            for _ in 2..<n { xn2 *= x }
            let xn1 = xn2 * x
            let slope = -(a + nb * xn1)  // g'(y)
            guard slope > 0 else { return nil }  // past the maximum without reaching ϑ
            let f = a * x + b * xn1 * x - threshold
            let step = -f / slope
            let next = y + step
            if !(next > y) { break }  // converged: the step no longer moves y
            y = next
            // The step just taken leaves an error of |g''(ξ)|/(2g'(y))·(root − y)² ≈ M·step²/(2g')
            // with M = |g''(y)| = n(n−1)|B|xⁿ⁻² ≥ |g''| on [y, root]: below a quarter ulp, stop
            // instead of computing one more step that would not move y.
            if curvatureFactor * xn2 * step * step <= 0x1p-55 * slope * next { break }
        }
        let u = -tauMem * log1p(-y)
        return u <= horizon ? u : nil
    }

    /// The crossing by a safeguarded Newton iteration on the monotone bracket `[0, min(u*, H)]`,
    /// to full double precision (a Newton step below one ulp, or the bracket closed).
    public func nextCrossingByRootFinding(v0: Double, i0: Double, horizon: Double) -> Double? {
        guard i0 > v0, v0 < threshold else { return v0 >= threshold && i0 > v0 ? 0 : nil }
        var hi = min(stationaryPoint(v0: v0, i0: i0), horizon)
        let (memHi, synHi) = decay(hi)
        guard voltage(v0: v0, i0: i0, u: hi, mem: memHi, syn: synHi) >= threshold else { return nil }
        var lo = 0.0
        // Newton's first step from u = 0, where V' = (I0 − V0)/τm.
        var x = (threshold - v0) * tauMem / (i0 - v0)
        if !(x > lo && x < hi) { x = 0.5 * hi }
        for _ in 0..<200 {
            let (mem, syn) = decay(x)
            let f = voltage(v0: v0, i0: i0, u: x, mem: mem, syn: syn) - threshold
            if f == 0 { break }
            if f < 0 { lo = x } else { hi = x }
            let next = x - f / slope(v0: v0, i0: i0, u: x, mem: mem, syn: syn)
            if next == x { break }  // the Newton step is below one ulp
            x = next > lo && next < hi ? next : lo + 0.5 * (hi - lo)
            if hi - lo <= 2 * hi.ulp { break }
        }
        return x
    }
}

extension LIFConstants {
    /// The constants that the two-lane kernels of a spike's delivery use, as a plain value: a
    /// local copy stays in registers (or the stack) across a loop that stores to neuron state,
    /// where constants read through a pointer would be reloaded and re-broadcast for every pair of
    /// neurons, since the compiler cannot rule out that the stores change them.
    package struct Lanes {
        let tauMem: Double
        let k: Double
        let threshold: Double
        let thresholdPower: Double
        let peakShrink: Double
        let kernelPeak: Double
        let peakOrder: Int
        let equalTaus: Bool

        @inline(__always) package init(_ c: LIFConstants) {
            tauMem = c.tauMem
            k = c.k
            threshold = c.threshold
            thresholdPower = c.thresholdPower
            peakShrink = c.peakShrink
            kernelPeak = c.kernelPeak
            peakOrder = c.peakOrder
            equalTaus = c.equalTaus
        }

        /// ``LIFConstants/voltage(v0:i0:u:mem:syn:)`` for two neurons that share the step (and so
        /// its factors).
        @inline(__always) package func voltage(v0: SIMD2<Double>, i0: SIMD2<Double>, u: SIMD2<Double>, mem: Double, syn: Double) -> SIMD2<Double> {
            equalTaus ? (v0 + i0 * u / tauMem) * mem : v0 * mem + i0 * k * (mem - syn)
        }

        /// ``LIFConstants/crossingLowerBound(v0:i0:)`` for two neurons at once, with `+∞` where
        /// that is nil: the same values, bit for bit (the same operations in the same order, lane
        /// by lane), but computed without branching on the state — the bound is computed whether
        /// or not it is needed and then selected — since whether an arrival leaves a neuron able
        /// to cross is data-dependent and mispredicted often in the per-target loop of a spike's
        /// delivery.
        ///
        /// With `peakOrder` ≠ 0 the fallback bound test of ``LIFConstants/mayCross(v0:i0:)`` for
        /// `I0 ≤ 0` is false whenever `I0 > V0` (then `V0 < 0`, its left side is 0, and ϑ > 0), so
        /// the test reduces to `I0 > V0 ∧ I0 > 0 ∧ c > 0 ∧ cⁿ ≥ ϑⁿ⁻¹ I0 (1 − 10⁻⁹)`. `max(x, 0)`
        /// and `min(x, 0)` are written as the standard library defines them (`0 ≥ x ? 0 : x`,
        /// `0 < x ? 0 : x`).
        @inline(__always) package func crossingLowerBounds(v0: SIMD2<Double>, i0: SIMD2<Double>) -> SIMD2<Double> {
            let may: SIMDMask<SIMD2<Int64>>
            if peakOrder != 0 {
                let c = (v0 + k * i0) * peakShrink
                var cn = c * c
                if peakOrder == 4 {
                    cn *= cn
                } else {
                    for _ in 2..<peakOrder { cn *= c }
                }
                may = (i0 .> v0) .& (i0 .> 0) .& (c .> 0) .& (cn .>= thresholdPower * i0 * (1 - 1e-9))
            } else {
                let v0Positive = v0.replacing(with: 0, where: v0 .<= 0)
                let i0Positive = i0.replacing(with: 0, where: i0 .<= 0)
                may = (i0 .> v0) .& (v0Positive + i0Positive * kernelPeak .>= threshold * (1 - 1e-12))
            }
            let rate = equalTaus ? i0 - v0.replacing(with: 0, where: v0 .> 0) : i0 - v0
            let bound = (threshold - v0) * tauMem / rate * (1 - 1e-9)
            return SIMD2(repeating: .infinity).replacing(with: bound.replacing(with: 0, where: .!(v0 .< threshold)), where: may)
        }
    }
}
