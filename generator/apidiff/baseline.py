"""The spec as it was at git HEAD, for `oagen generate` to say what changed since.

`generate` writes nothing extra to remember the spec it last ran on; git already
has it.  When the spec's folder differs from HEAD (`git diff --quiet`, so the usual
run with an unchanged spec costs two quick git calls), the folder's YAML/JSON files
are read from HEAD into a temporary folder and loaded like any spec.  Anything that
stands in the way (no git, no repository, no HEAD, an untracked spec, a file HEAD
cannot give, a spec that does not load) means there is nothing to compare: no output,
never an error, since the summary is a courtesy and `generate` has already succeeded.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path, PurePosixPath
from typing import Final

from generator.apidiff.compare import diff
from generator.apidiff.rules import Change
from generator.errors import DiagnosticError
from generator.load import MAX_FILE_BYTES, load_spec

__all__ = ["changes_since_head"]

_SUFFIXES: Final = frozenset({".yaml", ".yml", ".json"})
#: Beyond this many spec files under the folder, skip rather than copy them all.
_MAX_FILES: Final = 2000
_TIMEOUT: Final = 20.0


class _Skip(Exception):
    """There is nothing at HEAD to compare with."""


def changes_since_head(
    spec_path: Path, overlays: tuple[Path, ...] = ()
) -> list[Change] | None:
    """Changes from the spec at HEAD to the one on disk, each with its `overlays`
    applied (as they were at HEAD, and as they are now); None when there is no such
    earlier spec (or it is the same).  Overlays must sit in the spec's folder tree,
    which is what HEAD is read from; with one elsewhere there is no comparison."""
    try:
        return _changes(spec_path.resolve(), tuple(p.resolve() for p in overlays))
    except (_Skip, DiagnosticError, OSError, ValueError, subprocess.SubprocessError):
        return None


def _changes(spec: Path, overlays: tuple[Path, ...]) -> list[Change]:
    folder = spec.parent
    if not all(overlay.is_relative_to(folder) for overlay in overlays):
        raise _Skip  # HEAD is read from the spec's folder only
    top = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    relative = folder.relative_to(top).as_posix()
    status = _run(top, "diff", "--quiet", "--no-ext-diff", "HEAD", "--", relative)
    if status.returncode == 0:
        raise _Skip  # unchanged (or untracked: git diff does not see those)
    if status.returncode != 1:
        raise _Skip  # no HEAD yet, or git failed
    blobs = _spec_blobs(top, relative)
    root = (PurePosixPath(relative) / spec.name).as_posix().removeprefix("./")
    if root not in blobs:
        raise _Skip  # the spec file is new since HEAD
    with tempfile.TemporaryDirectory(prefix="oagen-head-") as scratch:
        contents = _read_blobs(top, list(blobs.values()))
        for path, object_id in blobs.items():
            target = Path(scratch, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(contents[object_id])
        head_folder = Path(scratch, root).parent
        old = load_spec(
            Path(scratch, root),
            tuple(head_folder / overlay.relative_to(folder) for overlay in overlays),
        )
        return diff(old, load_spec(spec, overlays))


def _spec_blobs(top: Path, relative: str) -> dict[str, str]:
    """YAML/JSON files under the folder at HEAD: path (from the top) -> object id."""
    listing = _git(top, "ls-tree", "-r", "-z", "-l", "HEAD", "--", relative)
    blobs: dict[str, str] = {}
    total = 0
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, object_id, size = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if (
            kind != b"blob"
            or mode == b"120000"
            or PurePosixPath(path).suffix not in _SUFFIXES
        ):
            continue  # symlinks could lead anywhere; other files cannot be spec files
        total += int(size)
        if len(blobs) >= _MAX_FILES or total > MAX_FILE_BYTES:
            raise _Skip
        blobs[path] = object_id.decode()
    return blobs


def _read_blobs(top: Path, object_ids: list[str]) -> dict[str, bytes]:
    """Contents of git objects, in one `git cat-file --batch`."""
    done = subprocess.run(
        ["git", "-C", str(top), "cat-file", "--batch"],
        input="".join(f"{oid}\n" for oid in object_ids).encode(),
        capture_output=True,
        timeout=_TIMEOUT,
        env=_environment(),
        check=True,
    )
    contents: dict[str, bytes] = {}
    output, at = done.stdout, 0
    for _ in object_ids:
        header_end = output.index(b"\n", at)
        header = output[at:header_end].split()
        if len(header) != 3:
            raise _Skip
        size = int(header[2])
        contents[header[0].decode()] = output[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1
    return contents


def _git(cwd: Path, *args: str) -> bytes:
    done = _run(cwd, *args)
    if done.returncode != 0:
        raise _Skip
    return done.stdout


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: PLW1510 (callers read the status)
        ["git", "-C", str(cwd), *args],
        capture_output=True,
        timeout=_TIMEOUT,
        env=_environment(),
    )


def _environment() -> dict[str, str]:
    """Never take git's index lock, never prompt, never page; paths are not globs."""
    return {
        **os.environ,
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_LITERAL_PATHSPECS": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_PAGER": "cat",
    }
