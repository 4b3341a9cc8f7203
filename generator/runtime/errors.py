"""Exceptions raised by generated clients.

The hierarchy mirrors openai-python so callers can catch one broad class
(``APIError``) or branch on a precise one (``NotFoundError``). This module
depends only on httpx and pydantic so client users need no server packages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx
import pydantic

from .serialization import type_adapter

__all__ = [
    "REQUEST_ID_HEADERS",
    "STATUS_ERRORS",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "error_class_for_status",
    "request_id_from",
    "status_error_from_response",
]

_MAX_EXCERPT = 500

#: Headers that carry the server's request id, most common first.
REQUEST_ID_HEADERS: tuple[str, ...] = ("x-request-id", "request-id", "x-amzn-requestid")


class APIError(Exception):
    """Base class of every error a generated client raises."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class APIConnectionError(APIError):
    """The request never produced a response (DNS, refused, reset...)."""

    request: httpx.Request

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request
    ) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out; a subclass so connection handlers catch it too."""

    def __init__(self, *, request: httpx.Request) -> None:
        super().__init__("Request timed out.", request=request)


class APIResponseValidationError(APIError):
    """A 2xx response whose body is not JSON or does not match the schema."""

    response: httpx.Response
    status_code: int
    error: Exception

    def __init__(self, *, response: httpx.Response, error: Exception) -> None:
        super().__init__(
            f"Response of {response.status_code} does not match the expected type: "
            f"{_excerpt(str(error))}"
        )
        self.response = response
        self.status_code = response.status_code
        self.error = error


class APIStatusError(APIError):
    """The server answered with a non-2xx status.

    ``body`` is the spec's error model when one is declared and the payload
    matches it; otherwise the decoded JSON, the text, or ``None`` when empty,
    so an unexpected payload is still there to inspect.
    """

    response: httpx.Response
    status_code: int
    headers: httpx.Headers
    body: object
    request_id: str | None

    def __init__(self, message: str, *, response: httpx.Response, body: object) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = body
        self.request_id = request_id_from(response.headers)

    @property
    def request(self) -> httpx.Request:
        """The request that got this answer (read lazily: a bare test response has none)."""
        return self.response.request


class BadRequestError(APIStatusError):
    """HTTP 400."""


class AuthenticationError(APIStatusError):
    """HTTP 401."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403."""


class NotFoundError(APIStatusError):
    """HTTP 404."""


class ConflictError(APIStatusError):
    """HTTP 409."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422."""


class RateLimitError(APIStatusError):
    """HTTP 429."""


class InternalServerError(APIStatusError):
    """Any HTTP 5xx."""


#: The one status -> exception map; a status not in it raises ``APIStatusError``.
STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    **dict.fromkeys(range(500, 600), InternalServerError),
}


def error_class_for_status(status: int) -> type[APIStatusError]:
    """The exception class for ``status``, from ``STATUS_ERRORS``."""
    return STATUS_ERRORS.get(status, APIStatusError)


def request_id_from(headers: httpx.Headers) -> str | None:
    """The server's request id, for support tickets and log correlation."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return str(value)
    return None


def status_error_from_response(
    response: httpx.Response, error_types: Mapping[int | str, Any] | None = None
) -> APIStatusError:
    """Build the most specific ``APIStatusError`` subclass for ``response``.

    ``error_types`` maps a status (``404``), a range (``"4XX"``) or
    ``"default"`` to the type the spec declares for that error body.
    """
    raw = _decode_body(response)
    status = response.status_code
    message = f"{status} {response.reason_phrase}".rstrip()
    if raw is not None:
        text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
        message = f"{message}: {_excerpt(text)}"
    body = _typed_body(raw, _error_type(status, error_types or {}))
    return error_class_for_status(status)(message, response=response, body=body)


_NO_TYPE: Any = object()


def _error_type(status: int, error_types: Mapping[int | str, Any]) -> Any:
    for key in (status, str(status), f"{status // 100}XX", f"{status // 100}xx"):
        if key in error_types:
            return error_types[key]
    return error_types.get("default", _NO_TYPE)


def _typed_body(raw: object, tp: Any) -> object:
    """Validate against the declared type; a mismatch keeps the raw body."""
    if tp is _NO_TYPE or raw is None:
        return raw
    try:
        return type_adapter(tp).validate_python(raw)
    except pydantic.ValidationError:
        return raw


def _is_json(response: httpx.Response) -> bool:
    content_type = str(response.headers.get("content-type", ""))
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime == "application/json" or mime.endswith("+json")


def _decode_body(response: httpx.Response) -> object:
    """Decode an error body leniently: a bad JSON body still yields its text."""
    if not response.content:
        return None
    if _is_json(response):
        try:
            decoded: object = response.json()
            return decoded
        except ValueError:
            pass
    return response.text


def _excerpt(text: str) -> str:
    """Cap long bodies so exception messages stay readable in logs."""
    text = " ".join(text.split())
    if len(text) > _MAX_EXCERPT:
        return text[:_MAX_EXCERPT] + "..."
    return text
