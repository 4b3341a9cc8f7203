"""Raw responses: the HTTP response behind a parsed result (``_runtime/raw.py``)."""

from __future__ import annotations

import asyncio
import datetime
import inspect

import httpx
import pydantic
import pytest

from generator.runtime.client import AsyncTransport, SyncTransport
from generator.runtime.errors import NotFoundError
from generator.runtime.raw import (
    RawResponse,
    async_with_raw_response,
    with_raw_response,
)
from tests.runtime.helpers import Script, async_transport, sync_transport


class Seat(pydantic.BaseModel):
    seat_id: int


def answers() -> Script:
    return Script(
        [
            httpx.Response(
                201, json={"seat_id": 1}, headers={"x-request-id": "r-1", "X-Rate": "9"}
            ),
            httpx.Response(200, json={"seat_id": 2}),
            httpx.Response(404, json={"error": "no"}),
        ]
    )


class Seats:
    def __init__(self, transport: SyncTransport) -> None:
        self._transport = transport

    def get(self, seat_id: int, *, label: str | None = None) -> Seat:
        """Get one seat."""
        return self._transport.request(
            "GET", "/seats/{id}", path_params={"id": seat_id}, cast_to=Seat
        )

    def nothing(self) -> int:
        return 3


class AsyncSeats:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def get(self, seat_id: int) -> Seat:
        return await self._transport.request(
            "GET", "/seats/{id}", path_params={"id": seat_id}, cast_to=Seat
        )


def test_sync_raw_response() -> None:
    script = answers()
    seats = Seats(sync_transport(script, max_retries=0))
    get_raw = with_raw_response(seats.get)
    raw = get_raw(7)
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 201
    assert raw.headers["x-rate"] == "9"
    assert raw.request_id == "r-1"
    assert raw.url == "https://h/api/seats/7"
    assert isinstance(raw.elapsed, datetime.timedelta)
    assert raw.http_response.json() == {"seat_id": 1}
    assert raw.parse() == Seat(seat_id=1)
    assert raw.parse() is raw.parse()  # parsed once, by the method itself
    assert "201" in repr(raw)

    second = get_raw(8, label="x")
    assert second.parse() == Seat(seat_id=2)
    assert second.request_id is None

    with pytest.raises(NotFoundError):
        get_raw(9)


def test_wrapper_keeps_the_signature_and_docs() -> None:
    seats = Seats(sync_transport(answers()))
    wrapped = with_raw_response(seats.get)
    assert wrapped.__doc__ == "Get one seat."
    assert inspect.signature(wrapped) == inspect.signature(seats.get)


def test_a_method_without_a_request_is_an_error() -> None:
    seats = Seats(sync_transport(answers()))
    with pytest.raises(RuntimeError, match="made no HTTP request"):
        with_raw_response(seats.nothing)()


def test_retried_call_captures_the_final_response() -> None:
    script = Script(
        [503, httpx.Response(200, json={"seat_id": 5}, headers={"request-id": "final"})]
    )
    transport = sync_transport(script)
    transport._sleep = lambda seconds: None
    raw = with_raw_response(Seats(transport).get)(1)
    assert raw.status_code == 200
    assert raw.request_id == "final"


def test_async_raw_response() -> None:
    async def run() -> None:
        seats = AsyncSeats(async_transport(answers(), max_retries=0))
        get_raw = async_with_raw_response(seats.get)
        first, second = await get_raw(1), await get_raw(2)
        assert (first.status_code, first.request_id) == (201, "r-1")
        assert first.parse() == Seat(seat_id=1)
        assert second.parse() == Seat(seat_id=2)
        with pytest.raises(NotFoundError):
            await get_raw(3)

    asyncio.run(run())


def test_concurrent_async_captures_do_not_mix() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        seat = int(request.url.path.rsplit("/", 1)[1])
        return httpx.Response(
            200, json={"seat_id": seat}, headers={"x-request-id": f"r{seat}"}
        )

    async def run() -> None:
        seats = AsyncSeats(async_transport(handler))
        get_raw = async_with_raw_response(seats.get)
        raws = await asyncio.gather(*(get_raw(n) for n in range(30)))
        assert [(r.request_id, r.parse().seat_id) for r in raws] == [
            (f"r{n}", n) for n in range(30)
        ]

    asyncio.run(run())
