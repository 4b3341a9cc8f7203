"""`allOf` subclasses whose fields would not type-check against their base.

datamodel-code-generator renders ``allOf: [{$ref: Base}, {properties: ...}]`` as
``class Child(Base)``, and a property that the child declares again overrides the
base's field.  Python's typing wants an override to be a subtype of the base's
field; when it is not (the train-travel API narrows ``data: array of object``,
``list[dict[str, Any]]``, to ``array of Booking``, ``list[Booking]``), `mypy
--strict` refuses the module, and code holding a ``Base`` would be promised a
``dict`` where the child has a ``Booking``.

Such a child does not inherit from that base: lowering copies the base's
properties and ``required`` names into the child (`flatten_incompatible_bases`),
so it becomes ``class Child(BaseModel)`` with every field.  Validation does not
change: where both declare a property, the child's declaration wins, which is
what the subclass did before, and the instances the child accepts are the same.
Other bases of the child, and the bases of the copied base, stay base classes
unless they conflict in turn.

An override counts as compatible (inheritance kept) when the two schemas give
the same Python type: they are equal once documentation and the constraints
that become ``Field(...)`` arguments are left out, or the base's is ``{}``
(``Any``), or the base is a plain string and the override an enum or ``const``
of strings (a ``StrEnum`` or ``Literal`` is a ``str``).  Anything else is
treated as incompatible: losing a base class is safe, a type error is not.
Discriminator fields that datamodel-code-generator narrows itself are typed with
enum members (``Literal[EventType.APPROVED]``, see `datamodels`), which are
subtypes of the base's enum, so they need nothing here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

_LOCAL_MODEL: Final = "#/components/schemas/"
#: Keywords that do not change the Python type of a field: documentation, and the
#: constraints datamodel-code-generator writes as `Field(...)` arguments.
_TYPE_NEUTRAL: Final = frozenset(
    {
        "description", "title", "example", "examples", "default", "readOnly",
        "writeOnly", "deprecated", "minLength", "maxLength", "pattern", "minimum",
        "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems",
        "maxItems", "minProperties", "maxProperties", "x-enum-varnames",
    }
)  # fmt: skip
#: What an override without its own documentation keeps from the declaration it replaces.
_DOCUMENTATION: Final = ("title", "description", "deprecated")
#: What an inline `allOf` member may hold and still be copied into the child's own
#: properties; a member with anything else (say a `oneOf`) stays an `allOf` member.
_PLAIN_OBJECT: Final = frozenset(
    {"type", "properties", "required", "description", "title", "additionalProperties"}
)
#: Keywords of a copied base that describe the object itself (not its documentation
#: or its subclasses: a base's `discriminator` and `description` stay its own).
_COPIED: Final = ("type", "additionalProperties")

#: The `x-oagen-name` choices recorded for a `properties` mapping, by wire name.
ChosenNames = Callable[[Mapping[str, Any]], Mapping[str, Any]]


class Flattened:
    """A child schema with its conflicting bases copied in, and its field names."""

    __slots__ = ("chosen", "schema")

    def __init__(self, schema: dict[str, Any], chosen: dict[str, Any]) -> None:
        self.schema = schema
        self.chosen = chosen


def flatten_incompatible_bases(
    schemas: Mapping[str, Any], chosen_names: ChosenNames
) -> dict[str, Flattened]:
    """The model schemas (rewritten, `$ref`s naming classes) that must stop
    inheriting from some base, each with the schema that replaces it."""
    found: dict[str, Flattened] = {}
    inherited: dict[str, dict[str, Any]] = {}  # shared by the children: bases repeat
    for name, schema in schemas.items():
        if isinstance(schema, Mapping) and isinstance(schema.get("allOf"), list):
            child = _Child(schemas, chosen_names, name, inherited)
            flattened = child.flatten(schema)
            if flattened is not None:
                found[name] = flattened
    return found


def model_target(member: Any, schemas: Mapping[str, Any]) -> str | None:
    """The class a `$ref` member names, when it is one of the models."""
    ref = member.get("$ref") if isinstance(member, Mapping) else None
    if isinstance(ref, str) and ref.startswith(_LOCAL_MODEL):
        target = ref[len(_LOCAL_MODEL) :]
        return target if target in schemas else None
    return None


def compatible(override: Any, inherited: Any) -> bool:
    """Whether a field typed by `override` may override one typed by `inherited`."""
    if not isinstance(override, Mapping) or not isinstance(inherited, Mapping):
        return bool(override == inherited)
    mine, theirs = _type_shape(override), _type_shape(inherited)
    if mine == theirs or not theirs:
        return True
    if theirs == {"type": "string"}:
        values = mine.get("enum", [mine["const"]] if "const" in mine else None)
        return (
            mine.get("type", "string") == "string"
            and isinstance(values, list)
            and bool(values)
            and all(isinstance(v, str) for v in values)
            and set(mine) <= {"type", "enum", "const"}
        )
    return False


def _documented(override: Any, inherited: Any) -> Any:
    """The override, with the documentation it leaves out taken from the inherited
    declaration (as a subclass's field keeps its base's docstring)."""
    if not isinstance(override, Mapping) or not isinstance(inherited, Mapping):
        return override
    missing = {k: inherited[k] for k in _DOCUMENTATION if k in inherited}
    return {**override, **{k: v for k, v in missing.items() if k not in override}}


def _type_shape(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in _TYPE_NEUTRAL}


class _Child:
    def __init__(
        self,
        schemas: Mapping[str, Any],
        chosen_names: ChosenNames,
        name: str,
        inherited: dict[str, dict[str, Any]],
    ) -> None:
        self._schemas = schemas
        self._chosen_names = chosen_names
        self._name = name
        self._inherited_by_class = inherited

    def flatten(self, schema: Mapping[str, Any]) -> Flattened | None:
        copied: set[str] = set()
        while True:
            parts = _Parts()
            self._absorb(schema, copied, parts, {self._name})
            conflicting = {
                target
                for target in parts.bases()
                if target not in copied and self._conflicts(parts.properties, target)
            }
            if not conflicting:
                break
            copied |= conflicting
        if not copied:
            return None
        flat = {
            key: value
            for key, value in schema.items()
            if key not in ("allOf", "properties", "required")
        }
        for key, value in parts.copied.items():
            flat.setdefault(key, value)
        if parts.members:
            flat["allOf"] = parts.members
        flat["properties"] = parts.properties
        if parts.required:
            flat["required"] = parts.required
        return Flattened(flat, parts.chosen)

    def _absorb(
        self,
        schema: Mapping[str, Any],
        copied: set[str],
        parts: _Parts,
        seen: set[str],
    ) -> None:
        """Add a schema's fields to `parts`: its `allOf` members first, then its own."""
        for member in schema.get("allOf") or ():
            target = model_target(member, self._schemas)
            if target is not None and target in copied and target not in seen:
                base = self._schemas[target]
                self._absorb(base, copied, parts, seen | {target})
                parts.copied.update(
                    {k: base[k] for k in _COPIED if k in base and k not in parts.copied}
                )
            elif target is None and isinstance(member, Mapping):
                if set(member) <= _PLAIN_OBJECT | {"allOf"}:
                    self._absorb(member, copied, parts, seen)
                else:
                    parts.members.append(member)
            else:
                parts.members.append(member)
        properties = schema.get("properties")
        if isinstance(properties, Mapping):
            for wire, declared in properties.items():
                parts.properties[wire] = _documented(
                    declared, parts.properties.get(wire)
                )
            parts.chosen.update(self._chosen_names(properties))
        for required in schema.get("required") or ():
            if required not in parts.required:
                parts.required.append(required)

    def _conflicts(self, own: Mapping[str, Any], target: str) -> bool:
        if target not in self._inherited_by_class:
            self._inherited_by_class[target] = self._inherited(target, set())
        inherited = self._inherited_by_class[target]
        return any(
            wire in inherited and not compatible(schema, inherited[wire])
            for wire, schema in own.items()
        )

    def _inherited(self, target: str, seen: set[str]) -> dict[str, Any]:
        """Every property the class `target` has, its bases' included."""
        schema = self._schemas.get(target)
        if target in seen or not isinstance(schema, Mapping):
            return {}
        return self._properties_of(schema, seen | {target})

    def _properties_of(
        self, schema: Mapping[str, Any], seen: set[str]
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for member in schema.get("allOf") or ():
            target = model_target(member, self._schemas)
            if target is not None:
                found.update(self._inherited(target, seen))
            elif isinstance(member, Mapping):
                found.update(self._properties_of(member, seen))
        properties = schema.get("properties")
        if isinstance(properties, Mapping):
            found.update(properties)
        return found


class _Parts:
    """What a flattened child is made of, gathered in declaration order."""

    def __init__(self) -> None:
        self.members: list[Any] = []
        self.properties: dict[str, Any] = {}
        self.required: list[Any] = []
        self.chosen: dict[str, Any] = {}
        self.copied: dict[str, Any] = {}

    def bases(self) -> list[str]:
        refs = (m.get("$ref") for m in self.members if isinstance(m, Mapping))
        return [
            ref[len(_LOCAL_MODEL) :]
            for ref in refs
            if isinstance(ref, str) and ref.startswith(_LOCAL_MODEL)
        ]
