"""CapiscIO's MCP package (capiscio-mcp from PyPI) against a running Insignia.

Runs the package's own pure-Python registry code, unchanged: `MCPServerIdentity.connect()` with
the server key in CAPISCIO_SERVER_PRIVATE_KEY_PEM (the path that needs no Go binary) — identity
registration (PUT → 404 → POST), the first badge — then a `{}` renewal through its
`ServerBadgeKeeper`, a second connect() with the same keys, and the guard's `GuardEventEmitter`
with its `?did=` agent resolution. Checks what the server recorded through Insignia's own API.
Prints one `ok`/`FAIL` line per check and exits 1 on any failure. Runs in its own process: the
SDK's and this package's gRPC modules cannot be imported together.

Usage: python mcp_client.py BASE_URL API_KEY
"""
import asyncio
import base64
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

base, api_key = sys.argv[1:3]
failures = 0


def check(name, condition, detail=""):
    global failures
    print(f"clients: {'ok  ' if condition else 'FAIL'} mcp: {name}{'' if condition else ' — ' + str(detail)}")
    failures += 0 if condition else 1


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def did_key(private):
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    data = b"\xed\x01" + raw
    number, text = int.from_bytes(data, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        text = alphabet[digit] + text
    return "did:key:z" + "1" * (len(data) - len(data.lstrip(b"\0"))) + text


registry = httpx.Client(base_url=base, headers={"X-Capiscio-Registry-Key": api_key}, timeout=10)
private = Ed25519PrivateKey.generate()
os.environ["CAPISCIO_SERVER_PRIVATE_KEY_PEM"] = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
expected_did = did_key(private)
from capiscio_mcp.connect import MCPServerIdentity  # noqa: E402  (after the environment is set)
from capiscio_mcp.events import get_event_emitter  # noqa: E402
from capiscio_mcp.keeper import ServerBadgeKeeper  # noqa: E402

with tempfile.TemporaryDirectory() as keys:
    requested = str(uuid.uuid4())  # unknown to the registry: PUT answers 404 and the client POSTs
    identity = asyncio.run(MCPServerIdentity.connect(requested, api_key, server_url=base, keys_dir=Path(keys)))
    server_id = identity.server_id
    check("connect() registered a new server (PUT 404 → POST)", server_id != requested and bool(server_id), server_id)
    server = registry.get(f"/v1/sdk/servers/{server_id}").json().get("data", {})
    check("the server has the key's did:key", server.get("did") == expected_did, server)
    check("its publicKey is the key, as a JWK", server.get("publicKey", {}).get("crv") == "Ed25519", server.get("publicKey"))
    check("connect() read orgId and set the bundle URL from it",
          identity.org_id == server.get("orgId") and os.environ.get("CAPISCIO_BUNDLE_URL") == f"{base}/v1/bundles/{server.get('orgId')}",
          (identity.org_id, os.environ.get("CAPISCIO_BUNDLE_URL")))
    badge = identity.get_badge()
    check("connect() got a badge", bool(badge), badge)
    first = claims(badge) if badge else {}
    check("the badge names the server's DID and the domain it sent",
          first.get("sub") == expected_did and first.get("vc", {}).get("credentialSubject", {}).get("domain") == "127.0.0.1", first)
    identity.close()

    # The keeper's renewal with `{}`: the server remembered the domain from the first request.
    keeper = ServerBadgeKeeper(server_id=server_id, api_key=api_key, initial_badge=badge, ca_url=base, domain=None)
    keeper._renew()
    renewed = keeper.get_current_badge()
    check("a {} renewal gives a new badge", renewed and renewed != badge, renewed)
    renewed_claims = claims(renewed) if renewed else {}
    check("the renewal keeps the remembered domain",
          renewed_claims.get("vc", {}).get("credentialSubject", {}).get("domain") == "127.0.0.1", renewed_claims)
    for token in [badge, renewed]:
        verdict = registry.post("/v1/validate", json={"token": token}).json().get("data", {})
        check("the badge verifies at /v1/validate", verdict.get("valid") is True, verdict)
        jti = claims(token).get("jti")
        for path in [f"/v1/badges/{jti}/status", f"/v1/servers/badges/{jti}/status"]:
            status = httpx.get(base + path, timeout=10)
            check(f"{path.split(jti)[0]}… answers 200, not revoked", status.status_code == 200 and status.json().get("revoked") is False, status.text)

    # A restart with the same keys finds the same server (PUT answers 200; nothing is created).
    again = asyncio.run(MCPServerIdentity.connect(requested, api_key, server_url=base, keys_dir=Path(keys), auto_badge=False))
    listed = registry.get("/v1/sdk/servers").json().get("data", [])
    check("a second connect() reuses the server", again.server_id == server_id and len(listed) == 1, (again.server_id, listed))
    again.close()

    # The guard's event emitter, set up by connect(): it resolves the calling agent by ?did=.
    agent_did = "did:key:" + did_key(Ed25519PrivateKey.generate())[len("did:key:"):]
    agent = registry.post("/v1/sdk/agents", json={"name": "caller", "did": agent_did}).json().get("data", {})
    emitter = get_event_emitter()
    check("connect() installed the guard's event emitter", emitter is not None and emitter.server_id == server_id, emitter)
    emitter.emit_policy_enforced(decision="ALLOW", tool_name="search", agent_did=agent_did, trust_level=1)
    emitter.emit_policy_enforced(decision="DENY", tool_name="delete", deny_reason="TRUST_INSUFFICIENT")
    emitter.flush()
    events = registry.get("/v1/events", params={"source": "agent", "server_id": server_id}).json().get("data", [])
    check("both guard events are in the timeline for the server", len(events) == 2, events)
    allowed = [e for e in events if e.get("payload", {}).get("tool_name") == "search"]
    check("?did= credited the allowed call to the calling agent", bool(allowed) and allowed[0].get("agent_id") == agent.get("id"), allowed)
    severities = sorted(e.get("severity") for e in events)
    check("severity is normalised to lower case", severities == ["high", "info"], severities)

sys.exit(1 if failures else 0)
