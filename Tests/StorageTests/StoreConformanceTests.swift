import Registry
import Storage
import StoreConformance
import Testing

/// Runs the shared conformance suite against SQLite and PostgreSQL.
@Suite struct StoreConformanceTests {
    @Test(arguments: TestBackend.available, StoreConformance.cases)
    func conformance(backend: TestBackend, testCase: ConformanceCase) async throws {
        try await backend.withDatabase { opened, _ in
            try await testCase.run(opened.store)
        }
    }
}
