import Foundation
import Testing

@testable import SpikingModel

@Suite("LIF dynamics")
struct LIFDynamicsTests {
    /// Random states that will spike: V0 below threshold, a positive current.
    static func spikingStates(_ c: LIFConstants, count: Int, seed: UInt64) -> [(Double, Double)] {
        var rng = SplitMix64(seed: seed)
        var states: [(Double, Double)] = []
        while states.count < count {
            let v0 = -1 + 1.999 * rng.uniform()
            let i0 = 30 * rng.uniform()
            if c.nextCrossingByRootFinding(v0: v0, i0: i0, horizon: 1) != nil { states.append((v0, i0)) }
        }
        return states
    }

    @Test func analyticCrossingAgreesWithRootFinderTo1e12() {
        let c = LIFConstants(NeuronParameters(tauMem: 10e-3, tauSyn: 5e-3, threshold: 1, reset: 0))
        #expect(c.doubleRatio)
        var worst = 0.0
        for (v0, i0) in Self.spikingStates(c, count: 2000, seed: 1) {
            let analytic = c.nextCrossingAnalytic(v0: v0, i0: i0, horizon: 1)!
            let root = c.nextCrossingByRootFinding(v0: v0, i0: i0, horizon: 1)!
            worst = max(worst, abs(analytic - root) / root)
        }
        print("analytic vs root finder: worst relative difference \(worst)")
        #expect(worst <= 1e-12)
    }

    /// The polynomial solver (τm = n τs) against the general root finder.
    @Test(arguments: [3.0, 4.0, 7.0])
    func polynomialCrossingAgreesWithRootFinderTo1e12(ratio: Double) {
        let tauSyn = 0x1p-8  // exactly representable, so τm = ratio·τs holds exactly
        let c = LIFConstants(NeuronParameters(tauMem: ratio * tauSyn, tauSyn: tauSyn, threshold: 1, reset: 0))
        #expect(c.integerRatio == Int(ratio))
        var worst = 0.0
        for (v0, i0) in Self.spikingStates(c, count: 2000, seed: 3) {
            let polynomial = c.nextCrossingByPolynomial(v0: v0, i0: i0, horizon: 1)!
            let root = c.nextCrossingByRootFinding(v0: v0, i0: i0, horizon: 1)!
            worst = max(worst, abs(polynomial - root) / root)
        }
        #expect(worst <= 1e-12)
        // Crossings beyond the horizon are not reported by either.
        #expect(c.nextCrossingByPolynomial(v0: 0, i0: 30, horizon: 1e-7) == nil)
        #expect(c.nextCrossingByRootFinding(v0: 0, i0: 30, horizon: 1e-7) == nil)
    }

    /// Currents so large that the crossing's `y = 1 − e^{−u/τm}` is below half an ulp of 1: the
    /// first Newton step `(ϑ − V0)/(I0 − V0)` is the crossing to double precision (the loop, which
    /// works on `x = 1 − y`, would round x to 1 and add a whole y per step). Up to the largest
    /// current, the crossing is that step, so it scales as 1/I0.
    @Test(arguments: [3.0, 4.0, 7.0])
    func polynomialCrossingOfAHugeCurrentIsTheFirstStep(ratio: Double) {
        let tauSyn = 0x1p-8
        let c = LIFConstants(NeuronParameters(tauMem: ratio * tauSyn, tauSyn: tauSyn, threshold: 1, reset: 0))
        for (v0, i0) in [(0.0, 1e17), (0.5, 3e20), (-2.0, 1e30), (0.0, 1e200), (0.25, 1e308)] {
            let y = (1 - v0) / (i0 - v0)
            let u = c.nextCrossingByPolynomial(v0: v0, i0: i0, horizon: 1)
            #expect(u == -c.tauMem * log1p(-y), "V0 \(v0), I0 \(i0): \(String(describing: u))")
        }
        // At the threshold of the rule (y just above 2⁻⁵³) the loop still agrees with the step.
        let i0 = 0x1p52 * 0.99
        let u = c.nextCrossingByPolynomial(v0: 0, i0: i0, horizon: 1)!
        #expect(abs(u / (c.tauMem / i0) - 1) <= 1e-12)
    }

