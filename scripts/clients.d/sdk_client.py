"""CapiscIO's own Python SDK (capiscio-sdk from PyPI) against a running Insignia.

Runs the SDK's pure-Python registry code, unchanged: `CapiscIO.connect()` agent registration with
an identity from CAPISCIO_AGENT_PRIVATE_KEY_JWK (the path that needs no Go binary) and the
`EventEmitter` flush. Then checks what the server recorded through Insignia's own API. Prints one
`ok`/`FAIL` line per check and exits 1 on any failure.

Usage: python sdk_client.py BASE_URL API_KEY PRIVATE_JWK_FILE DID
"""
import json
import os
import sys
import tempfile
from pathlib import Path

import httpx

base, api_key, jwk_file, did = sys.argv[1:5]
failures = 0


def check(name, condition, detail=""):
    global failures
    print(f"clients: {'ok  ' if condition else 'FAIL'} sdk: {name}{'' if condition else ' — ' + str(detail)}")
    failures += 0 if condition else 1


registry = httpx.Client(base_url=base, headers={"X-Capiscio-Registry-Key": api_key}, timeout=10)

# connect(): find-or-create the agent, register the DID from the environment's key, activate it.
private_jwk = json.loads(Path(jwk_file).read_text())
private_jwk["kid"] = did  # the SDK reads the agent's DID from the key's kid
os.environ["CAPISCIO_AGENT_PRIVATE_KEY_JWK"] = json.dumps(private_jwk)
from capiscio_sdk import CapiscIO  # noqa: E402  (after the environment is set)
from capiscio_sdk.events import EventEmitter  # noqa: E402

with tempfile.TemporaryDirectory() as keys:
    identity = CapiscIO.connect(api_key=api_key, name="sdk-agent", server_url=base, keys_dir=Path(keys), auto_badge=False)
    check("connect() returns an agent id and the DID", bool(identity.agent_id) and identity.did == did, identity)
    agent = registry.get(f"/v1/sdk/agents/{identity.agent_id}").json().get("data", {})
    check("the agent is registered with that DID", agent.get("did") == did, agent)
    check("connect() activated it", agent.get("status") == "active", agent.get("status"))
    again = CapiscIO.connect(api_key=api_key, name="sdk-agent", server_url=base, keys_dir=Path(keys), auto_badge=False)
    check("a second connect() finds the same agent", again.agent_id == identity.agent_id, again.agent_id)
    listed = registry.get("/v1/sdk/agents").json().get("data", [])
    check("no duplicate agent was created", len([a for a in listed if a.get("did") == did]) == 1, listed)
    by_did = registry.get("/v1/sdk/agents", params={"did": did}).json().get("data", [])
    check("?did= finds exactly that agent", [a.get("id") for a in by_did] == [identity.agent_id], by_did)

    # EventEmitter: the SDK keeps failed events and resends them; after a flush its queue must be empty.
    emitter = EventEmitter(server_url=base, api_key=api_key, agent_id=identity.agent_id, batch_size=100, flush_interval=3600)
    for n in range(5):
        emitter.emit("task_started", {"n": n}, task_id=f"task-{n}")
    emitter.emit("tool_call", {"tool": "search"}, correlation_id="trace-1")
    check("flush() succeeds", emitter.flush() is True)
    check("the emitter's queue is empty afterwards", len(emitter._batch) == 0, len(emitter._batch))
    events = registry.get("/v1/events", params={"source": "agent", "agent_id": identity.agent_id}).json().get("data", [])
    types = sorted(e.get("type") for e in events)
    check("the six events are in the timeline", types == ["task_started"] * 5 + ["tool_call"], types)
    check("payloads are kept as sent", any(e.get("payload", {}).get("task_id") == "task-0" for e in events), events[:1])

sys.exit(1 if failures else 0)
