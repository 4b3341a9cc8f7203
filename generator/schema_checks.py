"""Checks on the schemas of every loaded file that openapi-spec-validator does not make.

* OAG012: a JSON Schema dialect oagen does not read, named by `jsonSchemaDialect` or a
  schema's `$schema` (3.1; see `generator.dialects`).
* OAG037: a ``pattern`` that is not a regular expression.  Patterns are ECMA-262
  regexes; oagen compiles them with Python's ``re`` (what the 3.0 validator's
  ``regex`` format uses too), because the generated pydantic models would refuse them
  when the package is imported rather than when it is generated.
* OAG038: an ``enum`` value that the schema's own ``type`` rejects: the generated
  enum could never hold it.
* OAG039 (warning): a ``format`` outside :data:`KNOWN_FORMATS`, usually a typo.  The
  value is generated as its plain type, so the rest of the spec still generates.
* OAG042/OAG043: properties of one object that become the same field name, and an
  `x-enum-varnames` that does not name each enum value once.

The walk visits every mapping once (YAML aliases share nodes) and skips literal data
(``example``, ``default``, ``enum``, ``x-`` extensions) and the keys of name maps such
as ``properties``, where ``pattern`` or ``format`` would be a name, not a keyword.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from generator.dialects import dialect_diagnostics, schema_dialect_diagnostic
from generator.errors import Diagnostic
from generator.load import LITERAL_KEYS, NAME_MAPS, Spec, SpecFile, join_pointer
from generator.name_checks import enum_member_names, property_clashes

__all__ = ["KNOWN_FORMATS", "python_regex", "schema_diagnostics"]

#: Formats of the OpenAPI format registry and JSON Schema, and those oagen maps.
KNOWN_FORMATS: Final = frozenset(
    {
        # numbers
        "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float", "double", "decimal", "decimal128",
        # strings
        "byte", "binary", "base64url", "char", "password", "commonmark", "html",
        "date", "date-time", "time", "duration", "http-date", "unix-time",
        "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6",
        "uri", "uri-reference", "iri", "iri-reference", "uri-template", "uuid",
        "json-pointer", "relative-json-pointer", "regex", "media-range",
        "sf-binary", "sf-boolean", "sf-decimal", "sf-integer", "sf-string", "sf-token",
    }
)  # fmt: skip
#: Name maps of this walk: those of `load`, plus maps whose values are plain strings.
_NAME_MAPS: Final = NAME_MAPS | {"scopes", "mapping", "dependentRequired"}
_ECMA_GROUP: Final = re.compile(r"\(\?<([A-Za-z_][A-Za-z0-9_]*)>")
_ECMA_BACKREF: Final = re.compile(r"\\k<([A-Za-z_][A-Za-z0-9_]*)>")
_ECMA_PROPERTY: Final = re.compile(r"\\[pP]\{[A-Za-z0-9_=]+\}")
_JSON_TYPES: Final[Mapping[str, tuple[type, ...]]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def schema_diagnostics(spec: Spec) -> list[Diagnostic]:
    """OAG012/37/38/39/42/43 for every schema-like mapping of every loaded file."""
    found: list[Diagnostic] = dialect_diagnostics(spec)
    dialects = spec.openapi.startswith("3.1")  # 3.0 has no `$schema`
    for file in spec.documents:
        for pointer, node in _mappings(file.data):
            found += _check(node, file, pointer)
            if dialects and "$schema" in node:
                unsupported = schema_dialect_diagnostic(node, file, pointer)
                found += [] if unsupported is None else [unsupported]
    return found


def _mappings(data: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every mapping that is an OpenAPI object (not literal data, not a name map),
    with its pointer; each node once, iteratively."""
    seen: set[int] = set()
    stack: list[tuple[Any, str, bool]] = [(data, "", False)]  # node, pointer, names?
    while stack:
        node, pointer, is_name_map = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, list):
            stack += [
                (v, f"{pointer}/{i}", False)
                for i, v in enumerate(node)
                if isinstance(v, (dict, list))
            ]
            continue
        if not isinstance(node, dict):
            continue
        if not is_name_map:
            yield pointer, node
        for key, value in node.items():
            if not isinstance(value, (dict, list)):
                continue
            if not is_name_map and _literal(str(key), value):
                continue
            names = not is_name_map and key in _NAME_MAPS and isinstance(value, dict)
            stack.append((value, join_pointer(pointer, str(key)), names))


def _literal(key: str, value: Any) -> bool:
    return (
        key in LITERAL_KEYS
        or key.startswith("x-")
        or (key == "examples" and isinstance(value, list))
        or key == "value"  # of an Example object; no keyword of ours is called so
    )


