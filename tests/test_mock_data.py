"""Sample data for the mock server and the error bodies: built from schemas, valid for them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.error_bodies import plan_error_body
from generator.mock_data import candidates, regex_sample, sample
from generator.nullability import omitted_when_none

COMPONENTS: dict[str, Any] = {
    "Pet": {
        "type": "object",
        "required": ["id", "kind"],
        "properties": {
            "id": {"type": "integer", "minimum": 10},
            "kind": {"type": "string", "enum": ["cat", "dog"]},
            "born": {"type": "string", "format": "date-time"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}-\\d{2}$"},
            "password": {"type": "string", "writeOnly": True},
            "parent": {"$ref": "#/components/schemas/Pet"},
        },
    },
    "Cat": {
        "type": "object",
        "required": ["petType"],
        "properties": {"petType": {"type": "string"}, "lives": {"type": "integer"}},
    },
    "Dog": {
        "type": "object",
        "required": ["petType"],
        "properties": {"petType": {"type": "string"}},
    },
}


def deref(value: Any, file: Any) -> tuple[Any, Any, str | None]:
    """In-document `$ref`s only, as lowering resolves them."""
    if isinstance(value, dict) and "$ref" in value:
        name = value["$ref"].rsplit("/", 1)[-1]
        return COMPONENTS[name], file, name
    return value, file, None


def test_an_object_gets_typed_constrained_values() -> None:
    pet = sample({"$ref": "#/components/schemas/Pet"}, None, deref)
    assert pet["id"] == 10 and pet["kind"] == "cat"
    assert pet["born"] == "2024-01-01T00:00:00Z"
    assert re.fullmatch(r"[A-Z]{3}-\d{2}", pet["code"])
    assert "password" not in pet  # writeOnly: never in a response


def test_recursion_stops() -> None:
    pet = sample({"$ref": "#/components/schemas/Pet"}, None, deref)
    depth = 0
    while "parent" in pet:
        pet, depth = pet["parent"], depth + 1
    assert depth <= 1  # the second visit of Pet ends the chain


def test_examples_come_first_and_the_schema_still_follows() -> None:
    media = {
        "example": {"id": "not an integer"},
        "examples": {"one": {"value": {"id": 11, "kind": "dog"}}},
        "schema": {"$ref": "#/components/schemas/Pet"},
    }
    found = candidates(media, None, deref)
    assert found[0] == {"id": "not an integer"}
    assert found[1] == {"id": 11, "kind": "dog"}
    assert all(isinstance(value, dict) for value in found[2:]) and len(found) >= 3


def test_discriminated_union_gets_its_tag() -> None:
    schema = {
        "oneOf": [
            {"$ref": "#/components/schemas/Cat"},
            {"$ref": "#/components/schemas/Dog"},
        ],
        "discriminator": {
            "propertyName": "petType",
            "mapping": {"cat": "#/components/schemas/Cat"},
        },
    }
    assert sample(schema, None, deref)["petType"] == "cat"


@pytest.mark.parametrize(
    ("schema", "check"),
    [
        ({"type": "integer", "minimum": 5, "maximum": 7}, lambda v: 5 <= v <= 7),
        ({"type": "integer", "exclusiveMinimum": 5}, lambda v: v > 5),
        ({"type": "number", "maximum": 0.25}, lambda v: v <= 0.25),
        ({"type": "integer", "multipleOf": 4}, lambda v: v % 4 == 0),
        ({"type": "string", "minLength": 12}, lambda v: len(v) >= 12),
        ({"type": "string", "maxLength": 2}, lambda v: len(v) <= 2),
        (
            {"type": "array", "minItems": 3, "items": {"type": "boolean"}},
            lambda v: v == [True] * 3,
        ),
        ({"type": "array", "maxItems": 0}, lambda v: v == []),
        ({"type": ["string", "null"], "format": "uuid"}, lambda v: len(v) == 36),
        ({"const": "fixed"}, lambda v: v == "fixed"),
        (
            {
                "allOf": [
                    {"$ref": "#/components/schemas/Dog"},
                    {"properties": {"x": {"type": "boolean"}}},
                ]
            },
            lambda v: v == {"petType": "string", "x": True},
        ),
    ],
)
def test_keywords_are_respected(schema: dict[str, Any], check: Any) -> None:
    assert check(sample(schema, None, deref))


@given(
    st.from_regex(
        r"\^?[a-z0-9]{1,3}(\[a-c\]|\\d|[xyz]){0,2}(\{2,4\})?\$?", fullmatch=True
    )
)
def test_a_regex_sample_matches_its_pattern(pattern: str) -> None:
    text = regex_sample(pattern)
    if text is not None:
        assert re.search(pattern, text)


def test_unsampleable_patterns_give_none() -> None:
    assert regex_sample("[^a]") is None
    assert regex_sample("(") is None
    assert regex_sample("a{1000}") is None


def test_error_body_finds_message_and_code_fields() -> None:
    schema = {
        "type": "object",
        "required": ["status", "detail"],
        "properties": {
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "title": {"type": "string", "enum": ["Bad"]},
        },
    }
    shape = plan_error_body(schema, None, deref)
    assert (shape.message_field, shape.code_field, shape.code_is_int) == (
        "detail",
        "status",
        True,
    )
    assert '"detail": "string"' in shape.sample


def test_optional_fields_that_may_not_be_null_are_listed() -> None:
    models = {
        "Base": {
            "type": "object",
            "properties": {
                "a": {"type": "string"},
                "b": {"type": "string", "nullable": True},
            },
        },
        "Child": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {
                    "type": "object",
                    "required": ["c"],
                    "properties": {
                        "c": {"type": "string"},
                        "d": {"type": ["integer", "null"]},
                        "e": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        "f": {"$ref": "#/components/schemas/Base"},
                        "g": {},
                    },
                },
            ]
        },
    }
    assert omitted_when_none(models) == {"Base": ["a"], "Child": ["a", "f"]}
