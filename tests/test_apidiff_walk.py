"""How `oagen diff` walks specs: references, refactorings, recursion, messages, order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from generator.apidiff import diff
from generator.load import load_spec
from tests.conftest import REPO, SEED_SPEC
from tests.test_apidiff import B, N, base, found, op, ref, run_diff


def write(folder: Path, files: dict[str, Any]) -> None:
    for name, document in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(yaml.safe_dump(document, sort_keys=False))


def test_unchanged_specs_have_no_changes() -> None:
    for path in (SEED_SPEC, REPO / "tests" / "features" / "petstore" / "openapi.yaml"):
        assert diff(load_spec(path), load_spec(path)) == []


def test_seed_spec_with_limit_and_an_enum_value_removed(tmp_path: Path) -> None:
    document = yaml.safe_load(SEED_SPEC.read_text())
    parameters = document["paths"]["/seat-events"]["get"]["parameters"]
    document["paths"]["/seat-events"]["get"]["parameters"] = [
        p for p in parameters if p["name"] != "limit"
    ]
    version = next(p for p in parameters if p["name"] == "Sequence-Version")
    version["schema"]["enum"] = ["2025-01-01"]
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(document))
    changes = diff(load_spec(SEED_SPEC), load_spec(tmp_path / "new.yaml"))
    assert [(c.rule_id, c.level, c.operation, c.message) for c in changes] == [
        ("request-parameter-removed", B, "GET /seat-events", "query parameter 'limit' was removed"),
        ("request-enum-value-removed", B, "GET /seat-events",
         "header parameter 'Sequence-Version': enum value '2024-07-30' was removed"),
        ("request-enum-value-added", N, "GET /seat-events",
         "header parameter 'Sequence-Version': enum value '2025-01-01' was added"),
    ]  # fmt: skip
    # the removed parameter is placed in the old spec, the changed enum in the new one
    assert changes[0].pointer == "#/paths/~1seat-events/get/parameters/3"
    assert changes[1].pointer.startswith("#/paths/~1seat-events/get/parameters/")


def test_messages_name_the_field_and_the_response(tmp_path: Path) -> None:
    old, new = base(), base()
    new["components"]["schemas"]["Output"]["properties"]["other"] = {
        "type": "array",
        "items": {"type": "object", "properties": {"id": {"type": "integer"}}},
    }
    old["components"]["schemas"]["Output"]["properties"]["other"] = {
        "type": "array",
        "items": {"type": "object", "properties": {"id": {"type": "string"}}},
    }
    (change,) = run_diff(tmp_path, old, new)
    assert change.message == (
        "response 200 body property 'other[].id': type changed from string to integer"
    )
    assert change.operation == "POST /pets/{petId}"
    assert (
        change.pointer
        == "#/components/schemas/Output/properties/other/items/properties/id"
    )


def test_parameter_schemas_are_compared_as_requests(tmp_path: Path) -> None:
    old, new = base(), base()
    op(new)["parameters"][1]["schema"] = {"type": "number"}
    (change,) = run_diff(tmp_path, old, new)
    assert (change.rule_id, change.level) == ("request-type-widened", N)
    assert (
        change.message == "query parameter 'limit': type widened from integer to number"
    )


def test_response_header_schemas_are_compared_as_responses(tmp_path: Path) -> None:
    old, new = base(), base()
    op(new)["responses"]["200"]["headers"]["X-Rate"]["schema"] = {"type": "number"}
    (change,) = run_diff(tmp_path, old, new)
    assert (change.rule_id, change.level) == ("response-type-widened", B)
    assert "response 200 header 'X-Rate'" in change.message


def test_refactorings_are_not_changes(tmp_path: Path) -> None:
    old = base()
    # inline the request schema, split the response schema with allOf, and spell a
    # nullable $ref the 3.1 way against the 3.0 way
    new = base()
    schemas = new["components"]["schemas"]
    op(new)["requestBody"]["content"]["application/json"]["schema"] = schemas.pop(
        "Input"
    )
    output = schemas.pop("Output")
    schemas["Base"] = {
        "type": "object",
        "properties": {"field": output["properties"]["field"]},
    }
    schemas["Output"] = {
        "allOf": [
            ref("Base"),
            {"required": ["field"], "properties": {"other": {"type": "string"}}},
        ]
    }
    assert run_diff(tmp_path, old, new) == []
    old["components"]["schemas"]["Output"]["properties"]["pet"] = {
        "nullable": True,
        "allOf": [ref("Cat")],
    }
    new["components"]["schemas"]["Base"]["properties"]["pet"] = {
        "anyOf": [ref("Cat"), {"type": "null"}]
    }
    assert run_diff(tmp_path, old, new) == []


def test_references_to_other_files_are_followed(tmp_path: Path) -> None:
    def spec(pet: dict[str, Any]) -> dict[str, Any]:
        document = base()
        document["components"]["schemas"]["Output"] = {"$ref": "schemas/pet.yaml#/Pet"}
        return document

    pet = {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}
    write(tmp_path / "old", {"api.yaml": spec(pet), "schemas/pet.yaml": pet})
    write(
        tmp_path / "new",
        {"api.yaml": spec(pet), "schemas/pet.yaml": {"Pet": {"type": "object"}}},
    )
    changes = diff(
        load_spec(tmp_path / "old" / "api.yaml"),
        load_spec(tmp_path / "new" / "api.yaml"),
    )
    assert [(c.rule_id, c.pointer, c.message) for c in changes] == [
        ("response-property-removed", "schemas/pet.yaml#/Pet/properties/name",
         "response 200 body property 'name' was removed"),
    ]  # fmt: skip


def test_recursive_schemas_end_and_report_deep_changes(tmp_path: Path) -> None:
    def spec(child_type: str) -> dict[str, Any]:
        document = base()
        document["components"]["schemas"]["Output"] = {
            "type": "object",
            "properties": {
                "name": {"type": child_type},
                "children": {"type": "array", "items": ref("Output")},
                "self": {"allOf": [ref("Output")]},
            },
        }
        return document

    assert run_diff(tmp_path, spec("string"), spec("string")) == []
    changes = run_diff(tmp_path, spec("string"), spec("integer"))
    # the one changed schema is reported once, at the shortest path that reaches it
    assert [(c.rule_id, c.message) for c in changes] == [
        (
            "response-type-changed",
            "response 200 body property 'name': type changed from string to integer",
        )
    ]


def test_a_shared_schema_is_reported_once_per_operation_and_direction(
    tmp_path: Path,
) -> None:
    old, new = base(), base()
    for document in (old, new):
        document["components"]["schemas"]["Output"]["properties"]["cat"] = ref("Cat")
        document["components"]["schemas"]["Output"]["properties"]["pet"] = ref("Cat")
        document["components"]["schemas"]["Input"]["properties"]["cat"] = ref("Cat")
    new["components"]["schemas"]["Cat"]["properties"].pop("meow")
    assert sorted(c.rule_id for c in run_diff(tmp_path, old, new)) == [
        "request-property-removed",
        "response-property-removed",
    ]


def test_path_parameter_rename_keeps_the_operation_and_compares_it(
    tmp_path: Path,
) -> None:
    old, new = base(), base()
    new["paths"]["/pets/{id}"] = new["paths"].pop("/pets/{petId}")
    op_ = new["paths"]["/pets/{id}"]["post"]
    op_["parameters"][0] = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
    }
    changes = run_diff(tmp_path, old, new)
    assert [(c.rule_id, c.operation) for c in changes] == [
        ("request-path-parameter-renamed", "POST /pets/{id}"),
        ("request-type-changed", "POST /pets/{id}"),
    ]


def test_order_is_the_api_then_operations_by_path_and_method(tmp_path: Path) -> None:
    old, new = base(), base()
    new["info"]["version"] = "2"
    new["paths"]["/a"] = {"get": {"responses": {"200": {"description": "ok"}}}}
    new["paths"]["/pets/{petId}"]["get"] = {"responses": {"200": {"description": "ok"}}}
    op(new)["parameters"].pop()
    changes = run_diff(tmp_path, old, new)
    assert [(c.operation, c.rule_id) for c in changes] == [
        ("", "api-version-changed"),
        ("GET /a", "operation-added"),
        ("GET /pets/{petId}", "operation-added"),
        ("POST /pets/{petId}", "request-parameter-removed"),
    ]
    assert run_diff(tmp_path, old, new) == changes


def test_security_requirement_with_a_new_scope_is_breaking(tmp_path: Path) -> None:
    old, new = base(), base()
    for document, scopes in ((old, ["read"]), (new, ["read", "write"])):
        document["components"]["securitySchemes"]["oauth"] = {
            "type": "oauth2",
            "flows": {"clientCredentials": {"tokenUrl": "/token", "scopes": {}}},
        }
        op(document)["security"] = [{"oauth": scopes}]
    (change,) = run_diff(tmp_path, old, new)
    assert (change.rule_id, change.level) == ("security-requirement-added", B)
    assert change.message == (
        "security now requires oauth and oauth:read and oauth:write (was oauth and oauth:read)"
    )


def test_malformed_values_do_not_crash_the_comparison(tmp_path: Path) -> None:
    old = base()
    junk = base()
    op(junk)["parameters"] = "not a list"
    op(junk)["responses"] = ["200"]
    op(junk)["tags"] = [{"x": 1}]
    junk["servers"] = [None, {"url": 5}]
    junk["security"] = ["key"]
    junk["components"]["schemas"]["Input"] = {
        "type": ["string", {"x": 1}],
        "properties": ["a"],
        "required": "field",
        "enum": "ab",
        "maximum": "ten",
        "discriminator": "kind",
        "oneOf": "x",
    }
    junk["components"]["schemas"]["Output"]["properties"]["field"] = [1, 2]
    junk["components"]["securitySchemes"] = {"key": "apiKey"}
    junk["info"] = "v2"
    for before, after in ((old, junk), (junk, old), (junk, junk)):
        changes = run_diff(tmp_path, before, after)
        json.dumps([c.__dict__ for c in changes])  # every field is plain data
    assert found(run_diff(tmp_path, junk, junk)) == set()


def test_items_and_map_values_inside_all_of_are_compared(tmp_path: Path) -> None:
    def spec(item_type: str) -> dict[str, Any]:
        document = base()
        document["components"]["schemas"]["Output"]["properties"]["other"] = {
            "allOf": [
                {"type": "array", "items": {"type": item_type}},
            ],
            "description": "a list",
        }
        document["components"]["schemas"]["Output"]["properties"]["tags"] = {
            "allOf": [{"type": "object", "additionalProperties": {"type": item_type}}]
        }
        return document

    changes = run_diff(tmp_path, spec("string"), spec("integer"))
    assert [c.message for c in changes] == [
        "response 200 body property 'other[]': type changed from string to integer",
        "response 200 body property 'tags.*': type changed from string to integer",
    ]
