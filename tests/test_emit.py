"""emit: the only writer. Exactly the given files, swapped in whole, or nothing at all."""

from __future__ import annotations

import builtins
import os
from pathlib import Path

import pytest

import generator.emit
from generator.emit import EmitError, emit

FILES = {
    "__init__.py": '"""Package."""\n\nNAME = "é ü 🙂"\n',
    "client.py": "line one\nline two\n",
    "py.typed": "",
    "server/__init__.py": "from .app import create_app\n",
    "server/deep/nested/mod.py": "X = 1\n",
    "_runtime/client.py": "# runtime\n",
}

OLD = {
    "__init__.py": "OLD = True\n",
    "client.py": "old client\n",
    "stale.py": "I should disappear\n",
    "server/stale_dir/gone.py": "gone\n",
}


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every entry under `root` (folders as None), by POSIX path, symlinks not followed."""
    found: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = b"-> " + os.readlink(path).encode()
            elif path.is_dir():
                found[key] = None
            else:
                found[key] = path.read_bytes()
    return found


def files_of(package: Path) -> dict[str, bytes]:
    return {key: value for key, value in snapshot(package).items() if value is not None}


def expected_bytes(files: dict[str, str]) -> dict[str, bytes]:
    return {path: text.encode("utf-8") for path, text in files.items()}


@pytest.fixture
def old_package(tmp_path: Path) -> Path:
    package = tmp_path / "out" / "pkg"
    emit(OLD, package)
    assert files_of(package) == expected_bytes(OLD)
    return package


def test_writes_exactly_the_given_files(tmp_path: Path) -> None:
    package = tmp_path / "out" / "pkg"
    emit(FILES, package)
    assert files_of(package) == expected_bytes(FILES)
    assert sorted(os.listdir(tmp_path / "out")) == ["pkg"]


def test_writes_utf8_with_lf_newlines_and_no_translation(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    emit({"a.py": "x = 'é'\ny = 1\n", "b.txt": "no final newline"}, package)
    assert (package / "a.py").read_bytes() == b"x = '\xc3\xa9'\ny = 1\n"
    assert b"\r" not in (package / "a.py").read_bytes()
    assert (package / "b.txt").read_bytes() == b"no final newline"


def test_output_folder_is_created_when_missing(tmp_path: Path) -> None:
    package = tmp_path / "a" / "b" / "c" / "pkg"
    emit({"x.py": "X = 1\n"}, package)
    assert files_of(package) == {"x.py": b"X = 1\n"}


def test_replaces_the_package_completely(old_package: Path) -> None:
    emit(FILES, old_package)
    assert files_of(old_package) == expected_bytes(FILES)
    assert not (old_package / "stale.py").exists()
    assert not (old_package / "server" / "stale_dir").exists()
    assert sorted(os.listdir(old_package.parent)) == [
        "pkg"
    ], "no .new/.old staging folder left behind"


def test_replacing_twice_is_stable(old_package: Path) -> None:
    emit(FILES, old_package)
    emit(FILES, old_package)
    assert files_of(old_package) == expected_bytes(FILES)
    assert sorted(os.listdir(old_package.parent)) == ["pkg"]


def test_files_beside_the_package_are_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("mine\n")
    (out / "other_pkg").mkdir()
    (out / "other_pkg" / "handlers.py").write_text("mine too\n")
    emit(OLD, out / "pkg")
    emit(FILES, out / "pkg")
    assert (out / "README.md").read_text() == "mine\n"
    assert (out / "other_pkg" / "handlers.py").read_text() == "mine too\n"
    assert sorted(os.listdir(out)) == ["README.md", "other_pkg", "pkg"]


def test_failure_while_writing_keeps_the_old_package(
    old_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(old_package.parent)
    calls = {"n": 0}
    real_open = builtins.open

    def failing_open(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real_open(*args, **kwargs)

    monkeypatch.setattr(generator.emit, "open", failing_open, raising=False)
    with pytest.raises(OSError, match="No space left"):
        emit(FILES, old_package)
    assert calls["n"] == 3, "the patched open was really used"
    assert snapshot(old_package.parent) == before


def test_interrupt_while_writing_keeps_the_old_package(
    old_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(old_package.parent)
    real_open = builtins.open
    calls = {"n": 0}

    def interrupted_open(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_open(*args, **kwargs)

    monkeypatch.setattr(generator.emit, "open", interrupted_open, raising=False)
    with pytest.raises(KeyboardInterrupt):
        emit(FILES, old_package)
    assert snapshot(old_package.parent) == before


def test_failure_in_swap_keeps_the_old_package(
    old_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(old_package.parent)

    def broken_swap(staging: Path, package_dir: Path) -> None:
        assert staging.is_dir() and staging.parent == package_dir.parent
        raise OSError("swap failed")

    monkeypatch.setattr(generator.emit, "_swap", broken_swap)
    with pytest.raises(OSError, match="swap failed"):
        emit(FILES, old_package)
    assert snapshot(old_package.parent) == before


def test_failure_of_the_final_rename_puts_the_old_package_back(
    old_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old package has already been moved aside when the new one fails to move in."""
    before = snapshot(old_package.parent)
    real_rename = Path.rename
    seen = []

    def rename(self: Path, target: str | os.PathLike[str]) -> Path:
        seen.append((Path(self).name, Path(target).name))
        if Path(target) == old_package and Path(self).name.endswith(".new"):
            raise OSError("rename failed")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError, match="rename failed"):
        emit(FILES, old_package)
    assert any(
        source == "pkg" for source, _ in seen
    ), "the old package was moved aside first"
    assert snapshot(old_package.parent) == before


