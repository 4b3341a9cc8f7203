"""Wire encoding of requests and decoding of responses.

Pure functions shared by the sync and async transports, so both follow one
set of rules for paths, query strings, headers and bodies.
"""

from __future__ import annotations

import datetime
import enum
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote

import httpx
import pydantic

from .errors import (
    APIResponseValidationError,
    _is_json,
    status_error_from_response,
)
from .serialization import to_jsonable, type_adapter

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "build_headers",
    "build_query",
    "decode_response",
    "encode_json_body",
    "encode_value",
    "join_url",
    "render_path",
]

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


class NotGiven:
    """Sentinel for "argument not passed", distinct from ``None`` (JSON null, no timeout)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


def encode_value(value: object) -> str | list[str] | None:
    """Encode a parameter value as its wire string(s).

    Lists become lists of strings so callers can choose the explode style
    (repeated query keys) or the simple style (comma-joined).
    """
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return encode_value(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        items: list[str] = []
        for item in value:
            encoded = encode_value(item)
            if isinstance(encoded, list):
                items.append(",".join(encoded))
            elif encoded is not None:
                items.append(encoded)
        return items
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump_json(by_alias=True, exclude_none=True)
    return str(value)


def _encode_scalar(value: object) -> str | None:
    """Encode with lists comma-joined (the OpenAPI "simple" style)."""
    encoded = encode_value(value)
    if isinstance(encoded, list):
        return ",".join(encoded)
    return encoded


def render_path(template: str, path_params: Mapping[str, object]) -> str:
    """Substitute ``{name}`` placeholders with URL-quoted values.

    The template comes from an untrusted spec, so this is an exact-name
    substitution (never ``str.format``), and every value is quoted with no
    safe characters so a ``/`` or ``?`` cannot change the route.
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in path_params:
            raise ValueError(f"Missing path parameter {name!r} for {template!r}")
        encoded = _encode_scalar(path_params[name])
        if encoded is None:
            raise ValueError(f"Path parameter {name!r} must not be None")
        return quote(encoded, safe="")

    return _PLACEHOLDER.sub(substitute, template)


def build_query(params: Mapping[str, object]) -> list[tuple[str, str]]:
    """Build query pairs: None is dropped, lists repeat the key (explode)."""
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        encoded = encode_value(value)
        if encoded is None:
            continue
        if isinstance(encoded, list):
            pairs.extend((name, item) for item in encoded)
        else:
            pairs.append((name, encoded))
    return pairs


def build_headers(params: Mapping[str, object]) -> dict[str, str]:
    """Build header values: None is dropped, enums by value, lists comma-joined."""
    headers: dict[str, str] = {}
    for name, value in params.items():
        encoded = _encode_scalar(value)
        if encoded is not None:
            headers[name] = encoded
    return headers


def encode_json_body(body: object) -> bytes:
    """Serialize a request body; models use wire aliases and only set fields.

    The bytes are produced here rather than by httpx's ``json=`` so that an
    explicit ``None`` body is sent as JSON ``null`` instead of no body.
    """
    text = json.dumps(
        to_jsonable(body), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8")


def join_url(base_url: str, path: str) -> str:
    """Append ``path`` to the base URL's path, as httpx does for base_url.

    Always appended, even if the path looks absolute: a hostile spec path
    must not send requests (and their credentials) to another host.
    """
    if not base_url:
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def decode_response(
    response: httpx.Response,
    cast_to: Any,
    error_types: Mapping[int | str, Any] | None = None,
) -> Any:
    """Raise for non-2xx, else validate the JSON body against ``cast_to``.

    The bytes go straight to pydantic's JSON parser, which is faster than
    ``json.loads`` plus validation. ``bytes`` (a binary operation) is the body
    as it came, and a non-JSON response is returned as text when ``str`` is
    expected (text and XML operations: XML is not parsed).
    """
    if not response.is_success:
        raise status_error_from_response(response, error_types)
    if cast_to is None:
        return None
    if cast_to is bytes:
        return response.content
    if cast_to is str and not _is_json(response):
        return response.text
    try:
        if isinstance(cast_to, type) and issubclass(cast_to, pydantic.BaseModel):
            return cast_to.model_validate_json(
                response.content
            )  # skips the adapter lookup
        return type_adapter(cast_to).validate_json(response.content)
    except pydantic.ValidationError as exc:
        raise APIResponseValidationError(response=response, error=exc) from exc
