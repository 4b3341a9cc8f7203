"""Retry decisions (``_runtime/retries.py``) and the transports' retry loop."""

from __future__ import annotations

import datetime
import logging
import random
from typing import Any

import httpx
import pytest

from generator.runtime.errors import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    RateLimitError,
)
from generator.runtime.retries import (
    RetryPolicy,
    retry_after_seconds,
    retry_delay,
    should_retry,
)
from tests.runtime.helpers import Script, send

MODES = pytest.mark.parametrize("mode", ["sync", "async"])
POLICY = RetryPolicy()


def request(
    method: str = "GET", headers: dict[str, str] | None = None
) -> httpx.Request:
    return httpx.Request(method, "https://h/x", headers=headers)


# --- should_retry: statuses ---------------------------------------------------

STATUS_EXPECTED = {
    200: False,
    201: False,
    204: False,
    301: False,
    400: False,
    401: False,
    403: False,
    404: False,
    408: True,
    409: True,
    422: False,
    429: True,
    500: True,
    502: True,
    503: True,
    504: True,
    599: True,
}


@pytest.mark.parametrize(("status", "expected"), STATUS_EXPECTED.items())
@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
def test_idempotent_methods_retry_by_status(
    method: str, status: int, expected: bool
) -> None:
    assert should_retry(POLICY, request(method), status=status, error=None) is expected


@pytest.mark.parametrize("status", [408, 409, 429, 500, 503])
@pytest.mark.parametrize("method", ["POST", "PATCH", "post"])
def test_post_and_patch_need_an_idempotency_key(method: str, status: int) -> None:
    assert not should_retry(POLICY, request(method), status=status, error=None)
    keyed = request(method, {"Idempotency-Key": "k1"})
    assert should_retry(POLICY, keyed, status=status, error=None)
    lower = request(method, {"idempotency-key": "k1"})
    assert should_retry(POLICY, lower, status=status, error=None)
    empty = request(method, {"Idempotency-Key": ""})
    assert not should_retry(POLICY, empty, status=status, error=None)
    # Even with the key, a status that is not transient is not retried.
    assert not should_retry(POLICY, keyed, status=400, error=None)


def test_idempotency_header_and_non_idempotent_switch_are_configurable() -> None:
    custom = RetryPolicy(idempotency_header="X-Request-Key")
    assert not should_retry(
        custom, request("POST", {"Idempotency-Key": "k"}), status=503, error=None
    )
    assert should_retry(
        custom, request("POST", {"X-Request-Key": "k"}), status=503, error=None
    )
    anything = RetryPolicy(retry_non_idempotent=True)
    assert should_retry(anything, request("POST"), status=503, error=None)
    assert should_retry(anything, request("PATCH"), status=429, error=None)
    assert not should_retry(anything, request("POST"), status=404, error=None)


# --- should_retry: errors -----------------------------------------------------


def _wrapped(error: httpx.TransportError) -> APIConnectionError:
    wrapper = (
        APITimeoutError(request=request())
        if isinstance(error, httpx.TimeoutException)
        else APIConnectionError(request=request())
    )
    wrapper.__cause__ = error
    return wrapper


ERRORS: list[tuple[Exception, bool, bool]] = [
    # (error, retried for GET, retried for POST without a key)
    (httpx.ConnectError("refused"), True, True),  # never sent: always safe
    (httpx.ConnectTimeout("slow connect"), True, True),
    (httpx.PoolTimeout("pool"), True, True),
    (httpx.ReadTimeout("slow"), True, False),
    (httpx.WriteTimeout("slow"), True, False),
    (httpx.ReadError("reset"), True, False),
    (httpx.WriteError("broken pipe"), True, False),
    (httpx.RemoteProtocolError("disconnected"), True, False),
    (httpx.UnsupportedProtocol("ftp://"), False, False),
    (httpx.LocalProtocolError("bad"), False, False),
    (ValueError("a bug"), False, False),
]


@pytest.mark.parametrize(("error", "for_get", "for_post"), ERRORS)
def test_errors(error: Exception, for_get: bool, for_post: bool) -> None:
    assert should_retry(POLICY, request("GET"), status=None, error=error) is for_get
    assert should_retry(POLICY, request("POST"), status=None, error=error) is for_post
    keyed = request("POST", {"Idempotency-Key": "k"})
    assert should_retry(POLICY, keyed, status=None, error=error) is for_get
    if isinstance(error, httpx.TransportError):
        # The translated error (what users see) is judged by its cause.
        translated = _wrapped(error)
        assert should_retry(POLICY, request(), status=None, error=translated) is for_get


def test_connection_error_without_cause_is_retried() -> None:
    error = APIConnectionError(request=request())
    assert should_retry(POLICY, request(), status=None, error=error)


# --- Retry-After ----------------------------------------------------------------


