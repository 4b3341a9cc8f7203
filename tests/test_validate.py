"""validate(): openapi-spec-validator plus our semantic checks, snapshot-tested on
the catalogue of invalid specs in tests/invalid_specs/ (expected diagnostics, hints
and exit codes in expected.yaml)."""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from generator.errors import Diagnostic, DiagnosticError, has_errors
from generator.load import load_spec
from generator.validate import _LocalFiles, validate

HERE = Path(__file__).resolve().parent
CASES = HERE / "invalid_specs"
CATALOGUE: dict[str, dict[str, Any]] = yaml.safe_load(
    (CASES / "expected.yaml").read_text(encoding="utf-8")
)
EXPECTED: dict[str, list[dict[str, Any]]] = {
    name: case["diagnostics"] for name, case in CATALOGUE.items()
}


def shared_seed() -> Path:
    shared = os.environ.get("OAGEN_SHARED")
    base = Path(shared) if shared else HERE.parent.parent / "shared"
    return base / "seed" / "seat-events.openapi.yaml"


def diagnose(path: Path) -> list[Diagnostic]:
    """What `oagen validate` would report: load errors, else validate()."""
    try:
        spec = load_spec(path)
    except DiagnosticError as error:
        return list(error.diagnostics)
    return validate(spec)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def case_files() -> list[str]:
    return sorted(
        p.name
        for p in CASES.iterdir()
        if p.suffix in (".yaml", ".json") and p.name != "expected.yaml"
    )


def test_every_case_has_expectations() -> None:
    assert case_files() == sorted(EXPECTED)
    assert len(EXPECTED) >= 32
    for name, case in CATALOGUE.items():
        levels = {d.get("level", "error") for d in case["diagnostics"]}
        assert case["exit"] == (2 if "error" in levels else 0), name
        assert all(d["hint"] for d in case["diagnostics"]), name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_spec(name: str) -> None:
    found = diagnose(CASES / name)

    def key(d: Diagnostic) -> tuple[Any, ...]:
        assert d.where is not None, d.render()
        file = Path(d.where.file).resolve().relative_to(CASES).as_posix()
        return (d.code, d.level, file, d.where.line, d.where.col, d.where.pointer)

    expected = [
        (
            e["code"],
            e.get("level", "error"),
            e.get("file", name),
            e["line"],
            e["col"],
            e["pointer"],
        )
        for e in EXPECTED[name]
    ]
    rendered = "\n".join(d.render() for d in found)
    assert sorted(map(key, found)) == sorted(expected), rendered
    for entry in EXPECTED[name]:
        matches = [
            d
            for d in found
            if key(d)[0] == entry["code"] and key(d)[5] == entry["pointer"]
        ]
        assert any(
            entry["message"] in d.message and entry["hint"] in d.hint for d in matches
        ), (entry, rendered)
    for d in found:
        assert "\n" not in d.message and len(d.message) <= 200
        assert d.hint and "\n" not in d.hint
        assert "Traceback" not in d.render()


def test_seed_spec_is_valid() -> None:
    seed = shared_seed()
    if not seed.is_file():
        pytest.skip(f"seed spec not found at {seed} (set OAGEN_SHARED)")
    found = validate(load_spec(seed))
    assert not has_errors(found), "\n".join(d.render() for d in found)


def test_repository_spec_is_valid() -> None:
    spec = HERE.parent / "spec" / "seat-events.yaml"
    if not spec.is_file():
        pytest.skip("no spec/seat-events.yaml in this checkout")
    found = validate(load_spec(spec))
    assert not has_errors(found), "\n".join(d.render() for d in found)


VALID_31 = """\
    openapi: 3.1.0
    info: {title: Pets, version: "1"}
    paths:
      /pets/{petId}:
        $ref: paths/pet.yaml
    components:
      schemas:
        Pet:
          $ref: schemas/pet.yaml#/Pet
    """

PET_PATH = """\
    get:
      operationId: getPet
      parameters:
        - $ref: "../params.yaml#/PetId"
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "../schemas/pet.yaml#/Pet"}
    """


