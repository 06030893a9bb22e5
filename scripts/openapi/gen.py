#!/usr/bin/env python3
"""Generates Sources/InsigniaHTTP/OpenAPI/OpenAPIDocument.swift (the OpenAPI 3.1 document of Insignia)."""
import os
import json

REF = lambda kind, name: {"$ref": f"#/components/{kind}/{name}"}
S = lambda name: REF("schemas", name)
R = lambda name: REF("responses", name)
P = lambda name: REF("parameters", name)

AUTH = [{"registryKey": []}, {"bearerKey": []}, {"clerkSession": []}]
PUBLIC = []

JSON = "application/json"
TS = {"type": "string", "format": "date-time", "examples": ["2026-03-04T10:15:00Z"]}
TS_NULL = {"type": ["string", "null"], "format": "date-time"}


def ts(desc):
    return {**TS, "description": desc}


def ts_null(desc):
    return {**TS_NULL, "description": desc}


def err_example(code, message):
    return {"value": {"success": False, "error": code, "message": message}}


def err_response(description, examples):
    """An inline error response with the given {code: message} examples."""
    return {
        "description": description,
        "content": {JSON: {
            "schema": S("Error"),
            "examples": {code: err_example(code, msg) for code, msg in examples.items()},
        }},
    }


def ok(description, schema, example=None, media=JSON, headers=None):
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    out = {"description": description, "content": {media: content}}
    if headers:
        out["headers"] = headers
    return out


def body(schema, description, required=True, example=None):
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"description": description, "required": required, "content": {JSON: content}}


def op(op_id, summary, description, tags, security, responses, parameters=None, request_body=None,
       has_body_errors=None):
    """Builds an operation; routes with a body automatically get 400 and 413."""
    o = {"operationId": op_id, "summary": summary, "description": description, "tags": tags,
         "security": security}
    if parameters:
        o["parameters"] = parameters
    if request_body:
        o["requestBody"] = request_body
        responses.setdefault("400", R("BadRequest"))
        responses.setdefault("413", R("PayloadTooLarge"))
    if security:
        responses.setdefault("401", R("Unauthorized"))
    o["responses"] = dict(sorted(responses.items()))
    return o


# ---------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------
ERROR_CODES = (
    "`unauthorized` (401), `forbidden` / `insufficient_scope` (403), `agent_disabled` (403), "
    "`not_found` / `agent_not_found` / `badge_not_found` (404), `invalid_request` / `invalid_json` / "
    "`invalid_did` / `invalid_public_key` (400), `payload_too_large` (413), `did_in_use` / "
    "`identity_immutable` (409), `rate_limit_exceeded` (429), `internal_error` (500), `not_ready` (503); "
    "badge issuance adds `invalid_trust_level` / `invalid_ttl` (400), `trust_level_not_permitted` / "
    "`DOMAIN_NOT_VERIFIED` (403), `domain_required` / `agent_key_missing` / `issuance_basis_stale` (409; "
    "the agent or key changed twice while the badge was being issued: retry)."
)

VALIDATION_CODES = [
    "BADGE_MALFORMED", "BADGE_SIGNATURE_INVALID", "BADGE_EXPIRED", "BADGE_NOT_YET_VALID",
    "BADGE_ISSUER_UNTRUSTED", "BADGE_AUDIENCE_MISMATCH", "BADGE_REVOKED", "BADGE_CLAIMS_INVALID",
    "BADGE_AGENT_DISABLED", "REVOCATION_CHECK_FAILED",
]

SCOPES = ["agents:read", "agents:write", "badges:issue", "badges:revoke", "keys:admin"]

AGENT_ID_DESC = (
    "Agent identifier: the agent UUID, or its registered DID, URL-encoded "
    "(e.g. `did%3Akey%3Az6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK`; raw colons are also accepted, "
    "e.g. `did:key:z6Mk...`). Our own registry DID `did:web:<host>:agents:<uuid>` also resolves to the agent. "
    "The path segment is percent-decoded exactly once."
)

PUBLIC_JWK = {
    "type": "object",
    "description": "An Ed25519 public JWK (RFC 8037). Never contains `d`.",
    "required": ["kty", "crv", "x"],
    "properties": {
        "kty": {"const": "OKP"},
        "crv": {"const": "Ed25519"},
        "x": {"type": "string", "description": "base64url (unpadded) 32-byte public key",
              "examples": ["Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY"]},
        "kid": {"type": "string"},
        "alg": {"type": "string", "examples": ["EdDSA"]},
        "use": {"type": "string", "examples": ["sig"]},
    },
}

PUBLIC_KEY_INPUT = {
    "description": "The agent's Ed25519 public JWK, either as a JSON object or serialized as a JSON string.",
    "oneOf": [
        {"type": "string", "description": "The public JWK serialized as a JSON string.",
         "examples": ['{"kty":"OKP","crv":"Ed25519","x":"Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY"}']},
        S("PublicJWK"),
        {"type": "null"},
    ],
}

AGENT_EXAMPLE = {
    "id": "3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915",
    "name": "billing-agent",
    "description": "Handles invoices",
    "domain": "agent.acme.example",
    "did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    "publicKey": '{"kty":"OKP","crv":"Ed25519","x":"Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY"}',
    "status": "active",
    "protocol": "a2a",
    "trust_level": "1",
    "trustLevel": "1",
    "agentCard": None,
    "org_id": "22222222-2222-2222-2222-222222222222",
    "user_id": "user_2abc",
    "created_at": "2026-03-04T10:00:00Z",
    "createdAt": "2026-03-04T10:00:00Z",
    "updated_at": "2026-03-04T10:00:00Z",
    "updatedAt": "2026-03-04T10:00:00Z",
    "disabled_at": None,
    "disable_reason": None,
}

BADGE_JWS = "eyJhbGciOiJFZERTQSIsImtpZCI6ImNhcGlzY2lvLWNhLTE3NjcyMjU2MDAiLCJ0eXAiOiJKV1QifQ.eyJqdGkiOiIuLi4ifQ.c2lnbmF0dXJl"

