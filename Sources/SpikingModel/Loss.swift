// Loss: the losses EventProp differentiates, their values and what they inject into the backward pass.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A per-sample loss on the network's output population (eventprop.md §4).
///
/// The batch loss is the mean over samples; this type gives one sample's term.
public enum Loss: Sendable, Equatable {
    /// Cross-entropy over output first-spike times with the paper's regulariser (§4.1):
    ///
    ///     L = −log( e^{−t_l/τ0} / Σ_k e^{−t_k/τ0} ) + α (e^{t_l/τ1} − 1)
    ///
    /// `t_k` is output neuron k's first spike. An output that does not spike counts as spiking at
    /// T (so it drops out of the softmax, as in the paper's code). If the *label* neuron does not
    /// spike, the sample has no gradient (EventProp cannot create the missing spike; the paper's
    /// code does the same) and the constant value `log K + α(e^{T/τ1} − 1)`. Times in seconds;
    /// defaults τ0 = 0.5 ms, τ1 = 6.4 ms, α = 3e-3 (the paper's Yin-Yang run).
    case timeToFirstSpike(tau0: Double = 0.5e-3, tau1: Double = 6.4e-3, alpha: Double = 3e-3)
    /// Cross-entropy over `M_k = max_t V_k(t)` of LI readouts (§4.2), including the kink
    /// correction when a maximum sits on the arrival of a hidden spike.
    case maxVoltage
    /// Cross-entropy over `S_k = (1/T) ∫ e^{−t/T} V_k(t) dt` of LI readouts (loss shaping, §4.3).
    case expVoltage
    /// The sum of all output spike times, in seconds (the paper's gradient check, Fig. 2).
    case spikeTimeSum

    /// The command-line name.
    public var name: String {
        switch self {
        case .timeToFirstSpike: return "ttfs"
        case .maxVoltage: return "max-voltage"
        case .expVoltage: return "exp-voltage"
        case .spikeTimeSum: return "spike-time-sum"
        }
    }

    public static let names = ["ttfs", "max-voltage", "exp-voltage", "spike-time-sum"]

    /// The loss called `name` with default constants.
    public init?(name: String) {
        switch name {
        case "ttfs": self = .timeToFirstSpike()
        case "max-voltage": self = .maxVoltage
        case "exp-voltage": self = .expVoltage
        case "spike-time-sum": self = .spikeTimeSum
        default: return nil
        }
    }

    /// The output population kind this loss reads.
    public var outputKind: NeuronKind {
        switch self {
        case .timeToFirstSpike, .spikeTimeSum: return .lif
        case .maxVoltage, .expVoltage: return .li
        }
    }

    /// Whether the loss needs the input's class label.
    public var needsLabel: Bool { self != .spikeTimeSum }
}

/// A loss evaluated on one forward pass, with what it injects into the backward pass.
public struct LossEvaluation: Sendable, Equatable {
    /// The loss value.
    public var value: Double
    /// The predicted class (earliest first spike, largest `M_k` or `S_k`), or nil (none / no classes).
    public var prediction: Int?
    /// `∂L/∂t_k` for spikes `k` (spike index, value).
    public var spikeTimeErrors: [(spike: Int32, value: Double)]
    /// `∂L/∂M_o` or `∂L/∂S_o` per output readout (empty for spiking losses).
    public var readoutErrors: [Double]
    /// Time-to-first-spike loss only: the label neuron did not spike. Such a sample has no
    /// gradient and ``value`` is a stand-in constant (see ``Loss/evaluate(spikes:outputs:duration:label:)``),
    /// so averages of the loss over samples, like the paper's code, leave it out.
    public var labelSilent = false
    /// The largest magnitude among the terms whose sum is ``value`` (at least `|value|`): the value
    /// is exact only to about `ε` times this. A cross-entropy near 0 is the difference of two
    /// large numbers (`log Σ e^{z} − z_label`), so finite differences of the loss carry the
    /// rounding of those, not of the small value. Not part of equality (it is derived).
    public var magnitude = 0.0

    public static func == (a: Self, b: Self) -> Bool {
        a.value == b.value && a.prediction == b.prediction && a.readoutErrors == b.readoutErrors && a.labelSilent == b.labelSilent
            && a.spikeTimeErrors.map(\.spike) == b.spikeTimeErrors.map(\.spike)
            && a.spikeTimeErrors.map(\.value) == b.spikeTimeErrors.map(\.value)
    }
}

extension ReferenceSimulator {
    /// Evaluates `loss` on the last forward pass. `label` is required for the cross-entropy losses.
    ///
    /// - Precondition: as ``backward(loss:label:)``: ``Network/problem(with:label:)`` returns `nil`.
    public func evaluate(_ loss: Loss, label: Int?) -> LossEvaluation {
        switch loss {
        case .timeToFirstSpike, .spikeTimeSum:
            return loss.evaluate(spikes: spikes, outputs: outputStart..<(outputStart + outputSize), duration: duration, label: label)
        case .maxVoltage, .expVoltage:
            return loss.evaluate(readouts: readouts, label: label)
        }
    }
}

