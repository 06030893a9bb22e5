import MemoryStore
import Registry
import StoreConformance
import Testing

/// Runs the shared conformance suite against the in-memory store: the store use-case unit tests
/// run on must behave like SQLite and PostgreSQL.
@Suite struct MemoryStoreConformanceTests {
    @Test(arguments: StoreConformance.cases)
    func conformance(testCase: ConformanceCase) async throws {
        try await testCase.run(InMemoryStore())
    }
}
