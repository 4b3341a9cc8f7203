"""When and how long to wait before retrying a request.

Pure functions of a policy, the request and its outcome, so the sync and
async transports share one rule set and tests need no clock or network.
"""

from __future__ import annotations

import dataclasses
import datetime
import email.utils
import math
import random
from dataclasses import dataclass

import httpx

from .errors import APIConnectionError

__all__ = ["RetryPolicy", "retry_after_seconds", "retry_delay", "should_retry"]

_RETRY_STATUSES = frozenset({408, 409, 429})
_NON_IDEMPOTENT = frozenset({"POST", "PATCH"})
# Failures that prove the request never left: safe to retry for any method.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class RetryPolicy:
    """How a transport retries; the defaults follow openai-python's."""

    max_retries: int = 2
    initial_delay: float = 0.5  # seconds, doubled each attempt
    max_delay: float = 8.0
    max_retry_after: float = 60.0  # a longer Retry-After is not honoured: it raises
    idempotency_header: str = "Idempotency-Key"
    retry_non_idempotent: bool = False  # POST/PATCH retried only with the header

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if min(self.initial_delay, self.max_delay, self.max_retry_after) < 0:
            raise ValueError("delays must be >= 0")

    def with_max_retries(self, n: int) -> RetryPolicy:
        """This policy with another retry count (per client or per call)."""
        return dataclasses.replace(self, max_retries=n)


def retry_after_seconds(
    response: httpx.Response, *, now: datetime.datetime | None = None
) -> float | None:
    """Seconds the server asks us to wait, or None when it does not say.

    Reads ``retry-after-ms`` (a common extension) and then ``Retry-After``
    as seconds or as an HTTP-date; a date in the past means "now".
    """
    millis = _number(response.headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    value = response.headers.get("retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    now = now or datetime.datetime.now(datetime.UTC)
    return max(0.0, (when - now).total_seconds())


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def should_retry(
    policy: RetryPolicy,
    request: httpx.Request,
    *,
    status: int | None,
    error: Exception | None,
) -> bool:
    """Whether this outcome is worth another attempt (the count is checked apart).

    POST and PATCH may have taken effect, so they are retried only with an
    idempotency key, or when the policy allows it, or when the connection
    was never made.
    """
    if error is not None:
        cause = error.__cause__ if isinstance(error, APIConnectionError) else error
        if isinstance(cause, _NOT_SENT):
            return True
        retryable = isinstance(cause, _TRANSIENT) or (
            isinstance(error, APIConnectionError) and cause is None
        )
    else:
        retryable = status is not None and (status in _RETRY_STATUSES or status >= 500)
    return retryable and _may_repeat(policy, request)


def _may_repeat(policy: RetryPolicy, request: httpx.Request) -> bool:
    if request.method.upper() not in _NON_IDEMPOTENT or policy.retry_non_idempotent:
        return True
    return bool(request.headers.get(policy.idempotency_header))


def retry_delay(
    policy: RetryPolicy, attempt: int, response: httpx.Response | None
) -> float | None:
    """Seconds to wait before retry number ``attempt`` (0-based), or None.

    None means the server asked for a longer pause than ``max_retry_after``:
    failing now beats blocking the caller for minutes.
    """
    if response is not None:
        asked = retry_after_seconds(response)
        if asked is not None:
            return asked if asked <= policy.max_retry_after else None
    backoff = min(policy.max_delay, policy.initial_delay * 2.0 ** min(attempt, 64))
    # Jitter spreads clients that failed together so they do not retry together.
    return backoff * (1 - 0.25 * random.random())
