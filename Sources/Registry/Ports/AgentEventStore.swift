/// Storage port for events ingested from agents and SDKs (`POST /v1/events`).
public protocol AgentEventStore: Sendable {
    /// Inserts `events`, skipping each whose (org, id) is already stored (clients resend after
    /// timeouts). Returns how many were new.
    @discardableResult
    func insertAgentEvents(_ events: [AgentEvent]) async throws -> Int
    /// Events matching `query`, ordered by (created_at, id).
    func agentEvents(_ query: AgentEventQuery) async throws -> [AgentEvent]
    /// Deletes every event received before `cutoff`; returns how many.
    @discardableResult
    func purgeAgentEvents(receivedBefore cutoff: Int64) async throws -> Int
}
