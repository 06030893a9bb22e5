import BadgeCore
import Registry

/// Rows as the SQL adapter stores and reads them back, so values that a database column
/// normalises come back the same way from memory.
enum MemoryRows {
    /// Scopes live in one space-separated column: empty entries vanish.
    static func stored(_ key: APIKeyRecord) -> APIKeyRecord {
        var key = key
        key.scopes = key.scopes.joined(separator: " ").split(separator: " ").map(String.init)
        return key
    }

    /// The agent card lives as JSON text, parsed again on read.
    static func stored(_ agent: Agent) -> Agent {
        var agent = agent
        agent.agentCard = agent.agentCard.flatMap { try? JSONValue.parse($0.serialized()) }
        return agent
    }
}

extension Array {
    /// At most `limit` elements (all when nil; a negative limit reads as 0, as `LIMIT max(0, n)`).
    func limited(_ limit: Int?) -> [Element] {
        guard let limit else { return self }
        return Array(prefix(Swift.max(0, limit)))
    }
}
