"""Per-client and per-call options of the transports: headers, query, timeouts,
User-Agent, and request logging with credentials redacted."""

from __future__ import annotations

import asyncio
import enum
import logging
from typing import Any

import httpx
import pytest

from generator.runtime.auth import (
    BearerAuth,
    CookieAuth,
    HeaderAuth,
    QueryAuth,
    combine_auth,
)
from generator.runtime.client import (
    DEFAULT_TIMEOUT,
    AsyncTransport,
    SyncTransport,
    redact_headers,
    redact_url,
)
from generator.runtime.errors import NotFoundError
from tests.runtime.helpers import Script, send

MODES = pytest.mark.parametrize("mode", ["sync", "async"])
LOGGER = "generator.runtime.client"


class Version(enum.Enum):
    V2024_07_30 = "2024-07-30"
    V2025_01_01 = "2025-01-01"


def one(
    mode: str, transport_options: dict[str, Any] | None = None, **kwargs: Any
) -> httpx.Request:
    script = Script([204])
    send(mode, script, transport_options=transport_options, **kwargs)
    return script.requests[0]


# --- headers ------------------------------------------------------------------------


@MODES
def test_header_precedence(mode: str) -> None:
    defaults = {
        "Sequence-Version": Version.V2024_07_30,
        "X-Client": "c",
        "X-Both": "client",
        "X-Dropped": None,
    }
    sent = one(
        mode,
        {"headers": defaults},
        headers={"sequence-version": None, "X-Both": "operation", "X-Op": 1},
        extra_headers={"x-op": "extra"},
    )
    # None at the operation keeps the client default (typed by its enum).
    assert sent.headers.get_list("sequence-version") == ["2024-07-30"]
    assert sent.headers["x-client"] == "c"
    assert sent.headers.get_list("x-both") == ["operation"]
    assert sent.headers.get_list("x-op") == ["extra"]
    assert "x-dropped" not in sent.headers

    override = one(
        mode,
        {"headers": defaults},
        headers={"Sequence-Version": Version.V2025_01_01},
        extra_headers={"X-Client": "per-call"},
    )
    assert override.headers.get_list("sequence-version") == ["2025-01-01"]
    assert override.headers.get_list("x-client") == ["per-call"]


@MODES
def test_extra_headers_can_override_the_content_type(mode: str) -> None:
    sent = one(
        mode,
        method="POST",
        json_body={"a": 1},
        extra_headers={"Content-Type": "application/merge-patch+json"},
    )
    assert sent.headers.get_list("content-type") == ["application/merge-patch+json"]


@MODES
def test_extra_query_follows_and_replaces_the_operation_query(mode: str) -> None:
    sent = one(
        mode,
        query={"limit": 5, "after": None, "ids": [1, 2], "sort": "asc"},
        extra_query={"debug": True, "ids": 3, "sort": None},
    )
    assert sent.url.params.multi_items() == [
        ("limit", "5"),
        ("debug", "true"),
        ("ids", "3"),
    ]


@MODES
def test_user_agent(mode: str) -> None:
    sent = one(mode, {"user_agent": "sequence-usage/1.2.3"})
    assert sent.headers.get_list("user-agent") == ["sequence-usage/1.2.3"]
    mine = one(mode, {"user_agent": "pkg/1", "headers": {"user-agent": "mine/2"}})
    assert mine.headers.get_list("user-agent") == ["mine/2"]
    per_call = one(mode, {"user_agent": "pkg/1"}, extra_headers={"User-Agent": "x/3"})
    assert per_call.headers.get_list("user-agent") == ["x/3"]
    assert one(mode).headers["user-agent"].startswith("python-httpx/")


# --- timeouts -------------------------------------------------------------------------


def timeout_of(request: httpx.Request) -> dict[str, float | None]:
    return dict(request.extensions["timeout"])


def test_default_timeout_is_finite() -> None:
    assert DEFAULT_TIMEOUT == httpx.Timeout(60.0, connect=10.0)
    with SyncTransport(base_url="https://h") as transport:
        assert transport._client.timeout == DEFAULT_TIMEOUT

    async def run() -> httpx.Timeout:
        async with AsyncTransport(base_url="https://h", timeout=5) as atransport:
            return atransport._client.timeout

    assert asyncio.run(run()) == httpx.Timeout(5)


@MODES
def test_per_call_timeout(mode: str) -> None:
    client_default = httpx.Timeout(7.0)

    # A caller's own client keeps its timeout unless the call gives one.
    def on(**kwargs: Any) -> dict[str, float | None]:
        script = Script([204])
        if mode == "sync":
            client = httpx.Client(
                transport=httpx.MockTransport(script), timeout=client_default
            )
            SyncTransport(base_url="https://h", http_client=client).request(
                "GET", "/", cast_to=None, **kwargs
            )
        else:

            async def run() -> None:
                aclient = httpx.AsyncClient(
                    transport=httpx.MockTransport(script), timeout=client_default
                )
                await AsyncTransport(base_url="https://h", http_client=aclient).request(
                    "GET", "/", cast_to=None, **kwargs
                )

            asyncio.run(run())
        return timeout_of(script.requests[0])

    assert on() == {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}
    assert on(timeout=0.5) == {"connect": 0.5, "read": 0.5, "write": 0.5, "pool": 0.5}
    custom = httpx.Timeout(1.0, read=30.0)
    assert on(timeout=custom) == {
        "connect": 1.0,
        "read": 30.0,
        "write": 1.0,
        "pool": 1.0,
    }
    # None disables the timeout, but only when passed explicitly.
    assert on(timeout=None) == {
        "connect": None,
        "read": None,
        "write": None,
        "pool": None,
    }


