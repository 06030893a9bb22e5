"""Differential test of the policy bundle (issue #16): generated policies are proposed and approved
through the API of a live `insignia serve`, the served bundle (GET /v1/bundles/{org}) is evaluated
on generated decision inputs by two independent Rego engines — regopy (Microsoft's rego-cpp) and
opa-eval (regorus) — and by Insignia's native evaluator (POST /v1/orgs/{org}/policy/simulate), and
every answer (decision, reason, obligations) must be identical. Prints the first disagreement.

usage: diff.py BASE_URL API_KEY ROUNDS INPUTS_PER_ROUND SEED
"""
import json
import os
import random
import sys
import tempfile
import urllib.request

import opa_eval
import regopy

BASE, KEY, ROUNDS, PER_ROUND, SEED = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(SEED)
RUN = "%08x" % rng.getrandbits(32)


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method,
                                     headers={"X-Capiscio-Registry-Key": KEY, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def expect(status, wanted, what, body):
    if status != wanted:
        sys.exit(f"policy-diff: {what} answered {status}: {json.dumps(body)[:300]}")


LEVELS = ["", "", "", "SS", "REG", "DV", "OV", "EV"]
OPERATIONS = ["read", "write", "pay.*", "pay.send", "pay", "*", "admin.*", "admin.users.delete"]
TOOLS = ["rm", "read_file", "db_*", "db_query", "*"]
CLASSES = ["billing.read", "billing.write", "invoice_management", "invoice_management.read"]


def subset(pool, chance):
    return [item for item in pool if rng.random() < chance]


def quote(text):
    return json.dumps(text) if rng.random() < 0.5 or "*" in text else text


def dids_yaml(name, dids, indent):
    pad = " " * indent
    if not dids:
        return ""
    if rng.random() < 0.5:
        return f"{pad}{name}: [{', '.join(quote(d) for d in dids)}]\n"
    return f"{pad}{name}:\n" + "".join(f"{pad}  - {quote(d)}\n" for d in dids)


def rule_yaml(key_name, key, pool):
    level = rng.choice(LEVELS)
    allowed = subset(pool, 0.15)
    denied = [d for d in subset(pool, 0.15) if d not in allowed]
    text = f"  - {key_name}: {quote(key)}\n"
    if level:
        text += f"    min_trust_level: {level}\n"
    return text + dids_yaml("allowed_dids", allowed, 4) + dids_yaml("denied_dids", denied, 4)


def policy_yaml(pool):
    """A random policy document in capiscio's schema, in a mix of block and flow styles."""
    text = 'version: "1"\n# generated\n'
    level = rng.choice(LEVELS)
    if level:
        text += f"min_trust_level: {quote(level)}\n"
    allowed = subset(pool, 0.2) if rng.random() < 0.4 else []
    denied = [d for d in subset(pool, 0.12) if d not in allowed]
    text += dids_yaml("allowed_dids", allowed, 0) + dids_yaml("denied_dids", denied, 0)
    limits = subset(pool, 0.3)
    if limits:
        text += "rate_limits:\n" + "".join(
            f"  - {{did: {d}, rpm: {rng.randint(1, 500)}}}\n" if rng.random() < 0.5 else f"  - did: {d}\n    rpm: {rng.randint(1, 500)}\n"
            for d in limits)
    for section, key_name, keys in (("operations", "pattern", OPERATIONS), ("mcp_tools", "tool", TOOLS),
                                     ("capability_classes", "class", CLASSES)):
        chosen = rng.sample(keys, rng.randint(0, 3))
        if chosen:
            text += f"{section}:\n" + "".join(rule_yaml(key_name, key, pool) for key in chosen)
    return text


def activate(org, path, yaml):
    status, body = call("POST", f"/v1/orgs/{org}/policy/{path}", {"yaml_content": yaml})
    expect(status, 201, f"proposal at {path}", body)
    status, body = call("POST", f"/v1/orgs/{org}/policy/proposals/{body['id']}/approve")
    expect(status, 200, "approval", body)


def random_input(pool):
    subject = {"badge_jti": "jti-1", "ial": "1"}
    roll = rng.random()
    if roll < 0.9:
        subject["did"] = rng.choice(pool)
    elif roll < 0.95:
        subject["did"] = 7
    level = rng.choice(["0", "1", "2", "3", "4", "SS", "REG", "DV", "OV", "EV", "5", "dv", "", 2, None])
    if level is not None:
        subject["trust_level"] = level
    action = {}
    if rng.random() < 0.95:
        action["operation"] = rng.choice(OPERATIONS + ["pay.refund", "admin", "other", ""])
    if rng.random() < 0.5:
        action["mcp_tool"] = rng.choice(TOOLS + ["db", "db_drop", "other"])
    if rng.random() < 0.4:
        action["capability_class"] = rng.choice(CLASSES + ["billing", "other"])
    document = {"subject": subject, "action": action, "resource": {"identifier": "r"},
                "context": {"txn_id": "t", "enforcement_mode": "EM-GUARD"}, "environment": {}}
    if rng.random() < 0.01:
        document["subject"] = "not an object"
    return document


def canonical(answer):
    return json.dumps(answer, sort_keys=True)


def main():
    status, context = call("GET", "/v1/sdk/policy-context")
    expect(status, 200, "policy context", context)
    org = context["org_id"]
    agents = []
    for n in range(6):
        did = f"did:web:agent{n}-{RUN}.example"
        status, body = call("POST", "/v1/agents", {"name": f"diff-{n}", "did": did})
        expect(status, 201, "agent creation", body)
        agents.append((body["data"]["id"], did))
    groups = []
    for n in range(3):
        status, body = call("POST", f"/v1/orgs/{org}/groups", {"name": f"diff-{RUN}-{n}", "precedence": rng.randint(1, 50)})
        expect(status, 201, "group creation", body)
        groups.append(body["id"])
    for agent_id, _ in agents:
        for group in subset(groups, 0.5):
            status, body = call("PUT", f"/v1/orgs/{org}/groups/{group}/agents/{agent_id}")
            expect(status, 204, "group membership", body)
    pool = [did for _, did in agents] + [f"did:web:stranger{n}-{RUN}.example" for n in range(3)] + ["did:key:z6MkStranger"]

    compared = 0
    workdir = tempfile.mkdtemp(prefix="policy-diff-")
    for round_number in range(ROUNDS):
        activate(org, "org", policy_yaml(pool))
        for group in groups:
            if rng.random() < 0.7:
                activate(org, f"groups/{group}", policy_yaml(pool))
        for agent_id, _ in agents:
            if rng.random() < 0.6:
                activate(org, f"agents/{agent_id}", policy_yaml(pool))
        # Disabled agents must be refused by every engine.
        for agent_id, _ in agents:
            action = "disable" if rng.random() < 0.2 else "enable"
            status, body = call("POST", f"/v1/agents/{agent_id}/{action}", {} if action == "enable" else {"reason": "diff"})
            expect(status, 200, f"agent {action}", body)

        inputs = [random_input(pool) for _ in range(PER_ROUND)]
        swift, revision = [], None
        for start in range(0, len(inputs), 1000):
            status, body = call("POST", f"/v1/orgs/{org}/policy/simulate", {"inputs": inputs[start:start + 1000]})
            expect(status, 200, "simulate", body)
            revision = revision or body["revision"]
            if body["revision"] != revision:
                sys.exit("policy-diff: the bundle changed during a round")
            swift += body["results"]
        status, bundle = call("GET", f"/v1/bundles/{org}")
        expect(status, 200, "bundle", bundle)
        if bundle["revision"] != revision:
            sys.exit(f"policy-diff: served bundle {bundle['revision']} is not the simulated {revision}")
        (name, module), = bundle["modules"].items()
        data = json.dumps(bundle["data"])
        module_path = os.path.join(workdir, f"round{round_number}.rego")
        with open(module_path, "w") as handle:
            handle.write(module)
        interpreter = regopy.Interpreter()
        interpreter.add_module(name, module)
        interpreter.add_data_json(data)
        regorus = {field: opa_eval.OpaEval(module_path, data_json=data, query=f"data.capiscio.policy.{field}")
                   for field in ("decision", "reason", "obligations")}
        for document, native in zip(inputs, swift):
            text = json.dumps(document)
            interpreter.set_input_term(text)
            output = interpreter.query("data.capiscio.policy")
            result = json.loads(str(output))["expressions"][0] if str(output) != "undefined" else {}
            cpp = {field: result.get(field) for field in ("decision", "reason", "obligations")}
            rust = {field: engine.evaluate_parsed(text) for field, engine in regorus.items()}
            ours = {field: native.get(field) for field in ("decision", "reason", "obligations")}
            if not (canonical(cpp) == canonical(rust) == canonical(ours)):
                print("policy-diff: DISAGREEMENT (round %d, input %d)" % (round_number, compared))
                print("  input:   " + text)
                print("  regopy:  " + canonical(cpp))
                print("  regorus: " + canonical(rust))
                print("  swift:   " + canonical(ours))
                print("  bundle data: " + data[:2000])
                return 1
            compared += 1
        allowed = sum(1 for answer in swift if answer["decision"] == "ALLOW")
        kinds = {answer["reason"].split(":")[-1].strip() for answer in swift}
        obligated = sum(1 for answer in swift if answer["obligations"])
        print(f"policy-diff: round {round_number}: {len(inputs)} inputs agree ({allowed} ALLOW, {obligated} with obligations, "
              f"{len(inputs) - allowed} DENY; {len(kinds)} kinds of reason; revision {revision[:12]})")
    print(f"policy-diff: {compared} inputs across {ROUNDS} generated policy sets: regopy, regorus and Insignia agree")
    return 0


sys.exit(main())
