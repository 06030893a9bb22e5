"""Validates the generated OpenAPI document: spec validity, unique operation ids, 401/400/413 where due."""
import os
import json, re, sys
from openapi_spec_validator import validate
doc = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Sources/InsigniaHTTP/Resources/openapi.json")))
validate(doc)
print("openapi-spec-validator: OK")
# Route coverage is checked by the Swift test everyRegisteredRouteIsDocumented against the real router.
methods = {"get","put","post","delete","patch","head","options","trace"}
actual = {(k.upper(), p) for p, item in doc["paths"].items() for k in item if k in methods}
ids = [o["operationId"] for item in doc["paths"].values() for k, o in item.items() if k in methods]
assert len(ids) == len(set(ids)), "dup operationId"
# every authenticated op has 401, every op with body has 400 and 413
for p, item in doc["paths"].items():
    for k, o in item.items():
        if o.get("security"): assert "401" in o["responses"], (p, k)
        if "requestBody" in o: assert {"400","413"} <= set(o["responses"]), (p, k)
        if o.get("security") is None: print("no security", p, k)
print(len(actual), "operations OK")
for mth, p in sorted(actual, key=lambda x: (x[1], x[0])): print(mth, p)
