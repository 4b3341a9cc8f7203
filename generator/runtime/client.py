"""HTTP transport used by generated clients.

Everything except the actual send lives in pure helpers so the sync and the
async transport share one copy of the encoding and decoding rules. Only
httpx and pydantic are imported: client users need no server packages.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import functools
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any, Final, Self, TypeVar, overload
from urllib.parse import quote

import httpx
import pydantic

from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    _is_json,
    status_error_from_response,
)
from .serialization import to_jsonable

__all__ = [
    "NOT_GIVEN",
    "AsyncTransport",
    "NotGiven",
    "SyncTransport",
    "build_headers",
    "build_query",
    "decode_response",
    "encode_json_body",
    "encode_value",
    "render_path",
]

T = TypeVar("T")

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


class NotGiven:
    """Sentinel type for "no request body", distinct from a JSON ``null``."""

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
    """Build header values: None is dropped, lists are comma-joined."""
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


@functools.lru_cache(maxsize=512)
def _cached_adapter(cast_to: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(cast_to)


def _type_adapter(cast_to: Any) -> pydantic.TypeAdapter[Any]:
    """Building a TypeAdapter is costly; cache it when the type is hashable."""
    try:
        hash(cast_to)
    except TypeError:
        return pydantic.TypeAdapter(cast_to)
    return _cached_adapter(cast_to)


def decode_response(response: httpx.Response, cast_to: Any) -> Any:
    """Raise for non-2xx, else validate the JSON body against ``cast_to``.

    A non-JSON response is returned as text when ``str`` is expected, so
    ``text/plain`` operations work without a JSON wrapper.
    """
    if not response.is_success:
        raise status_error_from_response(response)
    if cast_to is None:
        return None
    if cast_to is str and response.content and not _is_json(response):
        return response.text
    try:
        data = response.json()
    except ValueError as exc:
        raise APIResponseValidationError(response=response, error=exc) from exc
    try:
        return _type_adapter(cast_to).validate_python(data)
    except pydantic.ValidationError as exc:
        raise APIResponseValidationError(response=response, error=exc) from exc


def _join_url(base_url: str, path: str) -> str:
    """Append ``path`` to the base URL's path, as httpx does for base_url.

    Always appended, even if the path looks absolute: a hostile spec path
    must not send requests (and their credentials) to another host.
    """
    if not base_url:
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")


@contextlib.contextmanager
def _translate_transport_errors(request: httpx.Request) -> Iterator[None]:
    """Map httpx network failures onto the runtime's exception hierarchy."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise APITimeoutError(request=request) from exc
    except httpx.TransportError as exc:
        message = str(exc) or "Connection error."
        raise APIConnectionError(message, request=request) from exc


class _BaseTransport:
    """Request construction shared by the sync and async transports."""

    _base_url: str
    _default_headers: dict[str, str]

    def __init__(self, base_url: str, headers: Mapping[str, str] | None) -> None:
        self._base_url = base_url
        self._default_headers = dict(headers or {})

    @property
    def base_url(self) -> str:
        return self._base_url

    def _build_request(
        self,
        client: httpx.Client | httpx.AsyncClient,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        json_body: object,
    ) -> httpx.Request:
        # The URL and default headers are applied here, not only through the
        # client's config, so a caller-supplied client gets them too.
        url = _join_url(self._base_url, render_path(path, path_params or {}))
        merged = dict(self._default_headers)
        merged.update(build_headers(headers or {}))
        content: bytes | None = None
        if not isinstance(json_body, NotGiven):
            content = encode_json_body(json_body)
            merged["Content-Type"] = "application/json"
        return client.build_request(
            method,
            url,
            params=tuple(build_query(query or {})),
            headers=merged,
            content=content,
        )


class SyncTransport(_BaseTransport):
    """Blocking transport over ``httpx.Client``.

    A caller-supplied ``http_client`` keeps its own timeout and is not closed
    by ``close()``, since its owner may share it.
    """

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float | httpx.Timeout | None = 60.0,
        headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(base_url, headers)
        self._owns_client = http_client is None
        if http_client is None:
            http_client = httpx.Client(
                base_url=base_url, timeout=timeout, headers=dict(headers or {})
            )
        self._client = http_client

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        json_body: object = NOT_GIVEN,
        cast_to: type[T],
    ) -> T: ...

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        json_body: object = NOT_GIVEN,
        cast_to: None,
    ) -> None: ...

    def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        json_body: object = NOT_GIVEN,
        cast_to: type[T] | None,
    ) -> T | None:
        """Send one request and decode the response into ``cast_to``."""
        request = self._build_request(
            self._client,
            method,
            path,
            path_params=path_params,
            query=query,
            headers=headers,
            json_body=json_body,
        )
        with _translate_transport_errors(request):
            response = self._client.send(request)
        result: T | None = decode_response(response, cast_to)
        return result


class AsyncTransport(_BaseTransport):
    """Asyncio transport over ``httpx.AsyncClient``; see ``SyncTransport``."""

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float | httpx.Timeout | None = 60.0,
        headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(base_url, headers)
        self._owns_client = http_client is None
        if http_client is None:
            http_client = httpx.AsyncClient(
                base_url=base_url, timeout=timeout, headers=dict(headers or {})
            )
        self._client = http_client

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        json_body: object = NOT_GIVEN,
        cast_to: type[T],
    ) -> T: ...

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        json_body: object = NOT_GIVEN,
        cast_to: None,
    ) -> None: ...

    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        json_body: object = NOT_GIVEN,
        cast_to: type[T] | None,
    ) -> T | None:
        """Send one request and decode the response into ``cast_to``."""
        request = self._build_request(
            self._client,
            method,
            path,
            path_params=path_params,
            query=query,
            headers=headers,
            json_body=json_body,
        )
        with _translate_transport_errors(request):
            response = await self._client.send(request)
        result: T | None = decode_response(response, cast_to)
        return result
