"""Several specs in one repository: [[tool.oagen.targets]] and --target."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.errors import DiagnosticError
from generator.targets import UnknownTarget, load_targets
from tests.conftest import SEED_SPEC
from tests.oagen_cli import oagen

PETS = """\
openapi: 3.1.0
info: {title: Pets, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
"""

PYPROJECT = """\
[tool.oagen]
output = "generated"

[[tool.oagen.targets]]
name = "usage"
spec = "spec/seat-events.yaml"
package = "usage"
default-server = "sandbox"

[[tool.oagen.targets]]
name = "pets"
spec = "spec/pets.yaml"
package = "pets_api"

[tool.oagen.targets.names]
listPets = "all_pets"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "spec").mkdir()
    shutil.copyfile(SEED_SPEC, tmp_path / "spec" / "seat-events.yaml")
    (tmp_path / "spec" / "pets.yaml").write_text(PETS, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return tmp_path


def test_the_loader_yields_one_config_per_target(project: Path) -> None:
    usage, pets = load_targets(project / "pyproject.toml", {})
    assert (usage.target, usage.package, usage.default_server) == (
        "usage",
        "usage",
        "sandbox",
    )
    assert (pets.target, pets.package, dict(pets.names)) == (
        "pets",
        "pets_api",
        {"listPets": "all_pets"},
    )
    assert usage.output == pets.output == project / "generated", "output is shared"
    (only,) = load_targets(project / "pyproject.toml", {}, "pets")
    assert only.target == "pets"
    with pytest.raises(UnknownTarget, match="known targets: usage, pets"):
        load_targets(project / "pyproject.toml", {}, "nope")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('\n[tool.oagen.env]\nusername = "X"\n', "cannot be set beside targets"),
        ('\n[[tool.oagen.targets]]\nname = "pets"\nspec = "x.yaml"\n', "two targets"),
        ('\n[[tool.oagen.targets]]\nname = "x"\nspek = "x.yaml"\n', "unknown key"),
    ],
)
def test_a_malformed_target_table_is_a_configuration_error(
    project: Path, extra: str, message: str
) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(PYPROJECT + extra, encoding="utf-8")
    with pytest.raises(DiagnosticError) as raised:
        load_targets(pyproject, {})
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "OAG101" and message in diagnostic.message


def test_generate_check_and_verify_run_every_target(project: Path) -> None:
    generated = oagen("generate", cwd=project)
    assert generated.returncode == 0, generated.stderr
    assert "to generated/usage in" in generated.stderr
    assert "to generated/pets_api in" in generated.stderr
    package = project / "generated" / "pets_api"
    client = "".join(
        path.read_text("utf-8")
        for path in [package / "client.py", *sorted(package.glob("resources/*.py"))]
    )
    assert "def all_pets(" in client, "a target's names apply to its spec"
    assert oagen("check", "-q", cwd=project).returncode == 0
    assert oagen("verify", "-q", cwd=project).returncode == 0

    edited = project / "generated" / "pets_api" / "client.py"
    edited.write_text(client + "# edited\n", encoding="utf-8")
    assert oagen("check", "-q", cwd=project).returncode == 1, "the worst exit code"
    assert oagen("check", "-q", "--target", "usage", cwd=project).returncode == 0
    assert oagen("check", "-q", "--target", "pets", cwd=project).returncode == 1
    assert oagen("verify", "-q", cwd=project).returncode == 1
    assert oagen("verify", "-q", "--target", "usage", cwd=project).returncode == 0


def test_check_json_prints_one_object_per_target(project: Path) -> None:
    assert oagen("generate", "-q", cwd=project).returncode == 0
    checked = oagen("check", "--format", "json", cwd=project)
    assert checked.returncode == 0, checked.stderr
    reports = [json.loads(line) for line in checked.stdout.splitlines()]
    assert [(r["target"], r["status"]) for r in reports] == [
        ("usage", "clean"),
        ("pets", "clean"),
    ]


def test_vendor_writes_every_target(project: Path) -> None:
    vendored = oagen("vendor", "-q", "--into", "vendor", cwd=project)
    assert vendored.returncode == 0, vendored.stderr
    assert (project / "vendor" / "usage" / "VENDORED.md").is_file()
    assert (project / "vendor" / "pets_api" / "VENDORED.md").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--target", "nope"), "known targets: usage, pets"),
        (("--spec", "spec/pets.yaml"), "choose a target with --target"),
    ],
)
def test_a_target_that_cannot_be_chosen_exits_2(
    project: Path, args: tuple[str, ...], message: str
) -> None:
    refused = oagen("generate", *args, cwd=project)
    assert refused.returncode == 2
    assert message in refused.stderr
    assert not (project / "generated").exists()


def test_a_failing_target_does_not_stop_the_others(project: Path) -> None:
    (project / "spec" / "pets.yaml").write_text("openapi: 3.1.0\n", encoding="utf-8")
    generated = oagen("generate", cwd=project)
    assert generated.returncode == 2
    assert (project / "generated" / "usage" / "client.py").is_file()
    assert not (project / "generated" / "pets_api").exists()
