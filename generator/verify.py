"""`oagen verify DIR`: hand edits in a generated or vendored package, and a stale spec.

Hand edits are files whose bytes differ from the manifest's sha256 (or that are
missing or extra).  Staleness is about the spec only: the spec and every file it
`$ref`d, and the overlays, re-hashed against what the manifest recorded.  A newer
oagen is mentioned, not failed on: the copy is still what the spec says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import generator
from generator import manifest
from generator.manifest import HandEdits, Manifest
from generator.stamp import sha256_file


class VerifyError(Exception):
    """DIR is not a package oagen wrote (no manifest): a usage error."""


@dataclass(frozen=True)
class Verification:
    package_dir: Path
    manifest: Manifest
    edits: HandEdits
    #: Spec inputs that changed since the package was made; None when not checked.
    stale: tuple[str, ...] | None
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.edits and not self.stale


def find_package(folder: Path) -> Path:
    """`folder` itself when it holds a manifest, else its one child that does."""
    if (folder / manifest.MANIFEST_NAME).is_file():
        return folder
    children = (
        sorted(p.parent for p in folder.glob(f"*/{manifest.MANIFEST_NAME}"))
        if folder.is_dir()
        else []
    )
    if len(children) == 1:
        return children[0]
    if not children:
        raise VerifyError(
            f"{folder} is not a package oagen wrote: no {manifest.MANIFEST_NAME} in it"
        )
    names = ", ".join(child.name for child in children)
    raise VerifyError(f"{folder} holds several oagen packages ({names}); name one")


def verify(package_dir: Path, spec: Path | None, root: Path) -> Verification:
    """Check `package_dir` against its manifest and, when `spec` is given, the spec.

    Overlays are looked up as recorded, relative to `root` (the project folder).
    """
    found = manifest.read(package_dir)
    if found is None:
        raise VerifyError(
            f"{package_dir / manifest.MANIFEST_NAME} is missing or not an oagen manifest"
        )
    notes = []
    version = found.inputs.get("generator", {}).get("version")
    if version != generator.__version__:
        notes.append(
            f"made by oagen {version}; this is oagen {generator.__version__}, "
            "so updating it may change more than the spec does"
        )
    stale = None if spec is None else _stale_inputs(found, spec, root)
    fetched = found.inputs.get("spec", {}).get("remote") or {}
    if fetched and spec is not None:
        notes.append(
            f"the spec's {len(fetched)} remote $ref document(s) were not checked: "
            "verify does not fetch; `oagen check --allow-remote-refs` does"
        )
    return Verification(
        package_dir, found, manifest.hand_edits(package_dir, found), stale, tuple(notes)
    )


def _stale_inputs(found: Manifest, spec: Path, root: Path) -> tuple[str, ...]:
    recorded_spec = found.inputs["spec"]
    root_name = recorded_spec.get("root")
    folder = spec.resolve().parent
    stale = []
    for name, recorded in sorted(recorded_spec["files"].items()):
        current = sha256_file(spec if name == root_name else folder / name)
        if current is None:
            stale.append(f"spec file {name} is missing")
        elif current != recorded:
            stale.append(f"spec file {name} changed")
    for overlay in found.inputs.get("overlays") or []:
        path = overlay.get("path")
        current = sha256_file(root / str(path))
        if current != overlay.get("sha256"):
            stale.append(
                f"overlay {path} {'is missing' if current is None else 'changed'}"
            )
    return tuple(stale)


def render(result: Verification, label: str) -> str:
    """The report: one line per problem, then a verdict."""
    lines = [f"{label}: hand edit: {name} was changed" for name in result.edits.changed]
    lines += [
        f"{label}: hand edit: {name} was deleted" for name in result.edits.missing
    ]
    lines += [f"{label}: hand edit: {name} was added" for name in result.edits.extra]
    lines += [f"{label}: stale: {reason}" for reason in result.stale or ()]
    lines += [f"{label}: note: {note}" for note in result.notes]
    if result.stale is None:
        lines.append(f"{label}: note: the spec was not checked (pass --spec)")
    problems = []
    if result.edits:
        count = (
            len(result.edits.changed)
            + len(result.edits.missing)
            + len(result.edits.extra)
        )
        problems.append(f"{count} hand-edited file(s)")
    if result.stale:
        problems.append("stale against the spec")
    verdict = (
        f"{label}: " + " and ".join(problems)
        if problems
        else f"{label}: {len(result.manifest.files)} files as generated"
        + ("" if result.stale is None else ", up to date with the spec")
    )
    return "\n".join([*lines, verdict]) + "\n"