schemas = {
    "Error": {
        "type": "object",
        "description": "Body of every non-2xx response. Codes: " + ERROR_CODES,
        "required": ["success", "error", "message"],
        "properties": {
            "success": {"const": False},
            "error": {"type": "string", "description": "Machine-readable error code.",
                      "examples": ["agent_not_found"]},
            "message": {"type": "string", "description": "Human-readable explanation."},
        },
    },
    "Success": {
        "type": "object",
        "description": "Wrapped envelope with no data.",
        "required": ["success"],
        "properties": {"success": {"const": True}, "message": {"type": "string"}},
    },
    "TrustLevel": {
        "type": "string",
        "enum": ["1", "2", "3", "4"],
        "description": "Trust level as a JSON string. Level `0` is self-signed only and never issued by this CA.",
    },
    "TrustLevelInput": {
        "description": "Trust level; a string `\"1\"`–`\"4\"`, integers are accepted too.",
        "oneOf": [{"type": "string", "examples": ["1"]}, {"type": "integer", "minimum": 0}],
    },
    "PublicJWK": PUBLIC_JWK,
    "Agent": {
        "type": "object",
        "description": "A registered agent. Timestamps are RFC 3339 UTC with whole seconds; "
                       "camelCase aliases (`trustLevel`, `createdAt`, `updatedAt`) duplicate their snake_case twins.",
        "required": ["id", "name", "description", "domain", "did", "publicKey", "status", "protocol", "trust_level",
                     "trustLevel", "agentCard", "org_id", "user_id", "created_at", "createdAt", "updated_at",
                     "updatedAt", "disabled_at", "disable_reason"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string"},
            "description": {"type": ["string", "null"]},
            "domain": {"type": ["string", "null"],
                       "description": "Declared domain. Setting it does not make it validated."},
            "did": {"type": ["string", "null"], "description": "Registered DID (any method)."},
            "publicKey": {"type": ["string", "null"],
                          "description": "The agent's public JWK **serialized as a JSON string** (not an object)."},
            "status": {"type": "string", "enum": ["active", "inactive", "disabled", "suspended"],
                       "description": "Stored lifecycle state."},
            "protocol": {"type": ["string", "null"], "examples": ["a2a"]},
            "trust_level": {**S("TrustLevel"),
                            "description": "Highest trust level this agent may be issued (default `\"1\"`)."},
            "trustLevel": {**S("TrustLevel"), "description": "Alias of `trust_level`."},
            "agentCard": {"type": ["object", "null"], "description": "A2A agent card."},
            "org_id": {"type": "string"},
            "user_id": {"type": ["string", "null"], "description": "Creating user, when known."},
            "created_at": ts("Creation time."),
            "createdAt": ts("Alias of `created_at`."),
            "updated_at": ts("Last update time."),
            "updatedAt": ts("Alias of `updated_at`."),
            "disabled_at": ts_null("When the agent was disabled; null/absent unless disabled."),
            "disable_reason": {"type": ["string", "null"], "description": "Reason given when disabling."},
        },
        "examples": [AGENT_EXAMPLE],
    },
    "AgentInput": {
        "type": "object",
        "description": (
            "Agent fields accepted on create and update. Unknown keys are ignored, and so are read-only keys "
            "a client echoes back (`id`, `org_id`, `user_id`, `created_at`, `updated_at`, `createdAt`, "
            "`updatedAt`, `trust_level`, `trustLevel`, `disabled_at`, `disable_reason`)."
        ),
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "description": {"type": ["string", "null"]},
            "domain": {"type": ["string", "null"]},
            "did": {"type": ["string", "null"], "description": "DID to bind (any method). Must not be bound to another agent."},
            "publicKey": PUBLIC_KEY_INPUT,
            "public_key": {**PUBLIC_KEY_INPUT, "description": "Alias of `publicKey`."},
            "status": {"type": "string", "enum": ["active", "inactive", "enabled", "disabled"],
                       "description": "`enabled` is stored as `active`. A PUT never lifts a `disabled` or "
                                      "`suspended` state (the stored state is kept and the request still succeeds); "
                                      "use `POST .../enable`."},
            "protocol": {"type": ["string", "null"], "examples": ["a2a"]},
            "agentCard": {"type": ["object", "null"], "description": "A2A agent card."},
            "agent_card": {"type": ["object", "null"], "description": "Alias of `agentCard`."},
        },
        "additionalProperties": True,
    },
    "AgentCreateInput": {
        "description": "Agent creation body; `name` is required.",
        "allOf": [S("AgentInput"), {"type": "object", "required": ["name"]}],
    },
    "AgentEnvelope": {
        "type": "object",
        "required": ["success", "data"],
        "properties": {"success": {"const": True}, "data": S("Agent"), "message": {"type": "string"}},
    },
    "AgentList": {
        "type": "object",
        "required": ["success", "data"],
        "properties": {
            "success": {"const": True},
            "data": {"type": "array", "items": S("Agent"),
                     "description": "Agents of the caller's organization, ordered by `created_at` ascending."},
            "next_cursor": {"type": "string",
                            "description": "Present only when `limit` was given and more agents remain; pass it as `cursor`."},
        },
    },
    "DisableInput": {
        "type": "object",
        "properties": {"reason": {"type": "string", "examples": ["key compromise suspected"]}},
    },
    "IdentityInput": {
        "type": "object",
        "required": ["did"],
        "properties": {
            "did": {"type": "string", "examples": ["did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"],
                    "description": "DID to register. Any syntactically valid DID; a `did:key` must be Ed25519. "
                                   "Our own `did:web:<host>:agents:<this id>` is accepted (port encoded or raw)."},
            "publicKey": {**PUBLIC_KEY_INPUT,
                          "description": "Optional Ed25519 public JWK (JSON string or object); must agree with a `did:key`."},
            "public_key": {**PUBLIC_KEY_INPUT, "description": "Alias of `publicKey`."},
        },
    },
    "APIKeyScope": {"type": "string", "enum": SCOPES},
    "APIKey": {
        "type": "object",
        "description": "An API key as listed; the secret is never returned after creation.",
        "required": ["id", "name", "prefix", "scopes", "created_at", "createdAt", "last_used_at", "expires_at"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string"},
            "prefix": {"type": "string", "description": "Short display prefix of the key.",
                       "examples": ["cpsc_live_AbC1"]},
            "scopes": {"type": "array", "items": S("APIKeyScope")},
            "created_at": ts("Creation time."),
            "createdAt": ts("Alias of `created_at`."),
            "last_used_at": ts_null("Last successful use, or null."),
            "expires_at": ts_null("Expiry, or null for a key that never expires."),
        },
    },
    "APIKeyList": {
        "type": "object",
        "required": ["success", "data"],
        "properties": {"success": {"const": True}, "data": {"type": "array", "items": S("APIKey")}},
    },
    "CreateAPIKeyInput": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200, "examples": ["Production Key"]},
            "scopes": {"type": "array", "items": S("APIKeyScope"),
                       "description": "Scopes of the new key. Empty or absent = all scopes of the creating key. "
                                      "Cannot exceed the creating key's scopes."},
            "expires_at": {**TS, "description": "Optional expiry (RFC 3339)."},
            "expiresAt": {**TS, "description": "Alias of `expires_at`."},
        },
    },
    "CreatedAPIKey": {
        "type": "object",
        "required": ["success", "data"],
        "properties": {
            "success": {"const": True},
            "message": {"type": "string",
                        "examples": ["API key created. Store it now; it will not be shown again."]},
            "data": {"allOf": [S("APIKey"), {
                "type": "object",
                "required": ["key"],
                "properties": {
                    "key": {"type": "string", "pattern": "^cpsc_live_",
                            "description": "The plaintext key. Returned only here, once; the server stores only a hash."},
                },
            }]},
        },
    },
    "BadgeRequest": {
        "type": "object",
        "description": (
            "IAL-0 issuance options; every key is optional and a missing or empty body means all defaults. "
            "Key material in the body (`jwk`, `key`, `public_key`, ...) is ignored: the badge `key` comes only "
            "from the registry. TTL precedence when several are given: `badge_ttl`, then `ttl`, then `duration`. "
            "TTL defaults to 300 s and is clamped into [60, 3600]."
        ),
        "properties": {
            "mode": {"type": "string", "examples": ["ial0"], "description": "Issuance mode; `ial0` (default)."},
            "domain": {"type": "string",
                       "description": "Domain for the badge; `\"\"` means not given (the agent's domain is used). "
                                      "Required (and must be validated) for levels ≥ 2."},
            "trustLevel": S("TrustLevelInput"),
            "trust_level": S("TrustLevelInput"),
            "ttl": {"type": "integer", "description": "Lifetime in seconds.", "examples": [300]},
            "badge_ttl": {"type": "integer", "description": "Lifetime in seconds (alias of `ttl`)."},
            "duration": {"type": "string",
                         "description": "Lifetime as a Go duration string (`5m0s`, `1h0m0s`, `90s`, `1.5h`).",
                         "examples": ["5m0s"]},
            "audience": {"description": "Audience(s) placed in the `aud` claim (always emitted as an array).",
                         "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "badge_aud": {"description": "Alias of `audience`.",
                          "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        },
        "example": {"trustLevel": "1", "duration": "5m0s", "audience": ["https://api.partner.example"]},
    },
    "BadgeIssued": {
        "type": "object",
        "description": "IAL-0 issuance result: wrapped envelope plus top-level `badge`, `jti`, `expires_at`.",
        "required": ["success", "badge", "jti", "expires_at", "data"],
        "properties": {
            "success": {"const": True},
            "message": {"type": "string", "examples": ["Badge issued"]},
            "badge": {"type": "string", "description": "The Trust Badge (compact JWS)."},
            "jti": {"type": "string", "format": "uuid"},
            "expires_at": ts("Badge expiry."),
            "data": {
                "type": "object",
                "required": ["token", "badge", "jti", "subject", "issuer", "trustLevel", "trust_level", "ial",
                             "assurance_level", "issuedAt", "issued_at", "expiresAt", "expires_at"],
                "properties": {
                    "token": {"type": "string", "description": "The Trust Badge (compact JWS)."},
                    "badge": {"type": "string", "description": "Same as `token`."},
                    "jti": {"type": "string", "format": "uuid"},
                    "subject": {"type": "string", "description": "Badge `sub`: `did:web:<host>:agents:<uuid>`."},
                    "issuer": {"type": "string", "format": "uri", "description": "Badge `iss` (issuer origin)."},
                    "trustLevel": S("TrustLevel"),
                    "trust_level": S("TrustLevel"),
                    "ial": {"const": "0"},
                    "assurance_level": {"const": "IAL-0"},
                    "issuedAt": ts("Issue time."),
                    "issued_at": ts("Issue time."),
                    "expiresAt": ts("Expiry."),
                    "expires_at": ts("Expiry."),
                },
            },
        },
        "example": {
            "success": True, "message": "Badge issued", "badge": BADGE_JWS,
            "jti": "1b6f1c0e-5d2a-4c8e-9d53-0f3f4c0a9b21", "expires_at": "2026-03-04T10:20:00Z",
            "data": {
                "token": BADGE_JWS, "badge": BADGE_JWS, "jti": "1b6f1c0e-5d2a-4c8e-9d53-0f3f4c0a9b21",
                "subject": "did:web:registry.example.com:agents:3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915",
                "issuer": "https://registry.example.com", "trustLevel": "1", "trust_level": "1",
                "ial": "0", "assurance_level": "IAL-0",
                "issuedAt": "2026-03-04T10:15:00Z", "issued_at": "2026-03-04T10:15:00Z",
                "expiresAt": "2026-03-04T10:20:00Z", "expires_at": "2026-03-04T10:20:00Z",
            },
        },
    },
    "BadgeClaims": {
        "type": "object",
        "description": "Decoded Trust Badge payload (RFC-002 §4). Header: `alg` EdDSA, `typ` JWT, `kid` in our JWKS.",
        "required": ["jti", "iss", "sub", "iat", "exp", "ial", "vc"],
        "properties": {
            "jti": {"type": "string", "description": "Badge id (UUID v4)."},
            "iss": {"type": "string", "description": "Issuer origin (https, no path)."},
            "sub": {"type": "string", "description": "Subject DID (`did:web` or `did:key`)."},
            "aud": {"type": "array", "items": {"type": "string"}, "description": "Audiences; always an array."},
            "iat": {"type": "integer", "description": "Issued-at, Unix seconds."},
            "exp": {"type": "integer", "description": "Expiry, Unix seconds."},
            "nbf": {"type": "integer", "description": "Not-before, Unix seconds (not emitted by this CA)."},
            "ial": {"type": "string", "enum": ["0", "1"], "description": "Identity assurance level."},
            "key": {**S("PublicJWK"), "description": "The agent's public key (never the CA key)."},
            "cnf": {"type": "object", "description": "Key confirmation (IAL-1 only).",
                    "properties": {"kid": {"type": "string"}}},
            "pop_challenge_id": {"type": "string"},
            "agent_card_hash": {"type": "string", "description": "`sha256:` + base64url(SHA-256(JCS(agent card)))."},
            "did_doc_hash": {"type": "string"},
            "vc": {
                "type": "object",
                "required": ["type", "credentialSubject"],
                "properties": {
                    "type": {"type": "array", "items": {"type": "string"},
                             "examples": [["VerifiableCredential", "AgentIdentity"]]},
                    "credentialSubject": {
                        "type": "object",
                        "required": ["level"],
                        "properties": {
                            "level": {"type": "string", "enum": ["0", "1", "2", "3", "4"]},
                            "domain": {"type": "string"},
                            "issuance_profile": {"type": "string", "enum": ["registered", "anonymous_dv"]},
                        },
                    },
                },
            },
        },
        "example": {
            "jti": "1b6f1c0e-5d2a-4c8e-9d53-0f3f4c0a9b21", "iss": "https://registry.example.com",
            "sub": "did:web:registry.example.com:agents:3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915",
            "iat": 1772619300, "exp": 1772619600, "ial": "0",
            "key": {"kty": "OKP", "crv": "Ed25519", "x": "Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY"},
            "vc": {"type": ["VerifiableCredential", "AgentIdentity"],
                   "credentialSubject": {"domain": "agent.acme.example", "level": "1",
                                         "issuance_profile": "registered"}},
        },
    },
    "ValidateRequest": {
        "type": "object",
        "description": "Badge to verify. `token` (or its alias `badge`); when neither is present the server falls "
                       "back to `X-Capiscio-Badge` / `Authorization: Bearer`.",
        "properties": {
            "token": {"type": "string", "description": "Compact JWS."},
            "badge": {"type": "string", "description": "Alias of `token`."},
            "audience": {"type": "string", "description": "When given, must be contained in the badge `aud`."},
        },
        "example": {"token": BADGE_JWS},
    },
    "ValidationResult": {
        "type": "object",
        "required": ["success", "data"],
        "properties": {
            "success": {"const": True},
            "data": {
                "oneOf": [
                    {"type": "object", "title": "Valid", "required": ["valid", "claims"],
                     "properties": {"valid": {"const": True}, "claims": S("BadgeClaims")}},
                    {"type": "object", "title": "Invalid", "required": ["valid", "error"],
                     "properties": {
                         "valid": {"const": False},
                         "error": {"type": "string", "enum": VALIDATION_CODES,
                                   "description": "RFC-002 §8.5 badge error code."},
                         "message": {"type": "string"},
                         "claims": {**S("BadgeClaims"), "description": "Present when the payload decoded."},
                     }},
                ],
            },
        },
    },
    "BadgeStatus": {
        "type": "object",
        "required": ["jti", "revoked"],
        "properties": {
            "jti": {"type": "string"},
            "sub": {"type": "string"},
            "revoked": {"type": "boolean"},
            "reason": {"type": "string", "description": "Only when revoked."},
            "revokedAt": ts("Only when revoked."),
            "expiresAt": ts("Badge expiry."),
            "expires_at": ts("Badge expiry (alias)."),
        },
        "example": {"jti": "1b6f1c0e-5d2a-4c8e-9d53-0f3f4c0a9b21",
                    "sub": "did:web:registry.example.com:agents:3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915",
                    "revoked": False, "expiresAt": "2026-03-04T10:20:00Z", "expires_at": "2026-03-04T10:20:00Z"},
    },
    "RevokeInput": {
        "type": "object",
        "properties": {"reason": {"type": "string", "examples": ["key_compromise"]}},
    },
    "RevokeByJtiInput": {
        "type": "object",
        "required": ["jti"],
        "properties": {"jti": {"type": "string"}, "reason": {"type": "string", "examples": ["key_compromise"]}},
    },
    "RevokeResult": {
        "type": "object",
        "required": ["success", "jti", "revoked", "revokedAt"],
        "properties": {
            "success": {"const": True},
            "jti": {"type": "string"},
            "revoked": {"const": True},
            "revokedAt": ts("Revocation time; revoking twice returns the original time."),
            "reason": {"type": "string"},
        },
    },
    "Revocation": {
        "type": "object",
        "required": ["jti", "revokedAt"],
        "properties": {"jti": {"type": "string"}, "revokedAt": ts("Revocation time."),
                       "reason": {"type": "string"}},
    },
    "RevocationList": {
        "type": "object",
        "required": ["revocations", "syncedAt"],
        "properties": {
            "revocations": {"type": "array", "items": S("Revocation"),
                            "description": "Sorted by `revokedAt` ascending."},
            "nextCursor": {"type": ["string", "null"],
                           "description": "Cursor for the next page; null when there is none."},
            "syncedAt": ts("Server time of this snapshot."),
        },
    },
    "AgentStatus": {
        "type": "object",
        "required": ["id", "status"],
        "properties": {
            "id": {"type": "string"},
            "did": {"type": ["string", "null"]},
            "status": {"type": "string", "enum": ["active", "disabled", "suspended"],
                       "description": "`inactive`/`enabled` agents report `active`."},
            "disabledAt": ts_null("When disabled."),
            "reason": {"type": ["string", "null"]},
        },
        "example": {"id": "3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915",
                    "did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                    "status": "active", "disabledAt": None, "reason": None},
    },
    "JWKS": {
        "type": "object",
        "required": ["keys"],
        "properties": {
            "keys": {"type": "array", "minItems": 1,
                     "description": "CA public keys; `keys[0]` is the key currently used for signing.",
                     "items": {"allOf": [S("PublicJWK"), {"required": ["kid", "alg", "use"]}]}},
        },
        "example": {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                              "kid": "capiscio-ca-1767225600", "alg": "EdDSA", "use": "sig"}]},
    },
    "DIDDocument": {
        "type": "object",
        "required": ["@context", "id", "verificationMethod", "authentication", "assertionMethod"],
        "properties": {
            "@context": {"type": "array", "items": {"type": "string"}},
            "id": {"type": "string"},
            "verificationMethod": {"type": "array", "items": {
                "type": "object",
                "required": ["id", "type", "controller", "publicKeyMultibase"],
                "properties": {
                    "id": {"type": "string", "description": "`<did>#key-1`"},
                    "type": {"const": "Ed25519VerificationKey2020"},
                    "controller": {"type": "string"},
                    "publicKeyMultibase": {"type": "string", "description": "`z` + base58btc(0xed01 ‖ key)."},
                },
            }},
            "authentication": {"type": "array", "items": {"type": "string"}},
            "assertionMethod": {"type": "array", "items": {"type": "string"}},
            "service": {"type": "array", "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "type": {"type": "string"},
                               "serviceEndpoint": {"type": "string"}},
            }},
        },
        "example": {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/ed25519-2020/v1"],
            "id": "did:web:registry.example.com:agents:3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915",
            "verificationMethod": [{
                "id": "did:web:registry.example.com:agents:3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915#key-1",
                "type": "Ed25519VerificationKey2020",
                "controller": "did:web:registry.example.com:agents:3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915",
                "publicKeyMultibase": "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}],
            "authentication": ["did:web:registry.example.com:agents:3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915#key-1"],
            "assertionMethod": ["did:web:registry.example.com:agents:3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915#key-1"],
        },
    },
    "Health": {
        "type": "object", "required": ["status"],
        "properties": {"status": {"const": "ok"}}, "example": {"status": "ok"},
    },
    "Readiness": {
        "type": "object",
        "required": ["status", "checks"],
        "properties": {
            "status": {"type": "string", "enum": ["ready", "not_ready"]},
            "checks": {
                "type": "object",
                "description": "Each check is `ok` or an error string.",
                "required": ["database", "ca_key"],
                "properties": {"database": {"type": "string"}, "ca_key": {"type": "string"}},
                "additionalProperties": {"type": "string"},
            },
        },
    },
    "NotReady": {
        "description": "Readiness failure: the error envelope plus the readiness object with the failing check.",
        "allOf": [S("Error"), S("Readiness")],
        "example": {"success": False, "error": "not_ready", "message": "database unavailable",
                    "status": "not_ready", "checks": {"database": "connection refused", "ca_key": "ok"}},
    },
    "Version": {
        "type": "object", "required": ["version", "commit"],
        "properties": {"version": {"type": "string"}, "commit": {"type": "string"}},
        "example": {"version": "0.1.0", "commit": "3e1f2a9"},
    },
}

