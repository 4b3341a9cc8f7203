"""The fast schema check agrees with python-jsonschema, and spares it on valid specs."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import validate as validation
from generator.load import load_spec
from generator.schema_fast_check import matches_openapi_schema
from tests.conftest import REPO, SEED_SPEC

CASES = REPO / "tests" / "invalid_specs"
PETSTORE = REPO / "tests" / "features" / "petstore" / "openapi.yaml"


@pytest.mark.parametrize("path", [SEED_SPEC, PETSTORE], ids=lambda p: p.name)
def test_valid_specs_pass_the_fast_check(path: Path) -> None:
    spec = load_spec(path)
    assert matches_openapi_schema(spec.openapi, spec.root.data)


@pytest.mark.parametrize(
    "name",
    [
        "schema_violation.yaml",
        "wrong_types_parameter.yaml",
        "wrong_type_paths.yaml",
        "missing_info.yaml",
    ],
)
def test_specs_the_schema_rejects_fail_it_and_keep_their_explanations(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = CASES / name
    spec = load_spec(path)
    assert not matches_openapi_schema(spec.openapi, spec.root.data)
    fast = [d.render() for d in validation.validate(spec)]
    monkeypatch.setattr(validation, "matches_openapi_schema", lambda *_: False)
    assert [d.render() for d in validation.validate(load_spec(path))] == fast


def test_a_valid_spec_skips_python_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    original = validation._explain

    def counting(errors: object) -> object:
        calls.append(errors)
        return original(errors)  # type: ignore[arg-type]

    monkeypatch.setattr(validation, "_explain", counting)
    assert validation.validate(load_spec(SEED_SPEC)) == []
    assert calls == [()]  # nothing for python-jsonschema to iterate
