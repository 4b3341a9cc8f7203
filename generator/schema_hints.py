"""How to fix a violation of the OpenAPI schema: one hint per kind of rule broken.

openapi-spec-validator says *what* is wrong ("[] is not of type 'object'"); every
diagnostic also has to say how to put it right, so the errors that
`validate._describe` has no more specific hint for get one from here, by the
JSON Schema keyword that failed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

_TYPE_HINTS: Final[Mapping[str, str]] = {
    "object": "write a mapping here (indented 'name: value' lines or {...}), "
    "not a list or a single value",
    "array": "write a list here ('- item' lines or [...])",
    "string": "write text here; quote it if YAML would read it as something else",
    "boolean": "write true or false here, without quotes",
    "integer": "write a whole number here, without quotes",
    "number": "write a number here, without quotes",
    "null": "write null here",
}
_RANGE = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_SIZE = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
)
_FALLBACK: Final = (
    "change this to what the OpenAPI specification allows for this field "
    "(see the message for the rule it breaks)"
)


def schema_hint(validator: Any, expected: Any, path: Sequence[Any]) -> str:
    """A hint for a jsonschema error: ``validator`` is the keyword that failed,
    ``expected`` its value in the schema, ``path`` where in the document."""
    if path and path[-1] in ("default", "example"):
        return (
            f"change the {path[-1]} to a value its own schema accepts, or remove it "
            "(the generated models would carry a value they reject)"
        )
    if validator == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected or ())
        if len(kinds) == 1 and kinds[0] in _TYPE_HINTS:
            return _TYPE_HINTS[kinds[0]]
        return "write a value of one of these types: " + ", ".join(map(str, kinds))
    if validator in ("enum", "const"):
        options = list(expected) if validator == "enum" else [expected]
        shown = ", ".join(repr(o) for o in options[:8])
        return f"use one of: {shown}" + (", ..." if len(options) > 8 else "")
    if validator in _RANGE:
        return f"use a value that satisfies {validator}: {expected!r}"
    if validator in _SIZE:
        return f"make it satisfy {validator}: {expected!r}"
    if validator == "pattern":
        return f"change the value so that it matches {expected!r}"
    if validator == "format":
        return f"write a valid {expected} here"
    if validator == "uniqueItems":
        return "remove the repeated entries"
    if validator in ("additionalProperties", "unevaluatedProperties"):
        return "remove the fields it names, or prefix extensions with 'x-'"
    if validator in ("dependentRequired", "dependencies"):
        return "add the fields that this field requires alongside it"
    if validator in ("oneOf", "anyOf"):
        return "make the value match one of the forms allowed here"
    return _FALLBACK