# ---------------------------------------------------------------------------------------------
# Reusable headers, parameters, responses
# ---------------------------------------------------------------------------------------------
headers = {
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}},
    "X-RateLimit-Limit": {"description": "Limit of the window closest to exhaustion.", "schema": {"type": "integer"}},
    "X-RateLimit-Remaining": {"description": "Requests remaining in that window.", "schema": {"type": "integer"}},
    "X-RateLimit-Reset": {"description": "Unix seconds when that window resets.", "schema": {"type": "integer"}},
}

parameters = {
    "AgentId": {"name": "id", "in": "path", "required": True, "description": AGENT_ID_DESC,
                "schema": {"type": "string"}, "examples": {
                    "uuid": {"value": "3f0c9a52-6a0e-4c1f-9b7e-2d41c0a7e915"},
                    "did": {"value": "did%3Akey%3Az6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}}},
    "AgentUUID": {"name": "id", "in": "path", "required": True,
                  "description": "Agent UUID: the last segment of `did:web:<host>:agents:<id>`.",
                  "schema": {"type": "string"}},
    "APIKeyId": {"name": "id", "in": "path", "required": True, "description": "API key id.",
                 "schema": {"type": "string", "format": "uuid"}},
    "Jti": {"name": "jti", "in": "path", "required": True, "description": "Badge id (`jti` claim).",
            "schema": {"type": "string"}},
    "Limit": {"name": "limit", "in": "query", "required": False,
              "description": "Page size (1–1000). Without it, all items are returned in one response.",
              "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
    "OrgId": {"name": "id", "in": "path", "required": True, "description": "Insignia organisation id.",
              "schema": {"type": "string"}},
    "Cursor": {"name": "cursor", "in": "query", "required": False,
               "description": "Opaque cursor from a previous page.", "schema": {"type": "string"}},
}

responses = {
    "BadRequest": err_response("Malformed input.", {
        "invalid_request": "name is required",
        "invalid_json": "request body is not valid JSON"}),
    "Unauthorized": err_response("Missing or invalid API key or session token.", {
        "unauthorized": "missing or invalid API key",
        "invalid_session_token": "the session token has expired"}),
    "Forbidden": err_response("Authenticated, but the key lacks the required scope (or the user the admin role).", {
        "insufficient_scope": "this operation requires the agents:write scope",
        "insufficient_role": "this needs the organisation admin role",
        "forbidden": "not allowed"}),
    "AgentNotFound": err_response("Unknown agent, or an agent of another organization.", {
        "agent_not_found": "agent not found"}),
    "NotFound": err_response("Unknown resource.", {"not_found": "not found"}),
    "PayloadTooLarge": err_response("Request body too large.", {
        "payload_too_large": "request body exceeds the size limit"}),
    "RateLimited": {
        "description": "Rate limit exceeded.",
        "headers": {name: REF("headers", name) for name in headers},
        "content": {JSON: {"schema": S("Error"), "example": {
            "success": False, "error": "rate_limit_exceeded",
            "message": "rate limit exceeded; retry after the Retry-After delay"}}},
    },
    "InternalError": err_response("Unexpected server error.", {"internal_error": "internal error"}),
}

# ---------------------------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------------------------
STD = lambda: {"429": R("RateLimited"), "500": R("InternalError")}


def scoped(scope):
    return f"\n\nAuthentication: API key in `X-Capiscio-Registry-Key` or `Authorization: Bearer`. Required scope: `{scope}`."


schemas["PoPChallengeRequest"] = {
    "type": "object", "description": "All members optional; unknown members are ignored.",
    "properties": {
        "badge_ttl": {"type": "integer", "description": "Badge lifetime in seconds (alias `ttl`); default 300, clamped into [60, 3600]."},
        "challenge_ttl": {"type": "integer", "description": "Challenge lifetime in seconds; default 300, clamped into [90, 600]."},
        "badge_aud": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                      "description": "Audience of the badge to issue (alias `audience`)."}},
    "example": {"badge_ttl": 300, "badge_aud": ["https://api.partner.example"]}}
schemas["PoPChallenge"] = {
    "type": "object", "required": ["challenge_id", "nonce", "aud", "proof_aud", "htu", "htm", "expires_at", "challenge_expires_at"],
    "properties": {
        "challenge_id": {"type": "string", "description": "`ch-` + UUID."},
        "nonce": {"type": "string", "description": "256 random bits, base64url; copy verbatim into the proof."},
        "aud": {"type": "string"}, "proof_aud": {"type": "string"},
        "htu": {"type": "string", "description": "Opaque; copy verbatim into the proof."},
        "htm": {"type": "string", "const": "POST"},
        "expires_at": TS, "challenge_expires_at": TS,
        "badge_aud": {"type": "array", "items": {"type": "string"}}, "badge_ttl": {"type": "integer"}},
    "example": {"challenge_id": "ch-8e2f0b7a-3c41-4d5e-9a60-7b1c2d3e4f50", "nonce": "-rkMaoxhgBti4ijgzWGvyGjFZK9RJtuJO3SvDDRcOXQ",
                "aud": "https://registry.example.com", "proof_aud": "https://registry.example.com",
                "htu": "https://registry.example.com/v1/agents/did%3Akey%3Az6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK/badge/pop",
                "htm": "POST", "expires_at": "2026-03-04T10:20:00Z", "challenge_expires_at": "2026-03-04T10:20:00Z",
                "badge_aud": [], "badge_ttl": 300}}
schemas["PoPProofSubmission"] = {
    "type": "object", "required": ["challenge_id"],
    "properties": {
        "challenge_id": {"type": "string"},
        "proof_jws": {"type": "string", "description": "Compact JWS, header `{alg: EdDSA, typ: pop+jwt, kid}`, payload "
                      "`{cid, nonce, sub, aud, htu, htm, iat, exp (≤ iat + 60), jti}` (alias `proof`)."},
        "mode": {"type": "string", "enum": ["ial1"]}},
    "example": {"challenge_id": "ch-8e2f0b7a-3c41-4d5e-9a60-7b1c2d3e4f50", "proof_jws": "eyJhbGciOiJFZERTQSJ9.e30.c2ln"}}

paths = {}


def add(path, method, operation):
    paths.setdefault(path, {})[method] = operation


# Health & docs --------------------------------------------------------------------------------
add("/health", "get", op("getHealth", "Liveness probe", "Liveness; no database access.", ["Health"], PUBLIC,
                         {"200": ok("Alive.", S("Health"))}))
add("/healthz", "get", op("getHealthz", "Liveness probe (alias)", "Same as `GET /health`.", ["Health"], PUBLIC,
                          {"200": ok("Alive.", S("Health"))}))
add("/health/ready", "get", op(
    "getReadiness", "Readiness probe", "Checks the database and the CA signing key.", ["Health"], PUBLIC,
    {"200": ok("Ready.", S("Readiness"), {"status": "ready", "checks": {"database": "ok", "ca_key": "ok"}}),
     "503": {"description": "Not ready; the failing check carries an error string.",
             "content": {JSON: {"schema": S("NotReady")}}}}))
add("/version", "get", op("getVersion", "Server version", "Build version and commit.", ["Health"], PUBLIC,
                          {"200": ok("Version.", S("Version"))}))
DOC_SCHEMA = {"type": "object", "description": "This OpenAPI 3.1 document."}
add("/swagger/doc.json", "get", op("getSwaggerDoc", "OpenAPI document", "This OpenAPI 3.1 document.", ["Docs"],
                                   PUBLIC, {"200": ok("The document.", DOC_SCHEMA)}))
add("/openapi.json", "get", op("getOpenAPIDocument", "OpenAPI document (alias)", "Same as `GET /swagger/doc.json`.",
                               ["Docs"], PUBLIC, {"200": ok("The document.", DOC_SCHEMA)}))
add("/swagger/index.html", "get", op("getSwaggerUI", "Swagger UI", "Interactive documentation for this API.",
                                     ["Docs"], PUBLIC,
                                     {"200": ok("Swagger UI page.", {"type": "string"}, media="text/html")}))

# API keys -------------------------------------------------------------------------------------
KEY_PREFIXES = [("/v1/api-keys", ""), ("/v1/keys", "ViaV1Keys"), ("/api-keys", "ViaLegacyPath")]
for base, suffix in KEY_PREFIXES:
    alias = "" if not suffix else f" Alias of `/v1/api-keys`."
    tag = ["API Keys"]
    add(base, "get", op(
        f"listApiKeys{suffix}", "List API keys",
        "Lists the organization's API keys. The secret is never returned." + alias + scoped("keys:admin"),
        tag, AUTH, {"200": ok("API keys.", S("APIKeyList")), "403": R("Forbidden"), **STD()}))
    add(base, "post", op(
        f"createApiKey{suffix}", "Create an API key",
        "Creates an API key. The plaintext key (prefix `cpsc_live_`) is returned once, in `data.key`; "
        "only a hash is stored." + alias + scoped("keys:admin"),
        tag, AUTH, {"201": ok("Created; store `data.key` now.", S("CreatedAPIKey")), "403": R("Forbidden"), **STD()},
        request_body=body(S("CreateAPIKeyInput"), "New key.",
                          example={"name": "Production Key", "scopes": ["agents:read", "badges:issue"]})))
    add(base + "/{id}", "delete", op(
        f"deleteApiKey{suffix}", "Delete an API key",
        "Deletes (revokes) an API key; takes effect immediately." + alias + scoped("keys:admin"),
        tag, AUTH, {"200": ok("Deleted.", S("Success"), {"success": True}), "403": R("Forbidden"),
                    "404": R("NotFound"), **STD()},
        parameters=[P("APIKeyId")]))

# Agents ---------------------------------------------------------------------------------------
AGENT_PREFIXES = [("/v1/agents", "", "Agents"), ("/v1/sdk/agents", "Sdk", "SDK Agents")]
ID = [P("AgentId")]
for base, pre, tagname in AGENT_PREFIXES:
    tag = [tagname]
    alias = "" if not pre else " SDK alias of the `/v1/agents` route."
    n = lambda verb, noun: f"{verb}{pre}{noun}"
    add(base, "get", op(
        n("list", "Agents"), "List agents",
        "Lists the caller organization's agents ordered by `created_at` ascending. Without `limit` every agent "
        "is returned; with `limit`, a top-level `next_cursor` is present when more pages exist." + alias
        + scoped("agents:read"),
        tag, AUTH, {"200": ok("Agents.", S("AgentList")), "400": R("BadRequest"), "403": R("Forbidden"), **STD()},
        parameters=[P("Limit"), P("Cursor")]))
    add(base, "post", op(
        n("create", "Agent"), "Create an agent",
        "Creates an agent (status `active`)." + alias + scoped("agents:write"),
        tag, AUTH, {
            "201": ok("Created.", S("AgentEnvelope"), {"success": True, "data": AGENT_EXAMPLE, "message": "Agent created"}),
            "400": err_response("Malformed input.", {
                "invalid_request": "name is required", "invalid_json": "request body is not valid JSON",
                "invalid_did": "did is not a valid DID", "invalid_public_key": "publicKey is not an Ed25519 public JWK"}),
            "403": R("Forbidden"),
            "409": err_response("DID already bound to another agent.", {"did_in_use": "DID is bound to another agent"}),
            **STD()},
        request_body=body(S("AgentCreateInput"), "Agent to create.",
                          example={"name": "billing-agent", "protocol": "a2a", "domain": "agent.acme.example"})))
    add(base + "/{id}", "get", op(
        n("get", "Agent"), "Get an agent", "Returns one agent." + alias + scoped("agents:read"),
        tag, AUTH, {"200": ok("The agent.", S("AgentEnvelope")), "403": R("Forbidden"),
                    "404": R("AgentNotFound"), **STD()}, parameters=ID))
    add(base + "/{id}", "put", op(
        n("update", "Agent"), "Update an agent",
        "Merge update: only keys present in the body change. `did` may be set when unset or unchanged; a different "
        "DID is `409 identity_immutable`. `status` accepts `active`, `inactive`, `enabled` (stored as `active`) "
        "and `disabled`, but a PUT never re-enables a `disabled` or `suspended` agent: the stored state is kept "
        "and the response is still 200 — use `POST .../enable`." + alias + scoped("agents:write"),
        tag, AUTH, {
            "200": ok("Updated agent.", S("AgentEnvelope")),
            "400": err_response("Malformed input.", {
                "invalid_request": "status must be active, inactive, enabled or disabled",
                "invalid_json": "request body is not valid JSON", "invalid_did": "did is not a valid DID",
                "invalid_public_key": "publicKey is not an Ed25519 public JWK"}),
            "403": R("Forbidden"), "404": R("AgentNotFound"),
            "409": err_response("Identity conflict.", {
                "identity_immutable": "agent already has a different DID",
                "did_in_use": "DID is bound to another agent"}),
            **STD()},
        parameters=ID, request_body=body(S("AgentInput"), "Fields to change (merge semantics).",
                                         example={"status": "active", "domain": "agent.acme.example"})))
    add(base + "/{id}", "delete", op(
        n("delete", "Agent"), "Delete an agent",
        "Deletes an agent. Its DID document and status endpoint then return 404, so online verification of its "
        "outstanding badges fails closed." + alias + scoped("agents:write"),
        tag, AUTH, {"200": ok("Deleted.", S("Success"), {"success": True, "message": "Agent deleted"}),
                    "403": R("Forbidden"), "404": R("AgentNotFound"), **STD()}, parameters=ID))
    add(base + "/{id}/disable", "post", op(
        n("disable", "Agent"), "Disable an agent",
        "Disables an agent (idempotent). No new badges are issued and its status endpoint reports `disabled`; "
        "existing badges stay cryptographically valid until `exp` but fail online checks." + alias
        + scoped("agents:write"),
        tag, AUTH, {"200": ok("Disabled agent.", S("AgentEnvelope")), "403": R("Forbidden"),
                    "404": R("AgentNotFound"), **STD()},
        parameters=ID, request_body=body(S("DisableInput"), "Optional reason.", required=False,
                                         example={"reason": "key compromise suspected"})))
    add(base + "/{id}/enable", "post", op(
        n("enable", "Agent"), "Enable an agent",
        "Re-enables a disabled or suspended agent (status `active`); idempotent. No body." + alias
        + scoped("agents:write"),
        tag, AUTH, {"200": ok("Enabled agent.", S("AgentEnvelope")), "403": R("Forbidden"),
                    "404": R("AgentNotFound"), **STD()}, parameters=ID))
    add(base + "/{id}/identity", "patch", op(
        n("register", "AgentIdentity"), "Register the agent's identity (DID and key)",
        "Binds a DID (and optionally an Ed25519 public JWK) to the agent. Idempotent for the same DID (a missing "
        "consistent `publicKey` is stored). A different existing DID yields `409 identity_immutable`, which clients "
        "treat as \"identity already present\"." + alias + scoped("agents:write"),
        tag, AUTH, {
            "200": ok("Identity registered (or already identical).", S("AgentEnvelope")),
            "400": err_response("Malformed DID or key, `did:key` not Ed25519, or key disagreeing with the `did:key`.", {
                "invalid_request": "did is required", "invalid_json": "request body is not valid JSON",
                "invalid_did": "did:key is not an Ed25519 key",
                "invalid_public_key": "publicKey does not match the did:key"}),
            "403": R("Forbidden"), "404": R("AgentNotFound"),
            "409": err_response("Identity conflict.", {
                "identity_immutable": "agent already has a different DID",
                "did_in_use": "DID is bound to another agent"}),
            **STD()},
        parameters=ID, request_body=body(S("IdentityInput"), "Identity to register.",
                                         example={"did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"})))
    add(base + "/{id}/badge", "post", op(
        n("issue", "AgentBadge"), "Issue an IAL-0 Trust Badge",
        "Issues a registry-attested (IAL-0) Trust Badge for the agent. Trust level defaults to `\"1\"`; the "
        "permitted level is the agent's stored `trust_level`, raised to `\"2\"` when the domain is validated for the "
        "organization. Levels ≥ 2 need a domain. TTL defaults to 300 s, clamped into [60, 3600]. Responds 200 "
        "(never 201)." + alias + scoped("badges:issue"),
        ["Badges"], AUTH, {
            "200": ok("Badge issued.", S("BadgeIssued"), headers={
                k: REF("headers", k) for k in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")}),
            "400": err_response("Malformed input.", {
                "invalid_request": "audience must be a string or an array of strings",
                "invalid_json": "request body is not valid JSON",
                "invalid_trust_level": "trust level must be \"1\" to \"4\"",
                "invalid_ttl": "duration is not a valid Go duration"}),
            "403": err_response("Not allowed.", {
                "agent_disabled": "agent is disabled",
                "trust_level_not_permitted": "agent may be issued at most level 1",
                "DOMAIN_NOT_VERIFIED": "domain agent.acme.example is not verified for this organization",
                "insufficient_scope": "this operation requires the badges:issue scope"}),
            "404": R("AgentNotFound"),
            "409": err_response("Issuance precondition not met.", {
                "domain_required": "trust level 2 and above require a domain",
                "agent_key_missing": "agent has no registered public key",
                "issuance_basis_stale": "the agent or API key changed while the badge was being issued; retry the request"}),
            **STD()},
        parameters=ID, request_body=body(S("BadgeRequest"),
                                         "Issuance options; the body may be missing or empty.", required=False)))
    add(base + "/{id}/badge/challenge", "post", op(
        n("create", "PoPChallenge"), "Proof of possession, phase 1: get a challenge",
        "Creates a single-use challenge for the agent bound to the DID in the path (RFC-003 §5.1). `{id}` is the "
        "DID (raw colons or percent-encoded). The answer is bare and carries both spellings: `aud`/`proof_aud`, "
        "`expires_at`/`challenge_expires_at`. `htu` is opaque: copy it into the proof. Challenge TTL defaults to "
        "300 s, clamped into [90, 600]; badge TTL into [60, 3600]. Challenges are limited per DID (10 per 5 min) "
        "and refused while the DID is in failed-proof cooldown." + alias + scoped("badges:issue"),
        ["Proof of possession"], AUTH, {
            "200": ok("Challenge created.", S("PoPChallenge")),
            "400": err_response("Malformed input.", {"invalid_did": "DID must be a valid did:key (Ed25519) or did:web",
                                                     "invalid_ttl": "badge_ttl must be a whole number of seconds"}),
            "403": err_response("Not allowed.", {"agent_not_owned": "this agent belongs to another organisation",
                                                 "agent_disabled": "agent is disabled"}),
            "404": R("AgentNotFound"),
            "409": err_response("No key to prove.", {"agent_key_missing": "agent has no public key to publish"}),
            **STD()},
        parameters=ID, request_body=body(S("PoPChallengeRequest"), "Badge and challenge parameters.", required=False)))
    add(base + "/{id}/badge/pop", "post", op(
        n("submit", "PoPProof"), "Proof of possession, phase 2: submit the proof",
        "Checks the proof JWS against the stored challenge — RFC-003 §5.2.2's 24 checks in order, each with its "
        "error code — and issues an IAL-1 badge bound to the proven key (`cnf.kid`, `key`, `pop_challenge_id`). "
        "No credential is needed: the proof authenticates. Badge audience and TTL come only from the challenge. "
        "The same body is accepted on `POST …/{id}/badge` (with or without `mode: \"ial1\"`)." + alias,
        ["Proof of possession"], PUBLIC, {
            "200": ok("IAL-1 badge issued.", S("BadgeIssued")),
            "400": err_response("Malformed proof.", {
                "invalid_challenge_id": "challenge_id must be ch- followed by a UUID", "invalid_proof": "proof nonce does not match",
                "invalid_proof_header": "proof_jws is not a compact JWS", "missing_cid": "proof has no cid",
                "missing_exp": "proof has no integer exp", "invalid_proof_signature": "an Ed25519 signature is 64 bytes"}),
            "403": err_response("Proof rejected.", {
                "subject_mismatch": "the challenge was issued for another DID", "challenge_used": "the challenge has already been used",
                "challenge_expired": "the challenge has expired", "cid_mismatch": "proof cid does not name this challenge",
                "audience_mismatch": "proof aud must be the issuer origin", "htu_mismatch": "proof htu does not match the challenge",
                "iat_invalid": "proof iat is in the future", "exp_too_long": "proof lifetime exceeds 60 s",
                "proof_expired": "proof has expired", "exp_outside_challenge_window": "proof outlives the challenge",
                "kid_not_found": "proof kid is not a verification method of the DID document",
                "key_not_in_authentication": "proof kid is not an authentication method",
                "proof_verification_failed": "the proof signature does not verify with that key",
                "proof_replayed": "this proof jti has been used", "agent_disabled": "the agent is no longer active"}),
            "404": err_response("Unknown challenge.", {"challenge_not_found": "no such challenge"}),
            "502": err_response("DID document unavailable.", {"did_resolution_failed": "the DID document could not be resolved"}),
            **STD()},
        parameters=ID, request_body=body(S("PoPProofSubmission"), "The challenge id and the proof JWS.")))

# DID / JWKS / status --------------------------------------------------------------------------
CACHE = {"Cache-Control": {"description": "`public, max-age=300`", "schema": {"type": "string"}}}
NOSTORE = {"Cache-Control": {"description": "`no-store`", "schema": {"type": "string"}}}
add("/agents/{id}/did.json", "get", op(
    "getAgentDidDocument", "Agent DID document (did:web)",
    "DID document for `did:web:<host>:agents:<id>`. Verification method id is `<did>#key-1` "
    "(Ed25519VerificationKey2020, `publicKeyMultibase`). An agent without a key yields empty "
    "`verificationMethod`, `authentication` and `assertionMethod`.",
    ["Identity"], PUBLIC, {
        "200": {"description": "DID document.", "headers": CACHE, "content": {
            "application/did+json": {"schema": S("DIDDocument")}, JSON: {"schema": S("DIDDocument")}}},
        "404": R("AgentNotFound"), **STD()},
    parameters=[P("AgentUUID")]))
add("/.well-known/jwks.json", "get", op(
    "getJwks", "CA public keys (JWKS)",
    "The CA's Ed25519 public keys. Every key has a `kid`; `keys[0]` is the current signing key.",
    ["Identity"], PUBLIC, {"200": ok("Key set.", S("JWKS"), headers=CACHE), **STD()}))
add("/v1/agents/{id}/status", "get", op(
    "getAgentStatus", "Agent status (public)",
    "Lifecycle status used by online badge verification. Verifiers accept only `active`. With no registry agent, "
    "a subject with a live minted badge (`did:web:<host>:agents:<id>`, by full DID or `<id>`) answers `{id, did, "
    "status: active}`.",
    ["Agents"], PUBLIC, {"200": ok("Agent status.", S("AgentStatus"), headers=NOSTORE),
                         "404": R("AgentNotFound"), **STD()},
    parameters=ID))

# Validation -----------------------------------------------------------------------------------
VALID_EXAMPLES = {
    "valid": {"value": {"success": True, "data": {"valid": True, "claims": schemas["BadgeClaims"]["example"]}}},
    "expired": {"value": {"success": True, "data": {"valid": False, "error": "BADGE_EXPIRED",
                                                    "message": "badge expired at 2026-03-04T10:20:00Z"}}},
}
for path, opid, summary in [("/v1/validate", "validateBadge", "Validate a Trust Badge"),
                            ("/v1/badges/verify", "verifyBadge", "Validate a Trust Badge (alias)")]:
    add(path, "post", op(
        opid, summary,
        "Full server-side verification (signature against our CA, expiry, claims, revocation, agent status; "
        "optional audience). Invalid badges still answer 200 with `data.valid: false` and an RFC-002 §8.5 code: "
        + ", ".join(f"`{c}`" for c in VALIDATION_CODES) + "."
        + ("" if opid == "validateBadge" else " Alias of `POST /v1/validate`."),
        ["Badges"], PUBLIC, {
            "200": {"description": "Verification result.", "content": {JSON: {
                "schema": S("ValidationResult"), "examples": VALID_EXAMPLES}}},
            "400": err_response("No token, or token not a string.", {
                "invalid_request": "token is required", "invalid_json": "request body is not valid JSON"}),
            **STD()},
        request_body=body(S("ValidateRequest"), "Badge to verify.")))

# Badge status / revocation --------------------------------------------------------------------
add("/v1/badges/{jti}/status", "get", op(
    "getBadgeStatus", "Badge status (public)",
    "Revocation status of any badge this CA issued. Expired badges still return 200.",
    ["Revocation"], PUBLIC, {
        "200": ok("Badge status.", S("BadgeStatus"), headers=NOSTORE),
        "404": err_response("Unknown jti.", {"badge_not_found": "badge not found"}), **STD()},
    parameters=[P("Jti")]))
REVOKE_DESC = ("Revokes a badge of the caller's organization; idempotent (a repeat returns the original "
               "`revokedAt`). Visible immediately in badge status and `/v1/revocations`. Never disables the agent.")
REVOKE_RESP = lambda: {
    "200": ok("Revoked.", S("RevokeResult"), {"success": True, "jti": "1b6f1c0e-5d2a-4c8e-9d53-0f3f4c0a9b21",
                                              "revoked": True, "revokedAt": "2026-03-04T10:17:30Z",
                                              "reason": "key_compromise"}),
    "403": R("Forbidden"),
    "404": err_response("Unknown jti, or a badge of another organization.", {"badge_not_found": "badge not found"}),
    **STD()}
add("/v1/badges/{jti}/revoke", "post", op(
    "revokeBadge", "Revoke a badge", REVOKE_DESC + scoped("badges:revoke"), ["Revocation"], AUTH, REVOKE_RESP(),
    parameters=[P("Jti")], request_body=body(S("RevokeInput"), "Optional reason.", required=False,
                                             example={"reason": "key_compromise"})))
add("/v1/badges/revoke", "post", op(
    "revokeBadgeByJti", "Revoke a badge (jti in body)", REVOKE_DESC + scoped("badges:revoke"), ["Revocation"], AUTH,
    REVOKE_RESP(),
    request_body=body(S("RevokeByJtiInput"), "Badge to revoke.",
                      example={"jti": "1b6f1c0e-5d2a-4c8e-9d53-0f3f4c0a9b21", "reason": "key_compromise"})))
add("/v1/revocations", "get", op(
    "listRevocations", "Revocation list (public)",
    "Revoked badges sorted by `revokedAt` ascending. Without `limit` every matching entry is returned in one "
    "response; with `limit`, `nextCursor` continues the listing.",
    ["Revocation"], PUBLIC, {
        "200": ok("Revocations.", S("RevocationList"),
                  {"revocations": [{"jti": "1b6f1c0e-5d2a-4c8e-9d53-0f3f4c0a9b21", "revokedAt": "2026-03-04T10:17:30Z",
                                    "reason": "key_compromise"}],
                   "nextCursor": None, "syncedAt": "2026-03-04T10:18:00Z"}, headers=NOSTORE),
        "400": err_response("Invalid query parameter.", {"invalid_request": "since must be an RFC 3339 timestamp"}),
        **STD()},
    parameters=[{"name": "since", "in": "query", "required": False,
                 "description": "Only revocations at or after this RFC 3339 time (fractional seconds and offsets "
                                "accepted). Missing = everything.",
                 "schema": {"type": "string", "format": "date-time"}},
                P("Limit"), P("Cursor")]))

# Domain validation (ACME-lite) -------------------------------------------------------------------
OPTIONAL_AUTH = [{}] + AUTH
ORDER_ID = {"name": "order_id", "in": "path", "required": True, "description": "Order id (UUID).",
            "schema": {"type": "string"}}
schemas["DVOrderInput"] = {
    "type": "object", "required": ["domain", "challenge_type"],
    "properties": {
        "domain": {"type": "string", "description": "FQDN to validate: lowercase A-labels, at least two labels, no scheme, "
                                                    "port, path, wildcard, trailing dot or IP address."},
        "challenge_type": {"type": "string", "enum": ["http-01", "dns-01"]},
        "jwk": {"type": "object", "description": "Agent Ed25519 public JWK (`kty` OKP, `crv` Ed25519, `x`). Private "
                                                 "members such as `d` are discarded on arrival and never stored."},
        "agent_public_key_jwk": {"type": "object", "description": "Alias of `jwk` (RFC-002 name)."}}}
schemas["DVOrder"] = {
    "type": "object",
    "required": ["id", "order_id", "domain", "challenge_type", "status", "agent_key_thumbprint", "challenge", "expires_at",
                 "created_at"],
    "properties": {
        "id": {"type": "string"}, "order_id": {"type": "string", "description": "Same as `id`."},
        "domain": {"type": "string"}, "challenge_type": {"type": "string", "enum": ["http-01", "dns-01"]},
        "status": {"type": "string", "enum": ["pending", "valid", "invalid", "expired"]},
        "agent_key_thumbprint": {"type": "string", "description": "RFC 7638 thumbprint of the agent key."},
        "challenge": {"type": "object", "required": ["type", "status", "token", "expected_content"], "properties": {
            "type": {"type": "string"}, "status": {"type": "string"}, "token": {"type": "string"},
            "url": {"type": "string", "description": "http-01 only: where to publish `expected_content`."},
            "record_name": {"type": "string", "description": "dns-01 only: the TXT record name."},
            "expected_content": {"type": "string", "description": "`<token>.<thumbprint>`."}}},
        "expires_at": TS, "created_at": TS,
        "finalized_at": ts("Once finalized."), "grant_jti": {"type": "string", "description": "When `valid`."}}}
schemas["DVGrantResult"] = {
    "type": "object", "required": ["status", "grant", "grant_jti", "expires_at", "order_id"],
    "properties": {
        "status": {"type": "string", "const": "valid"},
        "grant": {"type": "string", "description": "Compact JWS, header `typ: capiscio.dvgrant+jwt`, claims `iss`, `sub` "
                                                   "(the domain), `jti`, `iat`, `exp` (90 days), `aud: capiscio:mint`, "
                                                   "`cnf.jkt`, `scope`."},
        "grant_jti": {"type": "string"}, "expires_at": TS, "order_id": {"type": "string"}}}
ORDER_EXAMPLE = {
    "id": "5c1d2e3f-4a5b-4c6d-8e7f-90a1b2c3d4e5", "order_id": "5c1d2e3f-4a5b-4c6d-8e7f-90a1b2c3d4e5",
    "domain": "api.acme.example", "challenge_type": "http-01", "status": "pending",
    "agent_key_thumbprint": "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
    "challenge": {"type": "http-01", "status": "pending", "token": "Jx3oQ2yX0cTqk0F3dD1y8mQm0sTj0Q2c7m1yJrPp9xA",
                  "url": "http://api.acme.example/.well-known/capiscio-challenge/Jx3oQ2yX0cTqk0F3dD1y8mQm0sTj0Q2c7m1yJrPp9xA",
                  "expected_content": "Jx3oQ2yX0cTqk0F3dD1y8mQm0sTj0Q2c7m1yJrPp9xA.kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"},
    "expires_at": "2026-03-04T10:25:00Z", "created_at": "2026-03-04T10:15:00Z"}
add("/v1/badges/dv/orders", "post", op(
    "createDVOrder", "Create a domain-validation order",
    "Starts ACME-lite domain validation (RFC-002 §7.2.4). Anonymous, or with an API key: the order is then bound "
    "to that organisation, finalize needs a key of the same organisation, and a successful validation makes the "
    "domain count as validated for the organisation's agents (level-2 badges). Orders expire after 10 minutes "
    "(http-01) or 30 minutes (dns-01); at most 5 outstanding orders per domain and 20 per client address.",
    ["Domain Validation"], OPTIONAL_AUTH, {
        "201": ok("Order created.", S("DVOrder"), ORDER_EXAMPLE, headers=NOSTORE),
        "400": err_response("Invalid order.", {
            "INVALID_DOMAIN": "domain must be a fully qualified host name such as agent.example.com",
            "UNSUPPORTED_CHALLENGE": "challenge_type must be http-01 or dns-01",
            "INVALID_KEY": "jwk (or agent_public_key_jwk) must be an Ed25519 public JWK"}),
        "409": err_response("Another organisation holds an active validation for this domain.", {
            "DOMAIN_CLAIMED": "another organisation holds an active validation for api.acme.example"}),
        "429": err_response("Too many outstanding orders.", {
            "RATE_LIMIT_EXCEEDED": "at most 5 outstanding orders per domain"}),
        "500": R("InternalError")},
    request_body=body(S("DVOrderInput"), "Domain, challenge type and agent key.",
                      example={"domain": "api.acme.example", "challenge_type": "http-01",
                               "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}})))
add("/v1/badges/dv/orders/{order_id}", "get", op(
    "getDVOrder", "Domain-validation order status",
    "The order (the UUID is the capability; no credential). Expiry is evaluated on read; `finalized_at` and "
    "`grant_jti` appear once the order is valid.",
    ["Domain Validation"], PUBLIC, {
        "200": ok("The order.", S("DVOrder"), headers=NOSTORE),
        "404": err_response("Unknown order.", {"ORDER_NOT_FOUND": "order not found"}), **STD()},
    parameters=[ORDER_ID]))
add("/v1/badges/dv/orders/{order_id}/finalize", "post", op(
    "finalizeDVOrder", "Check the challenge and issue a DV grant",
    "Fetches `http://<domain>/.well-known/capiscio-challenge/<token>` (http-01; port 80, no redirects, at most 1 KiB, "
    "one trailing newline trimmed) or reads the TXT record `_capiscio-challenge.<domain>` (dns-01; CNAMEs followed) "
    "and compares it exactly with `<token>.<thumbprint>`. On success returns a CA-signed DV grant valid for 90 days; "
    "a repeat returns the same grant. A failed check keeps the order pending (10 failures make it invalid). Orders "
    "created with an API key need a key of the same organisation.",
    ["Domain Validation"], OPTIONAL_AUTH, {
        "200": ok("Validated.", S("DVGrantResult"), headers=NOSTORE),
        "400": err_response("The check failed or the order can no longer be finalized.", {
            "CHALLENGE_FAILED": "http-01 challenge failed: the file does not contain <token>.<thumbprint>",
            "ORDER_EXPIRED": "order expired; create a new one",
            "ORDER_INVALID": "order failed too many validation attempts; create a new one"}),
        "403": err_response("The order belongs to another organisation.", {"FORBIDDEN": "this order was created with another organisation's key"}),
        "404": err_response("Unknown order.", {"ORDER_NOT_FOUND": "order not found"}),
        "409": err_response("Another organisation holds an active validation for this domain.", {
            "DOMAIN_CLAIMED": "another organisation holds an active validation for api.acme.example"}),
        **STD()},
    parameters=[ORDER_ID]))

GRANT_JTI = {"name": "jti", "in": "path", "required": True, "description": "Grant id (`grant-<uuid>`).",
             "schema": {"type": "string"}}
POP_BEARER = [{"popProof": []}]
schemas["DVGrantStatus"] = {
    "type": "object", "required": ["jti", "domain", "status", "expires_at", "revoked_at"],
    "properties": {"jti": {"type": "string"}, "domain": {"type": "string"},
                   "status": {"type": "string", "enum": ["valid", "revoked", "expired"]},
                   "expires_at": TS, "revoked_at": ts_null("When revoked.")}}
schemas["DVGrantRevoked"] = {
    "type": "object", "required": ["jti", "status", "revoked_at"],
    "properties": {"jti": {"type": "string"}, "status": {"type": "string", "const": "revoked"}, "revoked_at": TS}}
GRANT_PROOF_DESC = (
    " Authenticated by `Authorization: Bearer <PoP proof>`: a compact JWS with header `typ: pop+jwt`, `alg: EdDSA` "
    "and the agent key as `jwk` (or a `did:key` `kid`) whose RFC 7638 thumbprint equals the grant's `cnf.jkt`; "
    "claims `htm`, `htu` (issuer origin + request path), `iat` (within 60 s), `jti` (single use), optional `exp` "
    "(at most `iat` + 60) and `aud` (issuer origin or the endpoint URL).")
for path, opid in (("/v1/badges/dv/grants/{jti}/status", "getDVGrantStatus"), ("/v1/grants/{jti}/status", "getDVGrantStatusAlias")):
    add(path, "get", op(
        opid, "DV grant status" + ("" if opid == "getDVGrantStatus" else " (alias)"),
        "Status of a DV grant." + GRANT_PROOF_DESC + " A missing or invalid proof answers exactly like an unknown "
        "grant (404); requests are rate limited per client address.",
        ["Domain Validation"], POP_BEARER, {
            "200": ok("Grant status.", S("DVGrantStatus"), headers=NOSTORE),
            "401": R("Unauthorized"),
            "404": err_response("Unknown grant, or the proof failed.", {"GRANT_NOT_FOUND": "grant not found"}), **STD()},
        parameters=[GRANT_JTI]))
add("/v1/badges/dv/grants/{jti}/revoke", "post", op(
    "revokeDVGrant", "Revoke a DV grant",
    "Revokes a DV grant; the domain then stops counting as validated (level-2 issuance closes)." + GRANT_PROOF_DESC,
    ["Domain Validation"], POP_BEARER, {
        "200": ok("Revoked.", S("DVGrantRevoked")),
        "401": err_response("Bad proof or a key other than the grant's.", {
            "POP_VERIFICATION_FAILED": "proof key does not match the grant's cnf.jkt"}),
        "404": err_response("Unknown grant.", {"GRANT_NOT_FOUND": "grant not found"}),
        "409": err_response("Already revoked.", {"GRANT_ALREADY_REVOKED": "grant is already revoked"}), **STD()},
    parameters=[GRANT_JTI]))

schemas["MintInput"] = {
    "type": "object", "required": ["grant", "badge_request"],
    "properties": {
        "grant": {"type": "string", "description": "The DV grant JWS from finalize (`typ: capiscio.dvgrant+jwt`)."},
        "proof": {"type": "string", "description": "PoP proof JWS (`typ: pop+jwt`, `htm` POST, `htu` and `aud` "
                  "`<issuer>/v1/badges/mint` (or the issuer origin for `aud`), `iat`, `jti`, optional `exp` ≤ `iat` + 60) "
                  "signed by a key of the `did:web` document of `badge_request.sub`; header `kid` names the method."},
        "proof_jws": {"type": "string", "description": "Alias of `proof`."},
        "badge_request": {
            "type": "object", "required": ["sub"],
            "description": "`level`, `domain` and `issuance_profile` are rejected: the CA derives them from the grant.",
            "properties": {
                "sub": {"type": "string", "description": "A `did:web` whose host is exactly the grant's domain."},
                "aud": {"type": ["string", "array"], "items": {"type": "string"}, "description": "Badge audience."},
                "exp_seconds": {"type": "integer", "description": "Badge lifetime, clamped to 60–3600; default 300."}}}}}
schemas["MintResult"] = {
    "type": "object", "required": ["badge", "expires_at", "jti"],
    "properties": {"badge": {"type": "string", "description": "Level-2 badge: `ial` 1, `issuance_profile` "
                             "`anonymous_dv`, `domain` = grant domain, `key` and `cnf.kid` from the proof's key."},
                   "expires_at": TS, "jti": {"type": "string"}}}
add("/v1/badges/mint", "post", op(
    "mintBadge", "Mint a level-2 badge from a DV grant",
    "Anonymous DV issuance (RFC-002 §7.2.5): the grant and the proof authenticate, no account. Checked in order: "
    "(1) the grant — signature by this CA, `typ`, `aud` `capiscio:mint`, `iat`, `exp`, not revoked; (2) "
    "`badge_request.sub` is a `did:web` on exactly the grant's domain; (3) the proof's structure and `jti` replay; "
    "(4) the DID document is resolved; (5) the proof signature is checked with the header `kid` method first, "
    "else every method (smallest id wins); (6) that key's thumbprint is the grant's `cnf.jkt`. Rate limited per "
    "client address and per grant. The badge is recorded in the ledger (status, revocation feed); its subject then "
    "reports `active` at `/v1/agents/{id}/status` while a minted badge for it is live.",
    ["Domain Validation"], PUBLIC, {
        "200": ok("Minted.", S("MintResult"), headers=NOSTORE),
        "400": err_response("The grant or the request is invalid.", {
            "INVALID_GRANT": "grant typ must be capiscio.dvgrant+jwt",
            "GRANT_INVALID_AUD": "grant aud must be capiscio:mint",
            "GRANT_MISSING_IAT": "grant iat must be present and not in the future",
            "GRANT_EXPIRED": "the grant has expired",
            "DID_DOMAIN_MISMATCH": "badge_request.sub must be a did:web whose host is exactly api.acme.example",
            "INVALID_REQUEST": "badge_request must not set level: the CA derives it from the grant",
            "KEY_MISMATCH": "the proof key's thumbprint is not the grant's cnf.jkt"}),
        "401": err_response("Bad grant signature or proof.", {
            "GRANT_SIGNATURE_INVALID": "the grant is not signed by this CA",
            "POP_VERIFICATION_FAILED": "proof jti was already used"}),
        "403": err_response("The grant was revoked.", {"GRANT_REVOKED": "the grant has been revoked"}),
        "429": err_response("Too many mint requests.", {"RATE_LIMIT_EXCEEDED": "rate limit of 60 per 60 s exceeded; retry after 12 s"}),
        "502": err_response("The DID document could not be resolved.", {
            "DID_RESOLUTION_FAILED": "the DID document of did:web:api.acme.example:agents:billing could not be resolved"}),
        "500": R("InternalError")},
    request_body=body(S("MintInput"), "Grant, proof and badge request.",
                      example={"grant": "<DV grant JWS>", "proof": "<PoP JWS>",
                               "badge_request": {"sub": "did:web:api.acme.example:agents:billing",
                                                 "aud": ["https://partner.example"], "exp_seconds": 300}})))

schemas["AuditEvent"] = {
    "type": "object", "required": ["id", "type", "actor", "created_at"],
    "properties": {
        "id": {"type": "string"}, "type": {"type": "string", "description": "e.g. agent.created, agent.disabled, badge.issued, "
                                            "badge.revoked, api_key.created, api_key.revoked, org.verified, pop.challenge.created, pop.proof.failed, dv.order.created, dv.challenge.failed, dv.order.validated, dv.grant.revoked, badge.minted"},
        "actor": {"type": "string", "description": "`apikey:<id>`, `operator:<name>`, `proof:<did>` or `ip:<address>`."},
        "subject": {"type": ["string", "null"]}, "agent_id": {"type": ["string", "null"]},
        "details": {"type": ["object", "null"], "description": "Small JSON object; never secrets."},
        "created_at": TS}}
schemas["AuditEventList"] = {
    "type": "object", "required": ["success", "data"],
    "properties": {"success": {"type": "boolean", "const": True}, "data": {"type": "array", "items": S("AuditEvent")},
                   "next_cursor": {"type": "string", "description": "Present when another page exists."}}}
add("/v1/events", "get", op(
    "listAuditEvents", "Audit log of your organisation",
    "Security-relevant actions (keys, agents, badges, proofs, verification), oldest first, written in the same "
    "transaction as the change. Filters: `type`, `since` (RFC 3339, inclusive), `agent` (UUID or DID). Pages of "
    "`limit` (default 100, max 1000) continue with `cursor`." + scoped("audit:read"),
    ["Audit"], AUTH, {
        "200": ok("Events.", S("AuditEventList")), "400": R("BadRequest"), "403": R("Forbidden"), **STD()},
    parameters=[{"name": "type", "in": "query", "required": False, "schema": {"type": "string"}},
                {"name": "since", "in": "query", "required": False, "schema": {"type": "string", "format": "date-time"}},
                {"name": "agent", "in": "query", "required": False, "schema": {"type": "string"}},
                P("Limit"), P("Cursor")]))

add("/metrics", "get", op(
    "getMetrics", "Prometheus metrics",
    "Prometheus text exposition: request counts and latency by route pattern and status, badges issued by "
    "level/IAL, verifications by result code, revocations, proof-of-possession outcomes, rate-limit refusals, "
    "the active CA key's age, and the database pool (size, statements and transactions in flight, their latency and "
    "errors). No identifiers beyond route patterns; expose it only to your monitoring. When `METRICS_PORT` is set it "
    "is served only on that port, and this one answers 404.",
    ["Health"], PUBLIC, {"200": {"description": "Metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}}}))

# Organisations and the Clerk webhook -----------------------------------------------------------
ORG_EXAMPLE = {"id": "9d4f2c1e-8b7a-4e3d-a1c0-5f6e7d8c9b0a", "name": "Acme Corp", "external_id": "org_2abc",
               "created_at": "2026-03-04T10:15:00Z", "createdAt": "2026-03-04T10:15:00Z", "verified_level": None,
               "role": "admin"}
schemas["Organization"] = {
    "type": "object", "required": ["id", "name", "created_at"],
    "properties": {
        "id": {"type": "string"}, "name": {"type": "string"},
        "external_id": {"type": ["string", "null"], "description": "Clerk organisation id (`org_…`) when mirrored from Clerk."},
        "created_at": TS, "createdAt": TS,
        "verified_level": {"type": ["integer", "null"], "description": "3 (OV) or 4 (EV) when an operator verified it."},
        "role": {"type": ["string", "null"], "enum": ["admin", "member", None],
                 "description": "The signed-in caller's role; null for API keys."}},
    "example": ORG_EXAMPLE}
schemas["OrganizationList"] = {
    "type": "object", "required": ["success", "data"],
    "properties": {"success": {"type": "boolean", "const": True}, "data": {"type": "array", "items": S("Organization")}}}
schemas["OrganizationEnvelope"] = {
    "type": "object", "required": ["success", "data"],
    "properties": {"success": {"type": "boolean", "const": True}, "data": S("Organization")}}
schemas["Member"] = {
    "type": "object", "required": ["user_id", "external_id", "role"],
    "properties": {
        "user_id": {"type": "string"}, "external_id": {"type": "string", "description": "Clerk user id (`user_…`)."},
        "email": {"type": ["string", "null"]}, "name": {"type": ["string", "null"]},
        "role": {"type": "string", "enum": ["admin", "member"]}, "created_at": TS, "updated_at": TS}}
schemas["MemberList"] = {
    "type": "object", "required": ["success", "data"],
    "properties": {"success": {"type": "boolean", "const": True}, "data": {"type": "array", "items": S("Member")}}}
schemas["WebhookResult"] = {
    "type": "object", "required": ["success", "data"],
    "properties": {"success": {"type": "boolean", "const": True},
                   "data": {"type": "object", "properties": {
                       "outcome": {"type": "string", "enum": ["processed", "duplicate", "ignored"]}}}},
    "example": {"success": True, "data": {"outcome": "processed"}}}
ORG_AUTH = ("\n\nAuthentication: a Clerk session token (`Authorization: Bearer <JWT>`) or an API key; an API key "
            "sees only its own organisation.")
ORG_NOT_FOUND = err_response("Not a member of that organisation (or no such organisation).",
                             {"organization_not_found": "organisation not found"})
add("/v1/orgs", "get", op(
    "listOrganizations", "List the caller's organisations",
    "The organisations the signed-in user belongs to, with the user's role in each." + ORG_AUTH,
    ["Organizations"], AUTH, {"200": ok("Organisations.", S("OrganizationList"),
                                        {"success": True, "data": [ORG_EXAMPLE]}), **STD()}))
add("/v1/orgs/{id}", "get", op(
    "getOrganization", "Get an organisation",
    "One organisation the caller belongs to; any other id is 404." + ORG_AUTH,
    ["Organizations"], AUTH, {"200": ok("The organisation.", S("OrganizationEnvelope")), "404": ORG_NOT_FOUND, **STD()},
    parameters=[P("OrgId")]))
add("/v1/orgs/{id}/members", "get", op(
    "listOrganizationMembers", "List an organisation's members",
    "Members and their roles. Organisation admins only (`403 insufficient_role` for members; API keys need "
    "`keys:admin`)." + ORG_AUTH,
    ["Organizations"], AUTH, {"200": ok("Members.", S("MemberList")), "403": R("Forbidden"), "404": ORG_NOT_FOUND, **STD()},
    parameters=[P("OrgId")]))
SVIX_HEADERS = [
    {"name": "svix-id", "in": "header", "required": True, "description": "Delivery id; redeliveries reuse it.",
     "schema": {"type": "string"}},
    {"name": "svix-timestamp", "in": "header", "required": True,
     "description": "Unix seconds; must be within 5 minutes of the server's clock.", "schema": {"type": "string"}},
    {"name": "svix-signature", "in": "header", "required": True,
     "description": "Space-separated `v1,<base64 HMAC-SHA256>` entries over `{svix-id}.{svix-timestamp}.{body}`; any may match.",
     "schema": {"type": "string"}},
]
add("/v1/webhooks/clerk", "post", op(
    "receiveClerkWebhook", "Clerk webhook (user and organisation sync)",
    "Svix-signed events from Clerk: `user.created|updated|deleted`, `organization.created|updated|deleted`, "
    "`organizationMembership.created|updated|deleted` (role `org:admin` → admin, anything else → member). "
    "A redelivered `svix-id` is acknowledged without being applied again; unknown event types are acknowledged "
    "and ignored. Authenticated only by the signature (secret `CLERK_WEBHOOK_SECRET`).",
    ["Organizations"], PUBLIC, {
        "200": ok("Accepted.", S("WebhookResult")),
        "401": err_response("Missing, invalid or outdated signature; nothing was written.",
                            {"invalid_webhook_signature": "missing, invalid or outdated Svix signature"}),
        "503": err_response("No webhook secret configured.",
                            {"clerk_webhook_not_configured": "set CLERK_WEBHOOK_SECRET to enable the Clerk webhook"}),
        **STD()},
    parameters=SVIX_HEADERS,
    request_body=body({"type": "object", "required": ["type", "data"],
                       "properties": {"type": {"type": "string"}, "data": {"type": "object"}}},
                      "A Clerk event.", example={"type": "user.created", "object": "event",
                                                "data": {"id": "user_2abc", "first_name": "Ann"}})))

# ---------------------------------------------------------------------------------------------
DESCRIPTION = (
    "Insignia is an open-source agent registry and Trust Badge certificate authority (Badge CA), wire-compatible "
    "with CapiscIO clients (capiscio-core CLI and Go libraries, Python SDK). It registers agents and their "
    "identities (DIDs and Ed25519 keys), issues Ed25519-signed Trust Badges (compact JWS, RFC-002), and serves "
    "the public verification surface: JWKS, did:web documents, badge and agent status, revocation lists and "
    "server-side validation.\n\n"
    "**Errors.** Every non-2xx response has the body `{\"success\": false, \"error\": \"<code>\", "
    "\"message\": \"<text>\"}`. Agent, API-key, issuance and validation responses use the envelope "
    "`{\"success\": true, \"data\": ..., \"message\"?: ...}`; health, JWKS, DID documents, status, revocation "
    "list and revoke responses are bare objects. Times are RFC 3339 UTC strings with whole seconds (`Z`).\n\n"
    "**Authentication.** Send the API key (`cpsc_live_...`) either as `X-Capiscio-Registry-Key: <key>` or as "
    "`Authorization: Bearer <key>`; when both are present the `X-Capiscio-Registry-Key` header wins. Keys carry "
    "scopes (`agents:read`, `agents:write`, `badges:issue`, `badges:revoke`, `keys:admin`); a missing scope yields "
    "`403 insufficient_scope`. With Clerk configured, a dashboard session token (`Authorization: Bearer <JWT>`) "
    "works too: the user acts in the token's organisation (or a personal one) with its role (`admin` or "
    "`member`; members cannot manage API keys: `403 insufficient_role`). Rate-limited responses carry `X-RateLimit-Limit`, `X-RateLimit-Remaining`, "
    "`X-RateLimit-Reset`, and 429 adds `Retry-After`."
)

doc = {
    "openapi": "3.1.0",
    "info": {
        "title": "Insignia",
        "version": "0.1.0",
        "description": DESCRIPTION,
    },
    "tags": [
        {"name": "Health", "description": "Liveness, readiness and version."},
        {"name": "Docs", "description": "This document and the Swagger UI."},
        {"name": "API Keys", "description": "Registry API keys (`/v1/api-keys`; aliases `/v1/keys`, `/api-keys`)."},
        {"name": "Agents", "description": "Agent registry."},
        {"name": "SDK Agents", "description": "SDK aliases of the agent routes (`/v1/sdk/agents`)."},
        {"name": "Badges", "description": "Trust Badge issuance and validation."},
        {"name": "Identity", "description": "Public keys and DID documents."},
        {"name": "Revocation", "description": "Badge status, revocation and revocation list."},
        {"name": "Organizations", "description": "The caller's organisations and members; the Clerk sync webhook."},
        {"name": "Domain Validation", "description": "ACME-lite domain validation orders and DV grants (level 2)."},
    ],
    "security": AUTH,
    "paths": paths,
    "components": {
        "schemas": schemas,
        "responses": responses,
        "parameters": parameters,
        "headers": headers,
        "securitySchemes": {
            "registryKey": {"type": "apiKey", "in": "header", "name": "X-Capiscio-Registry-Key",
                            "description": "Registry API key."},
            "popProof": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                         "description": "A PoP proof JWS bound to a DV grant's key (grant status and revoke)."},
            "bearerKey": {"type": "http", "scheme": "bearer",
                          "description": "The same registry API key sent as `Authorization: Bearer <key>`."},
            "clerkSession": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                             "description": "A Clerk session token (RS256, ES256 or EdDSA) when Clerk is configured; "
                                            "admins of the organisation have every scope, members all but `keys:admin`."},
        },
    },
}

def compact_dump(value, indent=0, width=110):
    """JSON with 2-space indentation; containers that fit on one line are written inline."""
    inline = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if not isinstance(value, (dict, list)) or not value or len(inline) + indent <= width:
        return inline
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {compact_dump(v, indent + 2, width)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + compact_dump(v, indent + 2, width) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


if __name__ == "__main__":
    text = compact_dump(doc)
    assert '"""#' not in text and "\\#" not in text
    body_lines = "\n".join(("    " + line) if line else "" for line in text.split("\n"))
    swift = (
        "// Generated by gen.py — the OpenAPI 3.1 description of Insignia.\n\n"
        "/// The OpenAPI 3.1 description of every route the server registers "
        "(served at /swagger/doc.json and /openapi.json).\n"
        "public enum OpenAPIDocument {\n"
        "    /// The document as JSON text.\n"
        "    public static let json: String = #\"\"\"\n"
        f"{body_lines}\n"
        "    \"\"\"#\n"
        "}\n"
    )
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Sources/InsigniaHTTP/OpenAPI/OpenAPIDocument.swift"), "w") as f:
        f.write(swift)
    print(f"{len(paths)} paths, {sum(len(v) for v in paths.values())} operations")