def with_headers(**headers: str) -> httpx.Response:
    return httpx.Response(
        429, headers={k.replace("_", "-"): v for k, v in headers.items()}
    )


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry_after": "1"}, 1.0),
        ({"retry_after": " 3 "}, 3.0),
        ({"retry_after": "1.5"}, 1.5),
        ({"retry_after": "0"}, 0.0),
        ({"retry_after": "-1"}, None),
        ({"retry_after": "nan"}, None),
        ({"retry_after": "inf"}, None),
        ({"retry_after": "soon"}, None),
        ({"retry_after_ms": "250"}, 0.25),
        ({"retry_after_ms": "250", "retry_after": "9"}, 0.25),
        ({"retry_after_ms": "x", "retry_after": "9"}, 9.0),
    ],
)
def test_retry_after_seconds_forms(
    headers: dict[str, str], expected: float | None
) -> None:
    assert retry_after_seconds(with_headers(**headers)) == expected


def test_retry_after_http_date() -> None:
    now = datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    future = with_headers(retry_after="Thu, 02 Jan 2025 03:04:35 GMT")
    assert retry_after_seconds(future, now=now) == 30.0
    past = with_headers(retry_after="Thu, 02 Jan 2025 03:00:00 GMT")
    assert retry_after_seconds(past, now=now) == 0.0
    # Without `now`, the real clock is used: a date a minute ahead is about 60 s.
    ahead = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=61)
    header = ahead.strftime("%a, %d %b %Y %H:%M:%S GMT")
    seconds = retry_after_seconds(with_headers(retry_after=header))
    assert seconds is not None
    assert 58 <= seconds <= 61


# --- delays -----------------------------------------------------------------------


def test_backoff_doubles_and_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.0)
    delays = [retry_delay(POLICY, attempt, None) for attempt in range(7)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert retry_delay(POLICY, 10_000, None) == 8.0  # no overflow
    monkeypatch.setattr(random, "random", lambda: 1.0)
    assert retry_delay(POLICY, 0, None) == 0.375
    assert retry_delay(POLICY, 9, None) == 6.0


def test_jitter_stays_within_a_quarter_below_the_backoff() -> None:
    for attempt, ceiling in [(0, 0.5), (2, 2.0), (8, 8.0)]:
        samples = {retry_delay(POLICY, attempt, None) for _ in range(200)}
        assert all(s is not None and 0.75 * ceiling <= s <= ceiling for s in samples)
        assert len(samples) > 100  # actually random, not a constant


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    assert retry_delay(POLICY, 0, with_headers(retry_after="7")) == 7.0
    assert retry_delay(POLICY, 5, with_headers(retry_after="60")) == 60.0
    assert retry_delay(POLICY, 0, with_headers(retry_after="61")) is None
    small_cap = RetryPolicy(max_retry_after=2)
    assert retry_delay(small_cap, 0, with_headers(retry_after="3")) is None
    # A response without Retry-After gets the exponential backoff.
    delay = retry_delay(POLICY, 1, httpx.Response(503))
    assert delay is not None
    assert 0.75 <= delay <= 1.0


def test_policy_validation_and_copy() -> None:
    policy = RetryPolicy(initial_delay=1.0)
    assert policy.with_max_retries(5) == RetryPolicy(initial_delay=1.0, max_retries=5)
    assert policy.max_retries == 2
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="delays"):
        RetryPolicy(max_delay=-1)


# --- the transports' retry loop ---------------------------------------------------


@MODES
def test_retries_until_success_with_growing_backoff(mode: str) -> None:
    script = Script([503, 502, 200])
    sleeps: list[float] = []
    assert send(mode, script, sleeps=sleeps, cast_to=dict) == {"attempt": 3}
    assert len(script.requests) == 3
    assert len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.5
    assert 0.75 <= sleeps[1] <= 1.0


@MODES
def test_exhausted_retries_raise_the_last_status_error(mode: str) -> None:
    script = Script([503, 500])
    sleeps: list[float] = []
    with pytest.raises(InternalServerError) as info:
        send(mode, script, sleeps=sleeps)
    assert len(script.requests) == 3  # 1 + max_retries (2)
    assert info.value.body == {"attempt": 3}
    assert info.value.status_code == 500
    assert len(sleeps) == 2


@MODES
def test_exhausted_retries_raise_the_connection_error(mode: str) -> None:
    script = Script([httpx.ReadError("reset by peer")])
    with pytest.raises(APIConnectionError) as info:
        send(mode, script)
    assert len(script.requests) == 3
    assert "reset by peer" in info.value.message
    assert isinstance(info.value.__cause__, httpx.ReadError)

    timeouts = Script([httpx.ReadTimeout("slow")])
    with pytest.raises(APITimeoutError):
        send(mode, timeouts)
    assert len(timeouts.requests) == 3


@MODES
def test_a_connection_error_then_success(mode: str) -> None:
    script = Script([httpx.ConnectError("refused"), 200])
    assert send(mode, script, cast_to=dict) == {"attempt": 2}


