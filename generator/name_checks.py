"""Names the generated code could not keep apart, found before anything is generated.

Two operationIds such as ``get-pet`` and ``getPet``, or two properties ``a-b`` and
``a_b`` of one object, become the same Python name.  Numbering one of them
(``get_pet_2``) would compile, but nobody reading the client could tell which is
which, so both places are reported (OAG042) with the way out: rename one, or give a
parameter or property an ``x-oagen-name``.  An ``x-oagen-name`` that is not a usable
name is reported too (OAG043).  Names are computed by the same functions lowering
uses (`generator.naming`), so the check and the output cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from generator.errors import Diagnostic, Location
from generator.load import SpecFile, join_pointer, parameter_key
from generator.naming import (
    CLASS_RESERVED,
    ENUM_NAMES,
    FIELD_RESERVED,
    METHOD_RESERVED,
    NAME_OVERRIDE,
    Identifier,
    chosen_class_name,
    chosen_members,
    chosen_name,
    pascal,
    snake,
    wire_identifier,
)

__all__ = [
    "Named",
    "clashes",
    "duplicate_parameters",
    "enum_member_names",
    "operation_name",
    "operation_named",
    "override_problems",
    "parameter_names",
    "property_clashes",
    "schema_names",
]

_MAX_MESSAGE: Final = 200
_OVERRIDE_HINT: Final = (
    f"give one of them an '{NAME_OVERRIDE}: <python_name>' (or rename it in the spec)"
)

#: A parameter as found: its file, pointer and (dereferenced) object.
Param = tuple[SpecFile, str, Mapping[str, Any]]


@dataclass(frozen=True)
class Named:
    """Something that gets a Python name: how to call it, where it is, the name."""

    label: str
    raw: str
    file: SpecFile
    pointer: str
    name: Identifier


def operation_name(
    operation_id: str | None,
    method: str,
    path: str,
    operation: Mapping[str, Any] | None = None,
) -> Identifier:
    """The method name lowering gives an operation (before numbering): its
    `x-oagen-name` when usable, else its operationId (or method and path)."""
    chosen = chosen_name((operation or {}).get(NAME_OVERRIDE), METHOD_RESERVED)
    return chosen or snake(operation_id or f"{method} {path}", fallback="operation")


def operation_named(
    operation: Mapping[str, Any], method: str, path: str, file: SpecFile, pointer: str
) -> tuple[Named, list[Diagnostic]]:
    """An operation as a `Named` (placed at its override when it has one, else at
    its operationId) and the OAG043 of an unusable override."""
    raw_id = operation.get("operationId")
    label = raw_id if isinstance(raw_id, str) else None
    at = (
        join_pointer(pointer, NAME_OVERRIDE)
        if NAME_OVERRIDE in operation
        else join_pointer(pointer, "operationId") if label else pointer
    )
    named = Named(
        f"operationId {label!r}" if label else f"{method.upper()} {path}",
        label or f"{method} {path}",
        file,
        at,
        operation_name(label, method, path, operation),
    )
    return named, override_problems(operation, file, pointer, METHOD_RESERVED)


def clashes(items: Iterable[Named], kind: str, hint: str) -> list[Diagnostic]:
    """OAG042 for every item whose Python name another item with a different raw
    text also gets; each names the other place.  Equal raw texts are left to the
    checks for duplicates (OAG030, OAG036)."""
    groups: dict[str, list[Named]] = {}
    for item in items:
        groups.setdefault(item.name, []).append(item)
    found = []
    for name, group in groups.items():
        if len({item.raw for item in group}) < 2:
            continue
        for item in group:
            other = next(o for o in group if o.raw != item.raw)
            where = other.file.location(other.pointer)
            message = (
                f"{item.label} and {other.label} at {where.position} "
                f"both become the Python {kind} {name!r}"
            )
            found.append(
                Diagnostic(
                    "error",
                    "OAG042",
                    _cap(message),
                    item.file.location(item.pointer),
                    hint,
                )
            )
    return found


def duplicate_parameters(params: Sequence[Param]) -> list[Diagnostic]:
    """OAG036 for a parameter that one list declares twice (same name and location;
    a header's name in any case), naming the other declaration."""
    groups: dict[tuple[str, str], list[Param]] = {}
    for entry in params:
        groups.setdefault(parameter_key(entry[2]), []).append(entry)
    found = []
    for (_, location), group in groups.items():
        for index, (file, pointer, param) in enumerate(group if len(group) > 1 else ()):
            other_file, other_pointer, other = group[1 if index == 0 else 0]
            where = other_file.location(other_pointer)
            name, other_name = str(param.get("name")), str(other.get("name"))
            same = (
                f"the same header as {other_name!r} (header names ignore case)"
                if name != other_name
                else "declared again"
            )
            found.append(
                Diagnostic(
                    "error",
                    "OAG036",
                    _cap(
                        f"{location} parameter {name!r} is {same} at {where.position}"
                    ),
                    file.location(pointer),
                    "remove one of the two: a parameter list may name each "
                    "parameter once (an operation's own list may override the "
                    "path's)",
                )
            )
    return found


def parameter_names(params: Iterable[Param]) -> list[Diagnostic]:
    """OAG042/OAG043 for the parameters one operation takes (path level and its own,
    already merged): two that become the same argument, or an unusable override."""
    found: list[Diagnostic] = []
    named = []
    for file, pointer, param in params:
        wire = str(param.get("name"))
        found += override_problems(param, file, pointer, METHOD_RESERVED)
        named.append(
            Named(
                f"{param.get('in')} parameter {wire!r}",
                f"{param.get('in')}\0{wire}",
                file,
                pointer,
                wire_identifier(wire, param, scope=METHOD_RESERVED),
            )
        )
    return found + clashes(named, "argument", _OVERRIDE_HINT)


def property_clashes(
    properties: Mapping[str, Any], file: SpecFile, pointer: str
) -> list[Diagnostic]:
    """OAG042/OAG043 for the properties of one object schema (at ``pointer``)."""
    found: list[Diagnostic] = []
    named = []
    for wire, schema in properties.items():
        at = join_pointer(pointer, "properties", str(wire))
        entry = schema if isinstance(schema, Mapping) else {}
        found += override_problems(entry, file, at, FIELD_RESERVED)
        name = wire_identifier(
            str(wire), entry, scope=FIELD_RESERVED, reserved=FIELD_RESERVED
        )
        named.append(Named(f"property {wire!r}", str(wire), file, at, name))
    return found + clashes(named, "field", _OVERRIDE_HINT)


def override_problems(
    entry: Mapping[str, Any], file: SpecFile, pointer: str, scope: frozenset[str]
) -> list[Diagnostic]:
    """OAG043 for an `x-oagen-name` (snake_case) that is not a usable name."""
    if NAME_OVERRIDE not in entry:
        return []
    value = entry[NAME_OVERRIDE]
    if chosen_name(value, scope) is not None:
        return []
    return [
        _unusable(
            value,
            scope,
            "lower-case Python identifier",
            file.location(join_pointer(pointer, NAME_OVERRIDE)),
            "use a snake_case name that is neither a Python keyword nor one the "
            "generated code uses (such as model_dump or timeout), e.g. 'page_size'",
        )
    ]


def schema_names(
    schemas: Mapping[str, Any], file: SpecFile, pointer: str
) -> list[Diagnostic]:
    """OAG043 for an unusable class name override on a component schema, and OAG042
    for two schemas (one of them renamed) that would become the same class."""
    found: list[Diagnostic] = []
    named = []
    for key, schema in schemas.items():
        at = join_pointer(pointer, str(key))
        entry = schema if isinstance(schema, Mapping) else {}
        chosen = chosen_class_name(entry.get(NAME_OVERRIDE), CLASS_RESERVED)
        if NAME_OVERRIDE in entry and chosen is None:
            found.append(
                _unusable(
                    entry[NAME_OVERRIDE],
                    CLASS_RESERVED,
                    "PascalCase Python class name",
                    file.location(join_pointer(at, NAME_OVERRIDE)),
                    "use a PascalCase name that no builtin or generated module uses, "
                    "e.g. 'SeatEventPage'",
                )
            )
        if chosen is not None:
            at = join_pointer(at, NAME_OVERRIDE)
        name = Identifier(chosen or pascal(str(key)))
        named.append(
            (NAME_OVERRIDE in entry, Named(f"schema {key!r}", str(key), file, at, name))
        )
    renamed = {item.name for overridden, item in named if overridden}
    return found + clashes(
        [item for _, item in named if item.name in renamed],
        "class",
        f"choose another '{NAME_OVERRIDE}' for the renamed schema",
    )


def enum_member_names(
    schema: Mapping[str, Any], file: SpecFile, pointer: str
) -> list[Diagnostic]:
    """OAG043 for an `x-enum-varnames` that does not name every value once."""
    if ENUM_NAMES not in schema:
        return []
    values, enum = schema[ENUM_NAMES], schema.get("enum")
    members = chosen_members(values, enum)
    at = file.location(join_pointer(pointer, ENUM_NAMES))
    if members is None:
        return [
            Diagnostic(
                "error",
                "OAG043",
                _cap(f"{ENUM_NAMES} {values!r} does not name each enum value"),
                at,
                "give one Python identifier per enum value, in the enum's order, "
                "none a keyword or starting with '_', e.g. [ACTIVE, CANCELLED]",
            )
        ]
    seen: dict[str, int] = {}
    found = []
    for index, member in enumerate(members):
        if member in seen:
            found.append(
                Diagnostic(
                    "error",
                    "OAG042",
                    _cap(
                        f"{ENUM_NAMES} names values {seen[member]} and {index} "
                        f"both {member!r}"
                    ),
                    file.location(join_pointer(pointer, ENUM_NAMES, index)),
                    "give each enum value a member name of its own",
                )
            )
        seen.setdefault(member, index)
    return found


def _unusable(
    value: Any, scope: frozenset[str], kind: str, where: Location, hint: str
) -> Diagnostic:
    why = (
        "a name the generated code keeps for itself"
        if isinstance(value, str) and value in scope
        else f"not a {kind}"
    )
    return Diagnostic(
        "error", "OAG043", _cap(f"{NAME_OVERRIDE} {value!r} is {why}"), where, hint
    )


def _cap(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."
