import Registry

extension MemoryQueries {
    /// Oldest first; keys created the same second in kid order.
    public func caKeys() async throws -> [CAKeyRecord] {
        try await memory.read { state in state.caKeys.values.sorted { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) } }
    }

    public func insertCAKey(_ key: CAKeyRecord) async throws {
        try await memory.write { state in
            try state.unique("ca_keys.kid", state.caKeys[key.kid] != nil)
            // The partial unique index `ca_keys_one_active`.
            try state.unique("ca_keys.state", key.state == .active && state.caKeys.values.contains { $0.state == .active })
            state.caKeys[key.kid] = key
        }
    }
}

extension InMemoryStore {
    /// The candidate is stored active with `activated_at` = its `activatedAt`, or its `createdAt`
    /// when it has none. A kid already stored (prepared or retired) keeps its stored public key
    /// and creation time.
    public func ensureActiveCAKey(_ candidate: CAKeyRecord) async throws -> CAKeyRecord {
        try await memory.write { state in
            if let active = state.caKeys.values.first(where: { $0.state == .active }) { return active }
            var key = state.caKeys[candidate.kid] ?? candidate
            key.state = .active
            key.activatedAt = candidate.activatedAt ?? candidate.createdAt
            key.retiredAt = nil
            state.caKeys[key.kid] = key
            let at = key.activatedAt ?? key.createdAt
            state.recordTrustChanges([.caKey(kid: key.kid, state: .active, at: at)], at: at)
            return key
        }
    }

    /// Activating the key that is already active changes nothing and keeps its activation time.
    public func activateCAKey(kid: String, at: Int64) async throws -> Bool {
        try await memory.write { state in
            guard var key = state.caKeys[kid] else { return false }
            var changes: [TrustChange] = []
            for (otherKID, var other) in state.caKeys where other.state == .active && otherKID != kid {
                other.state = .retired
                other.retiredAt = at
                state.caKeys[otherKID] = other
                changes.append(.caKey(kid: otherKID, state: .retired, at: at))
            }
            if key.state != .active {
                key.state = .active
                key.activatedAt = at
                key.retiredAt = nil
                state.caKeys[kid] = key
                changes.append(.caKey(kid: kid, state: .active, at: at))
            }
            if !changes.isEmpty { state.recordTrustChanges(changes, at: at) }
            return true
        }
    }
}
