"""The on-disk cache: an unchanged spec skips validation, DCG and black; any change misses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED_SPEC

HEAVY = ("openapi_spec_validator", "datamodel_code_generator", "black")


def run(
    project: Path, cache: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """oagen in a fresh interpreter, reporting which heavy modules it imported.

    `check --full` is used throughout: the manifest's fast path would skip the
    regeneration whose caching these tests are about.
    """
    script = (
        "import json, sys, runpy\n"
        "from concurrent import futures\n"
        "pools = []\n"
        "start = futures.ProcessPoolExecutor.__init__\n"
        "def counted(self, *args, **kwargs):\n"
        "    pools.append(1)\n"
        "    start(self, *args, **kwargs)\n"
        "futures.ProcessPoolExecutor.__init__ = counted\n"
        "sys.argv = ['oagen', *sys.argv[1:]]\n"
        "try:\n"
        "    runpy.run_module('generator', run_name='__main__')\n"
        "finally:\n"
        f"    heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "    print(json.dumps({'heavy': heavy, 'pools': len(pools)}), file=sys.stderr)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "OAGEN_CACHE_DIR": str(cache), **env},
        check=False,
    )


def _report(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(done.stderr.strip().splitlines()[-1])
    return report


def imported(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The heavy modules the oagen process itself imported."""
    return list(_report(done)["heavy"])


def pools(done: subprocess.CompletedProcess[str]) -> int:
    """How many worker pools the run started (`generator.workers`, black's)."""
    return int(_report(done)["pools"])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "spec").mkdir()
    shutil.copy(SEED_SPEC, tmp_path / "spec" / "api.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec/api.yaml"\npackage = "usage"\n'
    )
    return tmp_path


def test_an_unchanged_spec_skips_the_heavy_work(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run(project, cache, "generate", OAGEN_WORKERS="0")
    assert first.returncode == 0, first.stderr
    assert imported(first) == sorted(HEAVY)
    second = run(project, cache, "check", "--full")
    assert second.returncode == 0, second.stderr
    # validated, modelled and formatted before: no heavy import, no worker
    assert (imported(second), pools(second)) == ([], 0)
    assert {p.name for p in cache.iterdir()} == {
        "validated",
        "models",
        "formatted",
        "generate-log",
    }


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers need two cores")
def test_a_new_spec_renders_models_and_formats_in_warm_workers(
    project: Path, tmp_path: Path
) -> None:
    """The workers validate, import datamodel-code-generator and black, so this
    process imports none of them; the files are the same bytes as a run without
    workers."""
    done = run(project, tmp_path / "cache", "generate")
    assert done.returncode == 0, done.stderr
    assert (imported(done), pools(done)) == ([], 1)
    with_workers = {
        p.relative_to(project): p.read_bytes()
        for p in (project / "generated").rglob("*")
        if p.is_file()
    }
    alone = run(project, tmp_path / "other", "generate", OAGEN_WORKERS="0")
    assert alone.returncode == 0, alone.stderr
    assert pools(alone) == 0
    assert with_workers == {
        p.relative_to(project): p.read_bytes()
        for p in (project / "generated").rglob("*")
        if p.is_file()
    }


def test_a_changed_spec_misses_and_is_reported(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(project, cache, "generate").returncode == 0
    spec = project / "spec" / "api.yaml"
    spec.write_text(
        spec.read_text().replace(
            "description: Seat type.", "description: Kind of seat."
        )
    )
    validated = set((cache / "validated").iterdir())
    done = run(project, cache, "check", "--full")
    assert done.returncode == 1
    assert "Kind of seat." in done.stdout
    # validated again (in a worker): one more verdict in the cache
    assert len(set((cache / "validated").iterdir()) - validated) == 1
    spec.write_text(spec.read_text().replace("openapi: 3.0.0", "openapi: [3.0.0"))
    assert run(project, cache, "check", "--full").returncode == 2


def test_damaged_entries_and_no_cache_give_the_same_answer(
    project: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assert run(project, cache, "generate").returncode == 0
    for entry in (cache / "validated").iterdir():
        entry.write_text("{not json")
    done = run(project, cache, "check", "--full")
    assert done.returncode == 0, done.stderr
    assert "openapi_spec_validator" in imported(done)
    uncached = run(
        project,
        tmp_path / "unused",
        "check",
        "--full",
        OAGEN_NO_CACHE="1",
        OAGEN_WORKERS="0",
    )
    assert uncached.returncode == 0
    assert imported(uncached) == sorted(HEAVY)
    assert not (tmp_path / "unused").exists()


def test_cached_warnings_are_still_reported(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n"
        "    get:\n      operationId: a\n      responses:\n        '200': {description: ok}\n"
        "    get: {operationId: b, responses: {'200': {description: ok}}}\n"
    )
    cache = tmp_path / "cache"
    first = run(tmp_path, cache, "validate", "--spec", "spec.yaml")
    second = run(tmp_path, cache, "validate", "--spec", "spec.yaml")
    assert first.returncode == second.returncode == 0
    assert "OAG004" in first.stderr
    assert first.stderr.splitlines()[:-1] == second.stderr.splitlines()[:-1]