@MODES
@pytest.mark.parametrize(
    ("client_retries", "call_retries", "expected_requests"),
    [(2, None, 3), (0, None, 1), (5, None, 6), (2, 0, 1), (0, 4, 5), (1, 3, 4)],
)
def test_max_retries_per_client_and_per_call(
    mode: str, client_retries: int, call_retries: int | None, expected_requests: int
) -> None:
    script = Script([503])
    kwargs: dict[str, Any] = (
        {} if call_retries is None else {"max_retries": call_retries}
    )
    sleeps: list[float] = []
    with pytest.raises(InternalServerError):
        send(
            mode,
            script,
            transport_options={"max_retries": client_retries},
            sleeps=sleeps,
            **kwargs,
        )
    assert len(script.requests) == expected_requests
    assert len(sleeps) == expected_requests - 1


@MODES
def test_retry_policy_object(mode: str) -> None:
    policy = RetryPolicy(max_retries=3, initial_delay=0.1, max_delay=0.2)
    script = Script([503])
    sleeps: list[float] = []
    with pytest.raises(InternalServerError):
        send(mode, script, transport_options={"retry_policy": policy}, sleeps=sleeps)
    assert len(script.requests) == 4
    assert all(0.05 <= s <= 0.2 for s in sleeps)
    assert sleeps[2] >= 0.15  # capped at max_delay 0.2, less 25% jitter at most


def test_max_retries_and_retry_policy_must_agree() -> None:
    from tests.runtime.helpers import sync_transport

    policy = RetryPolicy(max_retries=4)
    assert sync_transport(Script([200]), retry_policy=policy).retry_policy == policy
    same = sync_transport(Script([200]), retry_policy=policy, max_retries=4)
    assert same.retry_policy == policy
    with pytest.raises(ValueError, match="max_retries"):
        sync_transport(Script([200]), retry_policy=policy, max_retries=1)


@MODES
def test_retry_after_seconds_are_waited(mode: str) -> None:
    limited = httpx.Response(429, headers={"Retry-After": "2"})
    script = Script([limited, 200])
    sleeps: list[float] = []
    send(mode, script, sleeps=sleeps)
    assert sleeps == [2.0]


@MODES
def test_retry_after_http_date_is_waited(mode: str) -> None:
    when = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=5)
    header = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    script = Script([httpx.Response(503, headers={"Retry-After": header}), 200])
    sleeps: list[float] = []
    send(mode, script, sleeps=sleeps)
    assert len(sleeps) == 1
    assert 3.0 <= sleeps[0] <= 5.0


@MODES
def test_retry_after_over_the_cap_raises_at_once(mode: str) -> None:
    script = Script([httpx.Response(429, headers={"Retry-After": "120"}), 200])
    sleeps: list[float] = []
    with pytest.raises(RateLimitError):
        send(mode, script, sleeps=sleeps)
    assert len(script.requests) == 1
    assert sleeps == []


@MODES
def test_client_errors_are_not_retried(mode: str) -> None:
    script = Script([400, 200])
    with pytest.raises(BadRequestError):
        send(mode, script)
    assert len(script.requests) == 1


@MODES
def test_post_retried_only_with_idempotency_key(mode: str) -> None:
    unkeyed = Script([503, 200])
    with pytest.raises(InternalServerError):
        send(mode, unkeyed, method="POST", json_body={"a": 1})
    assert len(unkeyed.requests) == 1

    keyed = Script([503, 200])
    send(
        mode, keyed, method="POST", json_body={"a": 1}, headers={"Idempotency-Key": "k"}
    )
    assert len(keyed.requests) == 2
    # Every attempt carries the same key and body.
    assert {r.headers["idempotency-key"] for r in keyed.requests} == {"k"}
    assert {r.content for r in keyed.requests} == {b'{"a":1}'}

    via_extra = Script([503, 200])
    send(mode, via_extra, method="PATCH", extra_headers={"Idempotency-Key": "k"})
    assert len(via_extra.requests) == 2

    allowed = Script([503, 200])
    options = {"retry_policy": RetryPolicy(retry_non_idempotent=True)}
    send(mode, allowed, method="POST", transport_options=options)
    assert len(allowed.requests) == 2


@MODES
def test_each_retry_is_logged_at_info(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="generator.runtime.client")
    send(mode, Script([503, httpx.ReadError("reset"), 200]))
    retried = [r for r in caplog.records if r.levelno == logging.INFO]
    assert len(retried) == 2
    assert "Retrying GET https://h/api/x" in retried[0].getMessage()
    assert "after 503" in retried[0].getMessage()
    assert "(retry 1 of 2)" in retried[0].getMessage()
    assert "after ReadError" in retried[1].getMessage()
    assert "(retry 2 of 2)" in retried[1].getMessage()
