"""The OpenAPI document stands alone (docket.openapi): every route has a tag from the
flow's list, a summary, its response and its problem+json errors; every route that takes
a token names the bearer scheme (and answers 401 without one), public routes none; every
schema, field and parameter has a description and an example, and every example is valid
against its own schema (what /docs shows is something docket takes or answers)."""

from __future__ import annotations

import re
from typing import Any

import jsonschema  # the test extra
import pytest
from fastapi.testclient import TestClient

from docket.errors import PROBLEM_JSON
from docket.openapi import TAGS

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def document(app: Any) -> dict[str, Any]:
    openapi: dict[str, Any] = app.openapi()
    return openapi


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, ops in document["paths"].items()
            for method, op in ops.items() if method in METHODS]


def has_example(node: dict[str, Any]) -> bool:
    return "example" in node or bool(node.get("examples"))


def gaps(document: dict[str, Any]) -> set[str]:
    """Every schema, field and parameter without a description or an example."""
    found: set[str] = set()
    for name, schema in document["components"]["schemas"].items():
        if not schema.get("description"):
            found.add(f"{name}: description")
        # An enum's values are its examples; an object's example may be the whole object.
        whole = schema.get("examples") or ([schema["example"]] if "example" in schema else [])
        if "enum" not in schema and not whole and not schema.get("properties"):
            found.add(f"{name}: example")
        for field, prop in schema.get("properties", {}).items():
            if not prop.get("description"):
                found.add(f"{name}.{field}: description")
            shown = has_example(prop) or any(isinstance(e, dict) and field in e for e in whole)
            # A field that holds another schema shows that schema's examples.
            if not shown and "$ref" not in repr(prop) and "const" not in prop:
                found.add(f"{name}.{field}: example")
    for method, path, op in operations(document):
        for parameter in op.get("parameters", []):
            where = f"{method} {path} {parameter['in']} {parameter['name']}"
            if not parameter.get("description"):
                found.add(f"{where}: description")
            if not (has_example(parameter) or has_example(parameter.get("schema", {}))):
                found.add(f"{where}: example")
    return found


def test_every_schema_field_and_parameter_has_a_description_and_an_example(
        document: dict[str, Any]) -> None:
    missing = sorted(gaps(document))
    assert missing == [], "give these a description= and examples=[...]:\n" + "\n".join(missing)


def test_every_operation_has_a_tag_from_the_flow_a_summary_and_its_answers(
        document: dict[str, Any]) -> None:
    names = [tag["name"] for tag in TAGS]
    assert [tag["name"] for tag in document["tags"]] == names
    assert all(tag["description"] for tag in document["tags"])
    for method, path, op in operations(document):
        where = f"{method} {path}"
        assert len(op.get("tags", [])) == 1 and op["tags"][0] in names, where
        assert op.get("summary"), where
        assert op.get("description"), where  # the route's docstring: what, and who may
        answers = [status for status in op["responses"] if status[0] in "23"]
        assert answers, where
        for status in answers:
            content = op["responses"][status].get("content", {})
            assert status in ("204", "303") or any(v.get("schema") for v in content.values()), \
                (where, status)
        for status in ("401", "403", "404", "409", "422", "429"):
            assert PROBLEM_JSON in op["responses"][status]["content"], (where, status)


def test_the_bearer_scheme_is_what_docket_takes(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]
    assert list(scheme) == ["bearer"]
    assert scheme["bearer"]["type"] == "http" and scheme["bearer"]["scheme"] == "bearer"
    assert scheme["bearer"]["description"]


def test_a_route_names_the_bearer_scheme_exactly_when_it_refuses_a_call_without_a_token(
        client: TestClient, document: dict[str, Any]) -> None:
    for method, path, op in operations(document):
        url = re.sub(r"\{[^}]+\}", "1", path)
        answer = client.request(method, url, json={} if method != "GET" else None)
        security = op.get("security", [])
        if security == [{"bearer": []}]:
            assert answer.status_code == 401, (method, path, answer.status_code)
            assert answer.headers["www-authenticate"].startswith("Bearer"), (method, path)
        else:
            # Public, or a token only if the caller has one ([{}, {"bearer": []}]).
            assert security in ([], [{}, {"bearer": []}]), (method, path)
            assert answer.status_code != 401, (method, path)


def schema_nodes(node: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    """Every schema in ``node`` (itself, its properties, items and alternatives) by where it is."""
    if not isinstance(node, dict):
        return []
    found = [(where, node)]
    for name, prop in node.get("properties", {}).items():
        found += schema_nodes(prop, f"{where}.{name}")
    for key in ("items", "additionalProperties"):
        found += schema_nodes(node.get(key), f"{where}[]")
    for key in ("anyOf", "oneOf", "allOf"):
        for i, alternative in enumerate(node.get(key, [])):
            found += schema_nodes(alternative, f"{where}|{i}")
    return found


def test_every_example_is_valid_against_its_own_schema(document: dict[str, Any]) -> None:
    """What /docs shows as an example is something docket would take or answer: each one
    validates against the schema it illustrates (a field's, a schema's, a parameter's)."""
    nodes = [node for name, schema in document["components"]["schemas"].items()
             for node in schema_nodes(schema, name)]
    for method, path, op in operations(document):
        for parameter in op.get("parameters", []):
            where = f"{method} {path} {parameter['in']} {parameter['name']}"
            nodes += schema_nodes(parameter.get("schema", {}), where)
            shown = parameter.get("examples") or {}
            given = ([parameter["example"]] if "example" in parameter else []) + [
                e.get("value") for e in (shown.values() if isinstance(shown, dict) else shown)]
            nodes += [(f"{where} (parameter)", {**parameter.get("schema", {}), "examples": given})]
    invalid = []
    for where, node in nodes:
        examples = list(node.get("examples") or []) + ([node["example"]] if "example" in node else [])
        if not examples:
            continue
        # The schema without its examples, with the document's components for its $refs.
        schema = {k: v for k, v in node.items() if k not in ("examples", "example")}
        validator = jsonschema.Draft202012Validator(
            {**schema, "components": document["components"]},
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        invalid += [f"{where}: {example!r}: {error.message}" for example in examples
                    for error in validator.iter_errors(example)]
    assert invalid == [], "\n".join(invalid)
