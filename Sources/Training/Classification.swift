// Classification: how labelled samples were classified — by our rule, and by the rule behind the
// EventProp paper's published accuracies.

/// Classification counts over labelled samples.
///
/// A sample is correct when its prediction is its label (spiking outputs: the output that spikes
/// first, the lower index on an exact tie; readouts: the largest). A sample whose outputs never
/// spike has no prediction and counts as an error.
///
/// The EventProp reference code scores spiking outputs differently (`loss_layer.py`,
/// `get_accuracy`: a sample is correct when no output spikes before the label neuron, silent
/// outputs ignored, all as NumPy comparisons with NaN for "no spike"). Under that rule a sample
/// with no output spike at all is *correct*, because every comparison is skipped; the paper's
/// 98.1 % (Yin-Yang) was computed so. ``paperRuleAccuracy`` scores that way, to compare like with
/// like; ``accuracy`` is the figure to trust.
public struct Classification: Sendable, Equatable {
    public var samples = 0
    /// Samples whose prediction is the label.
    public var correct = 0
    /// Samples with no prediction (no output spiked): errors here, correct under the paper's rule.
    public var withoutPrediction = 0

    public init() {}

    public mutating func add(prediction: Int?, label: Int?) {
        samples += 1
        if let prediction {
            if prediction == label { correct += 1 }
        } else {
            withoutPrediction += 1
        }
    }

    /// The fraction classified correctly (0 for no samples).
    public var accuracy: Double { samples == 0 ? 0 : Double(correct) / Double(samples) }

    /// The fraction correct under the EventProp reference code's rule, which also counts the
    /// samples without any output spike (0 for no samples). Exact ties between the label's and
    /// another output's first spike, which that rule would count as correct, are scored by the
    /// prediction: they need bit-equal spike times.
    public var paperRuleAccuracy: Double { samples == 0 ? 0 : Double(correct + withoutPrediction) / Double(samples) }
}