def three_file_spec(tmp_path: Path, pet_schema: str, required: bool = True) -> Path:
    root = write(tmp_path, "openapi.yaml", VALID_31)
    write(tmp_path, "paths/pet.yaml", PET_PATH)
    write(
        tmp_path,
        "params.yaml",
        f"PetId: {{name: petId, in: path, required: {str(required).lower()},"
        " schema: {type: integer}}\n",
    )
    write(tmp_path, "schemas/pet.yaml", pet_schema)
    return root


GOOD_PET = """\
    Pet:
      type: object
      properties:
        name: {type: string}
        parent: {$ref: "#/Pet"}
    """


def test_valid_31_spec_over_several_files(tmp_path: Path) -> None:
    assert validate(load_spec(three_file_spec(tmp_path, GOOD_PET))) == []


def test_errors_inside_referenced_files_are_placed_there(tmp_path: Path) -> None:
    """Pins our use of openapi-spec-validator's keyword walk: errors it finds
    behind $refs come back with the file and pointer where they are."""
    bad_pet = """\
        Pet:
          type: object
          properties:
            name: {type: strin}
            count: {type: integer, default: "x"}
        """
    root = three_file_spec(tmp_path, bad_pet, required=False)
    found = validate(load_spec(root))
    places = {
        (d.code, Path(d.where.file).name, d.where.line, d.where.pointer)
        for d in found
        if d.where
    }
    assert places == {
        ("OAG010", "pet.yaml", 4, "/Pet/properties/name/type"),
        ("OAG010", "pet.yaml", 5, "/Pet/properties/count/default"),
        # the schema check only reads the root file: our own check sees this one
        ("OAG033", "params.yaml", 1, "/PetId"),
    }, "\n".join(d.render() for d in found)
    by_pointer = {d.where.pointer: d for d in found if d.where}
    assert by_pointer["/Pet/properties/name/type"].hint == "did you mean 'string'?"


def test_path_parameter_not_required_is_reported_once(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /pets/{petId}:
            get:
              parameters:
                - {name: petId, in: path, schema: {type: string}}
              responses:
                "200": {description: ok}
        """,
    )
    found = validate(load_spec(root))
    assert [(d.code, d.where and d.where.pointer) for d in found] == [
        ("OAG010", "/paths/~1pets~1{petId}/get/parameters/0")
    ]
    assert found[0].hint == "path parameters must say 'required: true'"


def test_typo_in_a_field_name_gets_a_suggestion(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /pets:
            get:
              descripton: lists pets
              responses:
                "200": {description: ok}
        """,
    )
    (found,) = validate(load_spec(root))
    assert found.where is not None
    assert (found.code, found.where.line, found.where.pointer) == (
        "OAG010",
        6,
        "/paths/~1pets/get/descripton",
    )
    assert found.message == "unexpected field 'descripton'"
    assert found.hint == "did you mean 'description'?"


def test_path_params_declared_at_path_level_and_by_ref(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /owners/{ownerId}/pets/{petId}:
            parameters:
              - $ref: "#/components/parameters/OwnerId"
            get:
              operationId: getPet
              parameters:
                - {name: petId, in: path, required: true, schema: {type: string}}
              responses:
                "200": {description: ok}
            delete:
              operationId: deletePet
              responses:
                "204": {description: gone}
        components:
          parameters:
            OwnerId: {name: ownerId, in: path, required: true, schema: {type: string}}
        """,
    )
    found = validate(load_spec(root))
    assert [(d.code, d.where and d.where.pointer) for d in found] == [
        ("OAG031", "/paths/~1owners~1{ownerId}~1pets~1{petId}/delete")
    ]
    assert "{petId}" in found[0].message and "DELETE" in found[0].message


def test_duplicate_operation_ids_across_files_name_both_places(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /a:
            get: {operationId: same, responses: {"200": {description: ok}}}
          /b:
            $ref: b.yaml
        """,
    )
    write(
        tmp_path,
        "b.yaml",
        'get: {operationId: same, responses: {"200": {description: ok}}}\n',
    )
    found = validate(load_spec(root))
    assert sorted(
        (Path(d.where.file).name, d.where.line) for d in found if d.where
    ) == [
        ("b.yaml", 1),
        ("openapi.yaml", 5),
    ]
    assert all(d.code == "OAG030" for d in found)
    assert "b.yaml:1:" in next(
        d.message for d in found if d.where and d.where.line == 5
    )


