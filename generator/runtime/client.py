"""HTTP transport used by generated clients.

Encoding, retry decisions, redaction and logging live in helpers (``wire``,
``retries``, ``redaction``, ``base_transport``) so the sync and the async
transport share them and differ only in how they send and sleep. Only httpx and pydantic are
imported: client users need no server packages.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Self, TypeVar, overload

import httpx

from .base_transport import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ErrorTypes,
    Timeout,
    _BaseTransport,
    _initial_policy,
    _translate,
)
from .bodies import RequestBody
from .raw import record_response
from .redaction import redact_headers, redact_url
from .retries import RetryPolicy
from .wire import (
    NOT_GIVEN,
    NotGiven,
    build_headers,
    build_query,
    decode_response,
    encode_json_body,
    encode_value,
    render_path,
)

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "AsyncTransport",
    "NotGiven",
    "RetryPolicy",
    "SyncTransport",
    "build_headers",
    "build_query",
    "decode_response",
    "encode_json_body",
    "encode_value",
    "redact_headers",
    "redact_url",
    "render_path",
]

T = TypeVar("T")


class SyncTransport(_BaseTransport):
    """Blocking transport over ``httpx.Client``.

    ``headers`` are defaults for every call (None dropped, enums by value);
    ``auth`` is applied to every request, also through a caller-supplied
    ``http_client``, which keeps its own timeout and is not closed by
    ``close()`` since its owner may share it. ``retry_policy``, when given,
    carries the retry count; ``max_retries`` is the shorthand.
    """

    def __init__(
        self,
        *,
        base_url: str,
        timeout: Timeout = DEFAULT_TIMEOUT,
        headers: Mapping[str, object] | None = None,
        http_client: httpx.Client | None = None,
        auth: httpx.Auth | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        user_agent: str | None = None,
    ) -> None:
        policy = _initial_policy(max_retries, retry_policy)
        super().__init__(base_url, headers, auth, policy, user_agent)
        self._owns_client = http_client is None
        if http_client is None:
            http_client = httpx.Client(base_url=base_url, timeout=timeout)
        self._client = http_client
        self._sleep: Callable[[float], None] = time.sleep  # replaced in tests

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
        content: RequestBody | None = None,
        cast_to: type[T],
        error_types: ErrorTypes | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
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
        content: RequestBody | None = None,
        cast_to: None,
        error_types: ErrorTypes | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
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
        content: RequestBody | None = None,
        cast_to: type[T] | None,
        error_types: ErrorTypes | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> T | None:
        """Send one request, retrying per policy, and decode it into ``cast_to``."""
        policy = self._policy(max_retries)
        attempt = 0
        while True:
            request = self._build_request(
                self._client,
                method,
                path,
                path_params=path_params,
                query=query,
                headers=headers,
                json_body=json_body,
                content=content,
                extra_headers=extra_headers,
                extra_query=extra_query,
                timeout=timeout,
            )
            self._log_request(request)
            started = time.monotonic()
            try:
                response = self._client.send(request, **self._send_options)
            except httpx.TransportError as exc:
                delay = self._retry_delay(policy, attempt, request, exc)
                if delay is None:
                    raise _translate(exc, request) from exc
            else:
                self._after_send(response, started)
                delay = self._retry_delay(policy, attempt, request, response)
                if delay is None:
                    record_response(response)
                    result: T | None = decode_response(response, cast_to, error_types)
                    return result
                response.close()  # a no-op unless a custom transport kept it open
            self._sleep(delay)
            attempt += 1


class AsyncTransport(_BaseTransport):
    """Asyncio transport over ``httpx.AsyncClient``; see ``SyncTransport``."""

    def __init__(
        self,
        *,
        base_url: str,
        timeout: Timeout = DEFAULT_TIMEOUT,
        headers: Mapping[str, object] | None = None,
        http_client: httpx.AsyncClient | None = None,
        auth: httpx.Auth | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        user_agent: str | None = None,
    ) -> None:
        policy = _initial_policy(max_retries, retry_policy)
        super().__init__(base_url, headers, auth, policy, user_agent)
        self._owns_client = http_client is None
        if http_client is None:
            http_client = httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self._client = http_client
        self._sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

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
        content: RequestBody | None = None,
        cast_to: type[T],
        error_types: ErrorTypes | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
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
        content: RequestBody | None = None,
        cast_to: None,
        error_types: ErrorTypes | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
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
        content: RequestBody | None = None,
        cast_to: type[T] | None,
        error_types: ErrorTypes | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> T | None:
        """Send one request, retrying per policy, and decode it into ``cast_to``."""
        policy = self._policy(max_retries)
        attempt = 0
        while True:
            request = self._build_request(
                self._client,
                method,
                path,
                path_params=path_params,
                query=query,
                headers=headers,
                json_body=json_body,
                content=content,
                extra_headers=extra_headers,
                extra_query=extra_query,
                timeout=timeout,
            )
            self._log_request(request)
            started = time.monotonic()
            try:
                response = await self._client.send(request, **self._send_options)
            except httpx.TransportError as exc:
                delay = self._retry_delay(policy, attempt, request, exc)
                if delay is None:
                    raise _translate(exc, request) from exc
            else:
                self._after_send(response, started)
                delay = self._retry_delay(policy, attempt, request, response)
                if delay is None:
                    record_response(response)
                    result: T | None = decode_response(response, cast_to, error_types)
                    return result
                await response.aclose()  # a no-op unless a custom transport kept it open
            await self._sleep(delay)
            attempt += 1
