"""Import statements split, grouped and ordered as ruff's isort writes them.

With ruff's default isort settings (what generated code is checked with) an
aliased name gets a statement of its own: datamodel-code-generator's
`from datetime import date as date_aliased, time` becomes
`from datetime import date as date_aliased` then `from datetime import time`
(the statements of a module ordered by their first name).  The names a module
imports without an alias share one statement.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from typing import NamedTuple

from generator.naming import export_order, import_order


class Binding(NamedTuple):
    """One imported name: `import name as asname`, or with `module` (None for a
    plain `import`), `from {'.' * level}{module} import name as asname`."""

    module: str | None
    level: int
    name: str
    asname: str | None = None

    @property
    def bound(self) -> str:
        """The name the statement binds (`import a.b` binds `a`)."""
        if self.asname is not None:
            return self.asname
        return self.name.split(".")[0] if self.module is None else self.name


def bindings(node: ast.Import | ast.ImportFrom, deeper: int = 0) -> list[Binding]:
    """The names an import statement binds; a relative one `deeper` levels deeper."""
    if isinstance(node, ast.Import):
        return [Binding(None, 0, alias.name, alias.asname) for alias in node.names]
    level = node.level + deeper if node.level else 0
    return [
        Binding(node.module or "", level, alias.name, alias.asname)
        for alias in node.names
    ]


def import_block(imported: Iterable[Binding]) -> str:
    """The statements importing `imported`: sections (`__future__`, the standard
    library, third-party packages, the package itself) one blank line apart,
    without a final line break."""
    straight: set[Binding] = set()
    combined: dict[tuple[int, str], set[str]] = {}
    aliased: set[Binding] = set()
    for binding in imported:
        if binding.module is None:
            straight.add(binding)
        elif binding.asname is None:
            combined.setdefault((binding.level, binding.module), set()).add(
                binding.name
            )
        else:
            aliased.add(binding)
    statements: list[tuple[int, tuple[object, ...], str]] = [
        (
            _section(binding.name, 0),
            (0, *_module_key(binding.name), _asname_key(binding.asname)),
            f"import {_alias(binding.name, binding.asname)}",
        )
        for binding in straight
    ]
    members: list[tuple[int, str, list[tuple[str, str | None]]]] = [
        (level, module, [(name, None) for name in names])
        for (level, module), names in combined.items()
    ]
    members += [(b.level, b.module or "", [(b.name, b.asname)]) for b in aliased]
    for level, module, names in members:
        names.sort(key=_member_key)
        joined = ", ".join(_alias(name, asname) for name, asname in names)
        statements.append(
            (
                _section(module, level),
                (1, -level, *_module_key(module), _member_key(names[0])),
                f"from {'.' * level}{module} import {joined}",
            )
        )
    sections: dict[int, list[tuple[tuple[object, ...], str]]] = {}
    for section, key, text in statements:
        sections.setdefault(section, []).append((key, text))
    return "\n\n".join(
        "\n".join(text for _, text in sorted(lines, key=_first))
        for _, lines in sorted(sections.items())
    )


def _first(line: tuple[tuple[object, ...], str]) -> tuple[object, ...]:
    return line[0]


def _section(module: str, level: int) -> int:
    if level:
        return 3
    if module == "__future__":
        return 0
    return 1 if module.split(".")[0] in sys.stdlib_module_names else 2


def _module_key(module: str) -> tuple[object, ...]:
    """Case ignored first, as ruff's isort does by default."""
    return import_order(module)[1], export_order(module)[1]


def _member_key(member: tuple[str, str | None]) -> tuple[object, ...]:
    name, asname = member
    kind, natural, _ = import_order(name)
    return kind, natural, export_order(name)[1], _asname_key(asname)


def _asname_key(asname: str | None) -> tuple[object, ...]:
    return () if asname is None else (export_order(asname)[1],)


def _alias(name: str, asname: str | None) -> str:
    return name if asname is None else f"{name} as {asname}"
