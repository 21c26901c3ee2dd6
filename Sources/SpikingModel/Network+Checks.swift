// Network+Checks: whether an input and a loss fit a network, as messages a caller can throw.

extension Network {
    /// Why `input` cannot be simulated on this network, or `nil` if it can: it needs one spike
    /// train per input neuron (``inputCount``, in the order of ``inputPopulations``) and every
    /// time finite and ≥ 0, in seconds. (Times after ``duration`` are allowed: they are dropped.)
    ///
    /// ``ReferenceSimulator/forward(_:)`` takes this as a precondition; ``Trainer`` and the chip
    /// emulator check it and throw the message.
    public func problem(with input: InputSpikes) -> String? {
        guard input.times.count == inputCount else {
            return "the input has \(input.times.count) spike trains, but the network has \(inputCount) input neurons (one train each)"
        }
        for (train, times) in input.times.enumerated() {
            if let t = times.first(where: { !$0.isFinite || $0 < 0 }) {
                return "spike time \(t) s of input neuron \(train) is not a finite time ≥ 0 s"
            }
        }
        return nil
    }

    /// Why `loss` cannot be evaluated on this network's output population for a sample labelled
    /// `label`, or `nil` if it can: the output must be of kind ``Loss/outputKind`` (LIF for the
    /// spike-time losses, LI for the voltage losses), and a loss that ``Loss/needsLabel`` needs
    /// a label in `0..<size` of the output population.
    ///
    /// ``ReferenceSimulator/backward(loss:label:)`` takes this as a precondition; ``Trainer`` and
    /// the chip emulator check it and throw the message.
    public func problem(with loss: Loss, label: Int?) -> String? {
        guard populations.indices.contains(output.rawValue) else {
            return "the output (\(output)) is not one of the network's \(populations.count) populations"
        }
        let population = populations[output.rawValue]
        guard population.kind == loss.outputKind else {
            return "the \(loss.name) loss needs \(loss.outputKind == .lif ? "spiking (lif)" : "readout (li)") outputs, but the output population \"\(population.name)\" is \(population.kind.rawValue)"
        }
        guard loss.needsLabel else { return nil }
        guard let label else { return "the \(loss.name) loss needs the sample's label" }
        guard (0..<population.size).contains(label) else {
            return "label \(label) does not name an output neuron (the output population \"\(population.name)\" has \(population.size): 0...\(population.size - 1))"
        }
        return nil
    }
}
