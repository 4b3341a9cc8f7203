"""`oagen generate` on a package that is already what its inputs give writes nothing.

It takes `check`'s fast path (manifest inputs and file hashes) and prints again
the warnings the last full build printed.  Anything the fast path cannot vouch
for (an edited file, a changed spec, no record of the warnings, --full, --strict)
builds in full.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED_SPEC
from tests.test_cache import imported, pools, run

#: A key given twice: the loader warns (OAG004) and keeps the last one.
_WARNED = "info:\n  x-note: first\n  x-note: second\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "spec").mkdir()
    shutil.copy(SEED_SPEC, tmp_path / "spec" / "api.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec/api.yaml"\npackage = "usage"\n'
    )
    return tmp_path


def _files(project: Path) -> dict[str, tuple[bytes, int]]:
    """Every generated file's bytes and modification time."""
    return {
        p.relative_to(project).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted((project / "generated").rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_an_up_to_date_package_is_left_alone(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run(project, cache, "generate")
    assert first.returncode == 0, first.stderr
    written = _files(project)
    second = run(project, cache, "generate")
    assert second.returncode == 0, second.stderr
    assert "is up to date" in second.stderr and "nothing written" in second.stderr
    assert _files(project) == written, "not a byte nor a timestamp changed"
    # no spec parsing, no models, no black, no workers
    assert (imported(second), pools(second)) == ([], 0)


def test_the_warnings_of_the_last_build_are_printed_again(
    project: Path, tmp_path: Path
) -> None:
    spec = project / "spec" / "api.yaml"
    spec.write_text(spec.read_text().replace("info:\n", _WARNED, 1))
    cache = tmp_path / "cache"
    first = run(project, cache, "generate")
    second = run(project, cache, "generate")
    assert first.returncode == second.returncode == 0, first.stderr
    assert "nothing written" in second.stderr and imported(second) == []

    def warnings(stderr: str) -> list[str]:
        return [line for line in stderr.splitlines() if "warning OAG" in line]

    assert warnings(first.stderr), "the spec was meant to warn"
    assert warnings(second.stderr) == warnings(first.stderr)
    assert "1 warning" in first.stderr.splitlines()[-2]
    assert "1 warning" in second.stderr.splitlines()[-2]
    # --strict makes the same warning an error, fast path or not
    strict = run(project, cache, "generate", "--strict")
    assert strict.returncode == 2
    assert warnings(strict.stderr) == warnings(first.stderr)


def test_an_edited_file_is_restored(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(project, cache, "generate").returncode == 0
    written = {path: data for path, (data, _) in _files(project).items()}
    client = project / "generated" / "usage" / "client.py"
    client.write_text(client.read_text() + "\n# my edit\n")
    (project / "generated" / "usage" / "errors.py").unlink()
    again = run(project, cache, "generate")
    assert again.returncode == 0, again.stderr
    assert "wrote" in again.stderr
    assert {path: data for path, (data, _) in _files(project).items()} == written


def test_a_changed_spec_is_built(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(project, cache, "generate").returncode == 0
    spec = project / "spec" / "api.yaml"
    spec.write_text(
        spec.read_text().replace(
            "description: Seat type.", "description: Kind of seat."
        )
    )
    again = run(project, cache, "generate")
    assert again.returncode == 0, again.stderr
    assert "wrote" in again.stderr
    assert (
        "Kind of seat." in (project / "generated" / "usage" / "models.py").read_text()
    )


@pytest.mark.parametrize(
    ("flags", "env"),
    [(("--full",), {}), ((), {"OAGEN_NO_CACHE": "1"})],
    ids=["--full", "no cache: the warnings are not known"],
)
def test_a_full_build_when_asked_or_when_the_warnings_are_unknown(
    project: Path, tmp_path: Path, flags: tuple[str, ...], env: dict[str, str]
) -> None:
    cache = tmp_path / "cache"
    assert run(project, cache, "generate", **env).returncode == 0
    written = _files(project)
    again = run(project, cache, "generate", "-v", *flags, **env)
    assert again.returncode == 0, again.stderr
    assert "wrote" in again.stderr and "nothing written" not in again.stderr
    if env:
        assert "regenerating in full: the last build's warnings" in again.stderr
    assert {p: data for p, (data, _) in _files(project).items()} == {
        p: data for p, (data, _) in written.items()
    }