def test_results_are_deduplicated_and_sorted(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /a/{x}:
            get: {operationId: a, responses: {"200": {description: ok}}}
          /b:
            get: {operationId: b, responses: {"200": {}}}
        """,
    )
    found = validate(load_spec(root))
    assert len(found) == len(set(found))
    assert found == sorted(found, key=Diagnostic.sort_key)
    assert [d.code for d in found] == ["OAG031", "OAG010"]


def test_a_crash_in_the_validator_is_a_diagnostic(tmp_path: Path) -> None:
    # a parameter without 'in' makes the keyword walk fail; the schema check
    # already explains it, so the crash itself is not reported
    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /a:
            get:
              parameters: [{name: q, schema: {type: string}}]
              responses: {"200": {description: ok}}
        """,
    )
    found = validate(load_spec(root))
    assert [d.code for d in found] == ["OAG010"]
    assert "'in' is a required property" in found[0].message


def test_load_warnings_are_reported(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        info: {title: t2, version: "1"}
        paths: {}
        """,
    )
    (found,) = validate(load_spec(root))
    assert (found.level, found.code) == ("warning", "OAG004")
    assert not has_errors([found])


def test_validator_may_only_read_loaded_files(tmp_path: Path) -> None:
    spec = load_spec(three_file_spec(tmp_path, GOOD_PET))
    handlers = _LocalFiles(spec)
    assert "https" in handlers and "anything" in handlers
    retrieve = handlers["https"]
    pet = (tmp_path / "schemas" / "pet.yaml").resolve()
    assert retrieve(pet.as_uri()) is spec.files[pet].data
    for uri in (
        "https://example.com/pet.yaml",
        "http://localhost/x.yaml",
        "file://otherhost/etc/passwd",
        (tmp_path.parent / "outside.yaml").as_uri(),
    ):
        with pytest.raises(ValueError, match="refusing"):
            retrieve(uri)


def test_validation_never_opens_a_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import urllib.request

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the validator tried to open a URL")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    assert validate(load_spec(three_file_spec(tmp_path, GOOD_PET))) == []


def test_many_operations_validate_in_reasonable_time(tmp_path: Path) -> None:
    paths = {
        f"/things{i}/{{id}}": {
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
            "get": {
                "operationId": f"getThing{i}",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/Thing{i}"}
                            }
                        },
                    }
                },
            },
        }
        for i in range(300)
    }
    schemas = {
        f"Thing{i}": {"type": "object", "properties": {"id": {"type": "string"}}}
        for i in range(300)
    }
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }
    root = tmp_path / "openapi.json"
    root.write_text(json.dumps(document), encoding="utf-8")
    spec = load_spec(root)
    started = time.perf_counter()
    assert validate(spec) == []
    assert time.perf_counter() - started < 20
    assert spec.root._cache == {}  # no positions computed for a clean spec


def test_operation_ids_of_webhooks_count_too(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.1.0
        info: {title: t, version: "1"}
        paths:
          /a:
            get: {operationId: same, responses: {"200": {description: ok}}}
        webhooks:
          newPet:
            post: {operationId: same, responses: {"200": {description: ok}}}
        """,
    )
    found = validate(load_spec(root))
    assert [(d.code, d.where and d.where.pointer) for d in found] == [
        ("OAG030", "/paths/~1a/get/operationId"),
        ("OAG030", "/webhooks/newPet/post/operationId"),
    ]


# ---------------------------------------------------------------------------
# checks added for the catalogue (each also has a case in tests/invalid_specs/)


