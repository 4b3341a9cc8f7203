"""Request bodies that are not JSON: form fields, multipart parts, raw bytes and text.

Generated client methods wrap their body in one of these; the transport asks it
for the bytes (or the multipart stream) and the Content-Type, again on every
retry, so a file object is read from its start each time (httpx seeks it).

A file part takes what httpx takes: the content (``bytes`` or a binary file
object), or a ``(filename, content)`` or ``(filename, content, content_type)``
tuple.  Without a filename, a file object's own name is sent.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from .serialization import to_jsonable
from .wire import encode_value

__all__ = [
    "FileContent",
    "FileTypes",
    "FormBody",
    "MultipartBody",
    "RawBody",
    "RequestBody",
]

#: A file's content: bytes, or a file object opened in binary mode.
FileContent = IO[bytes] | bytes
#: A file part: its content, or (filename, content) or (filename, content, content type).
FileTypes = (
    FileContent
    | tuple[str | None, FileContent]
    | tuple[str | None, FileContent, str | None]
)

#: Keyword arguments for `httpx.Client.build_request`, and the Content-Type to send.
Encoded = tuple[dict[str, Any], str | None]


@dataclass(frozen=True)
class FormBody:
    """An `application/x-www-form-urlencoded` body: a model's (or a mapping's) fields.

    Fields that are None are left out, lists repeat their key, and the wire
    names of a model are used.
    """

    value: object

    def encode(self) -> Encoded:
        if self.value is None:
            return {}, None
        text = urllib.parse.urlencode(_pairs(to_jsonable(self.value)))
        return {"content": text.encode("ascii")}, "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class MultipartBody:
    """A `multipart/form-data` body: form fields and files, by wire name.

    A field that is an object (a model or a mapping) is a part of its own in JSON.
    """

    fields: Mapping[str, object]
    files: Mapping[str, FileTypes | Sequence[FileTypes] | None]

    def encode(self) -> Encoded:
        parts: list[tuple[str, Any]] = []
        for name, data in to_jsonable(dict(self.fields)).items():
            if isinstance(data, dict):  # an object part: JSON, as OpenAPI's default
                text = json.dumps(data, separators=(",", ":")).encode("utf-8")
                parts.append((name, (None, text, "application/json")))
                continue
            parts.extend(
                (key, (None, value.encode("utf-8")))
                for key, value in _pairs({name: data})
            )
        for name, value in self.files.items():
            if value is None:
                continue
            many = isinstance(value, Sequence) and not isinstance(value, (bytes, tuple))
            parts.extend((name, item) for item in (value if many else [value]))
        if not parts:
            # httpx would send no body at all; an empty multipart body still says so.
            boundary = os.urandom(16).hex()
            return (
                {"content": f"--{boundary}--\r\n".encode("ascii")},
                f"multipart/form-data; boundary={boundary}",
            )
        # Every part goes through `files`, so fields alone are still multipart;
        # httpx sets the Content-Type with its boundary.
        return {"files": parts}, None


@dataclass(frozen=True)
class RawBody:
    """A body sent as it is: bytes, or text in UTF-8, with the spec's media type."""

    value: bytes | str | None
    content_type: str

    def encode(self) -> Encoded:
        if self.value is None:
            return {}, None
        data = self.value.encode("utf-8") if isinstance(self.value, str) else self.value
        return {"content": data}, self.content_type


RequestBody = FormBody | MultipartBody | RawBody


def _pairs(data: Any) -> list[tuple[str, str]]:
    """Form pairs: None left out, lists as repeated keys, objects as JSON text."""
    pairs: list[tuple[str, str]] = []
    if not isinstance(data, Mapping):
        raise TypeError(f"a form body must be a model or a mapping, not {data!r:.60}")
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            if isinstance(item, (dict, list)):
                pairs.append((str(name), json.dumps(item, separators=(",", ":"))))
                continue
            encoded = encode_value(item)
            if isinstance(encoded, str):
                pairs.append((str(name), encoded))
    return pairs
