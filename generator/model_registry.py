"""The schemas that become pydantic models, each under the class name it gets.

`ModelRegistry` collects every schema the API needs as a model: the spec's
components, schemas reached through `$ref` in other files, and the inline
enums and objects of parameters, bodies and responses (named after their role,
e.g. `SequenceVersion`, `GetPetResponse`).  It rewrites every `$ref` to point at
those names, so datamodel-code-generator receives one self-contained document
and never reads a file or the network itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeGuard

from generator.escape import literal
from generator.format_defaults import (
    MARKER,
    MODEL_MODULES,
    FormatDefault,
    format_default,
    marker,
)
from generator.inheritance import flatten_incompatible_bases
from generator.load import Spec, SpecFile, join_pointer, pointer_tokens
from generator.naming import (
    CLASS_RESERVED,
    ENUM_NAMES,
    FIELD_RESERVED,
    NAME_OVERRIDE,
    ClassName,
    Code,
    Identifier,
    Namespace,
    chosen_class_name,
    chosen_members,
    constant,
    pascal,
    wire_identifier,
)
from generator.schema_checks import typed_enum

#: The schema keywords passed on to datamodel-code-generator; anything else (vendor
#: extensions such as `x-python-type` or `customTypePath`, which it would turn into
#: imports) is dropped.
SCHEMA_KEYWORDS = frozenset(
    {
        "$ref", "type", "format", "title", "description", "default", "example", "examples",
        "enum", "const", "nullable", "readOnly", "writeOnly", "deprecated",
        "properties", "required", "additionalProperties", "patternProperties",
        "propertyNames", "minProperties", "maxProperties", "items", "prefixItems",
        "contains", "minItems", "maxItems", "uniqueItems", "allOf", "oneOf", "anyOf", "not",
        "discriminator", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "minLength", "maxLength", "pattern", "$defs", "definitions",
        "dependentSchemas", "dependentRequired", "if", "then", "else",
        "contentMediaType", "contentEncoding",
    }
)  # fmt: skip
#: Formats whose pydantic types need an extra package at run time; kept as plain `str`.
_DEPENDENT_FORMATS = frozenset({"email", "idn-email"})
#: String formats datamodel-code-generator types as a `str` (or a subtype of it).
_PLAIN_STRING_FORMATS = frozenset({"byte", "hostname", "uri-reference", "json-pointer"})
#: Keywords whose value is one schema.
_SCHEMA_KEYWORDS = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
)
#: Keywords whose value is a list of schemas.
_SCHEMA_LIST_KEYWORDS = ("allOf", "oneOf", "anyOf", "prefixItems")
#: Keywords whose value maps names to schemas.
_SCHEMA_MAP_KEYWORDS = (
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
)


def is_model_schema(schema: Mapping[str, Any]) -> bool:
    """Whether a schema needs a class of its own rather than a builtin annotation."""
    if any(
        key in schema
        for key in ("enum", "const", "properties", "allOf", "oneOf", "anyOf")
    ):
        return True
    additional = schema.get("additionalProperties")
    return isinstance(additional, Mapping) and bool(additional)


class ModelRegistry:
    """Hands out class names for schemas and keeps the rewritten schemas."""

    def __init__(self, spec: Spec, namespace: Namespace) -> None:
        self._spec = spec
        self._namespace = namespace
        self._by_target: dict[tuple[str, str], ClassName] = {}
        self._by_content: dict[tuple[str, str], ClassName] = {}
        self.schemas: dict[str, Any] = {}
        #: id of a rewritten `properties` mapping -> (it, {wire name: x-oagen-name});
        #: the mapping is held so that its id stays unique
        self._chosen: dict[int, tuple[Any, dict[str, Any]]] = {}
        #: marker -> the typed default it stands for (see `generator.format_defaults`)
        self.typed_defaults: dict[str, Code] = {}
        #: id of a spec schema -> (its file, it, its default): defaults not valid for
        #: their format, left out of the models (lowering warns, OAG053)
        self.invalid_defaults: dict[int, tuple[SpecFile, Any, FormatDefault]] = {}
        #: marker of a typed value -> a spec default it stands for
        self._raw_defaults: dict[str, Any] = {}

    def register_components(self) -> None:
        """Name the root document's component schemas first, in their order."""
        root = self._spec.root
        components = root.data.get("components") or {}
        for key, schema in (components.get("schemas") or {}).items():
            self.named(root, join_pointer("/components/schemas", key), schema)

    def named(self, file: SpecFile, pointer: str, schema: Any) -> ClassName:
        """The class for the schema at `file#pointer`, registering it on first use."""
        target = (str(file.key), pointer)
        if target in self._by_target:
            return self._by_target[target]
        chosen = (
            chosen_class_name(schema.get(NAME_OVERRIDE), CLASS_RESERVED)
            if isinstance(schema, Mapping)
            else None
        )
        name = self._namespace.class_name(
            chosen or pascal((pointer_tokens(pointer) or ["Model"])[-1])
        )
        self._by_target[target] = name
        self.schemas[name] = None  # reserve the slot so order follows first use
        self.schemas[name] = self.rewrite(schema, file, root=True)
        return name

    def inline(
        self, schema: Mapping[str, Any], file: SpecFile, preferred: Iterable[str]
    ) -> ClassName:
        """A class for an inline schema, named by its role; identical ones share a class."""
        rewritten = self.rewrite(schema, file, root=True)
        content = json.dumps(rewritten, sort_keys=True, default=str)
        candidates = [pascal(name) for name in preferred]
        for candidate in candidates:
            key = (candidate, content)
            if key in self._by_content:
                return self._by_content[key]
        for candidate in candidates:
            if candidate not in self._namespace:
                break
        else:
            candidate = candidates[-1]
        name = self._namespace.class_name(candidate)
        self._by_content[(candidates[0], content)] = name
        self._by_content[(candidate, content)] = name
        self.schemas[name] = rewritten
        return name

    def class_of(self, schema: Any, file: SpecFile) -> ClassName | None:
        """The class a `$ref` schema is generated as; None for inline schemas."""
        if not isinstance(schema, Mapping) or not isinstance(schema.get("$ref"), str):
            return None
        target_file, pointer, target = self.resolve(schema, file)
        return self.named(target_file, pointer, target)

    def resolve(
        self, schema: Mapping[str, Any], file: SpecFile
    ) -> tuple[SpecFile, str, Any]:
        return self._spec.resolve(str(schema["$ref"]), file)

    def rewrite(
        self, schema: Any, file: SpecFile, *, field: bool = False, root: bool = False
    ) -> Any:
        """A copy of `schema` whose `$ref`s name registered classes.

        A default of a formatted string (or decimal number) is left out when the
        format rejects it, and where datamodel-code-generator prints it, in a
        `field` (a property's schema) or a `root` (a class's own schema), becomes
        the marker of its typed value (`_format_default`); a field that refers to a
        class gets the marker of an instance of it (`_class_default`).
        """
        if not isinstance(schema, Mapping):
            return schema
        if "$ref" in schema and isinstance(schema["$ref"], str):
            target_file, pointer, target = self.resolve(schema, file)
            siblings = {
                k: self.rewrite_keyword(k, v, file)
                for k, v in schema.items()
                if k != "$ref" and k in SCHEMA_KEYWORDS
            }
            name = self.named(target_file, pointer, target)
            reference = {"$ref": f"#/components/schemas/{name}", **siblings}
            if field or root:
                self._class_default(reference, name, copied=field)
            return reference
        rewritten = {
            key: self.rewrite_keyword(key, value, file)
            for key, value in schema.items()
            if key
            in SCHEMA_KEYWORDS  # extensions such as x-python-type never reach DCG
        }
        if rewritten.get("format") in _DEPENDENT_FORMATS:
            del rewritten[
                "format"
            ]  # EmailStr would make the package need email-validator
        self._format_default(schema, rewritten, file, field or root)
        if field:
            only = _only_reference(rewritten)
            if only is not None:  # `allOf: [{$ref}]`: a field of the class it names
                self._class_default(rewritten, only, copied=True)
        kept = typed_enum(rewritten)
        if kept is not None:  # values of another type: left out, with OAG038 warnings
            rewritten["enum"] = [rewritten["enum"][i] for i in kept]
            names = schema.get(ENUM_NAMES)
            if isinstance(names, list) and len(names) == len(schema.get("enum") or []):
                schema = {**schema, ENUM_NAMES: [names[i] for i in kept]}
        if _needs_member_names(rewritten):
            members = Namespace()
            chosen = chosen_members(schema.get(ENUM_NAMES), rewritten["enum"])
            rewritten[ENUM_NAMES] = chosen or [
                members.identifier(constant(str(v))) for v in rewritten["enum"]
            ]
        return rewritten

    def _format_default(
        self, schema: Any, rewritten: dict[str, Any], file: SpecFile, field: bool
    ) -> None:
        """Type the default of a formatted string (`_datetime.date(2020, 1, 2)` for
        `'2020-01-02'`), or leave it out when its format rejects it.

        Only where datamodel-code-generator prints it as the format's type is the
        default typed: a field's, or a class's own (`root: date = ...` of a
        component `type: string, format: date`).  The fields it copies a class's
        default into are typed as the class: `_class_default` gives them their own.
        """
        found = format_default(rewritten)
        if found is None:
            return
        if not found.valid:
            del rewritten["default"]
            self.invalid_defaults.setdefault(id(schema), (file, schema, found))
        elif field:
            expression = found.expression(MODEL_MODULES)
            rewritten["default"] = marker(expression)
            self._raw_defaults[rewritten["default"]] = found.default
            self.typed_defaults[rewritten["default"]] = expression

    def _class_default(
        self, schema: dict[str, Any], name: ClassName, *, copied: bool
    ) -> None:
        """Type the default of a schema that datamodel-code-generator types as the
        class `name` (a `$ref`, or an `allOf` of one): `Day(_datetime.date(2020, 1,
        2))` for `'2020-01-02'`, the class holding the typed value.

        Its own default, or (`copied`, in a field) the class's: datamodel-code-
        generator copies that into a field without one, where the class's own
        marker (a `date`, not a `Day`) would be the wrong type.  A default this
        cannot type (an object's, say) stays as it is.
        """
        if "default" in schema:
            default = schema["default"]
        elif copied and "default" in (self.schemas.get(name) or {}):
            default = self.schemas[name]["default"]
            if isinstance(self._raw_defaults.get(default), list):
                return  # datamodel-code-generator copies no list: the field has none
        else:
            return
        if isinstance(default, str) and default.startswith(MARKER):
            if default not in self._raw_defaults:
                return  # already an instance
            default = self._raw_defaults[default]  # the class's own, typed as its root
        expression = self._instance(name, default, set())
        if expression is not None:
            schema["default"] = marker(expression)
            self.typed_defaults[schema["default"]] = expression

    def _instance(self, name: ClassName, default: Any, seen: set[str]) -> Code | None:
        """`name(...)` holding `default` typed as the class's root, or None when
        this cannot tell its type (not a RootModel of a scalar, a format, or a class
        of one)."""
        schema = self.schemas.get(name)
        if not isinstance(schema, Mapping) or name in seen:
            return None
        inner: Code | None
        target = _only_reference(schema)
        if target is not None:
            inner = self._instance(target, default, seen | {name})
        elif (found := format_default({**schema, "default": default})) is not None:
            inner = found.expression(MODEL_MODULES) if found.valid else None
        else:
            inner = _scalar(schema, default)
        if inner is None or not _meets_constraints(schema, default):
            return None
        return Code(f"{name}({inner})")

    def flatten_incompatible_bases(self) -> None:
        """Copy into each `allOf` child the bases whose fields it retypes (see
        `generator.inheritance`): it stops inheriting from them."""
        flattened = flatten_incompatible_bases(self.schemas, self._chosen_for)
        for name, flat in flattened.items():
            self.schemas[name] = flat.schema
            if flat.chosen:
                properties = flat.schema["properties"]
                self._chosen[id(properties)] = (properties, flat.chosen)

    def _chosen_for(self, properties: Mapping[str, Any]) -> Mapping[str, Any]:
        return self._chosen.get(id(properties), (None, {}))[1]

    def field_aliases(self) -> dict[str, str]:
        """Python names for model fields, from the naming layer rather than from DCG.

        Keys are `Class.wireName` for registered classes; a property of an inline
        object (whose class DCG names) gets an unscoped key, so that DCG does not
        choose a name of its own (`+1` would become `field_1`).
        """
        aliases: dict[str, str] = {}
        for class_name, schema in self.schemas.items():
            aliases.update(
                (f"{class_name}.{wire}", name)
                for wire, name in self.field_names(class_name).items()
                if name != wire  # a field named as on the wire needs no alias
            )
            for wire, name in self._nested_field_names(schema):
                if name != wire:  # else DCG would name it, its own way (`+1`: field_1)
                    aliases.setdefault(wire, name)
        return aliases

    def field_names(self, class_name: str) -> dict[str, Identifier]:
        """Wire name -> field name for a registered class's own properties."""
        schema = self.schemas.get(class_name)
        properties = schema.get("properties") if isinstance(schema, Mapping) else None
        if not isinstance(properties, Mapping):
            return {}
        names = Namespace(FIELD_RESERVED)
        chosen = self._chosen.get(id(properties), (None, {}))[1]
        return {
            str(wire): names.identifier(self._field_name(str(wire), chosen))
            for wire in properties
        }

    def _nested_field_names(self, schema: Any) -> list[tuple[str, Identifier]]:
        """(wire, Python name) of the properties of inline objects inside a schema."""
        found = []
        for properties in _nested_properties(schema):
            chosen = self._chosen.get(id(properties), (None, {}))[1]
            found += [(str(w), self._field_name(str(w), chosen)) for w in properties]
        return found

    @staticmethod
    def _field_name(wire: str, chosen: Mapping[str, Any]) -> Identifier:
        entry = {NAME_OVERRIDE: chosen[wire]} if wire in chosen else {}
        return wire_identifier(
            wire, entry, scope=FIELD_RESERVED, reserved=FIELD_RESERVED
        )

    def rewrite_keyword(self, key: str, value: Any, file: SpecFile) -> Any:
        if key in _SCHEMA_KEYWORDS and isinstance(value, Mapping):
            return self.rewrite(value, file)
        if key in _SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            return [self.rewrite(item, file) for item in value]
        if key in _SCHEMA_MAP_KEYWORDS and isinstance(value, Mapping):
            rewritten = {
                name: self.rewrite(item, file, field=key == "properties")
                for name, item in value.items()
            }
            chosen = {
                str(name): item[NAME_OVERRIDE]
                for name, item in value.items()
                if isinstance(item, Mapping) and NAME_OVERRIDE in item
            }
            if key == "properties" and chosen:
                self._chosen[id(rewritten)] = (rewritten, chosen)
            return rewritten
        if key == "discriminator" and isinstance(value, Mapping):
            mapping = value.get("mapping")
            if isinstance(mapping, Mapping):
                value = {
                    **value,
                    "mapping": {
                        k: self._mapped_ref(v, file) for k, v in mapping.items()
                    },
                }
            return dict(value)
        return value

    def _mapped_ref(self, ref: Any, file: SpecFile) -> Any:
        if not isinstance(ref, str):
            return ref
        if "#" not in ref and "/" not in ref and "." not in ref:
            ref = f"#/components/schemas/{ref}"
        target_file, pointer, target = self._spec.resolve(ref, file)
        return f"#/components/schemas/{self.named(target_file, pointer, target)}"


