// ChipSpec+Decoding: strict reading of a `neuromesh-chip/1` file; every problem is collected.

import StrictJSON

extension ChipSpec {
    /// Reads and validates the chip file at `path`.
    ///
    /// - Throws: ``JSONIssues`` listing every problem (syntax, unknown members, wrong types,
    ///   missing members, impossible values, inconsistencies), each with the file, the JSON
    ///   pointer and the reason.
    public static func load(path: String) throws(JSONIssues) -> ChipSpec {
        try decode(try JSONFile.read(path), file: path)
    }

    /// Decodes and validates a chip description; `file` is used only in messages.
    public static func decode(_ value: JSONValue, file: String) throws(JSONIssues) -> ChipSpec {
        let diagnostics = JSONDiagnostics(file: file)
        let spec = ChipDecoder(diagnostics: diagnostics).decode(JSONNode(value: value, diagnostics: diagnostics))
        try diagnostics.throwIfAny()
        guard let spec else {
            throw JSONIssues([JSONIssue(file: file, location: .path(.root), message: "not a valid chip description")])
        }
        return spec
    }
}

/// Reads each section; a section with a problem yields `nil` but reading goes on, so one run
/// reports every problem in the file.
struct ChipDecoder {
    let diagnostics: JSONDiagnostics

    func decode(_ root: JSONNode) -> ChipSpec? {
        guard let object = root.object() else { return nil }
        if let format = object.required("format"), let text = format.string(), text != ChipSpec.format {
            format.report("unsupported format \"\(text)\" (this version reads \"\(ChipSpec.format)\")")
        }
        let name = object.required("name")?.nonEmptyString()
        let summary = object.optional("summary")?.string()
        let mesh = object.required("mesh").flatMap(mesh)
        let core = object.required("core").flatMap(core)
        let router = object.required("router").flatMap(router)
        let packets = object.required("packets").flatMap(packets)
        let time = object.required("time").flatMap(timing)
        let ioPort = object.required("io_port").flatMap(routerCoordinate)
        let costs = object.required("costs").flatMap(costTable)
        let sources = object.optional("sources").map(citations) ?? []
        let provenance = object.optional("provenance").map(provenanceEntries) ?? []
        object.finish()
        // Cross-section checks, on whatever decoded.
        if let mesh, let ioPort { ChipValidation.checkPort(ioPort, on: mesh, diagnostics: diagnostics) }
        if let provenance {
            ChipValidation.checkProvenance(provenance, sources: sources ?? [], document: root.value, diagnostics: diagnostics)
        }
        guard let name, let mesh, let core, let router, let packets, let time, let ioPort, let costs, let sources,
            let provenance
        else { return nil }
        return ChipSpec(
            name: name, summary: summary, mesh: mesh, core: core, router: router, packets: packets, time: time,
            ioPort: ioPort, costs: costs, sources: sources, provenance: provenance)
    }

    // MARK: - Sections

    func mesh(_ node: JSONNode) -> MeshSpec? {
        guard let object = node.object() else { return nil }
        let width = object.required("width")?.int(in: ChipLimits.meshSide)
        let height = object.required("height")?.int(in: ChipLimits.meshSide)
        let perRouter = object.required("cores_per_router")?.int(in: ChipLimits.coresPerRouter)
        let topology = object.required("topology")?.enumeration(Topology.self)
        let countNode = object.optional("core_count")
        let count = countNode?.int(in: 1...ChipLimits.maxCores)
        object.finish()
        guard let width, let height, let perRouter, let topology else { return nil }
        let mesh = MeshSpec(width: width, height: height, coresPerRouter: perRouter, topology: topology)
        if mesh.coreCount > ChipLimits.maxCores {
            node.report("\(width) x \(height) routers x \(perRouter) cores is \(mesh.coreCount) cores; at most \(ChipLimits.maxCores) are supported")
            return nil
        }
        if let countNode, let count, count != mesh.coreCount {
            countNode.report("\(count) cores is inconsistent with \(width) x \(height) routers x \(perRouter) cores per router = \(mesh.coreCount)")
        }
        return mesh
    }

