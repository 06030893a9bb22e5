import BadgeCore
import Foundation
import Registry
import Testing

/// Event ingestion (issue #12 B) over the in-memory store: every client shape, per-event
/// rejections, tenancy, idempotency, the rate limit, the merged timeline and retention.
@Suite struct EventServiceTests {
    static func service(_ world: World, policy: EventPolicy = EventPolicy()) -> EventService {
        EventService(store: world.store, agents: world.agents, limiter: RateLimiter(store: world.store, clock: world.clock), clock: world.clock, policy: policy)
    }

    static func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func everyClientShapeIsAccepted() async throws {
        let world = try await World.make()
        let events = Self.service(world)
        let tenant = try await world.tenant()
        let agent = try await world.keyedAgent(tenant)
        // capiscio-sdk events.py: a batch.
        let sdk = try await events.ingest(tenant.principal, body: try Self.json("""
            {"events": [{"id": "sdk-1", "type": "task_started", "agentId": "\(agent.id)", "timestamp": "2026-01-01T00:00:00Z",
                         "data": {"task": "x"}, "taskId": "t1", "correlationId": "c1"}]}
            """))
        #expect(sdk == IngestionResult(accepted: 1, rejected: [], rateLimit: sdk.rateLimit))
        // capiscio-mcp events.py: one flat object, upper-case severity, a server id.
        let mcp = try await events.ingest(tenant.principal, body: try Self.json("""
            {"id": "mcp-1", "agentId": "\(agent.id)", "traceId": "tr", "eventType": "tool_call", "severity": "HIGH",
             "decision": "deny", "timestamp": "2026-01-01T00:00:01Z", "payload": {"tool": "rm"}, "mcpServerId": "srv-9"}
            """))
        #expect(mcp.accepted == 1 && mcp.rejected.isEmpty)
        // a2a-demos: flat, lower-case severity, the all-zero agent id.
        _ = try await events.ingest(tenant.principal, body: try Self.json("""
            {"id": "demo-1", "agentId": "00000000-0000-0000-0000-000000000000", "eventType": "demo", "severity": "info", "payload": {}}
            """))
        // capiscio-core evidence: dotted keys, the agent named by DID.
        let evidence = try await events.ingest(tenant.principal, body: try Self.json("""
            {"events": [{"event.name": "capiscio.tool_invocation", "capiscio.agent.did": "did:key:z6MkNotOurs", "id": "ev-1",
                         "timestamp": "2026-01-01T00:00:02Z"}]}
            """))
        #expect(evidence.accepted == 1)

        let stored = try await world.store.agentEvents(AgentEventQuery(orgID: tenant.org.id))
        let byID = Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) })
        #expect(byID["sdk-1"]?.type == "task_started" && byID["sdk-1"]?.agentID == agent.id)
        #expect(try Self.json(byID["sdk-1"]!.body)["taskId"] == "t1", "every key kept as sent")
        #expect(byID["mcp-1"]?.type == "tool_call" && byID["mcp-1"]?.severity == "high" && byID["mcp-1"]?.serverID == "srv-9")
        #expect(try Self.json(byID["mcp-1"]!.body)["severity"] == "HIGH", "the body stays as sent")
        #expect(byID["demo-1"]?.agentID == nil && byID["demo-1"]?.severity == "info")
        #expect(byID["ev-1"]?.type == "capiscio.tool_invocation" && byID["ev-1"]?.agentID == nil)
        #expect(try await world.store.events(EventQuery(orgID: tenant.org.id, type: "tool_call")).isEmpty, "not in the audit log")
    }

    @Test func badEventsAreRejectedByIndexAndTheRestKept() async throws {
        let world = try await World.make()
        let events = Self.service(world)
        let tenant = try await world.tenant()
        let other = try await world.tenant()
        let foreign = try await world.keyedAgent(other)
        let result = try await events.ingest(tenant.principal, body: try Self.json("""
            {"events": [{"id": "ok-1", "type": "a"}, 42, {"id": "no-type"}, {"id": "x", "type": 5},
                        {"id": "theirs", "type": "a", "agentId": "\(foreign.id)"}, {"id": "ghost", "type": "a", "agentId": "\(UUID())"},
                        {"type": "no-id"}]}
            """))
        #expect(result.accepted == 2)
        #expect(result.rejected.map(\.index) == [1, 2, 3, 4, 5])
        #expect(result.rejected.map(\.error) == [.invalidEvent, .invalidEvent, .invalidEvent, .unknownAgent, .unknownAgent])
        #expect(try await world.store.agentEvents(AgentEventQuery(orgID: other.org.id)).isEmpty, "never stored against another org")
        #expect(try await world.store.agentEvents(AgentEventQuery(orgID: tenant.org.id)).count == 2)

        await #expect(throws: RegistryError.self) { try await events.ingest(tenant.principal, body: .string("x")) }
        let tooMany = JSONValue.array(Array(repeating: ["type": "a"], count: 1001))
        let error = await #expect(throws: RegistryError.self) { try await events.ingest(tenant.principal, body: ["events": tooMany]) }
        #expect(error?.code == .payloadTooLarge)
        #expect(try await events.ingest(tenant.principal, body: ["events": []]).accepted == 0)
    }

    @Test func resentEventsAreStoredOncePerOrganisation() async throws {
        let world = try await World.make()
        let events = Self.service(world)
        let a = try await world.tenant()
        let b = try await world.tenant()
        let body = try Self.json(#"{"events": [{"id": "same", "type": "a"}, {"id": "same", "type": "a"}]}"#)
        #expect(try await events.ingest(a.principal, body: body).accepted == 2)
        #expect(try await events.ingest(a.principal, body: body).accepted == 2, "a resend is accepted again")
        _ = try await events.ingest(b.principal, body: body)
        #expect(try await world.store.agentEvents(AgentEventQuery(orgID: a.org.id)).count == 1)
        #expect(try await world.store.agentEvents(AgentEventQuery(orgID: b.org.id)).count == 1, "ids are per organisation")
    }

    @Test func theRateLimitKeepsWhatFitsAndRefusesTheRest() async throws {
        let world = try await World.make()
        let events = Self.service(world, policy: EventPolicy(ratePerMinute: 5))
        let tenant = try await world.tenant()
        let batch = JSONValue.array((0..<4).map { (n: Int) -> JSONValue in ["id": .string("e\(n)"), "type": "a"] })
        #expect(try await events.ingest(tenant.principal, body: batch).accepted == 4)
        let second = try await events.ingest(tenant.principal, body: .array((4..<7).map { (n: Int) -> JSONValue in ["id": .string("e\(n)"), "type": "a"] }))
        #expect(second.accepted == 1 && second.rejected.map(\.error) == [.rateLimitExceeded, .rateLimitExceeded])
        let third = await #expect(throws: RegistryError.self) { try await events.ingest(tenant.principal, body: batch) }
        #expect(third?.code == .rateLimitExceeded)
        world.clock.advance(60)
        #expect(try await events.ingest(tenant.principal, body: batch).accepted == 4, "a new minute")
    }

    @Test func theTimelineMergesBothSourcesWithFiltersAndPaging() async throws {
        let world = try await World.make()
        let events = Self.service(world)
        let tenant = try await world.tenant()
        let other = try await world.tenant()
        let agent = try await world.keyedAgent(tenant)  // audit: api_key.created (world.tenant), agent.created
        world.clock.advance(1)
        _ = try await events.ingest(tenant.principal, body: try Self.json("""
            {"events": [{"id": "e1", "type": "tool_call", "agentId": "\(agent.id)", "mcpServerId": "srv"}, {"id": "e2", "type": "task"}]}
            """))
        _ = try await events.ingest(other.principal, body: try Self.json(#"{"id": "o1", "type": "task"}"#))
        let all = try await events.timeline(tenant.principal, TimelineFilter())
        #expect(all.items.map(\.cursor.id).suffix(2) == ["e1", "e2"] && all.next == nil)
        #expect(all.items.contains { if case .registry(let e) = $0 { e.type == "agent.created" } else { false } })
        #expect(!all.items.map(\.cursor.id).contains("o1"), "only the caller's organisation")
        let agentOnly = try await events.timeline(tenant.principal, TimelineFilter(source: .agent))
        #expect(agentOnly.items.map(\.cursor.id) == ["e1", "e2"])
        let registryOnly = try await events.timeline(tenant.principal, TimelineFilter(source: .registry))
        #expect(registryOnly.items.allSatisfy { if case .registry = $0 { true } else { false } })
        #expect(try await events.timeline(tenant.principal, TimelineFilter(serverID: "srv")).items.map(\.cursor.id) == ["e1"])
        let byAgent = try await events.timeline(tenant.principal, TimelineFilter(agent: agent.id))
        #expect(byAgent.items.map(\.cursor.id).contains("e1") && !byAgent.items.map(\.cursor.id).contains("e2"))
        #expect(try await events.timeline(other.principal, TimelineFilter(agent: agent.id)).items.isEmpty, "another org's agent matches nothing")
        #expect(try await events.timeline(tenant.principal, TimelineFilter(type: "task")).items.map(\.cursor.id) == ["e2"])
        let now = world.clock.now()
        #expect(try await events.timeline(tenant.principal, TimelineFilter(until: now - 1)).items.allSatisfy { if case .registry = $0 { true } else { false } })
        #expect(try await events.timeline(tenant.principal, TimelineFilter(since: now)).items.map(\.cursor.id) == ["e1", "e2"])
        // Paging walks the merged order without gaps or repeats.
        var seen: [String] = []
        var cursor: PageCursor?
        repeat {
            let page = try await events.timeline(tenant.principal, TimelineFilter(after: cursor, limit: 1))
            seen += page.items.map(\.cursor.id)
            cursor = page.next
        } while cursor != nil
        #expect(seen == all.items.map(\.cursor.id))
    }

    @Test func expiredEventsArePurged() async throws {
        let world = try await World.make()
        let events = Self.service(world, policy: EventPolicy(retentionDays: 2))
        let tenant = try await world.tenant()
        _ = try await events.ingest(tenant.principal, body: ["id": "old", "type": "a"])
        world.clock.advance(86_400)
        _ = try await events.ingest(tenant.principal, body: ["id": "new", "type": "a"])
        #expect(try await events.purgeExpired() == 0)
        world.clock.advance(86_400 + 1)
        #expect(try await events.purgeExpired() == 1)
        #expect(try await world.store.agentEvents(AgentEventQuery(orgID: tenant.org.id)).map(\.id) == ["new"])
    }
}