    /// The crossing is where V first reaches ϑ: below just before, at ϑ to double precision.
    @Test(arguments: [(20e-3, 5e-3), (10e-3, 5e-3), (8e-3, 8e-3), (5e-3, 20e-3)])
    func crossingIsTheFirstThresholdPassage(tauMem: Double, tauSyn: Double) {
        let c = LIFConstants(NeuronParameters(tauMem: tauMem, tauSyn: tauSyn, threshold: 1, reset: 0))
        for (v0, i0) in Self.spikingStates(c, count: 300, seed: 2) {
            let u = c.nextCrossing(v0: v0, i0: i0, horizon: 1)!
            var v = v0, i = i0
            c.advance(v: &v, i: &i, by: u)
            #expect(abs(v - 1) <= 1e-13, "V(u) = \(v)")
            // Dense scan before the crossing: never at threshold earlier.
            for step in 1..<200 {
                var vs = v0, is_ = i0
                c.advance(v: &vs, i: &is_, by: u * Double(step) / 200)
                #expect(vs < 1)
            }
        }
    }

    /// States below threshold that never cross are not reported as crossing, including grazing
    /// trajectories whose maximum is just below ϑ; and ones just above are found.
    @Test func nearTangentTrajectoriesAreDecidedByTheirMaximum() {
        let c = LIFConstants(NeuronParameters(tauMem: 20e-3, tauSyn: 5e-3, threshold: 1, reset: 0))
        // V0 = 0: the peak is I0 · kernelPeak, so I0 = 1/kernelPeak grazes the threshold.
        let grazing = 1 / c.kernelPeak
        #expect(c.nextCrossing(v0: 0, i0: grazing * (1 - 1e-9), horizon: 1) == nil)
        let u = c.nextCrossing(v0: 0, i0: grazing * (1 + 1e-9), horizon: 1)
        #expect(u != nil)
        #expect(c.nextCrossing(v0: 0.5, i0: 0.4, horizon: 1) == nil)  // falling from the start
        #expect(c.nextCrossing(v0: 0, i0: 20, horizon: 1e-6) == nil)  // beyond the horizon
    }

    /// The exact peak test for `τm = n τs` (``LIFConstants/mayCross(v0:i0:)``) agrees with the
    /// maximum of `V` computed at its stationary point (with logarithms): it never rules out a
    /// trajectory whose peak reaches ϑ, rules out those whose peak is clearly below, and
    /// `nextCrossing` finds no crossing for any trajectory it rules out — so skipping their
    /// checks cannot change a spike.
    @Test(arguments: [2, 3, 4, 6])
    func exactPeakTestDecidesByTheMaximum(ratio: Int) {
        let tauSyn = 0x1p-8
        let threshold = 0.75
        let c = LIFConstants(NeuronParameters(tauMem: Double(ratio) * tauSyn, tauSyn: tauSyn, threshold: threshold, reset: 0))
        #expect(c.peakOrder == ratio)
        var rng = SplitMix64(seed: 91)
        var ruledOut = 0
        for trial in 0..<20_000 {
            let v0 = rng.uniform() * 1.5 * threshold - 0.5 * threshold
            var i0 = v0 + rng.uniform() * 8
            // Half of the trials graze the threshold: scale I0 (V0 = 0) to put the peak within 1e-7.
            if trial % 2 == 0 {
                let grazing = threshold / c.kernelPeak
                i0 = grazing * (1 + (rng.uniform() - 0.5) * 2e-7)
            }
            let v = trial % 2 == 0 ? 0 : v0
            let u = c.stationaryPoint(v0: v, i0: i0)
            var peak = v
            if u.isFinite {
                var i = i0
                c.advance(v: &peak, i: &i, by: u)
            }
            if !c.mayCross(v0: v, i0: i0) {
                ruledOut += 1
                #expect(peak < threshold, "V0 \(v) I0 \(i0): peak \(peak) ≥ ϑ was ruled out")
                #expect(c.nextCrossing(v0: v, i0: i0, horizon: 1) == nil)
            } else if peak < threshold * (1 - 1e-8) {
                Issue.record("V0 \(v) I0 \(i0): peak \(peak) is clearly below ϑ but was not ruled out")
            }
        }
        #expect(ruledOut > 5_000, "most sub-threshold trajectories are ruled out (\(ruledOut))")
    }

    /// At thresholds far from 1 the peak test never rules out a trajectory the root finder sees
    /// cross: it is exact while `ϑⁿ⁻¹` stays within 2^±500 (here n = 16: ϑ = 1e-9, 1e6), and gives
    /// way to the kernel bound beyond (ϑ = 1e-30, 1e25).
    @Test(arguments: [(1e-30, false), (1e-9, true), (1e6, true), (1e25, false)])
    func peakTestIsSafeAtExtremeScales(threshold: Double, exact: Bool) {
        let tauSyn = 0x1p-8
        let c = LIFConstants(NeuronParameters(tauMem: 16 * tauSyn, tauSyn: tauSyn, threshold: threshold, reset: 0))
        #expect(c.peakOrder == (exact ? 16 : 0))
        var rng = SplitMix64(seed: 5)
        var crossings = 0
        for _ in 0..<5_000 {
            let v0 = (rng.uniform() * 1.5 - 0.5) * threshold
            let i0 = v0 + rng.uniform() * 20 * threshold
            if c.nextCrossingByRootFinding(v0: v0, i0: i0, horizon: 1) != nil {
                crossings += 1
                #expect(c.mayCross(v0: v0, i0: i0), "ϑ \(threshold), V0 \(v0), I0 \(i0) crosses but was ruled out")
            }
        }
        #expect(crossings > 100)
    }

