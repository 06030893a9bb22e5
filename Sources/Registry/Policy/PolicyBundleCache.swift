import PolicyCore

/// The latest built bundle per organisation. A bundle is built from the database at most once per
/// `maxAge` however many requests ask (concurrent askers share one build), and at once after a
/// policy or group change in this process; `maxAge` bounds how late changes made elsewhere (an
/// agent disabled, another replica's approval) show.
actor PolicyBundleCache {
    private struct Entry {
        let build: Task<PolicyBundle, any Error>
        let started: ContinuousClock.Instant
    }

    private let maxAge: Duration
    private var entries: [String: Entry] = [:]

    init(maxAge: Duration) {
        self.maxAge = maxAge
    }

    func bundle(orgID: String, build: @escaping @Sendable () async throws -> PolicyBundle) async throws -> PolicyBundle {
        let now = ContinuousClock.now
        if let entry = entries[orgID], now - entry.started < maxAge {
            return try await entry.build.value
        }
        let task = Task { try await build() }
        entries[orgID] = Entry(build: task, started: now)
        do {
            return try await task.value
        } catch {
            // A failed build is not served to later callers.
            if entries[orgID]?.started == now { entries[orgID] = nil }
            throw error
        }
    }

    func invalidate(_ orgID: String) {
        entries[orgID] = nil
    }
}
