"""Media types: which entry of a `content` map oagen generates, and how it travels.

A request body or a response may offer several media types; the generated
code speaks one of them.  oagen prefers, in this order, JSON (`application/json`
and `+json`), `application/x-www-form-urlencoded`, `multipart/form-data`,
binary (`application/octet-stream`, `image/*`, `audio/*`, `video/*`,
`application/pdf`, `*/*`, or any schema with `format: binary`, even under a
JSON media type), then text
(`text/*`, XML, or another type whose schema is a string).  Within one kind
the first in the document wins.  XML is carried as `str`, never parsed.
Anything else (say `application/vnd.custom` with no schema) cannot be
generated, and the operation is skipped with a warning naming the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

#: How a body travels: the order is oagen's preference among a `content` map's entries.
Kind = Literal["json", "form", "multipart", "binary", "text"]
PREFERENCE: tuple[Kind, ...] = ("json", "form", "multipart", "binary", "text")
#: Kinds a response can have (form and multipart are request bodies only).
RESPONSE_KINDS: frozenset[Kind] = frozenset({"json", "binary", "text"})

_BINARY_TYPES = frozenset(
    {
        "application/octet-stream",
        "application/pdf",
        "application/zip",
        "application/gzip",
        "*/*",
    }
)
_BINARY_FAMILIES = frozenset({"image", "audio", "video", "font"})
_XML_TYPES = frozenset({"application/xml", "text/xml"})
#: What a wildcard media type is sent as: a Content-Type header must be concrete.
_CONCRETE = {"binary": "application/octet-stream", "text": "text/plain"}

#: Follows a `$ref` (with the file it sits in) and returns the schema it names.
Resolve = Callable[[Any], Any]


class Unsupported(Exception):
    """Something the generator cannot generate yet; the operation is skipped (OAG050)."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.hint = hint


def essence(media_type: str) -> str:
    """`Application/JSON; charset=utf-8` -> `application/json`."""
    return media_type.split(";", 1)[0].strip().lower()


def is_json(media_type: str) -> bool:
    base = essence(media_type)
    return base == "application/json" or base.endswith("+json")


def is_binary_schema(schema: Any) -> bool:
    """A string of raw bytes: `format: binary`, or 3.1's `contentMediaType`."""
    if not isinstance(schema, Mapping):
        return False
    if schema.get("format") == "binary":
        return True
    return "contentMediaType" in schema and "contentEncoding" not in schema


def kind_of(media_type: str, schema: Any) -> Kind | None:
    """How a body of this media type and (resolved) schema travels; None if it cannot."""
    base = essence(media_type)
    if is_binary_schema(schema):
        return "binary"  # raw bytes whatever the label, JSON's included
    if is_json(base):
        return "json"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base == "multipart/form-data":
        return "multipart"
    family = base.split("/", 1)[0]
    if base in _BINARY_TYPES or family in _BINARY_FAMILIES:
        return "binary"
    if family == "text" or base in _XML_TYPES or base.endswith("+xml"):
        return "text"
    if isinstance(schema, Mapping) and schema.get("type") == "string":
        return "text"
    return None


def choose(
    content: Mapping[str, Any], resolve: Resolve, allowed: frozenset[Kind]
) -> tuple[str, Mapping[str, Any], Kind] | None:
    """The entry of `content` oagen generates: (media type, media object, kind).

    None when no entry is of an allowed kind.
    """
    found: dict[Kind, tuple[str, Mapping[str, Any]]] = {}
    for media_type, media in content.items():
        media = media if isinstance(media, Mapping) else {}
        kind = kind_of(str(media_type), resolve(media.get("schema")))
        if kind is not None and kind in allowed and kind not in found:
            found[kind] = (str(media_type), media)
    for kind in PREFERENCE:
        if kind in found:
            return (*found[kind], kind)
    return None


def concrete(media_type: str, kind: Kind) -> str:
    """The Content-Type to send for a declared media type: wildcards made concrete."""
    if "*" in essence(media_type):
        return _CONCRETE.get(kind, "application/octet-stream")
    return media_type
