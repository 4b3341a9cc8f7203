"""Invalid specs through the command line: exit 2, a located one-screen message, nothing written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, SEED_SPEC

CASES = REPO / "tests" / "invalid_specs"
EXPECTED: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (CASES / "expected.yaml").read_text()
)
FAILING = sorted(
    name
    for name, found in EXPECTED.items()
    if any(d.get("level", "error") == "error" for d in found)
)


def oagen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_there_are_failing_cases() -> None:
    assert {
        "malformed.yaml",
        "not_openapi.yaml",
        "schema_violation.yaml",
        "unresolved_ref.yaml",
    } <= set(FAILING)


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
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    for expected in EXPECTED[case]:
        file = f"tests/invalid_specs/{expected.get('file', case)}"
        place = (
            file
            if expected["line"] is None
            else f"{file}:{expected['line']}:{expected['col']}"
        )
        level = expected.get("level", "error")
        assert f"{place}: {level} {expected['code']}: " in done.stderr, done.stderr
        if expected["pointer"]:
            assert f"at #{expected['pointer']}" in done.stderr
    assert len(done.stderr.splitlines()) <= 25, "more than one screen"
    assert not out.exists(), "nothing may be written for an invalid spec"


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
