"""Access to the HTTP response behind a parsed result.

The transport records each final response in a context variable; a wrapper
made by ``with_raw_response`` reads it back, so generated methods keep one
signature and return type and the raw variant costs nothing when unused.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
from collections.abc import Awaitable, Callable
from typing import Generic, ParamSpec, TypeVar

import httpx

from .errors import request_id_from

__all__ = [
    "RawResponse",
    "async_with_raw_response",
    "record_response",
    "with_raw_response",
]

T = TypeVar("T")
P = ParamSpec("P")

_captured: contextvars.ContextVar[list[httpx.Response] | None] = contextvars.ContextVar(
    "oagen_raw_responses", default=None
)


def record_response(response: httpx.Response) -> None:
    """Hand ``response`` to the enclosing raw-response wrapper, if any."""
    holder = _captured.get()
    if holder is not None:
        holder.append(response)


class RawResponse(Generic[T]):
    """The parsed value with the status, headers and timing it came with."""

    def __init__(self, http_response: httpx.Response, parsed: T) -> None:
        self.http_response = http_response
        self._parsed = parsed

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return request_id_from(self.http_response.headers)

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def elapsed(self) -> datetime.timedelta:
        return self.http_response.elapsed

    def parse(self) -> T:
        """The value the wrapped method returned (parsed already, not again)."""
        return self._parsed

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] {self.url}>"


def _last(holder: list[httpx.Response], func: object) -> httpx.Response:
    if not holder:
        raise RuntimeError(f"{func!r} made no HTTP request to capture")
    return holder[-1]


def with_raw_response(func: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """Wrap a client method to return ``RawResponse`` around its result."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        holder: list[httpx.Response] = []
        token = _captured.set(holder)
        try:
            parsed = func(*args, **kwargs)
        finally:
            _captured.reset(token)
        return RawResponse(_last(holder, func), parsed)

    return wrapper


def async_with_raw_response(
    func: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[RawResponse[T]]]:
    """``with_raw_response`` for async client methods."""

    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        holder: list[httpx.Response] = []
        token = _captured.set(holder)
        try:
            parsed = await func(*args, **kwargs)
        finally:
            _captured.reset(token)
        return RawResponse(_last(holder, func), parsed)

    return wrapper
