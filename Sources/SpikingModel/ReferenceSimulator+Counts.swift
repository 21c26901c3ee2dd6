// Activity counts of the last forward pass: synaptic events and spikes per population.

extension ReferenceSimulator {
    /// The synaptic events of the last forward pass: one per arrival of one spike at one target
    /// neuron, counted from the event log (a delivery reaches every target of its projection, a
    /// delayed arrival reaches one; arrivals later than T were dropped and are not counted).
    ///
    /// The EventProp backward pass (``backward(loss:label:)``) replays exactly the same arrivals
    /// in reverse, so one forward + backward pass processes `2 × forwardSynapticEvents`.
    ///
    /// - Complexity: O(log length).
    public var forwardSynapticEvents: Int {
        var total = 0
        for entry in log {
            switch entry.kind {
            case .delivery: total &+= network.projections[Int(entry.projection)].targetSize
            case .arrival: total &+= 1
            case .spike: break
            }
        }
        return total
    }

    /// Number of spikes of the last forward pass per population, in the order of
    /// ``Network/populations`` (input spikes at or before T included).
    ///
    /// - Complexity: O(spikes).
    public func spikesPerPopulation() -> [Int] {
        var counts = Array(repeating: 0, count: network.populations.count)
        for n in spikes.neuron { counts[Int(populationOf[Int(n)])] &+= 1 }
        return counts
    }
}
