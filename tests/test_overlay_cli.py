"""Overlays through the command line: the config key, --overlay, and broken overlays."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED_SPEC
from tests.oagen_cli import oagen

SEED_OVERLAY = REPO / "spec" / "seat-events.overlay.yaml"
MODELS = Path("out") / "sequence_usage" / "models.py"


def make_project(folder: Path, overlays: str = "") -> Path:
    (folder / "spec").mkdir()
    shutil.copy(SEED_SPEC, folder / "spec" / "seat-events.yaml")
    shutil.copy(SEED_OVERLAY, folder / "spec" / "seat-events.overlay.yaml")
    (folder / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec/seat-events.yaml"\noutput = "out"\n'
        f'package = "sequence_usage"\n{overlays}',
        encoding="utf-8",
    )
    return folder


def test_the_overlay_flag_changes_the_output(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert oagen("generate", cwd=project).returncode == 0
    assert "AwareDatetime" not in (project / MODELS).read_text()

    flag = ("--overlay", "spec/seat-events.overlay.yaml")
    drift = oagen("check", *flag, cwd=project)
    assert drift.returncode == 1
    assert "AwareDatetime" in drift.stdout

    done = oagen("generate", *flag, cwd=project)
    assert done.returncode == 0, done.stderr
    models = (project / MODELS).read_text()
    assert "AwareDatetime" in models
    assert "from spec/seat-events.yaml with spec/seat-events.overlay.yaml" in models
    assert oagen("check", *flag, cwd=project).returncode == 0
    assert oagen("check", cwd=project).returncode == 1  # the config has no overlays


def test_configured_overlays_apply_to_the_configured_spec_only(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path, 'overlays = ["spec/seat-events.overlay.yaml"]\n')
    assert oagen("generate", cwd=project).returncode == 0
    assert "AwareDatetime" in (project / MODELS).read_text()
    shutil.copy(SEED_SPEC, project / "spec" / "other.yaml")
    done = oagen(
        "generate", "--spec", "spec/other.yaml", "--output", "other", cwd=project
    )
    assert done.returncode == 0, done.stderr
    other = project / "other" / "sequence_usage" / "models.py"
    assert "AwareDatetime" not in other.read_text()  # written for seat-events.yaml
    done = oagen(
        "generate",
        "--spec",
        "spec/seat-events.yaml",  # the configured spec: its overlays still apply
        "--output",
        "same",
        cwd=project,
    )
    assert done.returncode == 0, done.stderr
    same = project / "same" / "sequence_usage" / "models.py"
    assert "AwareDatetime" in same.read_text()


@pytest.mark.parametrize("command", ["generate", "check", "validate"])
def test_a_broken_overlay_exits_2_and_writes_nothing(
    tmp_path: Path, command: str
) -> None:
    project = make_project(tmp_path, 'overlays = ["broken.yaml"]\n')
    (project / "broken.yaml").write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: [$\n",
        encoding="utf-8",
    )
    done = oagen(command, cwd=project)
    assert done.returncode == 2
    assert "broken.yaml:5:1: error OAG002: invalid YAML" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not (project / "out").exists()


def test_a_target_that_selects_nothing_warns_and_fails_strict(tmp_path: Path) -> None:
    project = make_project(tmp_path, 'overlays = ["stale.yaml"]\n')
    (project / "stale.yaml").write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
        "  - target: $.paths['/seats'].get\n    update: {summary: s}\n",
        encoding="utf-8",
    )
    done = oagen("validate", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "stale.yaml:4:13: warning OAG073: overlay actions[0]" in done.stderr
    assert oagen("validate", "--strict", cwd=project).returncode == 2
