"""`oagen generate` killed with SIGKILL at random moments leaves the old tree or the new
one, never a mix, never nothing."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.conftest import SEED_SPEC

TRIALS = 24


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def generate(project: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "generate", "--quiet"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_kill_9_never_leaves_a_mix(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "spec").mkdir(parents=True)
    spec = project / "spec" / "api.yaml"
    (project / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec/api.yaml"\noutput = "out"\npackage = "usage"\n'
    )
    original = SEED_SPEC.read_text()
    changed = yaml.safe_load(original)
    changed["components"]["schemas"]["SeatEvent"]["properties"]["region"] = {
        "type": "string"
    }
    variants = [original, yaml.safe_dump(changed, sort_keys=False)]
    trees = []
    for text in variants:
        spec.write_text(text)
        started = time.monotonic()
        assert generate(project).wait(timeout=120) == 0
        duration = time.monotonic() - started
        trees.append(tree(project / "out" / "usage"))
    assert trees[0] != trees[1]

    rng = random.Random(20261126)
    outcomes = {"old": 0, "new": 0}
    for trial in range(TRIALS):
        before = tree(project / "out" / "usage")
        spec.write_text(variants[trial % 2])
        target = trees[trial % 2]
        process = generate(project)
        time.sleep(rng.uniform(0.0, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        after = tree(project / "out" / "usage")
        assert after in (before, target), f"trial {trial}: a mix of two trees"
        outcomes["old" if after == before and before != target else "new"] += 1
    assert (
        outcomes["old"] and outcomes["new"]
    ), f"kills never landed mid-run: {outcomes}"
    spec.write_text(variants[0])
    assert (
        generate(project).wait(timeout=120) == 0
    )  # a later run cleans up and succeeds
    assert tree(project / "out" / "usage") == trees[0]
    assert sorted(p.name for p in (project / "out").iterdir()) == ["usage"]
    shutil.rmtree(project)
