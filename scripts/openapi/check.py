"""Validates Sources/InsigniaHTTP/Resources/openapi.json: OpenAPI 3.1 validity, unique operation ids,
well-formed x-aliases, and 401/400/413/415 where due. Needs openapi-spec-validator (scripts/schemathesis
installs it in its virtualenv)."""
import os
import json, re
from openapi_spec_validator import validate
doc = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Sources/InsigniaHTTP/Resources/openapi.json")))
validate(doc)
print("openapi-spec-validator: OK")
# That the router serves exactly these operations and aliases is checked by the Swift test
# HealthAndDocsTests.routerAndDocumentHaveTheSameRoutes against the real router.
methods = {"get","put","post","delete","patch","head","options","trace"}
operations = [(k, p, o) for p, item in doc["paths"].items() for k, o in item.items() if k in methods]
ids = [o["operationId"] for _, _, o in operations]
assert len(ids) == len(set(ids)), "dup operationId"
params = lambda template: re.findall(r"\{[^}]+\}", template)
aliases = [(k, a) for k, p, o in operations for a in o.get("x-aliases", [])]
assert len(aliases) == len(set(aliases)), "an alias is listed twice"
for k, p, o in operations:
    for a in o.get("x-aliases", []):
        # An alias is another path for the same operation: same method, same path parameters,
        # never a documented path of its own, and named in the description.
        assert params(a) == params(p), (k, p, a)
        assert a not in doc["paths"] or k not in doc["paths"][a], (k, p, a)
        assert f"`{k.upper()} {a}`" in o["description"], (k, p, a)
    # every authenticated op has 401, every op with body has 400 and 413, every op with path or
    # query parameters has 400 (NUL characters, bad percent-encoding)
    if o.get("security"): assert "401" in o["responses"], (p, k)
    if "requestBody" in o: assert {"400","413"} <= set(o["responses"]), (p, k)
    # JSON bodies refuse other content types (the Clerk webhook verifies raw bytes instead)
    if "requestBody" in o and p != "/v1/webhooks/clerk": assert "415" in o["responses"], (p, k)
    places = {(x if "in" in x else doc["components"]["parameters"][x["$ref"].split("/")[-1]])["in"] for x in o.get("parameters", [])}
    if places & {"path", "query"}: assert "400" in o["responses"], (p, k)
    if o.get("security") is None: print("no security", p, k)
print(len(operations), "operations and", len(aliases), "aliases OK")
for k, p, _ in sorted(operations, key=lambda x: (x[1], x[0])): print(k.upper(), p)