extension Loss {
    /// Evaluates a readout loss (``maxVoltage`` or ``expVoltage``): the cross-entropy of the
    /// softmax over `M_o` or `S_o`, and `∂L/∂M_o` (or `∂L/∂S_o`) `= p_o − [o = label]`.
    ///
    /// - Precondition: a readout loss, at least one readout, and a label in `0..<readouts.maxValue.count`.
    public func evaluate(readouts: ReadoutStatistics, label: Int?) -> LossEvaluation {
        precondition(self == .maxVoltage || self == .expVoltage, "\(name) reads spikes, not readout voltages")
        let label = label!
        let statistic = self == .maxVoltage ? readouts.maxValue : readouts.weightedIntegral
        let (logSum, p) = softmax(statistic)
        let g = p.indices.map { p[$0] - ($0 == label ? 1 : 0) }
        let best = statistic.max()!
        let value = logSum - statistic[label]
        return LossEvaluation(
            value: value, prediction: statistic.firstIndex(of: best), spikeTimeErrors: [], readoutErrors: g,
            magnitude: max(abs(value), abs(logSum), abs(statistic[label])))
    }
}

extension Loss {
    /// Evaluates a spiking-output loss (``timeToFirstSpike(tau0:tau1:alpha:)`` or ``spikeTimeSum``)
    /// on recorded spikes; `outputs` are the output neurons' global indices. A neuron's spikes must
    /// be recorded in time order (other neurons' may interleave in any order), so the functional
    /// reference and the chip emulator, which records core by core, evaluate alike.
    ///
    /// - Precondition: a spiking-output loss; `label` given, in `0..<outputs.count`, for the cross-entropy.
    public func evaluate(spikes: SpikeRecord, outputs: Range<Int>, duration: Double, label: Int?) -> LossEvaluation {
        let outputStart = outputs.lowerBound
        let outputSize = outputs.count
        switch self {
        case .timeToFirstSpike(let tau0, let tau1, let alpha):
            var first = Array(repeating: Double.infinity, count: outputSize)
            var firstSpike = Array(repeating: Int32(-1), count: outputSize)
            for k in 0..<spikes.count {
                let o = Int(spikes.neuron[k]) - outputStart
                if o >= 0, o < outputSize, firstSpike[o] < 0 {
                    firstSpike[o] = Int32(k)
                    first[o] = spikes.time[k]
                }
            }
            let label = label!
            var prediction: Int? = nil
            if let earliest = first.min(), earliest.isFinite { prediction = first.firstIndex(of: earliest) }
            guard firstSpike[label] >= 0 else {
                // A silent label neuron: as in the paper's code, the sample gives no gradient
                // (EventProp cannot create the missing spike) and counts as an error. The value
                // is the constant for all outputs silent at T, so it is consistent with a zero
                // gradient. (It grows like e^{T/τ1}: averages leave such samples out.)
                let value = naturalLog(Double(outputSize)) + alpha * (exp(duration / tau1) - 1)
                return LossEvaluation(
                    value: value, prediction: prediction, spikeTimeErrors: [], readoutErrors: [], labelSilent: true, magnitude: abs(value))
            }
            let times = first.map { $0.isFinite ? $0 : duration }
            let logits = times.map { -$0 / tau0 }
            let (logSum, p) = softmax(logits)
            let tl = times[label]
            let regulariser = alpha * (exp(tl / tau1) - 1)
            let value = -(logits[label] - logSum) + regulariser
            var errors: [(spike: Int32, value: Double)] = []
            for o in 0..<outputSize where firstSpike[o] >= 0 {
                let g = o == label ? (1 - p[o]) / tau0 + alpha / tau1 * exp(tl / tau1) : -p[o] / tau0
                errors.append((firstSpike[o], g))
            }
            return LossEvaluation(
                value: value, prediction: prediction, spikeTimeErrors: errors, readoutErrors: [],
                magnitude: max(abs(value), abs(logits[label]), abs(logSum), abs(regulariser)))
        case .spikeTimeSum:
            // Summed in the canonical order (time, then neuron), which is the reference's
            // emission order, so a record kept core by core gives the same bits.
            var outputSpikes: [Int32] = []
            for k in 0..<spikes.count {
                let o = Int(spikes.neuron[k]) - outputStart
                if o >= 0, o < outputSize { outputSpikes.append(Int32(k)) }
            }
            outputSpikes.sort { a, b in
                let (ta, tb) = (spikes.time[Int(a)], spikes.time[Int(b)])
                return ta != tb ? ta < tb : spikes.neuron[Int(a)] < spikes.neuron[Int(b)]
            }
            var value = 0.0
            var errors: [(spike: Int32, value: Double)] = []
            for k in outputSpikes {
                value += spikes.time[Int(k)]
                errors.append((k, 1))
            }
            return LossEvaluation(value: value, prediction: nil, spikeTimeErrors: errors, readoutErrors: [], magnitude: value)
        case .maxVoltage, .expVoltage:
            preconditionFailure("\(name) reads readout voltages, not spikes")
        }
    }
}

/// `ln x` (a free function: inside the simulator, `log` names its event log).
func naturalLog(_ x: Double) -> Double { log(x) }

/// `(log Σ e^{z_k}, softmax(z))`, shifted by `max z` for range safety.
func softmax(_ z: [Double]) -> (logSum: Double, p: [Double]) {
    let shift = z.max()!
    let e = z.map { exp($0 - shift) }
    let sum = e.reduce(0, +)
    return (shift + log(sum), e.map { $0 / sum })
}
