"""Shared helpers of the runtime tests: a scripted MockTransport and transports on it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import httpx

from generator.runtime.client import AsyncTransport, SyncTransport

Handler = Callable[[httpx.Request], httpx.Response]


class Script:
    """Answers requests from a list of outcomes (a response or an exception to raise)
    and records every request it saw."""

    def __init__(self, outcomes: Iterable[httpx.Response | Exception | int]) -> None:
        self.outcomes = list(outcomes)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = min(len(self.requests), len(self.outcomes)) - 1
        outcome = self.outcomes[index]
        if isinstance(outcome, Exception):
            raise outcome
        if isinstance(outcome, int):
            return httpx.Response(outcome, json={"attempt": len(self.requests)})
        return outcome


def sync_transport(handler: Handler, **options: Any) -> SyncTransport:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    options.setdefault("base_url", "https://h/api")
    transport = SyncTransport(http_client=client, **options)
    return transport


def async_transport(handler: Handler, **options: Any) -> AsyncTransport:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    options.setdefault("base_url", "https://h/api")
    return AsyncTransport(http_client=client, **options)


def send(
    mode: str,
    handler: Handler,
    *,
    transport_options: dict[str, Any] | None = None,
    sleeps: list[float] | None = None,
    method: str = "GET",
    path: str = "/x",
    **kwargs: Any,
) -> Any:
    """One request through a sync or async transport; sleeps are recorded, not slept."""
    kwargs.setdefault("cast_to", None)
    recorded = sleeps if sleeps is not None else []
    if mode == "sync":
        transport = sync_transport(handler, **(transport_options or {}))
        transport._sleep = recorded.append
        return transport.request(method, path, **kwargs)

    async def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    async def run() -> Any:
        atransport = async_transport(handler, **(transport_options or {}))
        atransport._sleep = fake_sleep
        return await atransport.request(method, path, **kwargs)

    return asyncio.run(run())