    func core(_ node: JSONNode) -> CoreSpec? {
        guard let object = node.object() else { return nil }
        let neurons = object.required("neurons_max")?.int(in: ChipLimits.neurons)
        let memory = object.required("synapse_memory_bytes")?.int(in: ChipLimits.bytes)
        let weightBits = object.required("weight_bits")?.int(in: ChipLimits.wordBits)
        let delayBits = object.required("delay_bits")?.nullableInt(in: ChipLimits.delayBits)
        let stateBits = object.required("learning_state_bits")?.nullableInt(in: ChipLimits.wordBits)
        let fanIn = object.required("fan_in").flatMap { limit($0, FanInLimitKind.self) }
        let fanOut = object.required("fan_out").flatMap { limit($0, FanOutLimitKind.self) }
        let log = object.required("spike_log_entries")?.nullableInt(in: ChipLimits.logEntries)
        let overflow = object.required("spike_log_overflow")?.enumeration(OverflowPolicy.self)
        object.finish()
        guard let neurons, let memory, let weightBits, let delayBits, let stateBits, let fanIn, let fanOut, let log,
            let overflow
        else { return nil }
        return CoreSpec(
            neuronsMax: neurons, synapseMemoryBytes: memory, weightBits: weightBits, delayBits: delayBits,
            learningStateBits: stateBits, fanIn: fanIn, fanOut: fanOut, spikeLogEntries: log, spikeLogOverflow: overflow)
    }

    func limit<Kind: RawRepresentable & CaseIterable & Sendable & Equatable>(_ node: JSONNode, _: Kind.Type)
        -> CapacityLimit<Kind>? where Kind.RawValue == String
    {
        guard let object = node.object() else { return nil }
        let kind = object.required("counts")?.enumeration(Kind.self)
        let max = object.required("max")?.nullableInt(in: ChipLimits.fan)
        object.finish()
        guard let kind, let max else { return nil }
        return CapacityLimit(kind: kind, max: max)
    }

    func router(_ node: JSONNode) -> RouterSpec? {
        guard let object = node.object() else { return nil }
        let routing = object.required("routing")?.enumeration(RoutingAlgorithm.self)
        let multicast = object.required("multicast")?.enumeration(MulticastStyle.self)
        let depth = object.required("buffer_depth_packets")?.int(in: ChipLimits.bufferPackets)
        let policyNode = object.optional("queue_policy")
        let policy = policyNode.map { $0.enumeration(QueuePolicy.self) } ?? .lossless
        let pipeline = object.required("pipeline_latency_s")?.latency()
        let width = object.required("link_width_bits")?.int(in: ChipLimits.bits)
        object.finish()
        guard let routing, let multicast, let depth, let policy, let pipeline, let width else { return nil }
        return RouterSpec(
            routing: routing, multicast: multicast, bufferDepthPackets: depth, queuePolicy: policy,
            pipelineLatency: pipeline, linkWidthBits: width)
    }

    func packets(_ node: JSONNode) -> PacketSpec? {
        guard let object = node.object() else { return nil }
        let spike = object.required("spike_bits")?.int(in: ChipLimits.bits)
        let error = object.required("error_bits")?.int(in: ChipLimits.bits)
        let payloadNode = object.required("error_payload_bits")
        let payload = payloadNode?.int(in: ChipLimits.bits)
        object.finish()
        guard let spike, let error, let payload else { return nil }
        if let payloadNode, payload > error {
            payloadNode.report("a \(payload)-bit payload does not fit in a \(error)-bit error packet (/packets/error_bits)")
            return nil
        }
        return PacketSpec(spikeBits: spike, errorBits: error, errorPayloadBits: payload)
    }

    func timing(_ node: JSONNode) -> TimingSpec? {
        guard let object = node.object() else { return nil }
        let window = object.required("window_s")?.positiveDouble()
        let sync = object.required("sync").flatMap(sync)
        object.finish()
        guard let window, let sync else { return nil }
        return TimingSpec(window: window, sync: sync)
    }

    func sync(_ node: JSONNode) -> SyncSpec? {
        guard let object = node.object() else { return nil }
        let mode = object.required("mode")?.enumeration(SyncMode.self)
        let latencyNode = object.required("latency_s")
        let latency = latencyNode.flatMap(syncLatency)
        let energy = object.required("energy_j")?.nullableEnergy()
        object.finish()
        guard let mode, let latency, let energy else { return nil }
        if let latencyNode, mode == .dataflow, case .byRouters = latency {
            latencyNode.report("a latency table by routers applies to barriers only; give one message's latency in dataflow mode")
            return nil
        }
        return SyncSpec(mode: mode, latency: latency, energy: energy)
    }

