"""`<package>/_oagen_manifest.json`: what produced the package, and each file's sha256.

It is one of the build's files, written atomically with the rest, and deterministic
(sorted keys, no time, no absolute path), so regenerating gives it byte for byte.
`oagen check` trusts it to skip a regeneration; `oagen verify` reads it to find hand
edits and a stale spec.  The manifest does not list itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.stamp import Inputs, Vendoring, stamp

#: The manifest's path inside the package; emit knows it as oagen's own file.
MANIFEST_NAME = "_oagen_manifest.json"
#: Bumped when the layout changes; another format is read as "no manifest".
FORMAT = 1
#: Tool caches beside the generated files: never hand edits.
_IGNORED_DIRS = frozenset(
    {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
)
_IGNORED_SUFFIXES = (".pyc", ".pyo")


@dataclass(frozen=True)
class Manifest:
    inputs: Inputs
    files: dict[str, str]
    stamp: str

    @property
    def vendor(self) -> Vendoring | None:
        recorded = self.inputs["config"].get("vendor")
        if not isinstance(recorded, dict):
            return None
        return Vendoring(str(recorded.get("into")), recorded.get("only"))

    @property
    def spec_names(self) -> list[str]:
        return sorted(self.inputs["spec"]["files"])

    def render(self) -> str:
        return render(self.inputs, self.files)


@dataclass(frozen=True)
class HandEdits:
    """Files whose bytes are not what the manifest recorded."""

    changed: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.changed or self.missing or self.extra)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render(inputs: Inputs, file_hashes: Mapping[str, str]) -> str:
    document = {
        "files": dict(sorted(file_hashes.items())),
        "format": FORMAT,
        "generator": "oagen",
        "inputs": inputs,
        "stamp": stamp(inputs),
    }
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def add_manifest(files: Mapping[str, str], inputs: Inputs) -> dict[str, str]:
    """`files` plus their manifest."""
    hashes = {path: sha256_text(text) for path, text in files.items()}
    return {**files, MANIFEST_NAME: render(inputs, hashes)}


def read(package_dir: Path) -> Manifest | None:
    """The package's manifest, or None when there is none or it is not one oagen wrote."""
    try:
        document = json.loads((package_dir / MANIFEST_NAME).read_bytes())
    except (OSError, ValueError):
        return None
    if not (
        isinstance(document, dict)
        and document.get("generator") == "oagen"
        and document.get("format") == FORMAT
        and isinstance(document.get("inputs"), dict)
        and isinstance(document["inputs"].get("config"), dict)
        and isinstance(document["inputs"].get("spec"), dict)
        and isinstance(document["inputs"]["spec"].get("files"), dict)
        and isinstance(document.get("files"), dict)
        and all(
            isinstance(k, str) and isinstance(v, str)
            for k, v in document["files"].items()
        )
        and isinstance(document.get("stamp"), str)
    ):
        return None
    return Manifest(document["inputs"], document["files"], document["stamp"])


def hand_edits(package_dir: Path, manifest: Manifest) -> HandEdits:
    """Compare the files on disk with the hashes the manifest recorded."""
    on_disk = {}
    for path in package_dir.rglob("*"):
        relative = path.relative_to(package_dir)
        if (
            _IGNORED_DIRS.intersection(relative.parts)
            or path.suffix in _IGNORED_SUFFIXES
            or not path.is_file()
        ):
            continue
        on_disk[relative.as_posix()] = path
    on_disk.pop(MANIFEST_NAME, None)
    changed = []
    for name, path in on_disk.items():
        recorded = manifest.files.get(name)
        if recorded is not None and hashlib.sha256(path.read_bytes()).hexdigest() != (
            recorded
        ):
            changed.append(name)
    return HandEdits(
        tuple(sorted(changed)),
        tuple(sorted(set(manifest.files) - set(on_disk))),
        tuple(sorted(set(on_disk) - set(manifest.files))),
    )
