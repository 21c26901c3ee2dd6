// ChipSpec+Encoding: a ChipSpec back to `neuromesh-chip/1` JSON (decode(encode(x)) == x).

import StrictJSON

extension ChipSpec {
    /// The chip as a `neuromesh-chip/1` document, members in the documented order.
    public func encode() -> JSONValue {
        var root = JSONObject()
        root["format"] = .string(ChipSpec.format)
        root["name"] = .string(name)
        if let summary { root["summary"] = .string(summary) }
        root["mesh"] = [
            "width": .count(mesh.width), "height": .count(mesh.height),
            "cores_per_router": .count(mesh.coresPerRouter), "topology": .string(mesh.topology.rawValue),
            "core_count": .count(mesh.coreCount),
        ]
        root["core"] = [
            "neurons_max": .count(core.neuronsMax),
            "synapse_memory_bytes": .count(core.synapseMemoryBytes),
            "weight_bits": .count(core.weightBits),
            "delay_bits": core.delayBits.map { .count($0) } ?? .null,
            "learning_state_bits": core.learningStateBits.map { .count($0) } ?? .null,
            "fan_in": ["counts": .string(core.fanIn.kind.rawValue), "max": core.fanIn.max.map { .count($0) } ?? .null],
            "fan_out": ["counts": .string(core.fanOut.kind.rawValue), "max": core.fanOut.max.map { .count($0) } ?? .null],
            "spike_log_entries": core.spikeLogEntries.map { .count($0) } ?? .null,
            "spike_log_overflow": .string(core.spikeLogOverflow.rawValue),
        ]
        root["router"] = [
            "routing": .string(router.routing.rawValue),
            "multicast": .string(router.multicast.rawValue),
            "buffer_depth_packets": .count(router.bufferDepthPackets),
            "queue_policy": .string(router.queuePolicy.rawValue),
            "pipeline_latency_s": .number(router.pipelineLatency),
            "link_width_bits": .count(router.linkWidthBits),
        ]
        root["packets"] = [
            "spike_bits": .count(packets.spikeBits), "error_bits": .count(packets.errorBits),
            "error_payload_bits": .count(packets.errorPayloadBits),
        ]
        let latency: JSONValue
        switch time.sync.latency {
        case .unknown: latency = .null
        case .constant(let s): latency = .number(s)
        case .byRouters(let points):
            latency = .array(points.map { ["routers": .count($0.routers), "latency_s": .number($0.latency)] })
        }
        root["time"] = [
            "window_s": .number(time.window),
            "sync": ["mode": .string(time.sync.mode.rawValue), "latency_s": latency, "energy_j": optional(time.sync.energy)],
        ]
        root["io_port"] = ["x": .count(ioPort.x), "y": .count(ioPort.y)]
        root["costs"] = encodeCosts()
        root["sources"] = .object(JSONObject(sources.map { ($0.key, .string($0.text)) }))
        root["provenance"] = .object(
            JSONObject(
                provenance.map { entry in
                    var object = JSONObject()
                    if let source = entry.source { object["source"] = .string(source) }
                    if let location = entry.location { object["where"] = .string(location) }
                    object["basis"] = .string(entry.basis.rawValue)
                    if let note = entry.note { object["note"] = .string(note) }
                    return (entry.pointer, .object(object))
                }))
        return .object(root)
    }

    private func encodeCosts() -> JSONValue {
        var costsObject = JSONObject()
        for group in CostGroup.allCases {
            var groupObject = JSONObject()
            var hop = JSONObject()
            for operation in ChipOperation.allCases where operation.group == group {
                let value = encode(costs[operation])
                if operation.keyPath.count == 2 {
                    hop[operation.keyPath[1]] = value
                    if operation == .hopX { groupObject["hop"] = .object(JSONObject()) }  // keep hop's position
                } else {
                    groupObject[operation.keyPath[0]] = value
                }
            }
            if group == .network {
                for direction in HopDirection.allCases {
                    if let cost = costs.hopOverrides[direction] { hop[direction.rawValue] = encode(cost) }
                }
                groupObject["hop"] = .object(hop)
            }
            costsObject[group.rawValue] = .object(groupObject)
        }
        costsObject["static_per_core_w"] = optional(costs.staticPowerPerCore)
        return .object(costsObject)
    }

    private func encode(_ cost: OperationCost) -> JSONValue {
        ["energy_j": optional(cost.energy), "latency_s": optional(cost.latency)]
    }

    private func optional(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }
}
