"""`oagen diff` rules: one case per rule, two small specs each, exact rule id and level.

Every case builds an old and a new spec from one small API, writes both to disk,
loads them with the project's loader and compares them.  Schema rules are checked in
both directions from one pair of schemas: the same edit is put into the request body
and into the response body, and the two expected results are written down separately
(they usually differ: that is the point of direction).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.apidiff import RULES, Change, diff
from generator.load import load_spec

Edit = Callable[[dict[str, Any]], None]
Expected = set[tuple[str, str]]
B, N, I = "breaking", "non-breaking", "info"


def base() -> dict[str, Any]:
    """POST /pets/{petId}: a path and a query parameter, a JSON body (Input) and a
    200 response (Output) with a header; two servers, two security schemes."""
    thing = {
        "type": "object",
        "required": ["field"],
        "properties": {"field": {"type": "string"}, "other": {"type": "string"}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Pets", "version": "1"},
        "servers": [
            {"url": "https://api.example.com", "description": "production"},
            {"url": "https://sandbox.example.com", "description": "sandbox"},
        ],
        "paths": {
            "/pets/{petId}": {
                "post": {
                    "operationId": "updatePet",
                    "tags": ["pets"],
                    "parameters": [
                        {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Input"}}},
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "headers": {"X-Rate": {"required": True, "schema": {"type": "integer"}}},
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Output"}}},
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Input": copy.deepcopy(thing),
                "Output": copy.deepcopy(thing),
                "Cat": {"type": "object", "properties": {"meow": {"type": "string"}}},
                "Dog": {"type": "object", "properties": {"bark": {"type": "string"}}},
                "Bird": {"type": "object", "properties": {"tweet": {"type": "string"}}},
            },
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "token": {"type": "http", "scheme": "bearer"},
            },
        },
    }  # fmt: skip


def run_diff(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    return diff(load_spec(tmp_path / "old.json"), load_spec(tmp_path / "new.json"))


def found(changes: list[Change]) -> Expected:
    return {(c.rule_id, c.level) for c in changes}


def noop(document: dict[str, Any]) -> None:
    pass


# -- operation-level and whole-API rules ------------------------------------------------


def op(document: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = document["paths"]["/pets/{petId}"]["post"]
    return result


def param(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in op(document)["parameters"] if p["name"] == name)


def response(document: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = op(document)["responses"]["200"]
    return result


def add_get(document: dict[str, Any]) -> None:
    document["paths"]["/pets"] = {
        "get": {"operationId": "listPets", "responses": {"200": {"description": "ok"}}}
    }


def rename_path_parameter(document: dict[str, Any]) -> None:
    document["paths"]["/pets/{id}"] = document["paths"].pop("/pets/{petId}")
    op_ = document["paths"]["/pets/{id}"]["post"]
    op_["parameters"][0]["name"] = "id"


def xml_body(document: dict[str, Any]) -> None:
    op(document)["requestBody"]["content"]["application/xml"] = {
        "schema": {"type": "string"}
    }


def xml_response(document: dict[str, Any]) -> None:
    response(document)["content"]["application/xml"] = {"schema": {"type": "string"}}


def set_(path: str, value: Any) -> Edit:
    """An edit that sets the value at a dotted path (`info.version`)."""

    def edit(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = document
        for key in parents:
            node = node[key]
        node[last] = value

    return edit


def both(*edits: Edit) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        for e in edits:
            e(document)

    return edit


OPERATION_CASES: list[tuple[str, Edit, Edit, Expected]] = [
    ("api-version-changed", noop, set_("info.version", "2"), {("api-version-changed", I)}),
    ("server-removed", noop, lambda d: d["servers"].pop(), {("server-removed", B)}),
    ("server-added", lambda d: d["servers"].pop(), noop, {("server-added", N)}),
    ("server-renamed", noop, lambda d: d["servers"][0].update(description="live"), {("server-renamed", B)}),
    ("security-scheme-removed", noop, lambda d: d["components"]["securitySchemes"].pop("token"), {("security-scheme-removed", B)}),
    ("security-scheme-added", lambda d: d["components"]["securitySchemes"].pop("token"), noop, {("security-scheme-added", N)}),
    ("security-scheme-changed", noop, lambda d: d["components"]["securitySchemes"]["key"].update({"in": "query"}), {("security-scheme-changed", B)}),
    ("operation-removed", add_get, noop, {("operation-removed", B)}),
    ("operation-added", noop, add_get, {("operation-added", N)}),
    ("operation-id-changed", noop, lambda d: op(d).update(operationId="editPet"), {("operation-id-changed", B)}),
    ("operation-tag-changed", noop, lambda d: op(d).update(tags=["animals", "pets"]), {("operation-tag-changed", B)}),
    ("operation-deprecated", noop, lambda d: op(d).update(deprecated=True), {("operation-deprecated", I)}),
    ("security-requirement-added", noop, lambda d: op(d).update(security=[{"key": []}]), {("security-requirement-added", B)}),
    ("security-requirement-relaxed", lambda d: op(d).update(security=[{"key": []}]), lambda d: op(d).update(security=[{"key": []}, {}]), {("security-requirement-relaxed", N)}),
    ("request-path-parameter-renamed", noop, rename_path_parameter, {("request-path-parameter-renamed", B)}),
    ("request-parameter-removed", noop, lambda d: op(d)["parameters"].pop(), {("request-parameter-removed", B)}),
    ("request-parameter-added-required", noop, lambda d: op(d)["parameters"].append({"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}), {("request-parameter-added-required", B)}),
    ("request-parameter-added-optional", noop, lambda d: op(d)["parameters"].append({"name": "q", "in": "query", "schema": {"type": "string"}}), {("request-parameter-added-optional", N)}),
    ("request-parameter-became-required", noop, lambda d: param(d, "limit").update(required=True), {("request-parameter-became-required", B)}),
    ("request-parameter-became-optional", lambda d: param(d, "limit").update(required=True), noop, {("request-parameter-became-optional", N)}),
    ("request-parameter-style-changed", noop, lambda d: param(d, "limit").update(explode=False), {("request-parameter-style-changed", B)}),
    ("request-parameter-deprecated", noop, lambda d: param(d, "limit").update(deprecated=True), {("request-parameter-deprecated", I)}),
    ("request-body-removed", noop, lambda d: op(d).pop("requestBody"), {("request-body-removed", B)}),
    ("request-body-added-required", lambda d: op(d).pop("requestBody"), noop, {("request-body-added-required", B)}),
    ("request-body-added-optional", lambda d: op(d).pop("requestBody"), lambda d: op(d)["requestBody"].pop("required"), {("request-body-added-optional", N)}),
    ("request-body-became-required", lambda d: op(d)["requestBody"].update(required=False), noop, {("request-body-became-required", B)}),
    ("request-body-became-optional", noop, lambda d: op(d)["requestBody"].update(required=False), {("request-body-became-optional", N)}),
    ("request-media-type-removed", xml_body, noop, {("request-media-type-removed", B)}),
    ("request-media-type-added", noop, xml_body, {("request-media-type-added", N)}),
    ("response-status-removed", lambda d: op(d)["responses"].update({"404": {"description": "gone"}}), noop, {("response-status-removed", B)}),
    ("response-status-added", noop, lambda d: op(d)["responses"].update({"404": {"description": "gone"}}), {("response-status-added", N)}),
    ("response-media-type-removed", xml_response, noop, {("response-media-type-removed", B)}),
    ("response-media-type-added", noop, xml_response, {("response-media-type-added", N)}),
    ("response-header-removed", noop, lambda d: response(d).pop("headers"), {("response-header-removed", B)}),
    ("response-header-added", lambda d: response(d).pop("headers"), noop, {("response-header-added", N)}),
    ("response-header-became-optional", noop, lambda d: response(d)["headers"]["X-Rate"].update(required=False), {("response-header-became-optional", B)}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "old_edit", "new_edit", "expected"),
    OPERATION_CASES,
    ids=[case[0] for case in OPERATION_CASES],
)
def test_operation_rule(
    tmp_path: Path, name: str, old_edit: Edit, new_edit: Edit, expected: Expected
) -> None:
    old, new = base(), base()
    old_edit(old)
    new_edit(new)
    assert found(run_diff(tmp_path, old, new)) == expected
    assert run_diff(tmp_path, old, old) == []
    assert run_diff(tmp_path, new, new) == []


# -- schema rules, in both directions ---------------------------------------------------


def field(schema: dict[str, Any]) -> Edit:
    """Set the `field` property of the body schema."""
    return lambda thing: thing["properties"].update(field=schema)


def other(**keywords: Any) -> Edit:
    """Add keywords to the optional `other` property."""
    return lambda thing: thing["properties"]["other"].update(keywords)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def add_extra(required: bool) -> Edit:
    def edit(thing: dict[str, Any]) -> None:
        thing["properties"]["extra"] = {"type": "string"}
        if required:
            thing["required"].append("extra")

    return edit


def drop_required(thing: dict[str, Any]) -> None:
    thing["required"] = []


def require_other(thing: dict[str, Any]) -> None:
    thing["required"].append("other")


def one(suffix: str, level: str) -> Callable[[str], Expected]:
    return lambda direction: {(f"{direction}-{suffix}", level)}


#: (name, edit of the old body schema, edit of the new one, expected in the request
#: body, expected in the response body)
SCHEMA_CASES: list[tuple[str, Edit, Edit, Expected, Expected]] = [
    ("type-changed", noop, field({"type": "boolean"}), {("request-type-changed", B)}, {("response-type-changed", B)}),
    ("type-widened", field({"type": "integer"}), field({"type": "number"}), {("request-type-widened", N)}, {("response-type-widened", B)}),
    ("type-narrowed", field({"type": "number"}), field({"type": "integer"}), {("request-type-narrowed", B)}, {("response-type-narrowed", N)}),
    ("format-changed", field({"type": "string", "format": "date"}), field({"type": "string", "format": "date-time"}), {("request-format-changed", B)}, {("response-format-changed", B)}),
    ("enum-value-removed", field({"type": "string", "enum": ["a", "b"]}), field({"type": "string", "enum": ["a"]}), {("request-enum-value-removed", B)}, {("response-enum-value-removed", N)}),
    ("enum-value-added", field({"type": "string", "enum": ["a"]}), field({"type": "string", "enum": ["a", "b"]}), {("request-enum-value-added", N)}, {("response-enum-value-added", B)}),
    ("enum-added", noop, field({"type": "string", "enum": ["a"]}), {("request-enum-added", B)}, {("response-enum-added", N)}),
    ("enum-removed", field({"type": "string", "enum": ["a"]}), noop, {("request-enum-removed", N)}, {("response-enum-removed", B)}),
    ("nullable-added", noop, field({"type": "string", "nullable": True}), {("request-nullable-added", N)}, {("response-nullable-added", B)}),
    ("nullable-removed", field({"type": "string", "nullable": True}), noop, {("request-nullable-removed", B)}, {("response-nullable-removed", N)}),
    ("value-range-narrowed", field({"type": "integer", "maximum": 100}), field({"type": "integer", "maximum": 50}), {("request-value-range-narrowed", B)}, {("response-value-range-narrowed", N)}),
    ("value-range-widened", field({"type": "integer", "minimum": 1, "exclusiveMinimum": True}), field({"type": "integer", "minimum": 1}), {("request-value-range-widened", N)}, {("response-value-range-widened", B)}),
    ("length-range-narrowed", field({"type": "string", "maxLength": 100}), field({"type": "string", "maxLength": 50}), {("request-length-range-narrowed", B)}, {("response-length-range-narrowed", N)}),
    ("length-range-widened", field({"type": "string", "minLength": 5}), field({"type": "string", "minLength": 1}), {("request-length-range-widened", N)}, {("response-length-range-widened", B)}),
    ("item-count-narrowed", field({"type": "array", "items": {"type": "string"}}), field({"type": "array", "items": {"type": "string"}, "maxItems": 5}), {("request-item-count-narrowed", B)}, {("response-item-count-narrowed", N)}),
    ("item-count-widened", field({"type": "array", "items": {"type": "string"}, "minItems": 2}), field({"type": "array", "items": {"type": "string"}}), {("request-item-count-widened", N)}, {("response-item-count-widened", B)}),
    ("pattern-added", noop, field({"type": "string", "pattern": "^a"}), {("request-pattern-added", B)}, {("response-pattern-added", N)}),
    ("pattern-removed", field({"type": "string", "pattern": "^a"}), noop, {("request-pattern-removed", N)}, {("response-pattern-removed", B)}),
    ("pattern-changed", field({"type": "string", "pattern": "^a"}), field({"type": "string", "pattern": "^b"}), {("request-pattern-changed", B)}, {("response-pattern-changed", B)}),
    ("property-removed", noop, lambda t: t["properties"].pop("other"), {("request-property-removed", B)}, {("response-property-removed", B)}),
    ("property-added-optional", noop, add_extra(required=False), {("request-property-added-optional", N)}, {("response-property-added", N)}),
    ("property-added-required", noop, add_extra(required=True), {("request-property-added-required", B)}, {("response-property-added", N)}),
    ("property-became-required", noop, require_other, {("request-property-became-required", B)}, {("response-property-became-required", N)}),
    ("property-became-optional", noop, drop_required, {("request-property-became-optional", N)}, {("response-property-became-optional", B)}),
    ("property-became-read-only", noop, other(readOnly=True), {("request-property-became-read-only", B)}, set()),
    ("property-became-write-only", noop, other(writeOnly=True), set(), {("response-property-became-write-only", B)}),
    ("property-deprecated", noop, other(deprecated=True), {("request-property-deprecated", I)}, {("response-property-deprecated", I)}),
    ("additional-properties-restricted", noop, lambda t: t.update(additionalProperties=False), {("request-additional-properties-restricted", B)}, set()),
    ("discriminator-changed", lambda t: t.update(discriminator={"propertyName": "field"}), lambda t: t.update(discriminator={"propertyName": "other"}), {("request-discriminator-changed", B)}, {("response-discriminator-changed", B)}),
    ("variant-removed", field({"oneOf": [ref("Cat"), ref("Dog"), ref("Bird")]}), field({"oneOf": [ref("Cat"), ref("Dog")]}), {("request-variant-removed", B)}, {("response-variant-removed", N)}),
    ("variant-added", field({"oneOf": [ref("Cat"), ref("Dog")]}), field({"anyOf": [ref("Cat"), ref("Dog"), ref("Bird")]}), {("request-variant-added", N)}, {("response-variant-added", B)}),
    ("default-changed", field({"type": "string", "default": "a"}), field({"type": "string", "default": "b"}), {("request-default-changed", B)}, {("response-default-changed", I)}),
]  # fmt: skip


@pytest.mark.parametrize("direction", ["request", "response"])
@pytest.mark.parametrize(
    ("name", "old_edit", "new_edit", "in_request", "in_response"),
    SCHEMA_CASES,
    ids=[case[0] for case in SCHEMA_CASES],
)
def test_schema_rule(
    tmp_path: Path,
    direction: str,
    name: str,
    old_edit: Edit,
    new_edit: Edit,
    in_request: Expected,
    in_response: Expected,
) -> None:
    component = "Input" if direction == "request" else "Output"
    old, new = base(), base()
    old_edit(old["components"]["schemas"][component])
    new_edit(new["components"]["schemas"][component])
    expected = in_request if direction == "request" else in_response
    assert found(run_diff(tmp_path, old, new)) == expected
    assert run_diff(tmp_path, old, old) == []
    assert run_diff(tmp_path, new, new) == []


def test_every_rule_has_a_case() -> None:
    covered = {rule_id for *_, expected in OPERATION_CASES for rule_id, _ in expected}
    for *_, in_request, in_response in SCHEMA_CASES:
        covered |= {rule_id for rule_id, _ in in_request | in_response}
    assert covered == set(RULES)
    assert len(RULES) >= 40


def test_rule_ids_are_unique_kebab_case_and_levels_known() -> None:
    import re

    from generator.apidiff.rules import _CATALOGUE, LEVELS

    assert len({r.id for r in _CATALOGUE}) == len(_CATALOGUE)
    for rule in _CATALOGUE:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)+", rule.id), rule.id
        assert rule.level in LEVELS
