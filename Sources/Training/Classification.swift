// Classification: how labelled samples were classified.

/// Classification counts over labelled samples.
///
/// A sample is correct when its prediction is its label (spiking outputs: the output that spikes
/// first, the lower index on an exact tie; readouts: the largest). A sample whose outputs never
/// spike has no prediction and counts as an error.
///
/// This is how the EventProp reference code at the time of the paper scored spiking outputs
/// (`loss_layer.py`, `get_accuracy`: the label neuron must spike, and no other output before it),
/// except on exact ties of first-spike times, which need bit-equal times (that code counts them as
/// correct; here the lower index wins). An earlier version of that code skipped silent outputs
/// in NaN comparisons and so counted a sample without any output spike as *correct*; the
/// paper's accuracies were not computed that way.
public struct Classification: Sendable, Equatable {
    public var samples = 0
    /// Samples whose prediction is the label.
    public var correct = 0
    /// Samples with no prediction (no output spiked); they count as errors.
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
}