def codes_at(root: Path) -> list[tuple[str, str]]:
    return [
        (d.code, d.where.pointer if d.where else "") for d in validate(load_spec(root))
    ]


def test_ecma_patterns_that_python_spells_differently_are_valid(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        r"""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths: {}
        components:
          schemas:
            Date: {type: string, pattern: '^(?<year>\d{4})-\k<year>$'}
            Name: {type: string, pattern: '^[\p{L} ]+$'}
            Broken: {type: string, pattern: 'a{1,2'}
            Unclosed: {type: string, pattern: '(a|b'}
        """,
    )
    assert codes_at(root) == [
        ("OAG037", "/components/schemas/Unclosed/pattern"),
    ]  # 'a{1,2' is a literal in both ECMA-262 and Python


def test_patterns_in_referenced_files_are_checked_there(tmp_path: Path) -> None:
    bad_pet = """\
        Pet:
          type: object
          properties:
            name: {type: string, pattern: "[a-"}
        """
    found = validate(load_spec(three_file_spec(tmp_path, bad_pet)))
    assert [
        (d.code, Path(d.where.file).name, d.where.line) for d in found if d.where
    ] == [("OAG037", "pet.yaml", 4)]


def test_formats_names_and_literals_are_told_apart(tmp_path: Path) -> None:
    from generator.schema_checks import KNOWN_FORMATS

    properties = {
        f"p{i}": {"type": "string", "format": f}
        for i, f in enumerate(sorted(KNOWN_FORMATS))
    }
    properties["format"] = {"type": "string", "example": {"format": "nonsense"}}
    properties["pattern"] = {"type": "string", "x-note": {"pattern": "[a-"}}
    properties["when"] = {"type": "integer", "format": "timestamp"}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {"format": {"type": "object", "properties": properties}},
            "securitySchemes": {
                "oauth": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "https://example.com/token",
                            "scopes": {"format": "dattime", "pattern": "[a-"},
                        }
                    },
                }
            },
        },
    }
    root = tmp_path / "openapi.json"
    root.write_text(json.dumps(document), encoding="utf-8")
    (found,) = validate(load_spec(root))
    assert (found.level, found.code, found.where and found.where.pointer) == (
        "warning",
        "OAG039",
        "/components/schemas/format/properties/when/format",
    )
    assert "plain integer" in found.message
    assert "did you mean" not in found.hint  # 'time' is no fix for 'timestamp'


def test_enum_values_are_checked_against_the_declared_type(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths: {}
        components:
          schemas:
            Nullable: {type: string, nullable: true, enum: [a, null]}
            Whole: {type: integer, enum: [1, 2.0]}
            Numbers: {type: number, enum: [1, 2.5]}
            NotNull: {type: string, enum: [a, null]}
            BoolIsNoInt: {type: integer, enum: [1, true]}
            Untyped: {enum: [1, a, null]}
        """,
    )
    assert codes_at(root) == [
        ("OAG038", "/components/schemas/NotNull/enum/1"),
        ("OAG038", "/components/schemas/BoolIsNoInt/enum/1"),
    ]


def test_a_path_level_header_may_be_overridden_in_another_case(tmp_path: Path) -> None:
    """Overriding is not declaring twice; lowering keeps one parameter for both."""
    from generator.ir import Provenance
    from generator.lower import LowerOptions, lower

    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /pets:
            parameters:
              - {name: X-Request-Id, in: header, schema: {type: string}}
            get:
              operationId: listPets
              parameters:
                - {name: x-request-id, in: header, required: true, schema: {type: string}}
              responses:
                "200": {description: ok}
        """,
    )
    spec = load_spec(root)
    assert validate(spec) == []
    api, _ = lower(spec, LowerOptions("api", None, Provenance("0", "s", "0" * 64)))
    (operation,) = api.operations
    assert [(p.wire_name, p.location, p.required) for p in operation.parameters] == [
        ("x-request-id", "header", True)
    ]


