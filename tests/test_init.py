"""`oagen init`: scaffolds what is missing and never overwrites a file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from generator.scaffold import HOOK_ID, PRE_COMMIT, SPEC, WORKFLOW
from tests.oagen_cli import oagen


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_init_scaffolds_a_repository_that_generates(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    original = '[project]\nname = "acme-billing"\nversion = "1.0"\n'
    pyproject.write_text(original, encoding="utf-8")
    initialised = oagen("init", cwd=tmp_path)
    assert initialised.returncode == 0, initialised.stderr
    text = pyproject.read_text(encoding="utf-8")
    assert text.startswith(original), "existing content is kept, byte for byte"
    assert tomllib.loads(text)["tool"]["oagen"] == {
        "spec": SPEC,
        "output": "generated",
        "package": "acme_billing",
    }
    assert HOOK_ID in (tmp_path / PRE_COMMIT).read_text(encoding="utf-8")
    assert "oagen check" in (tmp_path / WORKFLOW).read_text(encoding="utf-8")
    for name in ("pyproject.toml", SPEC, PRE_COMMIT, WORKFLOW):
        assert name in initialised.stderr
    generated = oagen("generate", "-q", cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    assert (tmp_path / "generated" / "acme_billing" / "client.py").is_file()
    assert oagen("check", "-q", cwd=tmp_path).returncode == 0


def test_init_never_overwrites(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.oagen]\nspec = "api.yaml"\n',
        SPEC: "mine\n",
        PRE_COMMIT: "repos: []\n",
        WORKFLOW: "name: mine\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    before = _tree(tmp_path)
    initialised = oagen("init", cwd=tmp_path)
    assert initialised.returncode == 0, initialised.stderr
    assert _tree(tmp_path) == before
    assert initialised.stderr.count("skipped") == 4
    assert f"add the '{HOOK_ID}' hook" in initialised.stderr


def test_init_creates_a_minimal_pyproject_and_runs_twice(tmp_path: Path) -> None:
    project = tmp_path / "My Service"
    project.mkdir()
    assert oagen("init", cwd=project).returncode == 0
    first = _tree(project)
    table = tomllib.loads(first["pyproject.toml"].decode())["tool"]["oagen"]
    assert table["package"] == "my_service"
    again = oagen("init", cwd=project)
    assert again.returncode == 0 and again.stderr.count("skipped") == 4
    assert _tree(project) == first


@pytest.mark.parametrize("text", ["[project\n", "\xff"])
def test_a_broken_pyproject_is_left_alone(tmp_path: Path, text: str) -> None:
    (tmp_path / "pyproject.toml").write_bytes(text.encode("latin-1"))
    refused = oagen("init", cwd=tmp_path)
    assert refused.returncode == 2
    assert "pyproject.toml" in refused.stderr
    assert (tmp_path / "pyproject.toml").read_bytes() == text.encode("latin-1")
    assert not (tmp_path / "spec").exists(), "nothing is written"
