"""Fault injection against real servers on 127.0.0.1: rate limits, server errors,
connection resets and slow responses, through the transports' own httpx clients."""

from __future__ import annotations

import asyncio
import enum
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Self
from urllib.parse import parse_qs

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from generator.runtime.auth import BearerAuth, OAuth2ClientCredentials
from generator.runtime.client import AsyncTransport, SyncTransport
from generator.runtime.errors import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
)
from generator.runtime.retries import RetryPolicy
from tests.live_server import live_server

FAST = RetryPolicy(initial_delay=0.05, max_delay=0.1)


@dataclass
class Step:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class Script:
    """What the scripted endpoint answers, in order (the last step repeats)."""

    def __init__(self) -> None:
        self.steps: list[Step] = [Step()]
        self.seen: list[dict[str, str]] = []
        self.lock = threading.Lock()

    def reset(self, *steps: Step) -> None:
        with self.lock:
            self.steps = list(steps) or [Step()]
            self.seen = []

    def next(self, request: Request) -> Step:
        with self.lock:
            self.seen.append({**request.headers, "method": request.method})
            return self.steps[min(len(self.seen), len(self.steps)) - 1]


SCRIPT = Script()


async def scripted(request: Request) -> Response:
    step = SCRIPT.next(request)
    if step.delay:
        await asyncio.sleep(step.delay)
    return JSONResponse(
        {"attempt": len(SCRIPT.seen)}, status_code=step.status, headers=step.headers
    )


async def token(request: Request) -> Response:
    form = parse_qs((await request.body()).decode())
    SCRIPT.seen.append({"token_grant": form["grant_type"][0]})
    return JSONResponse({"access_token": "live-token", "expires_in": 3600})


APP = Starlette(
    routes=[
        Route("/api/scripted", scripted, methods=["GET", "POST", "PATCH"]),
        Route("/oauth/token", token, methods=["POST"]),
    ]
)


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with live_server(APP) as url:
        yield url


@pytest.fixture()
def script() -> Script:
    SCRIPT.reset()
    return SCRIPT


def sync(url: str, **options: object) -> SyncTransport:
    return SyncTransport(base_url=url + "/api", **options)  # type: ignore[arg-type]


def recording_sleep(transport: SyncTransport) -> list[float]:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    transport._sleep = sleep
    return slept


# --- 429 with Retry-After -------------------------------------------------------------


def test_429_retry_after_then_200(server_url: str, script: Script) -> None:
    script.reset(Step(429, {"Retry-After": "1"}), Step(200))
    with sync(server_url) as transport:
        slept = recording_sleep(transport)
        started = time.monotonic()
        result = transport.request("GET", "/scripted", cast_to=dict)
        elapsed = time.monotonic() - started
    assert result == {"attempt": 2}
    assert slept == [1.0]
    assert 0.95 <= elapsed < 3.0
    assert len(script.seen) == 2


def test_429_retry_after_then_200_async(server_url: str, script: Script) -> None:
    script.reset(Step(429, {"Retry-After": "1"}), Step(200))

    async def run() -> tuple[object, float]:
        async with AsyncTransport(base_url=server_url + "/api") as transport:
            started = time.monotonic()
            result = await transport.request("GET", "/scripted", cast_to=dict)
            return result, time.monotonic() - started

    result, elapsed = asyncio.run(run())
    assert result == {"attempt": 2}
    assert 0.95 <= elapsed < 3.0


# --- 503 twice, then 200 ------------------------------------------------------------------


def test_503_twice_then_200(server_url: str, script: Script) -> None:
    script.reset(Step(503), Step(503), Step(200))
    with sync(server_url, retry_policy=FAST) as transport:
        slept = recording_sleep(transport)
        assert transport.request("GET", "/scripted", cast_to=dict) == {"attempt": 3}
    assert len(script.seen) == 3
    assert len(slept) == 2


def test_503_until_retries_are_exhausted(server_url: str, script: Script) -> None:
    script.reset(Step(503))
    transport = sync(server_url, retry_policy=FAST.with_max_retries(3))
    with transport, pytest.raises(InternalServerError) as info:
        transport.request("GET", "/scripted", cast_to=dict)
    assert info.value.body == {"attempt": 4}
    assert len(script.seen) == 4


# --- POST and idempotency keys ----------------------------------------------------------


def test_post_without_idempotency_key_is_not_retried(
    server_url: str, script: Script
) -> None:
    script.reset(Step(503), Step(200))
    transport = sync(server_url, retry_policy=FAST)
    with transport, pytest.raises(InternalServerError):
        transport.request("POST", "/scripted", json_body={"seat": 1}, cast_to=dict)
    assert len(script.seen) == 1


