// SpikeTrains+JSON: the spike listing of `neuromesh simulate --json` and `neuromesh run --json`.

import StrictJSON

extension SpikeTrains {
    /// `[{"population": name, "times_s": [[t, …] per neuron]}, …]` for every non-input population
    /// of `network`, in network order. The one encoding of spikes in every JSON report, so the
    /// spikes of the reference and of an emulated chip compare as equal JSON values.
    public func encode(network: Network) -> JSONValue {
        .array(
            network.populations.indices.filter { network.populations[$0].kind != .input }.map { p in
                .object(JSONObject([
                    ("population", .string(network.populations[p].name)),
                    ("times_s", .array(trains[p].map { .numbers($0) })),
                ]))
            })
    }
}
