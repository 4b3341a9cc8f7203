"""JSON Schema dialects of an OpenAPI 3.1 document, and which of them oagen reads.

A 3.1 Schema Object is written in the OpenAPI dialect (JSON Schema 2020-12 plus
`discriminator`, `example`, ...) unless the document's top-level
`jsonSchemaDialect` names another default, or a schema's own `$schema` names one for
itself and the schemas inside it.  oagen reads:

| dialect | `$schema` / `jsonSchemaDialect` |
| --- | --- |
| OpenAPI 3.1 (the default) | `https://spec.openapis.org/oas/3.1/dialect/base` |
| JSON Schema 2020-12, 2019-09 | `https://json-schema.org/draft/2020-12/schema`, `.../2019-09/schema` |
| draft-07, draft-06 | `http://json-schema.org/draft-07/schema#`, `...draft-06/schema#` |
| draft-04 (OpenAPI 3.0's) | `http://json-schema.org/draft-04/schema#` |

(a trailing `#` or its absence makes no difference).  Each schema is checked
against its dialect's meta-schema (openapi-spec-validator), and its `default` is
validated with its dialect's rules (`validate`): under draft-04, `minimum: 10,
exclusiveMinimum: true` excludes 10, the form OpenAPI 3.0 uses too.  The models and
the server's parameter checks read both forms of an exclusive bound (a flag beside
`minimum`/`maximum`, or a number of its own) as `gt`/`lt`; the keywords oagen
generates from mean the same in these dialects otherwise.

Any other dialect is an error (OAG012), at the `jsonSchemaDialect` or `$schema` that
names it, with the dialect it misspells as a hint (if it is one): oagen cannot tell what the
schema's keywords mean there, so a default it would have to accept or a bound it
would have to enforce could silently mean something else.  That includes URIs that
only look like a known one (`https://json-schema.org/draft-06/schema#` is not
draft-06's identifier, which starts `http://`; there is no draft-05) and dialects
whose keywords oagen does not generate from (draft-03's `required: true`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from generator.errors import Diagnostic
from generator.load import Spec, SpecFile, join_pointer, pointer_step, pointer_tokens

__all__ = [
    "DRAFT_4",
    "OPENAPI_3_1",
    "SUPPORTED",
    "dialect_at",
    "dialect_diagnostics",
    "schema_dialect_diagnostic",
]

OPENAPI_3_1: Final = "https://spec.openapis.org/oas/3.1/dialect/base"
DRAFT_4: Final = "http://json-schema.org/draft-04/schema"
_DEFAULT_2020_12: Final = "https://json-schema.org/draft/2020-12/schema"
#: The dialects oagen reads, by identifier without a trailing `#`: a short name, and
#: the identifier as its meta-schema spells it.
SUPPORTED: Final[Mapping[str, tuple[str, str]]] = {
    OPENAPI_3_1: ("OpenAPI 3.1", OPENAPI_3_1),
    _DEFAULT_2020_12: ("2020-12", _DEFAULT_2020_12),
    "https://json-schema.org/draft/2019-09/schema": (
        "2019-09",
        "https://json-schema.org/draft/2019-09/schema",
    ),
    "http://json-schema.org/draft-07/schema": (
        "draft-07",
        "http://json-schema.org/draft-07/schema#",
    ),
    "http://json-schema.org/draft-06/schema": (
        "draft-06",
        "http://json-schema.org/draft-06/schema#",
    ),
    DRAFT_4: ("draft-04", "http://json-schema.org/draft-04/schema#"),
}


def _respelled(uri: str) -> str | None:
    """The supported dialect that `uri` only misspells (case, `https` for `http`,
    a trailing `/` or `#`), if any."""
    bare = uri.strip().lower().rstrip("#/").removeprefix("https://")
    bare = bare.removeprefix("http://")
    for identifier in SUPPORTED:
        if identifier.lower().split("://", 1)[1] == bare:
            return identifier
    return None


def normalized(uri: str) -> str:
    """A dialect identifier without its empty fragment (`...schema#` is `...schema`)."""
    return uri.removesuffix("#")


def document_dialect(spec: Spec) -> str:
    """The dialect of a schema that does not name its own (normalized)."""
    declared = spec.root.data.get("jsonSchemaDialect")
    if spec.openapi.startswith("3.1") and isinstance(declared, str):
        return normalized(declared)
    return OPENAPI_3_1


def dialect_at(spec: Spec, file: SpecFile, pointer: str) -> str:
    """The dialect of the schema at `file#pointer`: the nearest `$schema` on the way
    to it (the schema's own included), else the document's (normalized)."""
    node: Any = file.data
    dialect = _declared(node, document_dialect(spec))
    for token in pointer_tokens(pointer):
        found, node = pointer_step(node, token)
        if not found:
            break
        dialect = _declared(node, dialect)
    return dialect


def _declared(node: Any, inherited: str) -> str:
    declared = node.get("$schema") if isinstance(node, Mapping) else None
    return normalized(declared) if isinstance(declared, str) else inherited


def dialect_diagnostics(spec: Spec) -> list[Diagnostic]:
    """OAG012 for a top-level `jsonSchemaDialect` that oagen does not read."""
    data = spec.root.data
    if not spec.openapi.startswith("3.1") or "jsonSchemaDialect" not in data:
        return []
    diagnostic = _unsupported(
        data["jsonSchemaDialect"], spec.root, "/jsonSchemaDialect", "jsonSchemaDialect"
    )
    return [] if diagnostic is None else [diagnostic]


def schema_dialect_diagnostic(
    schema: Mapping[str, Any], file: SpecFile, pointer: str
) -> Diagnostic | None:
    """OAG012 for a schema's `$schema` that names a dialect oagen does not read."""
    if "$schema" not in schema:
        return None
    return _unsupported(
        schema["$schema"], file, join_pointer(pointer, "$schema"), "$schema"
    )


def _unsupported(
    value: Any, file: SpecFile, pointer: str, field: str
) -> Diagnostic | None:
    if isinstance(value, str) and normalized(value) in SUPPORTED:
        return None
    shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
    known = ", ".join(name for name, _ in SUPPORTED.values())
    meant = _respelled(value) if isinstance(value, str) else None
    if meant is not None:
        name, identifier = SUPPORTED[meant]
        hint = f"did you mean {identifier!r} ({name})? oagen reads {known}"
    else:
        hint = (
            f"oagen reads {known}: name one of them by its identifier, "
            f"e.g. {SUPPORTED[_DEFAULT_2020_12][1]!r}"
        )
    return Diagnostic(
        "error",
        "OAG012",
        f"{field} {shown} is not a JSON Schema dialect oagen reads",
        file.location(pointer),
        hint,
    )