@pytest.mark.parametrize(
    "bad",
    [
        "../x.py",
        "/abs.py",
        "a/../../b.py",
        "a/../b.py",
        "C:evil.py",
        "c:/evil.py",
        "a\\b.py",
        "..\\x.py",
        "",
        ".",
        "..",
    ],
)
def test_refuses_unsafe_paths_and_writes_nothing(old_package: Path, bad: str) -> None:
    before = snapshot(old_package.parent.parent)
    files = {"aaa.py": "first\n", **FILES, bad: "evil\n", "zzz.py": "last\n"}
    with pytest.raises(EmitError):
        emit(files, old_package)
    assert snapshot(old_package.parent.parent) == before
    assert files_of(old_package) == expected_bytes(OLD)


@pytest.mark.parametrize("bad", ["../x.py", "/abs.py", "C:evil.py", ""])
def test_refusal_creates_no_folder(tmp_path: Path, bad: str) -> None:
    """Nothing is written when emit refuses: not even the output folder."""
    package = tmp_path / "new_output" / "pkg"
    with pytest.raises(EmitError):
        emit({"ok.py": "X = 1\n", bad: "evil\n"}, package)
    assert not (tmp_path / "x.py").exists() and not Path("/abs.py").exists()
    assert not (tmp_path / "new_output").exists(), (
        "BUG generator/emit.py emit(): the output folder was created before the paths were "
        "checked; validate every path with safe_relative() before output.mkdir()/mkdtemp()"
    )


def test_refuses_a_symlinked_package_and_leaves_the_target_alone(
    tmp_path: Path,
) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "precious.py").write_text("keep me\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "pkg").symlink_to(target, target_is_directory=True)
    before_target = snapshot(target)
    before_out = snapshot(out)
    with pytest.raises(EmitError):
        emit(FILES, out / "pkg")
    assert snapshot(target) == before_target
    assert snapshot(out) == before_out
    assert (out / "pkg").is_symlink()


def test_refuses_a_dangling_symlink(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "pkg").symlink_to(tmp_path / "nowhere")
    with pytest.raises(EmitError):
        emit(FILES, out / "pkg")
    assert not (tmp_path / "nowhere").exists()
    assert sorted(os.listdir(out)) == ["pkg"]


def test_a_plain_file_in_the_package_place_is_refused_or_replaced_without_leftovers(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "pkg").write_text("a user's file, not a package\n")
    try:
        emit(FILES, out / "pkg")
    except EmitError:
        assert (out / "pkg").read_text() == "a user's file, not a package\n"
        assert sorted(os.listdir(out)) == ["pkg"]
        return
    assert files_of(out / "pkg") == expected_bytes(FILES)
    assert sorted(os.listdir(out)) == ["pkg"], (
        "BUG generator/emit.py _swap(): a file in the package's place is renamed to .pkg.*.old and "
        "shutil.rmtree(retired, ignore_errors=True) cannot remove a file, so it is left behind"
    )