    func syncLatency(_ node: JSONNode) -> SyncLatency? {
        switch node.value {
        case .null: return .unknown
        case .number: return node.latency().map(SyncLatency.constant)
        case .array:
            guard let elements = node.array() else { return nil }
            if elements.isEmpty {
                node.report("a latency table needs at least one point (or use a number, or null if unknown)")
                return nil
            }
            var points: [SyncPoint] = []
            var ok = true
            for element in elements {
                guard let object = element.object() else {
                    ok = false
                    continue
                }
                let routersNode = object.required("routers")
                let routers = routersNode?.int(in: ChipLimits.routers)
                let latency = object.required("latency_s")?.latency()
                object.finish()
                guard let routers, let latency else {
                    ok = false
                    continue
                }
                if let previous = points.last, routers <= previous.routers, let routersNode {
                    routersNode.report("router counts must increase strictly (\(routers) follows \(previous.routers))")
                    ok = false
                }
                points.append(SyncPoint(routers: routers, latency: latency))
            }
            return ok ? .byRouters(points) : nil
        default:
            node.report("expected seconds (a number), null (unknown) or a table [{\"routers\": n, \"latency_s\": s}, …], found \(node.value.kindDescription)")
            return nil
        }
    }

    func routerCoordinate(_ node: JSONNode) -> RouterCoordinate? {
        guard let object = node.object() else { return nil }
        let x = object.required("x")?.int(in: 0...ChipLimits.meshSide.upperBound)
        let y = object.required("y")?.int(in: 0...ChipLimits.meshSide.upperBound)
        object.finish()
        guard let x, let y else { return nil }
        return RouterCoordinate(x: x, y: y)
    }

    // MARK: - Costs

    func costTable(_ node: JSONNode) -> CostTable? {
        guard let object = node.object() else { return nil }
        var table = CostTable()
        var ok = true
        for group in CostGroup.allCases {
            guard let groupNode = object.required(group.rawValue), let groupObject = groupNode.object() else {
                ok = false
                continue
            }
            var hopObject: JSONObjectReader?
            if group == .network {
                hopObject = groupObject.required("hop")?.object()
                if hopObject == nil { ok = false }
            }
            for operation in ChipOperation.allCases where operation.group == group {
                let parent = operation.keyPath.count == 2 ? hopObject : groupObject
                guard let parent else { continue }
                guard let costNode = parent.required(operation.keyPath.last!), let cost = operationCost(costNode) else {
                    ok = false
                    continue
                }
                table[operation] = cost
            }
            if let hopObject {
                for direction in HopDirection.allCases {
                    guard let directionNode = hopObject.optional(direction.rawValue) else { continue }
                    if let cost = operationCost(directionNode) {
                        table.hopOverrides[direction] = cost
                    } else {
                        ok = false
                    }
                }
                hopObject.finish()
            }
            groupObject.finish()
        }
        if let staticPower = object.required("static_per_core_w")?.nullableStaticPower() {
            table.staticPowerPerCore = staticPower
        } else {
            ok = false
        }
        object.finish()
        return ok ? table : nil
    }

    func operationCost(_ node: JSONNode) -> OperationCost? {
        guard let object = node.object() else { return nil }
        let energy = object.required("energy_j")?.nullableEnergy()
        let latency = object.required("latency_s")?.nullableLatency()
        object.finish()
        guard let energy, let latency else { return nil }
        return OperationCost(energy: energy, latency: latency)
    }

    // MARK: - Sources and provenance

    func citations(_ node: JSONNode) -> [Citation]? {
        guard let object = node.object() else { return nil }
        var result: [Citation] = []
        var ok = true
        for key in object.object.keys {
            object.ignore(key)
            guard let text = object.optional(key)?.nonEmptyString() else {
                ok = false
                continue
            }
            result.append(Citation(key: key, text: text))
        }
        object.finish()
        return ok ? result : nil
    }

    func provenanceEntries(_ node: JSONNode) -> [ProvenanceEntry]? {
        guard let object = node.object() else { return nil }
        var result: [ProvenanceEntry] = []
        var ok = true
        for pointer in object.object.keys {
            guard let entryNode = object.optional(pointer), let entry = entryNode.object() else {
                ok = false
                continue
            }
            let source = entry.optional("source")?.nonEmptyString()
            let location = entry.optional("where")?.nonEmptyString()
            let basis = entry.required("basis")?.enumeration(ProvenanceBasis.self)
            let note = entry.optional("note")?.string()
            entry.finish()
            let sourceOK = entry.has("source") == (source != nil)
            let locationOK = entry.has("where") == (location != nil)
            let noteOK = !entry.has("note") || note != nil
            guard let basis, sourceOK, locationOK, noteOK else {
                ok = false
                continue
            }
            result.append(ProvenanceEntry(pointer: pointer, source: source, location: location, basis: basis, note: note))
        }
        object.finish()
        return ok ? result : nil
    }
}
