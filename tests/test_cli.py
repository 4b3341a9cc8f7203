"""The command line as users run it: exit codes, messages, and what gets written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, SEED_SPEC


def oagen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: PLW1510 (exit codes are asserted)
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user project: pyproject with [tool.oagen], a copy of the seed spec, generated output."""
    (tmp_path / "spec").mkdir()
    shutil.copy(SEED_SPEC, tmp_path / "spec" / "seat-events.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec/seat-events.yaml"\noutput = "out"\n'
        'package = "sequence_usage"\ndefault-server = "sandbox"\n',
        encoding="utf-8",
    )
    done = oagen("generate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_generate_writes_the_package_from_the_config(project: Path) -> None:
    package = project / "out" / "sequence_usage"
    for name in (
        "__init__.py",
        "client.py",
        "models.py",
        "errors.py",
        "py.typed",
        "server/app.py",
    ):
        assert (package / name).is_file(), name
    assert (
        "environment: Environment = Environment.SANDBOX"
        in (package / "client.py").read_text()
    )


def test_check_passes_on_a_fresh_tree(project: Path) -> None:
    done = oagen("check", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_check_reports_a_new_property_with_a_diff_naming_models(project: Path) -> None:
    spec_path = project / "spec" / "seat-events.yaml"
    document = yaml.safe_load(spec_path.read_text())
    document["components"]["schemas"]["SeatEvent"]["properties"]["region"] = {
        "type": "string",
        "description": "Where the seat was used.",
    }
    spec_path.write_text(yaml.safe_dump(document, sort_keys=False))
    before = tree(project / "out")
    done = oagen("check", cwd=project)
    assert done.returncode == 1
    assert "--- a/out/sequence_usage/models.py" in done.stdout
    assert "+++ b/out/sequence_usage/models.py" in done.stdout
    assert "+    region: str | None = None" in done.stdout
    assert "oagen generate" in done.stderr
    assert tree(project / "out") == before, "check must not write"


def test_check_reports_missing_and_extra_files(project: Path) -> None:
    package = project / "out" / "sequence_usage"
    (package / "errors.py").unlink()
    (package / "notes.txt").write_text("hand-written\n")
    done = oagen("check", cwd=project)
    assert done.returncode == 1
    assert "+++ b/out/sequence_usage/errors.py" in done.stdout
    assert "--- a/out/sequence_usage/notes.txt" in done.stdout
    assert "1 missing" in done.stderr and "1 extra" in done.stderr


def test_generate_removes_stale_files_and_check_ignores_caches(project: Path) -> None:
    package = project / "out" / "sequence_usage"
    (package / "stale.py").write_text("x = 1\n")
    assert oagen("generate", cwd=project).returncode == 0
    assert not (package / "stale.py").exists()
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "client.cpython-311.pyc").write_bytes(b"\0")
    assert oagen("check", cwd=project).returncode == 0


def test_flags_override_the_config(project: Path) -> None:
    done = oagen(
        "generate", "--output", "elsewhere", "--package", "usage_api", cwd=project
    )
    assert done.returncode == 0, done.stderr
    assert (project / "elsewhere" / "usage_api" / "client.py").is_file()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            '[tool.oagen]\nspec = "spec/seat-events.yaml"\ncolour = "blue"\n',
            "unknown key(s) in [tool.oagen]: colour",
        ),
        ('[tool.oagen]\noutput = "out"\n', "no spec given"),
        (
            '[tool.oagen]\nspec = "spec/seat-events.yaml"\npackage = "not-valid"\n',
            "not a valid Python package name",
        ),
        (
            '[tool.oagen]\nspec = "spec/seat-events.yaml"\ndefault-server = "staging"\n',
            "default server 'staging'",
        ),
    ],
)
def test_bad_configuration_exits_2_without_writing(
    project: Path, config: str, message: str
) -> None:
    (project / "pyproject.toml").write_text(config)
    shutil.rmtree(project / "out")
    done = oagen("generate", cwd=project)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (project / "out").exists()


def test_missing_spec_file_exits_2(tmp_path: Path) -> None:
    done = oagen("generate", "--spec", "nope.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert "nope.yaml" in done.stderr and "OAG001" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert oagen("frobnicate", cwd=tmp_path).returncode == 2
    assert oagen(cwd=tmp_path).returncode == 2


def test_help_documents_the_exit_codes(tmp_path: Path) -> None:
    for args in (("--help",), ("check", "--help")):
        done = oagen(*args, cwd=tmp_path)
        assert done.returncode == 0
        assert "exit codes:" in done.stdout
        assert "1  check only" in done.stdout


def test_validate_reports_a_valid_spec(tmp_path: Path) -> None:
    done = oagen("validate", "--spec", str(SEED_SPEC), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "valid OpenAPI 3.0.0, 1 operation(s)" in done.stderr


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "oagen"
    done = subprocess.run(  # noqa: PLW1510 (exit codes are asserted)
        [str(script), "check", "--quiet"], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_diagnostic_code_is_documented() -> None:
    import re

    from generator.errors import CODES

    used = set()
    for path in (REPO / "generator").rglob("*.py"):
        used.update(re.findall(r'"(OAG\d{3})"', path.read_text()))
    assert used <= set(CODES), f"codes missing from CODES: {sorted(used - set(CODES))}"
    readme = (REPO / "README.md").read_text()
    assert all(
        f"| {code} |" in readme for code in CODES
    ), "README's code table is out of date"
