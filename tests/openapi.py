"""Reading the served OpenAPI schema in tests: an answer checked against what
the schema says of its operation and status. The schema is OpenAPI 3.1, whose
schemas are JSON Schema 2020-12."""

import jsonschema


def served_schema(client) -> dict:
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def problems(schema: dict, answer_schema: dict, body) -> list[str]:
    """What in `body` breaks `answer_schema` (a schema of one response of `schema`)."""
    assert schema["openapi"].startswith("3.1.")
    validator = jsonschema.Draft202012Validator({**answer_schema, "components": schema["components"]})
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(body)]


def nodes(node, path=""):
    """Every object in the schema, with its path: for rules about the schema's own form."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from nodes(value, f"{path}/{index}")
