"""Output for people: phases on a terminal or with --verbose, never on stdout."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cli
from tests.conftest import SEED_SPEC

PHASES = ("load:", "validate:", "lower:", "models:", "render:", "format:")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "spec").mkdir()
    shutil.copyfile(SEED_SPEC, tmp_path / "spec" / "seat-events.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec/seat-events.yaml"\npackage = "usage"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(
    monkeypatch: pytest.MonkeyPatch, *args: str, tty: bool = True
) -> tuple[int, str, str]:
    """`oagen ARGS` in this process, with stderr a terminal (or not)."""
    out, err = io.StringIO(), Terminal() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    status = cli.main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_a_terminal_shows_phases_and_a_closing_line(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, err = _run(monkeypatch, "generate")
    assert status == 0 and out == ""
    assert all(phase in err for phase in (*PHASES, "write:")), err
    assert "operation(s)" in err and "schema(s)" in err
    closing = err.strip().splitlines()[-1]
    written = sum(
        1 for p in (project / "generated" / "usage").rglob("*") if p.is_file()
    )
    assert closing.startswith(f"wrote {written} files to generated/usage in ")
    assert closing.endswith(", 0 warnings")


def test_quiet_prints_only_problems(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(monkeypatch, "generate", "--quiet") == (0, "", "")


def test_no_phases_when_not_a_terminal_unless_verbose(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = _run(monkeypatch, "generate", tty=False)
    assert status == 0
    assert not any(phase in err for phase in PHASES)
    assert re.match(
        r"wrote \d+ files to generated/usage in [\d.]+s, 0 warnings\n\Z", err
    )
    status, _, err = _run(monkeypatch, "check", "--full", "--verbose", tty=False)
    assert status == 0
    assert all(phase in err for phase in PHASES), err


def test_json_output_stays_clean_of_progress(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(monkeypatch, "generate", "-q")[0] == 0
    status, out, err = _run(monkeypatch, "check", "--full", "--format", "json")
    assert status == 0
    assert json.loads(out)["status"] == "clean"
    assert not any(phase in err for phase in PHASES), "no progress beside JSON"
    status, out, err = _run(
        monkeypatch, "check", "--full", "--format", "json", "--verbose"
    )
    assert json.loads(out)["status"] == "clean", "--verbose writes to stderr only"
    assert "load:" in err


def test_a_pipe_gets_no_progress(project: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "generator", "generate"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    assert run.stdout == ""
    assert run.stderr.startswith("wrote ") and "load:" not in run.stderr


def test_quiet_and_verbose_exclude_each_other(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as exited:
        _run(monkeypatch, "generate", "--quiet", "--verbose")
    assert exited.value.code == 2
