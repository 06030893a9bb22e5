import BadgeCore
import Hummingbird
import Registry

/// `/v1/orgs`: the caller's organisations, one of them, and its members (admins only).
struct OrganizationController {
    let identities: IdentityService

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("/v1/orgs") { _, context in
            let principal = try context.requirePrincipal()
            let orgs = try await identities.organizations(of: principal)
            return APIResponse.wrapped(.array(orgs.map { Self.json($0.0, role: $0.1) }))
        }
        group.get("/v1/orgs/{id}") { _, context in
            let principal = try context.requirePrincipal()
            let (org, role) = try await identities.organization(try context.pathParameter("id"), of: principal)
            return APIResponse.wrapped(Self.json(org, role: role))
        }
        group.get("/v1/orgs/{id}/members") { _, context in
            let principal = try context.requirePrincipal()
            let members = try await identities.members(of: try context.pathParameter("id"), principal: principal)
            return APIResponse.wrapped(.array(members.map { membership, user in
                [
                    "user_id": .string(user.id), "external_id": .string(user.externalID), "email": .optional(user.email),
                    "name": .optional(user.name), "role": .string(membership.role.rawValue),
                    "created_at": .time(membership.createdAt), "updated_at": .time(membership.updatedAt),
                ]
            }))
        }
    }

    static func json(_ org: Organization, role: OrgRole?) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(org.id), "name": .string(org.name), "external_id": .optional(org.externalID),
            "created_at": .time(org.createdAt), "createdAt": .time(org.createdAt),
            "verified_level": org.verifiedLevel.map { .int(Int64($0)) } ?? .null,
        ]
        object["role"] = .optional(role?.rawValue)
        return .object(object)
    }
}