def test_post_with_idempotency_key_is_retried(server_url: str, script: Script) -> None:
    script.reset(Step(503), Step(200))
    with sync(server_url, retry_policy=FAST) as transport:
        result = transport.request(
            "POST",
            "/scripted",
            json_body={"seat": 1},
            headers={"Idempotency-Key": "key-1"},
            cast_to=dict,
        )
    assert result == {"attempt": 2}
    assert [seen["idempotency-key"] for seen in script.seen] == ["key-1", "key-1"]


# --- connection reset ------------------------------------------------------------------------


class ResettingServer:
    """Accepts, reads the request, then closes with SO_LINGER 0 (a TCP RST)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.accepted = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()
        return f"http://{host}:{port}"

    def serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            conn.settimeout(2)
            try:
                conn.recv(65536)
            except OSError:
                pass
            conn.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            conn.close()

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(5)
        self.sock.close()


def test_connection_reset_is_retried_then_raised() -> None:
    with ResettingServer() as server:
        transport = SyncTransport(base_url=server.url, retry_policy=FAST)
        with transport, pytest.raises(APIConnectionError) as info:
            transport.request("GET", "/x", cast_to=None)
        assert server.accepted == 3
        assert info.value.request.url == server.url + "/x"
    assert not isinstance(info.value, APITimeoutError)
    assert isinstance(
        info.value.__cause__, httpx.NetworkError | httpx.RemoteProtocolError
    )


def test_connection_reset_async_and_post_not_retried() -> None:
    async def run(url: str, method: str) -> None:
        async with AsyncTransport(base_url=url, retry_policy=FAST) as transport:
            await transport.request(method, "/x", cast_to=None)

    with ResettingServer() as server:
        with pytest.raises(APIConnectionError):
            asyncio.run(run(server.url, "GET"))
        assert server.accepted == 3
        with pytest.raises(APIConnectionError):
            asyncio.run(run(server.url, "POST"))
        assert server.accepted == 4  # the POST may have reached the server: once only


# --- slow responses ------------------------------------------------------------------------------


def test_slow_response_times_out_near_its_deadline(
    server_url: str, script: Script
) -> None:
    script.reset(Step(200, delay=2.0))
    with sync(server_url, timeout=0.5, max_retries=0) as transport:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            transport.request("GET", "/scripted", cast_to=None)
        elapsed = time.monotonic() - started
    assert 0.45 <= elapsed < 1.5
    assert len(script.seen) == 1


def test_slow_response_per_call_timeout_and_retry(
    server_url: str, script: Script
) -> None:
    script.reset(Step(200, delay=2.0))
    with sync(server_url, retry_policy=FAST) as transport:  # default timeout: 60 s
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            transport.request(
                "GET", "/scripted", cast_to=None, timeout=0.3, max_retries=1
            )
        elapsed = time.monotonic() - started
    assert 0.6 <= elapsed < 2.0  # two attempts of 0.3 s, plus a short backoff
    assert len(script.seen) == 2


def test_slow_response_async(server_url: str, script: Script) -> None:
    script.reset(Step(200, delay=2.0))

    async def run() -> float:
        async with AsyncTransport(
            base_url=server_url + "/api", timeout=0.5, max_retries=0
        ) as transport:
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                await transport.request("GET", "/scripted", cast_to=None)
            return time.monotonic() - started

    assert 0.45 <= asyncio.run(run()) < 1.5


# --- credentials and version headers as the server sees them ------------------------------------


class Version(enum.Enum):
    V2024_07_30 = "2024-07-30"


def test_credentials_and_version_headers_arrive(
    server_url: str, script: Script
) -> None:
    with sync(
        server_url,
        auth=BearerAuth("live-secret"),
        headers={"Sequence-Version": Version.V2024_07_30},
        user_agent="sequence-usage/0.1.0",
    ) as transport:
        transport.request("GET", "/scripted", cast_to=dict)
        transport.request(
            "GET",
            "/scripted",
            cast_to=dict,
            extra_headers={"Authorization": "Basic once"},
        )
    first, second = script.seen
    assert first["authorization"] == "Bearer live-secret"
    assert first["sequence-version"] == "2024-07-30"
    assert first["user-agent"] == "sequence-usage/0.1.0"
    assert second["authorization"] == "Basic once"


def test_oauth2_against_a_real_token_endpoint(server_url: str, script: Script) -> None:
    auth = OAuth2ClientCredentials("/oauth/token", "id", "secret")

    async def run() -> None:
        async with AsyncTransport(base_url=server_url + "/api", auth=auth) as transport:
            for _ in range(3):
                await transport.request("GET", "/scripted", cast_to=dict)

    asyncio.run(run())
    grants = [seen for seen in script.seen if "token_grant" in seen]
    calls = [seen for seen in script.seen if "token_grant" not in seen]
    assert grants == [{"token_grant": "client_credentials"}]
    assert [call["authorization"] for call in calls] == ["Bearer live-token"] * 3