# --- logging ----------------------------------------------------------------------------

SECRETS = [
    "s3cret-bearer",
    "s3cret-key",
    "s3cret-query",
    "s3cret-cookie",
    "s3cret-pw",
    "s3cret-sig",
]


@MODES
def test_logs_redact_every_credential(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    auth = combine_auth(
        BearerAuth("s3cret-bearer"),
        HeaderAuth("X-Custom", "s3cret-key"),
        QueryAuth("sig", "s3cret-sig"),
        CookieAuth("session", "s3cret-cookie"),
    )
    script = Script([503, httpx.Response(404, headers={"x-request-id": "req-9"})])
    with pytest.raises(NotFoundError):
        send(
            mode,
            script,
            transport_options={
                "auth": auth,
                "base_url": "https://user:s3cret-pw@h/api",
                "headers": {"X-Api-Key": "s3cret-key", "Accept": "application/json"},
            },
            query={"access_token": "s3cret-query", "limit": 5},
            extra_headers={"Cookie": "other=s3cret-cookie"},
        )
    # The credentials did reach the server ...
    sent = script.requests[-1]
    assert sent.headers["authorization"] == "Bearer s3cret-bearer"
    assert sent.url.params["sig"] == "s3cret-sig"
    # ... but no log line carries any of them.
    for secret in SECRETS:
        assert secret not in caplog.text
    lines = [r.getMessage() for r in caplog.records]
    requests = [line for line in lines if line.startswith("HTTP request: GET https://")]
    responses = [
        line for line in lines if line.startswith("HTTP response: GET https://")
    ]
    assert len(requests) == len(responses) == 2
    assert "https://<redacted>@h/api/x?access_token=<redacted>&limit=5" in requests[0]
    assert "'x-api-key': '<redacted>'" in requests[0]
    assert "'accept': 'application/json'" in requests[0]
    assert "sig=<redacted>" in responses[0]
    assert " -> 503 (" in responses[0]
    assert " ms)" in responses[0]
    assert "-> 404" in responses[1]
    assert "request_id=req-9" in responses[1]
    assert any(line.startswith("Retrying GET https://<redacted>@h") for line in lines)


def test_nothing_is_formatted_when_debug_is_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    send("sync", Script([204]))
    assert caplog.records == []


def test_redact_headers() -> None:
    headers = {
        "Authorization": "Bearer a",
        "proxy-authorization": "b",
        "Cookie": "c",
        "Set-Cookie": "d",
        "X-API-Key": "e",
        "X-Auth-Thing": "f",
        "X-Session-Token": "g",
        "Client-Secret": "h",
        "X-Password": "i",
        "apikey": "j",
        "Accept": "application/json",
        "Sequence-Version": "2024-07-30",
        "X-Sig": "k",
    }
    redacted = redact_headers(headers)
    assert redacted == {
        **dict.fromkeys(list(headers)[:10], "<redacted>"),
        "Accept": "application/json",
        "Sequence-Version": "2024-07-30",
        "X-Sig": "k",
    }
    assert redact_headers(headers, extra=["x-sig"])["X-Sig"] == "<redacted>"
    assert redact_headers(httpx.Headers({"Authorization": "x", "A": "b"})) == {
        "authorization": "<redacted>",
        "a": "b",
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h/x", "https://h/x"),
        ("https://h/x?limit=5&after=abc", "https://h/x?limit=5&after=abc"),
        ("https://h/x?api_key=1&limit=5", "https://h/x?api_key=<redacted>&limit=5"),
        (
            "https://h/x?Token=1&PASSWORD=2&client_secret=3&auth=4",
            "https://h/x?Token=<redacted>&PASSWORD=<redacted>&client_secret=<redacted>&auth=<redacted>",
        ),
        ("https://h/x?key", "https://h/x?key=<redacted>"),
        ("https://h/x?a%5Fkey=1&q=a+b%20c", "https://h/x?a%5Fkey=<redacted>&q=a+b%20c"),
        ("https://u:p@h:8080/x?k=1", "https://<redacted>@h:8080/x?k=1"),
        ("https://tok@h/x", "https://<redacted>@h/x"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert redact_url(httpx.URL(url)) == redact_url(url)


def test_redact_url_extra_names() -> None:
    assert (
        redact_url("https://h/?sig=1&x=2", extra=("SIG",))
        == "https://h/?sig=<redacted>&x=2"
    )
