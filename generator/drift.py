"""Compare a build in memory with the package on disk; write nothing."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: Files that tools create beside generated code and that are not drift.
_IGNORED_DIRS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
_IGNORED_SUFFIXES = (".pyc", ".pyo")


@dataclass(frozen=True)
class Drift:
    changed: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    diff: str

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.extra)

    def summary(self, package_label: str) -> str:
        if self.clean:
            return f"{package_label} is up to date"
        parts = [
            f"{len(self.changed)} changed" if self.changed else "",
            f"{len(self.missing)} missing" if self.missing else "",
            f"{len(self.extra)} extra" if self.extra else "",
        ]
        return f"{package_label} is stale: {', '.join(p for p in parts if p)} file(s)"


def on_disk(package_dir: Path) -> dict[str, bytes]:
    """Every file of the package on disk, by POSIX path, tool caches left out."""
    if not package_dir.is_dir():
        return {}
    found = {}
    for path in sorted(package_dir.rglob("*")):
        relative = path.relative_to(package_dir)
        if any(part in _IGNORED_DIRS for part in relative.parts) or path.name.endswith(
            _IGNORED_SUFFIXES
        ):
            continue
        if path.is_file():
            found[relative.as_posix()] = path.read_bytes()
    return found


def compare(files: Mapping[str, str], package_dir: Path, label: str) -> Drift:
    """What differs between `files` and `package_dir`, as a unified diff under `label/`."""
    existing = on_disk(package_dir)
    expected = {path: text.encode("utf-8") for path, text in files.items()}
    changed = tuple(
        sorted(p for p in expected if p in existing and existing[p] != expected[p])
    )
    missing = tuple(sorted(p for p in expected if p not in existing))
    extra = tuple(sorted(p for p in existing if p not in expected))
    chunks = []
    for path in sorted({*changed, *missing, *extra}):
        before = _lines(existing.get(path))
        after = _lines(expected.get(path))
        if before is None or after is None:
            chunks.append(f"Binary file {label}/{path} differs\n")
            continue
        fromfile = f"a/{label}/{path}" if path in existing else "/dev/null"
        tofile = f"b/{label}/{path}" if path in expected else "/dev/null"
        hunks = list(
            difflib.unified_diff(before, after, fromfile=fromfile, tofile=tofile)
        )
        chunks.extend(
            hunks or [f"--- {fromfile}\n", f"+++ {tofile}\n"]
        )  # an empty file has no hunk
    return Drift(changed, missing, extra, "".join(_newline_terminated(chunks)))


def _lines(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # Only "\n" ends a line: str.splitlines would also split at form feeds and U+2028.
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _newline_terminated(chunks: list[str]) -> list[str]:
    return [
        chunk if chunk.endswith("\n") else chunk + "\n\\ No newline at end of file\n"
        for chunk in chunks
    ]
