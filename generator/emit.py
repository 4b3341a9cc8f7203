"""The only code that writes: put a built package in place, all at once.

Files are written into a fresh folder beside the package, then swapped in with
renames, so an interrupted run leaves the old package untouched and a finished
one leaves no stale file behind.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath


class EmitError(Exception):
    """The output folder cannot be written safely."""


def safe_relative(path: str) -> PurePosixPath:
    """A generated file's path, refused if it could land outside the package."""
    relative = PurePosixPath(path)
    if (
        relative.is_absolute()
        or not relative.parts
        or any(part in ("", ".", "..") for part in relative.parts)
    ):
        raise EmitError(
            f"refusing to write {path!r}: not a plain path inside the package"
        )
    if any(":" in part or "\\" in part for part in relative.parts):
        raise EmitError(
            f"refusing to write {path!r}: drive letters and backslashes are not allowed"
        )
    return relative


def emit(files: Mapping[str, str], package_dir: Path) -> None:
    """Replace `package_dir` with exactly `files`."""
    output = package_dir.parent
    relative = {
        path: safe_relative(path) for path in sorted(files)
    }  # refuse before touching disk
    if package_dir.is_symlink():
        raise EmitError(
            f"{package_dir} is a symbolic link; refusing to write through it"
        )
    if package_dir.exists() and not package_dir.is_dir():
        raise EmitError(f"{package_dir} exists and is not a folder; move it away first")
    output.mkdir(parents=True, exist_ok=True)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{package_dir.name}.", suffix=".new", dir=output)
    )
    try:
        for path, parts in relative.items():
            target = staging.joinpath(*parts.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(files[path])
        _swap(staging, package_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, package_dir: Path) -> None:
    if not package_dir.exists():
        staging.rename(package_dir)
        return
    retired = Path(
        tempfile.mkdtemp(
            prefix=f".{package_dir.name}.", suffix=".old", dir=package_dir.parent
        )
    )
    retired.rmdir()
    package_dir.rename(retired)
    try:
        staging.rename(package_dir)
    except BaseException:
        retired.rename(package_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)
