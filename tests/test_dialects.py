"""JSON Schema dialects in 3.1 documents: draft-04 read with its own rules, unknown ones refused."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.dialects import DRAFT_4, OPENAPI_3_1, dialect_at
from generator.errors import Diagnostic
from generator.load import load_spec
from generator.validate import validate
from tests.packages import generate, lint

DRAFT_4_DOCUMENT = """
openapi: 3.1.0
info: {title: Draft 4, version: "1"}
jsonSchemaDialect: http://json-schema.org/draft-04/schema#
paths:
  /numbers:
    get:
      operationId: numbers
      parameters:
        - name: n
          in: query
          required: true
          schema:
            type: number
            minimum: 10
            maximum: 20
            exclusiveMinimum: true
            exclusiveMaximum: true
            default: {default}
        - name: m
          in: query
          schema:
            $schema: https://json-schema.org/draft/2020-12/schema
            type: number
            exclusiveMaximum: 20
            default: 12
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Reading"}
components:
  schemas:
    Reading:
      type: object
      properties:
        level:
          type: integer
          minimum: 0
          exclusiveMinimum: true
          default: 1
"""


def document(tmp_path: Path, text: str, **values: object) -> Path:
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    path = tmp_path / "openapi.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def errors(path: Path) -> list[Diagnostic]:
    return [d for d in validate(load_spec(path)) if d.level == "error"]


def test_a_schema_has_the_dialect_of_the_nearest_schema_keyword(
    tmp_path: Path,
) -> None:
    spec = load_spec(document(tmp_path, DRAFT_4_DOCUMENT, default=12))
    parameters = "/paths/~1numbers/get/parameters"
    assert dialect_at(spec, spec.root, f"{parameters}/0/schema") == DRAFT_4
    assert dialect_at(spec, spec.root, f"{parameters}/1/schema") == (
        "https://json-schema.org/draft/2020-12/schema"
    )
    level = "/components/schemas/Reading/properties/level"
    assert dialect_at(spec, spec.root, level) == DRAFT_4


def test_without_a_dialect_schemas_are_openapi_3_1(tmp_path: Path) -> None:
    text = DRAFT_4_DOCUMENT.replace(
        "jsonSchemaDialect: http://json-schema.org/draft-04/schema#\n", ""
    )
    spec = load_spec(document(tmp_path, text, default=12))
    assert dialect_at(spec, spec.root, "/components/schemas/Reading") == OPENAPI_3_1


def test_draft_4_boolean_bounds_are_valid_and_defaults_checked_by_them(
    tmp_path: Path,
) -> None:
    assert errors(document(tmp_path, DRAFT_4_DOCUMENT, default=12)) == []
    (error,) = errors(document(tmp_path, DRAFT_4_DOCUMENT, default=10))
    assert error.code == "OAG010"
    assert error.message == "10 is less than or equal to the minimum of 10"
    assert error.where is not None
    assert error.where.pointer == "/paths/~1numbers/get/parameters/0/schema/default"


def test_a_boolean_bound_stays_invalid_outside_draft_4(tmp_path: Path) -> None:
    text = DRAFT_4_DOCUMENT.replace(
        "jsonSchemaDialect: http://json-schema.org/draft-04/schema#",
        "jsonSchemaDialect: https://json-schema.org/draft/2019-09/schema",
    )
    found = errors(document(tmp_path, text, default=12))
    assert ("OAG010", "True is not of type 'number'") in {
        (d.code, d.message) for d in found
    }
    assert {d.code for d in found} == {"OAG010"}


def test_the_generated_code_makes_the_bounds_exclusive(tmp_path: Path) -> None:
    spec = document(tmp_path, DRAFT_4_DOCUMENT, default=12)
    package = generate(spec, tmp_path, "draft4")
    app = "".join(p.read_text() for p in (package / "server" / "routes").glob("*.py"))
    assert 'Query(alias="n", gt=10, lt=20)' in app
    assert 'Query(alias="m", lt=20)' in app
    models = (package / "models.py").read_text()
    assert "Field(gt=0)" in models
    done = lint(tmp_path, "draft4", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("dialect", "hint"),
    [
        ("https://json-schema.org/draft-05/schema#", "name one of them"),
        ("HTTP://json-schema.org/draft-04/schema/", "did you mean"),
        ("http://json-schema.org/draft-03/schema#", "name one of them"),
    ],
)
def test_a_dialect_oagen_does_not_read_is_refused_where_it_is_named(
    tmp_path: Path, dialect: str, hint: str
) -> None:
    text = DRAFT_4_DOCUMENT.replace(
        "$schema: https://json-schema.org/draft/2020-12/schema", f"$schema: {dialect}"
    )
    # (draft-03 also gets its meta-schema's verdict on the bound, OAG010)
    (error,) = [
        e for e in errors(document(tmp_path, text, default=12)) if e.code != "OAG010"
    ]
    assert error.code == "OAG012"
    assert error.where is not None
    assert error.where.pointer == "/paths/~1numbers/get/parameters/1/schema/$schema"
    assert error.message == (
        f"$schema {dialect!r} is not a JSON Schema dialect oagen reads"
    )
    assert hint in error.hint
