"""Exceptions raised by generated clients.

The hierarchy mirrors openai-python so callers can catch one broad class
(``APIError``) or branch on a precise one (``NotFoundError``). This module
depends only on httpx so client users need no server-side packages.
"""

from __future__ import annotations

import json

import httpx

__all__ = [
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
    "status_error_from_response",
]

_MAX_EXCERPT = 500


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

    ``body`` is the decoded JSON when the response is JSON, else its text,
    or ``None`` when it is empty, so callers can inspect error payloads.
    """

    response: httpx.Response
    status_code: int
    headers: httpx.Headers
    body: object

    def __init__(self, message: str, *, response: httpx.Response, body: object) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = body


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


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_from_response(response: httpx.Response) -> APIStatusError:
    """Build the most specific ``APIStatusError`` subclass for ``response``."""
    body = _decode_body(response)
    status = response.status_code
    cls = _STATUS_CLASSES.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    message = f"{status} {response.reason_phrase}".rstrip()
    if body is not None:
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        message = f"{message}: {_excerpt(text)}"
    return cls(message, response=response, body=body)


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
