"""An enum default is the enum's member, typed as such, wherever the enum is declared."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.packages import generate, imported

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            # Pet comes first and names Status before Status is declared.
            "Pet": {
                "type": "object",
                "properties": {
                    "status": {"$ref": "#/components/schemas/Status"},
                    "size": {"type": "string", "enum": ["s", "m"], "default": "m"},
                },
            },
            "Status": {
                "type": "string",
                "enum": ["available", "sold"],
                "default": "available",
            },
        }
    },
}


def test_enum_defaults_are_members_and_type_check(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(yaml.safe_dump(SPEC, sort_keys=False))
    package = generate(spec, tmp_path, "pets")
    models = (package / "models.py").read_text()
    assert models.index("class Status(") < models.index("class Pet(")
    with imported(tmp_path, "pets"):
        from pets.models import Pet, Status

        pet = Pet()
        assert pet.size is not None and pet.size.value == "m"
        assert Pet.model_validate({"status": "sold"}).status is Status.SOLD
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "pets"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
