"""How `oagen check` shows its result: a coloured diff for people, JSON for tools."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # the fast path prints JSON without paying for difflib
    from generator.drift import Drift

_RESET = "\033[0m"
_STYLES = (
    ("+++ ", "\033[1m"),
    ("--- ", "\033[1m"),
    ("@@", "\033[36m"),
    ("+", "\033[32m"),
    ("-", "\033[31m"),
)


def wants_colour(stream: TextIO) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def colour(diff: str) -> str:
    """The unified diff with ANSI colours: headers bold, hunks cyan, lines red/green."""
    out = []
    for line in diff.splitlines(keepends=True):
        style = next((s for prefix, s in _STYLES if line.startswith(prefix)), None)
        if style is None:
            out.append(line)
        else:
            body = line.rstrip("\n")
            out.append(f"{style}{body}{_RESET}{line[len(body):]}")
    return "".join(out)


def as_json(drift: Drift | None, *, fast_path: bool, package: str, reason: str) -> str:
    """One JSON object: `added`/`removed` are what regenerating would add or remove.

    `drift` is None when the fast path vouched for the package (nothing to compare).
    """
    document = {
        "status": "clean" if drift is None or drift.clean else "drift",
        "package": package,
        "fast_path": fast_path,
        "fast_path_miss": reason or None,
        "changed": list(drift.changed) if drift else [],
        "added": list(drift.missing) if drift else [],
        "removed": list(drift.extra) if drift else [],
        "diff": drift.diff if drift else "",
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
