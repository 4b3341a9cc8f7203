"""Lower an operation's request body into the arguments that carry it.

JSON, form, binary and text bodies are one argument, `body`: a model for JSON
and form (the server reads a form into the model with `fastapi.Form`), `bytes`
or `str` for the raw kinds.  A multipart body is one argument per part, so a
file can come with its name and content type (`FileTypes` on the client,
`fastapi.UploadFile` on the server).  As OpenAPI's default encoding says, a
multipart part that is an object travels as JSON (`application/json`) and one
without any schema as a file (`application/octet-stream`).  What cannot be sent
this way raises `Unsupported`, which skips the operation with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from generator.ir import Body, BodyPart, Constraint
from generator.load import Spec, SpecFile
from generator.media import PREFERENCE, Unsupported, choose, concrete, is_binary_schema
from generator.naming import (
    METHOD_RESERVED,
    ClassName,
    Code,
    Identifier,
    Namespace,
    optional,
    pascal,
    wire_identifier,
)
from generator.schema_type import schema_type

_SCALARS = frozenset({"string", "integer", "number", "boolean"})
#: Keywords that give an untyped schema a shape; without any, a part is raw bytes.
_SHAPED = frozenset(
    {"properties", "additionalProperties", "allOf", "anyOf", "oneOf", "items", "const"}
)
_HINT = (
    "send JSON, application/x-www-form-urlencoded or multipart/form-data with an "
    "object schema of flat fields, binary data, or text"
)


class Types(Protocol):
    """What body lowering needs from the lowering of the whole spec."""

    spec: Spec

    def annotate(self, schema: Any, file: SpecFile, roles: list[str]) -> Code: ...

    def constraints(
        self, schema: Mapping[str, Any], file: SpecFile
    ) -> tuple[Constraint, ...]: ...


def lower_body(
    raw: Any,
    file: SpecFile,
    class_stem: ClassName,
    taken: set[Identifier],
    types: Types,
) -> Body | None:
    """The body of an operation whose parameters already took the names `taken`."""
    if raw is None:
        return None
    if isinstance(raw, Mapping) and "$ref" in raw:
        file, _, raw = types.spec.resolve(str(raw["$ref"]), file)
    content = raw.get("content") or {}
    chosen = choose(
        content, lambda s: _resolve(types, s, file)[0], frozenset(PREFERENCE)
    )
    if chosen is None:
        offered = ", ".join(repr(str(media_type)) for media_type in content)
        raise Unsupported(
            f"request body media type {offered or 'none'} cannot be generated", _HINT
        )
    media_type, media, kind = chosen
    required = raw.get("required") is True
    names = Namespace(taken | METHOD_RESERVED)
    description = _text(raw.get("description"))
    schema = media.get("schema") or {}
    if kind == "multipart":
        parts = _parts(media_type, schema, file, class_stem, names, types)
        return Body(
            Identifier("body"),
            Code("None"),
            required,
            description,
            kind,
            concrete(media_type, kind),
            parts,
        )
    if kind == "binary":
        annotation = Code("bytes")
    elif kind == "text":
        annotation = Code("str")
    else:
        if kind == "form":
            _fields(schema, file, types, media_type)  # flat fields, else Unsupported
        annotation = types.annotate(schema, file, [f"{class_stem}Request"])
    return Body(
        names.identifier(Identifier("body")),
        annotation if required else optional(annotation),
        required,
        description,
        kind,
        concrete(media_type, kind),
    )


def _parts(
    media_type: str,
    schema: Any,
    file: SpecFile,
    class_stem: ClassName,
    names: Namespace,
    types: Types,
) -> tuple[BodyPart, ...]:
    resolved, at = _resolve(types, schema, file)
    required = set(resolved.get("required") or [])
    parts = []
    fields = _fields(schema, file, types, media_type, multipart=True)
    for wire, (prop, prop_file) in fields.items():
        items, _ = _resolve(types, prop.get("items"), prop_file)
        is_array = _type(prop) == "array"
        is_file = _is_file_part(items if is_array else prop)
        is_json = not is_array and not is_file and _type(prop) not in _SCALARS
        if is_file:
            client = Code("list[FileTypes]" if is_array else "FileTypes")
            server = Code(
                "list[fastapi.UploadFile]" if is_array else "fastapi.UploadFile"
            )
            constraints: tuple[Constraint, ...] = ()
        else:
            # a JSON part names its `$ref` target, so the component's model is reused
            given = resolved["properties"][wire] if is_json else prop
            client = server = types.annotate(
                given,
                at if is_json else prop_file,
                [wire, f"{class_stem}{pascal(wire)}"],
            )
            constraints = types.constraints(prop, prop_file)
        needed = wire in required
        # The app reads a JSON part's text and pydantic parses it into the model.
        app = Code(f"pydantic.Json[{server}]") if is_json else None
        if not needed:
            client, server = optional(client), optional(server)
            app = optional(app) if app else None
        parts.append(
            BodyPart(
                name=names.identifier(
                    wire_identifier(wire, prop, scope=METHOD_RESERVED)
                ),
                wire_name=wire,
                annotation=client,
                server_annotation=server,
                required=needed,
                description=_text(prop.get("description")),
                is_file=is_file,
                constraints=constraints,
                is_json=is_json,
                app_annotation=app,
            )
        )
    return tuple(parts)


def _fields(
    schema: Any, file: SpecFile, types: Types, what: str, multipart: bool = False
) -> dict[str, tuple[Mapping[str, Any], SpecFile]]:
    """The properties of a form or multipart schema, each a scalar or a list of them.

    A multipart part may also be an object (sent as JSON) or have no schema (a file).
    """
    resolved, at = _resolve(types, schema, file)
    properties = resolved.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        raise Unsupported(
            f"the {what!r} request body is not an object schema with properties",
            "declare the fields under `properties`",
        )
    fields = {}
    for wire, prop in properties.items():
        prop, prop_file = _resolve(types, prop, at)
        shape, item = _type(prop), prop
        if shape == "array":
            item, _ = _resolve(types, prop.get("items"), prop_file)
            shape = _type(item)
        elif multipart and shape in ("object", None):
            shape = "string"  # a JSON part, or a file
        if shape not in _SCALARS and not is_binary_schema(item):
            raise Unsupported(
                f"field {str(wire)!r} of the {what!r} request body is not a string, "
                "number, boolean or a list of them",
                "send nested data as JSON",
            )
        fields[str(wire)] = (prop, prop_file)
    return fields


def _is_file_part(schema: Mapping[str, Any]) -> bool:
    """Raw bytes: a binary string, or a part with no type and nothing that shapes it."""
    if is_binary_schema(schema):
        return True
    return _type(schema) is None and not _SHAPED.intersection(schema)


def _resolve(
    types: Types, schema: Any, file: SpecFile
) -> tuple[Mapping[str, Any], SpecFile]:
    """The schema with its `$ref` followed ({} for anything that is not a schema)."""
    if isinstance(schema, Mapping) and "$ref" in schema:
        target_file, _, target = types.spec.deref(schema, file)
        return (target if isinstance(target, Mapping) else {}), target_file
    return (schema if isinstance(schema, Mapping) else {}), file


def _type(schema: Mapping[str, Any]) -> str | None:
    """`schema_type`, and an untyped enum read as strings."""
    kind = schema_type(schema)
    if kind is None and "enum" in schema:
        return "string"
    return kind


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
