"""`--only client|models|server`: which files of a build a partial package keeps.

Each part keeps its own modules and the models; the runtime modules kept are
exactly those the kept files import (followed through relative imports), so a
models-only copy carries `_runtime/serialization.py` and nothing that needs httpx.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import PurePosixPath

#: The parts `--only` accepts, with the files each keeps before the runtime is added.
PARTS: Mapping[str, tuple[str, ...]] = {
    "client": ("client.py", "errors.py", "resources/"),
    "models": (),
    "server": ("server/",),
}
#: Files every part keeps (`models/` is the models package of a large API).
_ALWAYS = ("__init__.py", "models.py", "py.typed")
_ALWAYS_FOLDERS = ("models/",)


class SelectionError(Exception):
    """A kept file imports one the part leaves out: a template bug."""


def parts_of(only: str | None) -> frozenset[str]:
    """What the package contains: every part, or `only` and the models it needs."""
    return frozenset(PARTS) if only is None else frozenset({only, "models"})


def select(files: Mapping[str, str], only: str | None) -> dict[str, str]:
    """The files of `only` (all of them for None) plus the runtime modules they import."""
    if only is None:
        return dict(files)
    if only not in PARTS:
        raise ValueError(f"unknown part {only!r}; choose from {', '.join(PARTS)}")
    prefixes = PARTS[only]
    kept = {
        path
        for path in files
        if path in _ALWAYS
        or any(path.startswith(prefix) for prefix in (*prefixes, *_ALWAYS_FOLDERS))
    }
    pending = sorted(kept)
    while pending:
        path = pending.pop()
        if not path.endswith(".py"):
            continue
        for target in _relative_imports(path, files[path], files):
            if target in kept:
                continue
            if not target.startswith("_runtime/"):
                raise SelectionError(
                    f"{path} imports {target}, which --only {only} leaves out"
                )
            kept.add(target)
            pending.append(target)
    if any(path.startswith("_runtime/") for path in kept):
        kept.add("_runtime/__init__.py")
    return {path: files[path] for path in sorted(kept)}


def _relative_imports(path: str, source: str, files: Mapping[str, str]) -> list[str]:
    """The package files that `path` imports with relative imports."""
    package = PurePosixPath(path).parent.parts
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        base = list(package[: len(package) - (node.level - 1)])
        module = [*base, *(node.module.split(".") if node.module else [])]
        candidates = [module] + [[*module, alias.name] for alias in node.names]
        for parts in candidates:
            for name in ("/".join(parts) + ".py", "/".join([*parts, "__init__.py"])):
                if name in files:
                    found.append(name)
                    break
    return found
