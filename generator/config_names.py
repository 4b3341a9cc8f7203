"""`[tool.oagen.names]`: Python names chosen in the configuration instead of the spec.

Each entry becomes an `x-oagen-name` on its node of the (in-memory) root document,
right after the overlays, so validation and lowering treat it exactly like one
written in the spec: the same checks (OAG042 collisions, OAG043 unusable names) and
the same naming code.  Only the place differs: a diagnostic about a name the
configuration wrote points at its line of pyproject.toml.

A key is a JSON pointer into the root document (`#/paths/~1pets/get`, a parameter,
a property schema), an `operationId`, or the name of a schema under
`components/schemas`.  Wire names never change.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator.config import config_error
from generator.errors import Location
from generator.load import (
    HTTP_METHODS,
    Spec,
    SpecFile,
    join_pointer,
    pointer_tokens,
)
from generator.naming import NAME_OVERRIDE

__all__ = ["NamedFile", "apply_names"]


@dataclass(frozen=True, eq=False)
class NamedFile(SpecFile):
    """The root document with the configured names written in; those names are
    located in pyproject.toml, everything else where the base file has it."""

    base: SpecFile | None = field(default=None, repr=False)
    written: Mapping[str, Location] = field(default_factory=dict, repr=False)

    def location(self, pointer: str) -> Location:
        if pointer in self.written:
            return self.written[pointer]
        assert self.base is not None
        return self.base.location(pointer)


def apply_names(spec: Spec, names: Mapping[str, str], pyproject: Path | None) -> Spec:
    """`spec` with each configured name written as an `x-oagen-name`; OAG101 for a
    key that names nothing (or two things)."""
    if not names:
        return spec
    root = spec.root
    lines = _lines(pyproject)
    data: Any = root.data
    written: dict[str, Location] = {}
    for key, value in names.items():
        pointer = _target(root.data, key, pyproject)
        data = _with(data, pointer_tokens(pointer), value)
        where = Location(
            pyproject.name if pyproject else "[tool.oagen.names]",
            lines.get(key),
            None,
            join_pointer(pointer, NAME_OVERRIDE),
        )
        written[where.pointer] = where
    canonical = json.dumps(dict(sorted(names.items())), separators=(",", ":"))
    named = NamedFile(
        path=root.path,
        display=root.display,
        data=data,
        sha256=hashlib.sha256(f"{root.sha256}\n{canonical}".encode()).hexdigest(),
        text=root.text,
        refs=root.refs,
        base=root,
        written=MappingProxyType(written),
    )
    assert root.path is not None  # the root is a local file, never fetched
    files: dict[Path, SpecFile] = {**spec.files, root.path: named}
    return replace(spec, root=named, files=MappingProxyType(files))


def _target(data: Any, key: str, pyproject: Path | None) -> str:
    """The pointer of the node a key names."""
    if key.startswith("#/"):
        pointer = key[1:]
        if not isinstance(_node(data, pointer), Mapping):
            raise config_error(
                pyproject,
                f"[tool.oagen.names] {key!r} points at no object of the spec",
                "point at an operation, a schema, a parameter or a property schema "
                "of the root document, e.g. '#/paths/~1pets/get'",
            )
        return pointer
    found = _operations(data).get(key, [])
    schemas = (data.get("components") or {}).get("schemas") or {}
    if isinstance(schemas, Mapping) and key in schemas:
        found.append(join_pointer("/components/schemas", key))
    if len(found) == 1:
        return found[0]
    why = "names no operationId or schema" if not found else "is ambiguous"
    raise config_error(
        pyproject,
        f"[tool.oagen.names] {key!r} {why}",
        "use an operationId, a name under components/schemas, or a JSON pointer "
        "such as '#/components/schemas/Pet'",
    )


def _operations(data: Any) -> dict[str, list[str]]:
    """operationId -> pointers of the operations of the root document's paths."""
    found: dict[str, list[str]] = {}
    paths = data.get("paths") if isinstance(data, Mapping) else None
    for path, item in (paths if isinstance(paths, Mapping) else {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, Mapping) else None
            if isinstance(operation, Mapping) and "operationId" in operation:
                found.setdefault(str(operation["operationId"]), []).append(
                    join_pointer("/paths", path, method)
                )
    return found


def _node(data: Any, pointer: str) -> Any:
    try:
        tokens = pointer_tokens(pointer)
    except ValueError:
        return None
    for token in tokens:
        if isinstance(data, Mapping) and token in data:
            data = data[token]
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return None
    return data


def _with(data: Any, tokens: list[str], value: str) -> Any:
    """A copy of `data` (copied along the path only) with `x-oagen-name` set at `tokens`."""
    if not tokens:
        return {**data, NAME_OVERRIDE: value}
    head, rest = tokens[0], tokens[1:]
    if isinstance(data, list):
        copy = list(data)
        copy[int(head)] = _with(data[int(head)], rest, value)
        return copy
    return {**data, head: _with(data[head], rest, value)}


def _lines(pyproject: Path | None) -> dict[str, int]:
    """The line of each `key = ...` under a `[...names]` header of pyproject.toml."""
    if pyproject is None:
        return {}
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    found: dict[str, int] = {}
    entry = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("["):
            section = line.strip()
            continue
        match = entry.match(line)
        if match and section.endswith("names]"):
            found.setdefault(next(g for g in match.groups() if g is not None), number)
    return found
