import os
import json
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
doc = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Sources/InsigniaHTTP/Resources/openapi.json")))
reg = Registry().with_resource("urn:doc", Resource.from_contents({**doc, "$schema": "https://json-schema.org/draft/2020-12/schema"}))
def check(schema, inst, where):
    s = json.loads(json.dumps(schema).replace('"#/components', '"urn:doc#/components'))
    errs = list(Draft202012Validator(s, registry=reg).iter_errors(inst))
    for e in errs: print("FAIL", where, list(e.path), e.message[:200])
    return not errs
n = 0
def walk(node, path):
    global n
    if isinstance(node, dict):
        if "schema" in node and isinstance(node["schema"], dict):
            if "example" in node: n += 1; check(node["schema"], node["example"], path)
            for k, ex in node.get("examples", {}).items():
                if isinstance(ex, dict) and "value" in ex: n += 1; check(node["schema"], ex["value"], path + "/" + k)
        for k, v in node.items(): walk(v, path + "/" + k)
    elif isinstance(node, list):
        for i, v in enumerate(node): walk(v, f"{path}/{i}")
walk(doc, "")
for name, sch in doc["components"]["schemas"].items():
    for i, ex in enumerate(sch.get("examples", [])): n += 1; check({"$ref": f"#/components/schemas/{name}"}, ex, name)
    if "example" in sch: n += 1; check({"$ref": f"#/components/schemas/{name}"}, sch["example"], name)
print(n, "examples checked")
