"""Request construction, retry decisions and logging shared by both transports.

Kept apart from ``client`` so the transports there are only their public
signatures and the send-and-retry loop, which differs in ``await`` alone.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Mapping
from typing import Any, Final

import httpx

from .auth import sensitive_names
from .bodies import RequestBody
from .errors import APIConnectionError, APITimeoutError, request_id_from
from .redaction import redact_headers, redact_url
from .retries import RetryPolicy, retry_delay, should_retry
from .wire import (
    NotGiven,
    build_headers,
    build_query,
    encode_json_body,
    join_url,
    render_path,
)

__all__ = ["DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "ErrorTypes", "Timeout"]

# Named after the public module: users configure logging for "<package>._runtime.client".
_logger = logging.getLogger(__name__.rsplit(".", 1)[0] + ".client")

#: Never infinite: a stalled server must not hang the caller forever.
DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES: Final = 2

ErrorTypes = Mapping[int | str, Any]
Timeout = float | httpx.Timeout | None


def _translate(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    """Map an httpx network failure onto the runtime's exception hierarchy."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request=request)
    return APIConnectionError(str(exc) or "Connection error.", request=request)


def _initial_policy(max_retries: int, policy: RetryPolicy | None) -> RetryPolicy:
    if policy is None:
        return RetryPolicy(max_retries=max_retries)
    if max_retries not in (DEFAULT_MAX_RETRIES, policy.max_retries):
        raise ValueError("give max_retries either directly or in retry_policy")
    return policy


class _BaseTransport:
    """Request construction, retry decisions and logging for both transports."""

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, object] | None,
        auth: httpx.Auth | None,
        policy: RetryPolicy,
        user_agent: str | None,
    ) -> None:
        self._base_url = base_url
        self._default_headers = httpx.Headers(build_headers(headers or {}))
        if user_agent and "user-agent" not in self._default_headers:
            self._default_headers["User-Agent"] = user_agent
        self._auth = auth
        self._retry_policy = policy
        self._secret_names = sensitive_names(auth)

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._retry_policy

    @property
    def _send_options(self) -> dict[str, Any]:
        # Auth goes with every send, so a caller's own http_client gets it
        # too; without one, that client's own auth (if any) still applies.
        return {} if self._auth is None else {"auth": self._auth}

    def _policy(self, max_retries: int | NotGiven) -> RetryPolicy:
        if isinstance(max_retries, NotGiven):
            return self._retry_policy
        return self._retry_policy.with_max_retries(max_retries)

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
        content: RequestBody | None,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, object] | None,
        timeout: Timeout | NotGiven,
    ) -> httpx.Request:
        # The URL and default headers are applied here, not only through the
        # client's config, so a caller-supplied client gets them too.
        url = join_url(self._base_url, render_path(path, path_params or {}))
        merged = httpx.Headers(self._default_headers)
        merged.update(build_headers(headers or {}))  # None dropped: defaults stay
        body: dict[str, Any] = {}
        if not isinstance(json_body, NotGiven):
            body = {"content": encode_json_body(json_body)}
            merged["Content-Type"] = "application/json"
        elif content is not None:
            body, content_type = content.encode()
            if content_type is not None:
                merged["Content-Type"] = content_type
        merged.update(extra_headers or {})
        # An extra_query name replaces the operation's value (None drops it).
        extra = extra_query or {}
        params = [pair for pair in build_query(query or {}) if pair[0] not in extra]
        params += build_query(extra)
        return client.build_request(
            method,
            url,
            params=tuple(params),
            headers=merged,
            timeout=(
                httpx.USE_CLIENT_DEFAULT if isinstance(timeout, NotGiven) else timeout
            ),
            **body,
        )

    def _log_request(self, request: httpx.Request) -> None:
        if _logger.isEnabledFor(logging.DEBUG):
            _logger.debug(
                "HTTP request: %s %s headers=%s",
                request.method,
                redact_url(request.url, extra=self._secret_names),
                redact_headers(request.headers, extra=self._secret_names),
            )

    def _after_send(self, response: httpx.Response, started: float) -> None:
        try:
            response.elapsed  # noqa: B018 - unset for responses a mock built pre-read
        except RuntimeError:
            response.elapsed = datetime.timedelta(seconds=time.monotonic() - started)
        if _logger.isEnabledFor(logging.DEBUG):
            _logger.debug(
                "HTTP response: %s %s -> %d (%.1f ms) request_id=%s",
                response.request.method,
                redact_url(response.request.url, extra=self._secret_names),
                response.status_code,
                response.elapsed.total_seconds() * 1000,
                request_id_from(response.headers),
            )

    def _retry_delay(
        self,
        policy: RetryPolicy,
        attempt: int,
        request: httpx.Request,
        outcome: httpx.Response | Exception,
    ) -> float | None:
        """Seconds to wait before retrying, or None to give up now."""
        response = outcome if isinstance(outcome, httpx.Response) else None
        status = None if response is None else response.status_code
        error = outcome if isinstance(outcome, Exception) else None
        if attempt >= policy.max_retries or not should_retry(
            policy, request, status=status, error=error
        ):
            return None
        delay = retry_delay(policy, attempt, response)
        reason = status if error is None else type(error).__name__
        url = redact_url(request.url, extra=self._secret_names)
        if delay is None:
            _logger.info(
                "Not retrying %s %s after %s: Retry-After exceeds %.0f s",
                request.method,
                url,
                reason,
                policy.max_retry_after,
            )
            return None
        _logger.info(
            "Retrying %s %s in %.2f s (retry %d of %d) after %s",
            request.method,
            url,
            delay,
            attempt + 1,
            policy.max_retries,
            reason,
        )
        return delay