def _nested_properties(schema: Any) -> list[Mapping[str, Any]]:
    """The `properties` mappings of the inline objects inside a schema (not its own)."""
    found: list[Mapping[str, Any]] = []
    if not isinstance(schema, Mapping):
        return found
    for key, value in schema.items():
        children: list[Any] = []
        if key in _SCHEMA_KEYWORDS and isinstance(value, Mapping):
            children = [value]
        elif key in _SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            children = value
        elif key in _SCHEMA_MAP_KEYWORDS and isinstance(value, Mapping):
            children = list(value.values())
        for child in children:
            if isinstance(child, Mapping):
                properties = child.get("properties")
                if isinstance(properties, Mapping):
                    found.append(properties)
                found.extend(_nested_properties(child))
    return found


#: Keywords that leave `allOf: [{$ref: X}]` typed as X by datamodel-code-generator.
_ANNOTATION_KEYWORDS = frozenset(
    {"allOf", "default", "description", "title", "nullable", "readOnly", "writeOnly"}
    | {"deprecated", "example", "examples"}
)
#: JSON types whose values are literals of the Python type of a plain schema.
_SCALARS: Mapping[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def _only_reference(schema: Mapping[str, Any]) -> ClassName | None:
    """The class of a rewritten `{$ref: X}` or `{allOf: [{$ref: X}]}`, annotations
    aside: datamodel-code-generator types such a schema as X itself."""
    if set(schema) - _ANNOTATION_KEYWORDS - {"$ref"}:
        return None
    if "$ref" in schema:
        ref = schema["$ref"]
    else:
        parts = schema.get("allOf")
        if not isinstance(parts, list) or len(parts) != 1:
            return None
        if not isinstance(parts[0], Mapping) or set(parts[0]) != {"$ref"}:
            return None
        ref = parts[0]["$ref"]
    prefix = "#/components/schemas/"
    if not isinstance(ref, str) or not ref.startswith(prefix):
        return None
    return ClassName(ref.removeprefix(prefix))


def _meets_constraints(schema: Mapping[str, Any], value: Any) -> bool:
    """Whether a scalar `value` meets the schema's own length, pattern and range
    constraints.  The instance `Name(...)` is built when the models module is
    imported, so a default the class refuses would break the import: then (and
    when unsure, e.g. a pattern Python cannot read) the default is left as the
    spec wrote it, checked only when a model is created."""
    if isinstance(value, str):
        if len(value) > schema.get("maxLength", len(value)):
            return False
        if len(value) < schema.get("minLength", 0):
            return False
        pattern = schema.get("pattern")
        if pattern is not None:
            try:
                if not isinstance(pattern, str) or re.search(pattern, value) is None:
                    return False
            except re.error:
                return False
    if _number(value):
        if not _in_range(schema, value):
            return False
        step = schema.get("multipleOf")
        if _number(step) and step and (value / step) % 1:
            return False
    return not any(key in schema for key in ("not", "if", "oneOf", "anyOf"))


def _in_range(schema: Mapping[str, Any], value: float) -> bool:
    """minimum/maximum (3.0's boolean exclusive forms too) and 3.1's numeric
    exclusiveMinimum/exclusiveMaximum."""
    low, high = schema.get("minimum"), schema.get("maximum")
    low_excl, high_excl = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if _number(low) and (value < low or (low_excl is True and value == low)):
        return False
    if _number(high) and (value > high or (high_excl is True and value == high)):
        return False
    if _number(low_excl) and value <= low_excl:
        return False
    return not (_number(high_excl) and value >= high_excl)


def _number(value: Any) -> TypeGuard[float]:
    """A JSON number (not a boolean)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _scalar(schema: Mapping[str, Any], default: Any) -> Code | None:
    """A plain scalar schema's default as a literal of its Python type, or None."""
    kind = schema.get("type")
    if not isinstance(kind, str) or kind not in _SCALARS:
        return None
    if any(key in schema for key in ("enum", "const", "anyOf", "oneOf", "allOf")):
        return None
    if "format" in schema and not (
        kind == "string" and schema["format"] in _PLAIN_STRING_FORMATS
    ):
        return None  # int32, float and the like: typed by format_default or left
    if isinstance(default, bool) != (kind == "boolean"):
        return None
    if not isinstance(default, _SCALARS[kind]):
        return None
    return literal(default)


def _needs_member_names(schema: Mapping[str, Any]) -> bool:
    """Enums of strings and integers get member names from the naming layer."""
    values = schema.get("enum")
    return (
        isinstance(values, list)
        and bool(values)
        and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values)
    )
