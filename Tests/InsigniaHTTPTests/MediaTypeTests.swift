import BadgeCore
import Foundation
import HTTPTypes
import NIOCore
import StoreConformance
import Testing

/// JSON routes take JSON: a body declared as anything else is `415 unsupported_media_type`; a
/// missing Content-Type is accepted (clients omit it).
@Suite struct MediaTypeTests {
    static let notJSON = ["text/plain", "application/xml", "text/xml; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]

    @Test(arguments: TestBackend.available)
    func aBodyDeclaredAsAnotherTypeIs415(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            let agentID = try await app.keyedAgent(tenant)
            for type in Self.notJSON {
                for (method, uri, key) in [
                    (HTTPRequest.Method.post, "/v1/validate", nil), (.post, "/v1/agents", tenant.key), (.put, "/v1/agents/\(agentID)", tenant.key),
                    (.post, "/v1/agents/\(agentID)/badge", tenant.key), (.post, "/v1/badges/mint", nil), (.post, "/v1/api-keys", tenant.key),
                    (.post, "/v1/events", tenant.key),
                ] {
                    let response = try await app.request(method, uri, key: key, rawBody: #"{"name": "x", "token": "x"}"#, headers: [.contentType: type])
                    #expect(response.status == .unsupportedMediaType, "\(type) \(method) \(uri): \(response.status)")
                    #expect(response.errorCode == "unsupported_media_type" && response.json["success"] == false)
                }
            }
            // Nothing was created.
            #expect(try await app.request(.get, "/v1/agents", key: tenant.key).data.arrayValue?.count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func jsonTypesAndAMissingContentTypeAreAccepted(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let tenant = try await app.tenant()
            for type in ["application/json", "application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"] {
                let response = try await app.request(.post, "/v1/agents", key: tenant.key, rawBody: #"{"name": "typed"}"#, headers: [.contentType: type])
                #expect(response.status == .created, "\(type): \(response.status)")
            }
            let untyped = try await app.client.execute(
                uri: "/v1/agents", method: .post, headers: [HTTPField.Name("X-Capiscio-Registry-Key")!: tenant.key],
                body: ByteBuffer(string: #"{"name": "untyped"}"#)
            )
            #expect(untyped.status == .created)
            let validated = try await app.client.execute(uri: "/v1/validate", method: .post, headers: [:], body: ByteBuffer(string: #"{"token": "x.y.z"}"#))
            #expect(validated.status == .ok)
        }
    }
}