def _check(node: Mapping[str, Any], file: SpecFile, pointer: str) -> list[Diagnostic]:
    found = []
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        found += _pattern(pattern, file, join_pointer(pointer, "pattern"))
    kind = node.get("format")
    if isinstance(kind, str) and kind not in KNOWN_FORMATS:
        found.append(_format(kind, node.get("type"), file, pointer))
    values, types = node.get("enum"), node.get("type")
    if isinstance(values, list) and isinstance(types, (str, list)):
        found += _enum(values, types, node.get("nullable") is True, file, pointer)
    properties = node.get("properties")
    if isinstance(properties, dict):
        found += property_clashes(properties, file, pointer)
    found += enum_member_names(node, file, pointer)
    return found


def _pattern(pattern: str, file: SpecFile, pointer: str) -> list[Diagnostic]:
    try:
        re.compile(python_regex(pattern))
    except re.error as error:
        where = f" at position {error.pos}" if error.pos is not None else ""
        return [
            Diagnostic(
                "error",
                "OAG037",
                f"pattern {pattern[:60]!r} is not a valid regular expression: "
                f"{error.msg}{where}",
                file.location(pointer),
                "fix the regular expression (ECMA-262 syntax, checked with Python's "
                "re); escape a literal [ ( { or \\ with a backslash",
            )
        ]
    except (RecursionError, OverflowError):
        return []  # absurdly nested or huge: let the models' own check speak
    return []


def python_regex(pattern: str) -> str:
    """An ECMA-262 pattern in Python's syntax where only the spelling differs, so
    that valid patterns are not refused: named groups ``(?<name>`` and their
    back-references ``\\k<name>``, and Unicode property escapes ``\\p{L}`` (which
    ``re`` lacks; a letter stands in for them, enough to check the syntax)."""
    pattern = _ECMA_GROUP.sub(r"(?P<\1>", pattern)
    pattern = _ECMA_BACKREF.sub(r"(?P=\1)", pattern)
    return _ECMA_PROPERTY.sub("a", pattern)


def _format(kind: str, type_: Any, file: SpecFile, pointer: str) -> Diagnostic:
    close = difflib.get_close_matches(kind, sorted(KNOWN_FORMATS), n=1, cutoff=0.75)
    plain = type_ if isinstance(type_, str) else "value"
    hint = (
        f"did you mean {close[0]!r}?"
        if close
        else "use a registered format (date-time, uuid, int64, ...) or remove it"
    )
    return Diagnostic(
        "warning",
        "OAG039",
        f"unknown format {kind!r}: generated as a plain {plain}",
        file.location(join_pointer(pointer, "format")),
        hint,
    )


def _enum(
    values: list[Any], types: Any, nullable: bool, file: SpecFile, pointer: str
) -> list[Diagnostic]:
    allowed = [types] if isinstance(types, str) else [str(t) for t in types]
    if nullable:
        allowed.append("null")
    if not all(t in _JSON_TYPES for t in allowed):
        return []  # an unknown type is the schema check's business
    found = []
    for index, value in enumerate(values):
        if not any(_is_a(value, t) for t in allowed):
            shown = " or ".join(allowed)
            found.append(
                Diagnostic(
                    "warning",
                    "OAG038",
                    f"enum value {_short(value)} is not of the declared type {shown}: "
                    "left out of the generated enum, since no valid value can equal it",
                    file.location(join_pointer(pointer, "enum", index)),
                    f"make the value of type {shown}, or change the schema's type "
                    "(in YAML, quotes make a string: '1' is not 1)",
                )
            )
    return found


def typed_enum(schema: Mapping[str, Any]) -> list[int] | None:
    """Indexes of the `enum` values the schema's `type` accepts, when some are not
    (OAG038 warns about those); None when every value fits or nothing is declared."""
    values, types = schema.get("enum"), schema.get("type")
    if not isinstance(values, list) or not isinstance(types, (str, list)):
        return None
    allowed = [types] if isinstance(types, str) else [str(t) for t in types]
    if schema.get("nullable") is True:
        allowed.append("null")
    if not all(t in _JSON_TYPES for t in allowed):
        return None
    kept = [i for i, v in enumerate(values) if any(_is_a(v, t) for t in allowed)]
    return None if len(kept) == len(values) else kept


def _is_a(value: Any, json_type: str) -> bool:
    if isinstance(value, bool) and json_type in ("integer", "number"):
        return False
    if json_type == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES[json_type])


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
