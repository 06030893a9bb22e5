import Foundation
import MemoryStore
import Registry
import Testing

/// Read-modify-writes of an agent never undo a write that landed between their read and their save
/// (the agent's revision): they run again from a fresh read, and give up with 409 `conflict`.
@Suite struct AgentRevisionTests {
    @Test func anUpdateRacedByADisableIsRedoneOverTheDisable() async throws {
        let world = try await World.make()
        let tenant = try await world.tenant()
        let agent = try await world.keyedAgent(tenant)
        let store = world.store
        let fired = Flag()
        // Once: another replica disables the agent after this update read it, before it saves.
        world.agentStore.setRival {
            guard fired.set() else { return }
            var current = try #require(try await store.agent(id: agent.id))
            current.status = .disabled
            current.disableReason = "compromised"
            _ = try await store.updateAgent(current)
        }
        // What the Python SDK sends on every start: its name and status "active".
        var input = AgentInput()
        input.name = "renamed"
        input.status = .some("active")
        let updated = try await world.agents.update(tenant.principal, agent.id, input)
        #expect(updated.name == "renamed")
        #expect(updated.status == .disabled && updated.disableReason == "compromised", "the disable is not undone")
        #expect(try await store.agent(id: agent.id) == updated, "the answer is the stored row")
        #expect(updated.revision == agent.revision + 2)
    }

    @Test func anAgentThatKeepsChangingAnswersConflictAndKeepsTheOtherWrites() async throws {
        let world = try await World.make()
        let tenant = try await world.tenant()
        let agent = try await world.keyedAgent(tenant)
        let store = world.store
        world.agentStore.setRival {
            var current = try #require(try await store.agent(id: agent.id))
            current.description = "changed elsewhere \(current.revision)"
            _ = try await store.updateAgent(current)
        }
        await #expect(throws: RegistryError.self) {
            do {
                _ = try await world.agents.disable(tenant.principal, agent.id, reason: "r")
            } catch let error as RegistryError {
                #expect(error.code == .conflict)
                throw error
            }
        }
        let stored = try #require(try await store.agent(id: agent.id))
        #expect(stored.status == .active, "nothing of the refused disable was written")
        #expect(stored.revision == agent.revision + Int64(AgentService.saveAttempts), "one rival write before each attempt, all kept")
    }
}

/// Set once, from any task.
private final class Flag: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = false

    /// True for the first caller only.
    func set() -> Bool {
        lock.withLock {
            defer { value = true }
            return !value
        }
    }
}