    /// The logarithm-free test never claims a stationary point beyond a stretch that the exact
    /// point falls inside, and decides most stretches (τm > τs and τm < τs).
    @Test(arguments: [(20e-3, 5e-3), (5e-3, 20e-3), (10e-3, 7e-3)])
    func stationaryPointTestIsConservative(tauMem: Double, tauSyn: Double) {
        let c = LIFConstants(NeuronParameters(tauMem: tauMem, tauSyn: tauSyn))
        var rng = SplitMix64(seed: 77)
        var decided = 0
        for _ in 0..<20_000 {
            let v0 = rng.uniform() * 2 - 0.5
            let i0 = v0 + rng.uniform() * 3
            let exact = c.stationaryPoint(v0: v0, i0: i0)
            // Stretches around the exact point, down to a few ulps from it.
            let u = exact.isFinite && rng.uniform() < 0.5 ? exact * (1 + (rng.uniform() - 0.5) * 1e-8) : rng.uniform() * 40e-3
            let (mem, syn) = c.decay(u)
            if c.stationaryPointIsBeyond(u, v0: v0, i0: i0, mem: mem, syn: syn) {
                #expect(exact >= u, "v0 \(v0) i0 \(i0) u \(u): the stationary point \(exact) is inside")
                decided += 1
            }
        }
        #expect(decided > 1_000, "the test should decide many stretches (\(decided))")
    }

    /// The closed form against a fine Runge–Kutta integration of τm V' = −V + I, τs I' = −I.
    @Test(arguments: [(20e-3, 5e-3), (8e-3, 8e-3)])
    func closedFormMatchesNumericalIntegration(tauMem: Double, tauSyn: Double) {
        let c = LIFConstants(NeuronParameters(tauMem: tauMem, tauSyn: tauSyn))
        var v = 0.3, i = 2.0
        let steps = 20_000
        let h = 30e-3 / Double(steps)
        func f(_ v: Double, _ i: Double) -> (Double, Double) { ((-v + i) / tauMem, -i / tauSyn) }
        for _ in 0..<steps {
            let k1 = f(v, i)
            let k2 = f(v + h / 2 * k1.0, i + h / 2 * k1.1)
            let k3 = f(v + h / 2 * k2.0, i + h / 2 * k2.1)
            let k4 = f(v + h * k3.0, i + h * k3.1)
            v += h / 6 * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0)
            i += h / 6 * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1)
        }
        var vc = 0.3, ic = 2.0
        c.advance(v: &vc, i: &ic, by: 30e-3)
        #expect(abs(vc - v) < 1e-10)
        #expect(abs(ic - i) < 1e-10)
    }

    /// The adjoint propagator with the exponential source against finite differences of the
    /// weighted integral it differentiates: λ_V(0) = −(1/τm) ∂/∂V0 of c·∫e^{−t/T}V dt.
    @Test(arguments: [(20e-3, 5e-3), (8e-3, 8e-3)])
    func adjointSourceIsTheDerivativeOfTheWeightedIntegral(tauMem: Double, tauSyn: Double) {
        let c = LIFConstants(NeuronParameters(tauMem: tauMem, tauSyn: tauSyn))
        let T = 0.05, coefficient = 0.7
        var lv = 0.0, li = 0.0
        c.propagateAdjoint(lambdaV: &lv, lambdaI: &li, from: T, to: 0, sourceCoefficient: coefficient, duration: T)
        func integral(_ v0: Double, _ i0: Double) -> Double { coefficient * c.weightedVoltageIntegral(v0: v0, i0: i0, from: 0, over: T, duration: T) }
        let h = 1e-5
        let dV = (integral(0.2 + h, 0.5) - integral(0.2 - h, 0.5)) / (2 * h)
        let dI = (integral(0.2, 0.5 + h) - integral(0.2, 0.5 - h)) / (2 * h)
        #expect(abs(lv - -dV / tauMem) <= 1e-8 * abs(lv))
        #expect(abs(li - -dI / tauSyn) <= 1e-8 * abs(li))
    }
}
