"""Several specs in one repository: `[[tool.oagen.targets]]`, one Config per entry.

A configuration without `targets` is one target, named after its package, so every
command loops over a list either way.  With `targets`, the top-level `[tool.oagen]`
may only hold what targets share (`output`, `templates`); everything about a spec
(the spec, its overlays, package, names...) belongs to its entry, so that no
setting silently applies to a spec it was not written for.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.config import (
    KEYS,
    Config,
    check_value,
    config_error,
    read_table,
    resolve,
)

#: Top-level keys every target inherits unless its entry sets them.
SHARED_KEYS = frozenset({"output", "templates"})
#: Keys of one `[[tool.oagen.targets]]` entry.
TARGET_KEYS = frozenset(KEYS) - {"targets"} | {"name"}
#: Flags that describe one spec: refused when several targets would run.
SINGLE_TARGET_FLAGS = ("spec", "package", "overlays", "default-server")


class UnknownTarget(Exception):
    """`--target NAME` names no target; the message lists the known ones."""


def load_targets(
    pyproject: Path | None, overrides: Mapping[str, Any], only: str | None = None
) -> list[Config]:
    """Every target (or only the one named `only`), with flag values applied."""
    settings: dict[str, Any] = read_table(pyproject) if pyproject else {}
    root = pyproject.parent if pyproject else Path.cwd()
    entries = _entries(pyproject, settings)
    if entries is None:
        config = resolve(pyproject, root, settings, overrides)
        if only is not None and only != config.target:
            raise UnknownTarget(
                f"unknown target {only!r}; the configuration has one, {config.target!r}"
            )
        return [config]
    names = [name for name, _ in entries]
    if only is not None:
        if only not in names:
            raise UnknownTarget(
                f"unknown target {only!r}; known targets: {', '.join(names)}"
            )
        entries = [entry for entry in entries if entry[0] == only]
    given = [key for key in SINGLE_TARGET_FLAGS if overrides.get(key) is not None]
    if given and len(entries) > 1:
        flags = ", ".join(f"--{key.removesuffix('s')}" for key in given)
        raise UnknownTarget(
            f"{flags} describe(s) one spec; choose a target with --target NAME "
            f"(known targets: {', '.join(names)})"
        )
    return [
        resolve(pyproject, root, table, overrides, target=name)
        for name, table in entries
    ]


def _entries(
    pyproject: Path | None, settings: Mapping[str, Any]
) -> list[tuple[str, dict[str, Any]]] | None:
    """(name, settings) of each target, shared keys filled in; None without targets."""
    raw = settings.get("targets")
    if raw is None:
        return None
    if (
        not isinstance(raw, list)
        or not raw
        or not all(isinstance(t, dict) for t in raw)
    ):
        raise config_error(
            pyproject,
            "[tool.oagen] targets must be a non-empty array of tables",
            "write one [[tool.oagen.targets]] section per spec",
        )
    stray = sorted(set(settings) - SHARED_KEYS - {"targets"})
    if stray:
        raise config_error(
            pyproject,
            f"[tool.oagen] {', '.join(stray)} cannot be set beside targets",
            "move it into each [[tool.oagen.targets]] entry; only "
            f"{', '.join(sorted(SHARED_KEYS))} are shared",
        )
    entries: list[tuple[str, dict[str, Any]]] = []
    for index, table in enumerate(raw):
        unknown = sorted(set(table) - TARGET_KEYS)
        if unknown:
            raise config_error(
                pyproject,
                f"unknown key(s) in targets[{index}]: {', '.join(unknown)}",
                f"known keys: {', '.join(sorted(TARGET_KEYS))}",
            )
        for key, value in table.items():
            check_value(pyproject, key, value, table=f"tool.oagen.targets[{index}]")
        name = str(table.get("name") or table.get("package") or "")
        if not name:
            raise config_error(
                pyproject,
                f"targets[{index}] has neither a name nor a package",
                'give it name = "..." (what --target selects)',
            )
        if name in (known for known, _ in entries):
            raise config_error(
                pyproject,
                f"two targets are named {name!r}",
                "give each [[tool.oagen.targets]] entry a name of its own",
            )
        merged = {key: settings[key] for key in SHARED_KEYS if key in settings}
        merged.update((k, v) for k, v in table.items() if k != "name")
        entries.append((name, merged))
    return entries
