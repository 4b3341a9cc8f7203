"""drift: compare a build in memory with the package on disk, as tuples and a unified diff."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.drift import compare

LABEL = "generated/pkg"

FILES = {
    "__init__.py": '"""Package."""\n\nNAME = "é"\n',
    "client.py": "def a():\n    return 1\n\n\ndef b():\n    return 2\n",
    "py.typed": "",
    "server/app.py": "APP = 1\n",
    "server/deep/mod.py": "X = 1\n",
}


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes(content.encode("utf-8"))
    return root


def read_tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def apply_diff(diff: str, disk: Path, work: Path) -> dict[str, bytes]:
    """Apply `diff` (with -p1) to a copy of the on-disk package placed at `LABEL`; return the result."""
    copy = work / LABEL
    if disk.is_dir():
        shutil.copytree(disk, copy)
    else:
        copy.mkdir(parents=True)
    (work / "change.patch").write_text(diff, encoding="utf-8", newline="")
    result = subprocess.run(
        ["git", "apply", "-p1", "--unidiff-zero", "change.patch"],
        cwd=work,
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"the diff does not apply: {result.stderr}\n{diff}"
    return read_tree(copy)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "disk" / "pkg", dict(FILES))


def test_identical_tree_is_clean(package: Path) -> None:
    drift = compare(FILES, package, LABEL)
    assert drift.clean
    assert (drift.changed, drift.missing, drift.extra, drift.diff) == ((), (), (), "")
    assert drift.summary(LABEL) == f"{LABEL} is up to date"


def test_changed_file(package: Path, tmp_path: Path) -> None:
    files = {**FILES, "client.py": FILES["client.py"].replace("return 2", "return 3")}
    drift = compare(files, package, LABEL)
    assert not drift.clean
    assert (drift.changed, drift.missing, drift.extra) == (("client.py",), (), ())
    lines = drift.diff.splitlines()
    assert lines[0] == f"--- a/{LABEL}/client.py"
    assert lines[1] == f"+++ b/{LABEL}/client.py"
    assert lines[2].startswith("@@ ")
    assert "-    return 2" in lines and "+    return 3" in lines
    assert "1 changed" in drift.summary(LABEL)
    assert apply_diff(drift.diff, package, tmp_path / "apply") == {
        k: v.encode() for k, v in files.items()
    }


def test_missing_file(package: Path, tmp_path: Path) -> None:
    files = {**FILES, "server/new_module.py": "NEW = 1\n"}
    drift = compare(files, package, LABEL)
    assert (drift.changed, drift.missing, drift.extra) == (
        (),
        ("server/new_module.py",),
        (),
    )
    lines = drift.diff.splitlines()
    assert lines[:2] == ["--- /dev/null", f"+++ b/{LABEL}/server/new_module.py"]
    assert "+NEW = 1" in lines
    assert "1 missing" in drift.summary(LABEL)
    assert apply_diff(drift.diff, package, tmp_path / "apply") == {
        k: v.encode() for k, v in files.items()
    }


def test_extra_file(package: Path, tmp_path: Path) -> None:
    write_tree(package, {"server/stale.py": "OLD = 1\n"})
    drift = compare(FILES, package, LABEL)
    assert (drift.changed, drift.missing, drift.extra) == ((), (), ("server/stale.py",))
    lines = drift.diff.splitlines()
    assert lines[:2] == [f"--- a/{LABEL}/server/stale.py", "+++ /dev/null"]
    assert "-OLD = 1" in lines
    assert "1 extra" in drift.summary(LABEL)
    assert apply_diff(drift.diff, package, tmp_path / "apply") == {
        k: v.encode() for k, v in FILES.items()
    }


def test_changed_missing_and_extra_together_sorted(
    package: Path, tmp_path: Path
) -> None:
    write_tree(package, {"a_extra.py": "E = 1\n"})
    (package / "server" / "app.py").unlink()
    files = {**FILES, "__init__.py": "CHANGED = 1\n"}
    drift = compare(files, package, LABEL)
    assert drift.changed == ("__init__.py",)
    assert drift.missing == ("server/app.py",)
    assert drift.extra == ("a_extra.py",)
    headers = [
        line for line in drift.diff.splitlines() if line.startswith(("--- ", "+++ "))
    ]
    assert headers == [
        f"--- a/{LABEL}/__init__.py",
        f"+++ b/{LABEL}/__init__.py",
        f"--- a/{LABEL}/a_extra.py",
        "+++ /dev/null",
        "--- /dev/null",
        f"+++ b/{LABEL}/server/app.py",
    ]
    assert (
        drift.summary(LABEL)
        == f"{LABEL} is stale: 1 changed, 1 missing, 1 extra file(s)"
    )
    assert apply_diff(drift.diff, package, tmp_path / "apply") == {
        k: v.encode() for k, v in files.items()
    }


def test_missing_package_folder_reports_every_file_missing(tmp_path: Path) -> None:
    drift = compare(FILES, tmp_path / "nowhere", LABEL)
    assert drift.missing == tuple(sorted(FILES))
    assert drift.changed == () and drift.extra == ()


@pytest.mark.parametrize("name", ["py.typed", "server/empty.txt"])
def test_missing_empty_file_is_in_the_diff(package: Path, name: str) -> None:
    """`oagen check` prints only the diff on stdout: a missing file must show up in it,
    even when it is empty (the generated py.typed is)."""
    files = {**FILES, name: ""}
    (package / name).unlink(missing_ok=True)
    drift = compare(files, package, LABEL)
    assert drift.missing == (name,)
    assert f"b/{LABEL}/{name}" in drift.diff or f"{LABEL}/{name}" in drift.diff, (
        f"BUG generator/drift.py compare(): missing empty file {name!r} is reported in `missing` but the "
        f"diff is {drift.diff!r}; difflib.unified_diff([], []) yields nothing, so emit a header for it"
    )


def test_extra_empty_file_is_in_the_diff(package: Path) -> None:
    write_tree(package, {"server/leftover.py": ""})
    drift = compare(FILES, package, LABEL)
    assert drift.extra == ("server/leftover.py",)
    assert (
        f"{LABEL}/server/leftover.py" in drift.diff
    ), f"BUG generator/drift.py compare(): extra empty file is in `extra` but not in the diff {drift.diff!r}"


def test_missing_final_newline_is_marked_and_applies(
    package: Path, tmp_path: Path
) -> None:
    files = {**FILES, "server/app.py": "APP = 2"}
    drift = compare(files, package, LABEL)
    lines = drift.diff.splitlines()
    assert lines[-2:] == ["+APP = 2", "\\ No newline at end of file"]
    assert apply_diff(drift.diff, package, tmp_path / "apply") == {
        k: v.encode() for k, v in files.items()
    }


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028"])
def test_lines_split_only_at_newlines(
    package: Path, tmp_path: Path, separator: str
) -> None:
    """Form feeds are legal in Python source; only '\\n' ends a line in a diff."""
    write_tree(package, {"server/app.py": f"A = 1{separator}B = 2\nC = 3\n"})
    files = {**FILES, "server/app.py": f"A = 1{separator}B = 2\nC = 4\n"}
    drift = compare(files, package, LABEL)
    assert drift.changed == ("server/app.py",)
    assert "No newline at end of file" not in drift.diff, (
        f"BUG generator/drift.py _lines(): str.splitlines() also splits at {separator!r}, so the diff "
        f"claims a missing final newline: {drift.diff!r}; split at '\\n' only"
    )
    assert apply_diff(drift.diff, package, tmp_path / "apply") == {
        k: v.encode() for k, v in files.items()
    }


def test_tool_caches_and_bytecode_are_ignored(package: Path) -> None:
    write_tree(
        package,
        {
            "__pycache__/__init__.cpython-311.pyc": b"\x00\xff bytecode",
            "server/__pycache__/app.cpython-311.pyc": b"\x00\xff",
            "server/__pycache__/notes.txt": "anything inside __pycache__\n",
            "server/stray.pyc": b"\x00\xff",
            "legacy.pyo": b"\x00",
            ".mypy_cache/3.11/x.json": "{}",
            ".ruff_cache/content": "x",
            ".pytest_cache/v/cache": "x",
        },
    )
    drift = compare(FILES, package, LABEL)
    assert drift.clean, drift
    assert drift.diff == ""


def test_a_file_named_like_a_cache_elsewhere_is_not_ignored(package: Path) -> None:
    """Only cache folders and bytecode are ignored, not files that merely mention them."""
    write_tree(package, {"pycache_notes.py": "X = 1\n"})
    drift = compare(FILES, package, LABEL)
    assert drift.extra == ("pycache_notes.py",)


def test_non_utf8_file_is_a_binary_difference(package: Path) -> None:
    (package / "client.py").write_bytes(b"x = '\xff\xfe'\n")
    drift = compare(FILES, package, LABEL)
    assert drift.changed == ("client.py",)
    assert f"Binary file {LABEL}/client.py differs" in drift.diff.splitlines()


def test_non_utf8_extra_file_is_a_binary_difference(package: Path) -> None:
    write_tree(package, {"blob.bin": b"\x89PNG\r\n\x1a\n\xff"})
    drift = compare(FILES, package, LABEL)
    assert drift.extra == ("blob.bin",)
    assert f"Binary file {LABEL}/blob.bin differs" in drift.diff.splitlines()


def test_compare_writes_nothing(package: Path) -> None:
    before = read_tree(package)
    compare({"new.py": "X = 1\n"}, package, LABEL)
    assert read_tree(package) == before
