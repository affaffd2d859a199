"""Reading the served OpenAPI schema in tests: an answer checked against what
the schema says of its operation and status."""

import jsonschema


def json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema draft 4, whose boolean `exclusiveMaximum` 3.0 keeps;
    `nullable` becomes a null type."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in node:
        converted["type"] = [node["type"], "null"]
    elif node.get("nullable"):
        converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def served_schema(client) -> dict:
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def problems(schema: dict, answer_schema: dict, body) -> list[str]:
    """What in `body` breaks `answer_schema` (a schema of one response of `schema`)."""
    validator = jsonschema.Draft4Validator(
        {**json_schema(answer_schema), "components": json_schema(schema["components"])}
    )
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(body)]
