"""Where the stub writes its message into an error schema the spec declares.

A generated server answers bad input, missing credentials, unimplemented
operations and crashes itself.  When the operation declares a schema for that
status (`{code, message}` and the like), the answer must fit it: the body
starts from a sample of the schema and the message and error type go into the
fields whose names say they carry them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from generator.ir import ErrorBodyShape
from generator.mock_data import Deref, sample
from generator.pagination import normal
from generator.schema_type import schema_type

#: Field names that carry the human-readable message, best first.
MESSAGE_FIELDS = (
    "message",
    "detail",
    "error_message",
    "error_description",
    "description",
    "title",
    "error",
    "msg",
    "reason",
    "details",
)
#: Field names that carry a machine-readable error type or the status.
CODE_FIELDS = ("code", "error_code", "type", "error_type", "kind", "status")


def plan_error_body(schema: Any, file: Any, deref: Deref) -> ErrorBodyShape:
    """A sample of the schema, and the fields for the message and the code."""
    properties = _properties(schema, file, deref)
    message = _field(properties, MESSAGE_FIELDS, ("string",))
    code = _field(
        {k: v for k, v in properties.items() if k != message},
        CODE_FIELDS,
        ("string", "integer"),
    )
    return ErrorBodyShape(
        sample=json.dumps(sample(schema, file, deref), default=str),
        message_field=message,
        code_field=code,
        code_is_int=code is not None and properties[code] == "integer",
    )


def _properties(schema: Any, file: Any, deref: Deref) -> dict[str, str | None]:
    """Top-level property names and their types, through `$ref` and `allOf`."""
    resolved, at, _ = deref(schema, file)
    if not isinstance(resolved, Mapping):
        return {}
    found: dict[str, str | None] = {}
    for member in resolved.get("allOf") or ():
        found.update(_properties(member, at, deref))
    own = resolved.get("properties")
    if isinstance(own, Mapping):
        for name, value in own.items():
            target, _, _ = deref(value, at)
            found[str(name)] = _type(target)
    return found


def _field(
    properties: Mapping[str, str | None],
    wanted: tuple[str, ...],
    kinds: tuple[str, ...],
) -> str | None:
    for name in wanted:
        for field, kind in properties.items():
            if normal(field) == name and kind in kinds:
                return field
    return None


def _type(schema: Any) -> str | None:
    if isinstance(schema, Mapping) and ("enum" in schema or "const" in schema):
        return None  # a fixed set of values cannot take a message
    return schema_type(schema)