def test_parameters_of_different_locations_that_collide_are_reported(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /pets/{id}:
            parameters:
              - {name: id, in: path, required: true, schema: {type: string}}
            get:
              parameters:
                - {name: id, in: query, schema: {type: string}}
              responses:
                "200": {description: ok}
            delete:
              responses:
                "200": {description: ok}
        """,
    )
    found = validate(load_spec(root))
    assert [(d.code, d.where and d.where.pointer) for d in found] == [
        ("OAG042", "/paths/~1pets~1{id}/parameters/0"),
        ("OAG042", "/paths/~1pets~1{id}/get/parameters/0"),
    ]
    assert "path parameter 'id' and query parameter 'id'" in found[0].message
    assert "x-oagen-name" in found[0].hint


def test_an_operation_without_operation_id_collides_by_its_implicit_name(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /pets:
            get:
              responses: {"200": {description: ok}}
          /other:
            get:
              operationId: get_pets
              responses: {"200": {description: ok}}
        """,
    )
    found = validate(load_spec(root))
    assert [(d.code, d.where and d.where.pointer) for d in found] == [
        ("OAG042", "/paths/~1pets/get"),
        ("OAG042", "/paths/~1other/get/operationId"),
    ]
    assert "GET /pets and operationId 'get_pets'" in found[0].message


def test_x_oagen_name_resolves_a_collision(tmp_path: Path) -> None:
    from generator.ir import Provenance
    from generator.lower import LowerOptions, lower

    root = write(
        tmp_path,
        "openapi.yaml",
        """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /pets:
            get:
              operationId: listPets
              parameters:
                - {name: page-size, in: query, schema: {type: integer}}
                - {name: page_size, in: query, schema: {type: integer}, x-oagen-name: page_size_v2}
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Pet"}
        components:
          schemas:
            Pet:
              type: object
              properties:
                pet-name: {type: string}
                pet_name: {type: string, x-oagen-name: legacy_pet_name}
                reactions:
                  type: object
                  properties:
                    +1: {type: integer}
                    -1: {type: integer}
        """,
    )
    spec = load_spec(root)
    assert validate(spec) == []
    api, _ = lower(spec, LowerOptions("api", None, Provenance("0", "s", "0" * 64)))
    (operation,) = api.operations
    assert [p.name for p in operation.parameters] == ["page_size", "page_size_v2"]
    assert api.field_aliases["Pet.pet_name"] == "legacy_pet_name"
    assert api.field_aliases["Pet.pet-name"] == "pet_name"
    # GitHub's reactions: the signs are spelled out instead of numbering `field_1`
    assert (api.field_aliases["+1"], api.field_aliases["-1"]) == ("plus_1", "minus_1")


def test_new_checks_stay_linear(tmp_path: Path) -> None:
    """Many objects with many properties and parameters: the walk must not be
    quadratic (GitHub's spec has 969 schemas and 1,223 operations)."""
    from generator.schema_checks import schema_diagnostics

    schemas = {
        f"S{i}": {
            "type": "object",
            "properties": {
                f"field{j}": {
                    "type": "string",
                    "format": "uuid",
                    "pattern": "^[a-f0-9-]+$",
                }
                for j in range(200)
            },
        }
        for i in range(200)
    }
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    root = tmp_path / "openapi.json"
    root.write_text(json.dumps(document), encoding="utf-8")
    spec = load_spec(root)
    started = time.perf_counter()
    assert schema_diagnostics(spec) == []
    assert time.perf_counter() - started < 10


def test_enum_values_of_another_type_are_left_out_of_the_model(tmp_path: Path) -> None:
    from generator.config import load_config
    from generator.pipeline import build

    config = load_config(
        None,
        {
            "spec": str(CASES / "enum_wrong_type.yaml"),
            "output": str(tmp_path),
            "package": "pets",
        },
    )
    models = build(config).files["models.py"]
    size = models[models.index("class Size(") :].split("\n\n\n")[0]
    colour = models[models.index("class Colour(") :].split("\n\n\n")[0]
    assert "= 1" in size and "= 2" in size and "'3'" not in size and '"3"' not in size
    assert '"red"' in colour and '"green"' in colour and "True" not in colour
