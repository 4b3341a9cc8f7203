"""The catalogue of invalid specs through the command line: a failing case exits 2
with a located one-screen message and writes nothing; a warning-only case exits 0,
shows its warnings and still generates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, SEED_SPEC
from tests.oagen_cli import oagen

CASES = REPO / "tests" / "invalid_specs"
CATALOGUE: dict[str, dict[str, Any]] = yaml.safe_load(
    (CASES / "expected.yaml").read_text(encoding="utf-8")
)
EXPECTED: dict[str, list[dict[str, Any]]] = {
    name: case["diagnostics"] for name, case in CATALOGUE.items()
}
FAILING = sorted(name for name, case in CATALOGUE.items() if case["exit"] == 2)
WARNING_ONLY = sorted(name for name, case in CATALOGUE.items() if case["exit"] == 0)


def test_there_are_failing_and_warning_only_cases() -> None:
    assert {
        "malformed.yaml",
        "not_openapi.yaml",
        "schema_violation.yaml",
        "unresolved_ref.yaml",
    } <= set(FAILING)
    assert {"duplicate_keys.yaml", "unknown_format.yaml"} <= set(WARNING_ONLY)
    assert set(FAILING) | set(WARNING_ONLY) == set(CATALOGUE)


def expect_located(stderr: str, case: str) -> None:
    """Every expected diagnostic is printed with its place, pointer and hint."""
    for expected in EXPECTED[case]:
        file = f"tests/invalid_specs/{expected.get('file', case)}"
        place = (
            file
            if expected["line"] is None
            else f"{file}:{expected['line']}:{expected['col']}"
        )
        level = expected.get("level", "error")
        assert f"{place}: {level} {expected['code']}: " in stderr, stderr
        if expected["pointer"]:
            assert f"at #{expected['pointer']}" in stderr
        assert "  hint: " in stderr and expected["hint"] in stderr, stderr


@pytest.mark.parametrize("case", FAILING)
@pytest.mark.parametrize("command", ["generate", "check", "validate"])
def test_an_invalid_spec_exits_2_with_located_diagnostics(
    tmp_path: Path, case: str, command: str
) -> None:
    out = tmp_path / "out"
    done = oagen(
        command,
        "--spec",
        f"tests/invalid_specs/{case}",
        "--output",
        str(out),
        "--package",
        "api",
    )
    assert done.returncode == CATALOGUE[case]["exit"] == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    expect_located(done.stderr, case)
    assert len(done.stderr.splitlines()) <= 25, "more than one screen"
    assert not out.exists(), "nothing may be written for an invalid spec"


@pytest.mark.parametrize("case", WARNING_ONLY)
def test_a_warning_only_spec_validates_and_still_generates(
    tmp_path: Path, case: str
) -> None:
    config = tmp_path / "pyproject.toml"  # not the repository's: its servers, env
    config.write_text("[tool.oagen]\n", encoding="utf-8")
    spec = ["--config", str(config), "--spec", f"tests/invalid_specs/{case}"]
    spec += ["--package", "api"]
    done = oagen("validate", *spec)
    assert done.returncode == CATALOGUE[case]["exit"] == 0, done.stderr
    assert "Traceback" not in done.stderr
    expect_located(done.stderr, case)
    out = tmp_path / "out"
    done = oagen("generate", *spec, "--output", str(out))
    assert done.returncode == 0, done.stderr
    expect_located(done.stderr, case)
    assert (out / "api" / "client.py").is_file() and (
        out / "api" / "models.py"
    ).is_file()
    strict = oagen("validate", *spec, "--strict")
    assert strict.returncode == 2, "--strict turns the warnings into a failure"


def test_an_invalid_spec_leaves_existing_output_untouched(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    shutil.copy(SEED_SPEC, spec)
    out = tmp_path / "out"
    assert oagen("generate", "--spec", str(spec), "--output", str(out)).returncode == 0
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    spec.write_text(spec.read_text().replace("openapi: 3.0.0", "openapi: [3.0.0"))
    done = oagen("generate", "--spec", str(spec), "--output", str(out))
    assert done.returncode == 2
    assert "OAG002" in done.stderr
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == [
        "sequence_usage"
    ]  # no staging leftovers


@pytest.mark.parametrize("case", FAILING)
def test_validating_in_a_worker_reports_what_validating_first_does(
    tmp_path: Path, case: str
) -> None:
    """With workers, the spec is lowered and rendered while a worker validates it;
    an invalid spec must still get exactly the diagnostics of validating first."""

    def generate(workers: str) -> subprocess.CompletedProcess[str]:
        out = tmp_path / f"out-{workers}"
        return subprocess.run(
            [sys.executable, "-m", "generator", "generate", "--spec"]
            + [f"tests/invalid_specs/{case}", "--output", str(out), "--package", "api"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            env={
                **os.environ,
                # a cache of its own: a verdict seen before is not validated again
                "OAGEN_CACHE_DIR": str(tmp_path / f"cache-{workers}"),
                "OAGEN_WORKERS": workers,
            },
        )

    speculative, first = generate("2"), generate("0")
    assert (speculative.returncode, speculative.stderr) == (
        first.returncode,
        first.stderr,
    )
    assert speculative.returncode == 2
    assert not (tmp_path / "out-2").exists()
