"""Naming overrides: x-oagen-name on operations and schemas, x-enum-varnames, and
[tool.oagen.names]; Python names change, wire names do not, conflicts name both places.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from generator.config import Config, load_config
from generator.errors import Diagnostic, DiagnosticError
from generator.pipeline import build

SPEC = """\
openapi: 3.1.0
info: {title: Pets, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      x-oagen-name: all_pets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets/{id}:
    get:
      operationId: getPet
      tags: [pets]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Status'}
components:
  schemas:
    Pet:
      x-oagen-name: Animal
      type: object
      properties:
        pet-name: {type: string}
    Status:
      type: string
      enum: [active, on-hold]
      x-enum-varnames: [LIVE, PAUSED]
"""


def _config(tmp_path: Path, spec: str, names: dict[str, str] | None = None) -> Config:
    (tmp_path / "pets.yaml").write_text(spec, encoding="utf-8")
    pyproject = tmp_path / "pyproject.toml"
    lines = ["[tool.oagen]", 'spec = "pets.yaml"', 'package = "pets"', ""]
    if names:
        lines.append("[tool.oagen.names]")
        lines += [f'"{key}" = "{value}"' for key, value in names.items()]
    pyproject.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(pyproject, {})


def _errors(config: Config) -> list[Diagnostic]:
    with pytest.raises(DiagnosticError) as raised:
        build(config)
    return [d for d in raised.value.diagnostics if d.level == "error"]


def _client(files: dict[str, str]) -> str:
    """The client's code: `client.py` and the tags' modules under `resources/`."""
    return "\n".join(
        text
        for path, text in sorted(files.items())
        if path == "client.py" or path.startswith("resources/")
    )


def test_spec_overrides_rename_what_users_see_and_keep_the_wire(
    tmp_path: Path,
) -> None:
    files = build(_config(tmp_path, SPEC)).files
    client, models = _client(files), files["models.py"]
    assert "def all_pets(" in client and "def list_pets(" not in client
    assert "class Animal(BaseModel)" in models and "class Pet(" not in models
    assert '"/pets"' in client, "the path on the wire is unchanged"
    assert 'alias="pet-name"' in models, "the property's wire name is unchanged"
    assert 'LIVE = "active"' in models and 'PAUSED = "on-hold"' in models
    assert "def all_pets(" in files["server/interfaces/pets.py"]


def test_configured_names_rename_operations_and_schemas(tmp_path: Path) -> None:
    plain = SPEC.replace("      x-oagen-name: all_pets\n", "").replace(
        "      x-oagen-name: Animal\n", ""
    )
    config = _config(
        tmp_path,
        plain,
        {
            "getPet": "fetch_pet",
            "Pet": "Creature",
            "#/components/schemas/Pet/properties/pet-name": "label",
        },
    )
    files = build(config).files
    assert "def fetch_pet(" in _client(files)
    assert "class Creature(BaseModel)" in files["models.py"]
    assert "label: " in files["models.py"] and 'alias="pet-name"' in files["models.py"]


def test_an_override_that_makes_two_methods_one_names_both_places(
    tmp_path: Path,
) -> None:
    clash = SPEC.replace("x-oagen-name: all_pets", "x-oagen-name: get_pet")
    errors = _errors(_config(tmp_path, clash))
    assert [d.code for d in errors] == ["OAG042", "OAG042"]
    messages = " ".join(d.message for d in errors)
    assert "operationId 'listPets'" in messages and "operationId 'getPet'" in messages
    pointers = {d.where.pointer for d in errors if d.where}
    assert "/paths/~1pets/get/x-oagen-name" in pointers
    assert "/paths/~1pets~1{id}/get/operationId" in pointers


def test_an_override_that_makes_two_classes_one_names_both_places(
    tmp_path: Path,
) -> None:
    clash = SPEC.replace("x-oagen-name: Animal", "x-oagen-name: Status")
    errors = _errors(_config(tmp_path, clash))
    assert [d.code for d in errors] == ["OAG042", "OAG042"]
    assert any("schema 'Pet' and schema 'Status'" in d.message for d in errors)


def test_a_configured_conflict_points_at_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = _config(tmp_path, SPEC, {"getPet": "all_pets"})
    errors = _errors(config)
    assert [d.code for d in errors] == ["OAG042", "OAG042"]
    places = {d.where.file for d in errors if d.where}
    assert places == {"pyproject.toml", "pets.yaml"}
    from_config = next(
        d for d in errors if d.where and d.where.file == "pyproject.toml"
    )
    assert from_config.where is not None and from_config.where.line == 6
    assert "pets.yaml:" in from_config.message, "it names the other place too"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("x-oagen-name: all_pets", "x-oagen-name: All-Pets"),
        ("x-oagen-name: Animal", "x-oagen-name: animal"),
        ("x-oagen-name: Animal", "x-oagen-name: BaseModel"),
        ("x-enum-varnames: [LIVE, PAUSED]", "x-enum-varnames: [LIVE]"),
    ],
)
def test_an_unusable_override_is_reported(tmp_path: Path, old: str, new: str) -> None:
    errors = _errors(_config(tmp_path, SPEC.replace(old, new)))
    assert [d.code for d in errors] == ["OAG043"]


def test_two_enum_members_with_one_name_are_reported(tmp_path: Path) -> None:
    spec = SPEC.replace("[LIVE, PAUSED]", "[LIVE, LIVE]")
    errors = _errors(_config(tmp_path, spec))
    assert [d.code for d in errors] == ["OAG042"]


@pytest.mark.parametrize("key", ["nothingHere", "#/paths/~1nowhere/get"])
def test_a_configured_name_for_nothing_is_a_configuration_error(
    tmp_path: Path, key: str
) -> None:
    errors = _errors(_config(tmp_path, SPEC, {key: "x"}))
    assert [d.code for d in errors] == ["OAG101"]


def test_configured_names_are_in_the_manifest_key(tmp_path: Path) -> None:
    from generator.emit import emit
    from generator.fast_check import fast_check

    config = _config(tmp_path, SPEC, {"getPet": "fetch_pet"})
    emit(build(config).files, config.package_dir)
    assert fast_check(config).clean
    renamed = replace(config, names={"getPet": "read_pet"})
    refused = fast_check(renamed)
    assert not refused.clean and "config.names" in refused.reason
