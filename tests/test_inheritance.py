"""allOf children that retype a base's field stop inheriting from it (mypy --strict)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.inheritance import compatible, flatten_incompatible_bases
from tests.packages import generate, imported, lint


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def no_names(properties: Any) -> dict[str, Any]:
    return {}


@pytest.mark.parametrize(
    ("override", "inherited", "expected"),
    [
        ({"type": "string", "description": "new"}, {"type": "string"}, True),
        ({"type": "string", "maxLength": 3}, {"type": "string", "minLength": 1}, True),
        ({"type": "integer"}, {}, True),  # Any
        ({"type": "string", "enum": ["a", "b"]}, {"type": "string"}, True),
        ({"const": "a"}, {"type": "string"}, True),
        ({"type": "string", "format": "date-time"}, {"type": "string"}, False),
        ({"type": "number"}, {"type": "integer"}, False),
        (
            {"type": "array", "items": ref("Booking")},
            {"type": "array", "items": {"type": "object"}},
            False,
        ),
        (ref("Links"), {"type": "object"}, False),
        ({"type": "string", "nullable": True}, {"type": "string"}, False),
        ({"type": "integer", "enum": [1, 2]}, {"type": "string"}, False),
    ],
)
def test_an_override_is_compatible_only_when_it_keeps_the_python_type(
    override: dict[str, Any], inherited: dict[str, Any], expected: bool
) -> None:
    assert compatible(override, inherited) is expected


WRAPPER: dict[str, Any] = {
    "type": "object",
    "description": "A generic wrapper.",
    "discriminator": {"propertyName": "kind"},
    "properties": {
        "data": {
            "description": "The items.",
            "type": "array",
            "items": {"type": "object"},
        },
        "links": {"type": "object", "description": "Hypermedia controls."},
        "kind": {"type": "string"},
    },
    "required": ["kind"],
}


def test_a_child_that_retypes_a_field_gets_the_base_fields_copied_in() -> None:
    schemas = {
        "Wrapper": WRAPPER,
        "Booking": {"type": "object", "properties": {"id": {"type": "string"}}},
        "Bookings": {
            "description": "Some bookings.",
            "allOf": [
                ref("Wrapper"),
                {"properties": {"data": {"type": "array", "items": ref("Booking")}}},
            ],
        },
        # a compatible override keeps its base class
        "Narrow": {
            "allOf": [
                ref("Wrapper"),
                {"properties": {"kind": {"type": "string", "maxLength": 8}}},
            ]
        },
    }
    flattened = flatten_incompatible_bases(schemas, no_names)
    assert list(flattened) == ["Bookings"]
    assert flattened["Bookings"].schema == {
        "description": "Some bookings.",
        "type": "object",
        "properties": {
            # the child's type, the base's documentation
            "data": {
                "type": "array",
                "items": ref("Booking"),
                "description": "The items.",
            },
            "links": {"type": "object", "description": "Hypermedia controls."},
            "kind": {"type": "string"},
        },
        "required": ["kind"],
    }  # the base's discriminator and description stay the base's


def test_compatible_bases_stay_and_a_conflict_further_up_is_copied_too() -> None:
    schemas = {
        "Root": {"type": "object", "properties": {"id": {"type": "integer"}}},
        "Named": {
            "allOf": [
                ref("Root"),
                {"properties": {"name": {"type": "string"}}, "required": ["name"]},
            ]
        },
        "Tagged": {"type": "object", "properties": {"tag": {"type": "string"}}},
        # retypes Root's `id` through Named; Tagged is left alone
        "Child": {
            "allOf": [
                ref("Named"),
                ref("Tagged"),
                {"properties": {"id": {"type": "string", "format": "uuid"}}},
            ]
        },
    }
    flattened = flatten_incompatible_bases(schemas, no_names)
    assert list(flattened) == ["Child"]
    assert flattened["Child"].schema == {
        "allOf": [ref("Tagged")],
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string"},
        },
        "required": ["name"],
    }


def test_x_oagen_names_of_copied_properties_are_kept() -> None:
    base_properties = {"pet-name": {"type": "string"}, "data": {"type": "object"}}
    schemas = {
        "Base": {"type": "object", "properties": base_properties},
        "Child": {"allOf": [ref("Base"), {"properties": {"data": ref("Base")}}]},
    }

    def names(properties: Any) -> dict[str, Any]:
        return {"pet-name": "moniker"} if properties is base_properties else {}

    (flat,) = flatten_incompatible_bases(schemas, names).values()
    assert flat.chosen == {"pet-name": "moniker"}


SPEC = """
openapi: 3.1.0
info: {title: Wrapped, version: "1"}
paths:
  /bookings:
    get:
      operationId: listBookings
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                allOf:
                  - $ref: "#/components/schemas/Wrapper"
                  - properties:
                      data:
                        type: array
                        items: {$ref: "#/components/schemas/Booking"}
                      links: {$ref: "#/components/schemas/Links"}
components:
  schemas:
    Wrapper:
      type: object
      properties:
        data:
          description: The items.
          type: array
          items: {type: object}
        links: {type: object}
        x-count: {type: integer}
    Links:
      type: object
      properties:
        self: {type: string}
    Booking:
      type: object
      properties:
        id: {type: string}
      required: [id]
    Event:
      type: object
      properties:
        kind:
          type: string
          enum: [approved, denied]
      required: [kind]
    Approved:
      allOf: [{$ref: "#/components/schemas/Event"}]
    Denied:
      allOf: [{$ref: "#/components/schemas/Event"}]
    AnyEvent:
      oneOf:
        - $ref: "#/components/schemas/Approved"
        - $ref: "#/components/schemas/Denied"
      discriminator:
        propertyName: kind
        mapping:
          approved: "#/components/schemas/Approved"
          denied: "#/components/schemas/Denied"
"""


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inheritance")
    spec = folder / "openapi.yaml"
    spec.write_text(SPEC)
    generate(spec, folder, "wrapped")
    return folder


def test_the_models_pass_mypy_strict(output: Path) -> None:
    done = lint(output, "wrapped", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_flattened_child_validates_as_before(output: Path) -> None:
    with imported(output, "wrapped"):
        from wrapped import models

        page = models.ListBookingsResponse.model_validate(
            {"data": [{"id": "b1"}], "links": {"self": "/bookings"}, "x-count": 1}
        )
        assert not issubclass(models.ListBookingsResponse, models.Wrapper)
        assert isinstance(page.data[0], models.Booking)
        assert page.links.self_ == "/bookings"
        assert page.x_count == 1  # the base's field, under the naming layer's name
    source = (output / "wrapped" / "models.py").read_text()
    assert 'data: list[Booking] | None = None\n    """The items."""' in source


def test_discriminated_children_keep_their_base_and_narrow_to_an_enum_member(
    output: Path,
) -> None:
    source = (output / "wrapped" / "models.py").read_text()
    assert "class Approved(Event):" in source
    assert "kind: Literal[Kind.APPROVED]" in source
    with imported(output, "wrapped"):
        from wrapped import models

        event = models.AnyEvent.model_validate({"kind": "denied"}).root
        assert isinstance(event, models.Denied)
        assert event.kind is models.Kind.DENIED
        assert models.AnyEvent.model_validate(event).model_dump(mode="json") == {
            "kind": "denied"
        }
