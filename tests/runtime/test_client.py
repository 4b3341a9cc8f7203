"""Behaviour of the generated clients' transport (``_runtime/client.py``)."""

from __future__ import annotations

import asyncio
import datetime
import enum
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pydantic
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from generator.runtime.client import (
    NOT_GIVEN,
    AsyncTransport,
    SyncTransport,
    build_headers,
    build_query,
    decode_response,
    encode_value,
    render_path,
)
from generator.runtime.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from tests.live_server import live_server

Handler = Callable[[httpx.Request], httpx.Response]


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Seat(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)

    seat_id: int = pydantic.Field(alias="seatId")
    label: str | None = None


def call(
    mode: str,
    handler: Handler,
    *,
    base_url: str = "https://h/api",
    method: str = "GET",
    path: str = "/x",
    **kwargs: Any,
) -> Any:
    """Issue one request through the sync or the async transport, without retries
    (test_retries.py covers those)."""
    options: dict[str, Any] = {"base_url": base_url, "max_retries": 0}
    if mode == "sync":
        client = httpx.Client(transport=httpx.MockTransport(handler))
        with SyncTransport(http_client=client, **options) as transport:
            return transport.request(method, path, **kwargs)

    async def run() -> Any:
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with AsyncTransport(http_client=client, **options) as transport:
            return await transport.request(method, path, **kwargs)

    return asyncio.run(run())


def capture(
    sent: list[httpx.Request], response: httpx.Response | None = None
) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return response if response is not None else httpx.Response(204)

    return handler


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


# --- pure helpers -----------------------------------------------------------


def test_render_path_quotes_reserved_characters() -> None:
    assert render_path("/items/{item_id}", {"item_id": "a/b?c"}) == "/items/a%2Fb%3Fc"
    assert render_path("/items/{id}", {"id": "é #%"}) == "/items/%C3%A9%20%23%25"


def test_render_path_uses_wire_names_and_encodes_values() -> None:
    template = "/seats/{seat-id}/{kind}/{seat-id}"
    rendered = render_path(template, {"seat-id": 7, "kind": Color.RED})
    assert rendered == "/seats/7/red/7"
    assert render_path("/f/{flag}/{ids}", {"flag": True, "ids": [1, 2]}) == (
        "/f/true/1%2C2"
    )


@pytest.mark.parametrize(
    "template",
    ["/seats/{seat_id}", "/x/{0}", "/x/{__class__}", "/x/{a.__dict__}", "/x/{a!r}"],
)
def test_render_path_missing_parameter_raises(template: str) -> None:
    with pytest.raises(ValueError, match="Missing path parameter"):
        render_path(template, {"a": 1, "seatId": 1})


def test_render_path_is_not_str_format() -> None:
    # Attribute lookups in a hostile template must not be evaluated.
    assert render_path("/x/{a.b}", {"a.b": 1}) == "/x/1"
    assert render_path("/plain", {}) == "/plain"
    with pytest.raises(ValueError):
        render_path("/x/{a}", {"a": None})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (Color.RED, "red"),
        (Level.HIGH, "3"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (1.5, "1.5"),
        ("x y", "x y"),
        (
            datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            "2024-01-02T03:04:05+00:00",
        ),
        (datetime.date(2024, 1, 2), "2024-01-02"),
        (datetime.time(3, 4), "03:04:00"),
        (
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "12345678-1234-5678-1234-567812345678",
        ),
        ([1, None, Color.RED, False], ["1", "red", "false"]),
        ((1, 2), ["1", "2"]),
        (Seat(seat_id=1), '{"seatId":1}'),
    ],
)
def test_encode_value(value: object, expected: object) -> None:
    assert encode_value(value) == expected


def test_build_query_and_headers() -> None:
    assert build_query({"a": None, "b": [1, 2], "c": False, "d": []}) == [
        ("b", "1"),
        ("b", "2"),
        ("c", "false"),
    ]
    assert build_headers({"X-A": None, "X-B": ["a", "b"], "X-C": 3}) == {
        "X-B": "a,b",
        "X-C": "3",
    }


# --- requests ---------------------------------------------------------------


@MODES
@pytest.mark.parametrize(
    ("base_url", "path", "expected"),
    [
        ("https://h/api", "/seat-events", "https://h/api/seat-events"),
        ("https://h/api/", "/seat-events", "https://h/api/seat-events"),
        ("https://h", "/seat-events", "https://h/seat-events"),
        ("https://h/api", "https://evil/x", "https://h/api/https://evil/x"),
    ],
)
def test_base_url_joining(mode: str, base_url: str, path: str, expected: str) -> None:
    sent: list[httpx.Request] = []
    call(mode, capture(sent), base_url=base_url, path=path, cast_to=None)
    assert str(sent[0].url) == expected


@MODES
def test_path_params_are_quoted_on_the_wire(mode: str) -> None:
    sent: list[httpx.Request] = []
    call(
        mode,
        capture(sent),
        path="/items/{item-id}",
        path_params={"item-id": "a/b?c"},
        cast_to=None,
    )
    assert sent[0].url.raw_path == b"/api/items/a%2Fb%3Fc"


@MODES
def test_query_encoding(mode: str) -> None:
    sent: list[httpx.Request] = []
    since = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    query = {
        "limit": 10,
        "cursor": None,
        "color": Color.RED,
        "flag": True,
        "ids": [1, 2],
        "since": since,
    }
    call(mode, capture(sent), query=query, cast_to=None)
    assert sent[0].url.params.multi_items() == [
        ("limit", "10"),
        ("color", "red"),
        ("flag", "true"),
        ("ids", "1"),
        ("ids", "2"),
        ("since", "2024-01-02T03:04:05+00:00"),
    ]
    # "+" must be percent-encoded, or servers decode it as a space.
    assert b"%2B00%3A00" in sent[0].url.query


@MODES
def test_header_encoding_and_default_headers(mode: str) -> None:
    sent: list[httpx.Request] = []

    def run_sync() -> None:
        client = httpx.Client(transport=httpx.MockTransport(capture(sent)))
        transport = SyncTransport(
            base_url="https://h",
            headers={"X-Default": "d", "X-Override": "old"},
            http_client=client,
        )
        transport.request("GET", "/", headers=headers, cast_to=None)

    async def run_async() -> None:
        client = httpx.AsyncClient(transport=httpx.MockTransport(capture(sent)))
        transport = AsyncTransport(
            base_url="https://h",
            headers={"X-Default": "d", "X-Override": "old"},
            http_client=client,
        )
        await transport.request("GET", "/", headers=headers, cast_to=None)

    headers = {"X-Override": "new", "X-None": None, "X-List": ["a", 1], "X-B": False}
    if mode == "sync":
        run_sync()
    else:
        asyncio.run(run_async())
    got = sent[0].headers
    assert got["x-default"] == "d"
    assert got["x-override"] == "new"
    assert got["x-list"] == "a,1"
    assert got["x-b"] == "false"
    assert "x-none" not in got


@MODES
def test_json_body_model_by_alias_only_set_fields(mode: str) -> None:
    sent: list[httpx.Request] = []
    call(mode, capture(sent), method="POST", json_body=Seat(seat_id=5), cast_to=None)
    assert sent[0].headers["content-type"] == "application/json"
    assert json.loads(sent[0].content) == {"seatId": 5}


@MODES
def test_json_body_plain_objects_and_null(mode: str) -> None:
    sent: list[httpx.Request] = []
    when = datetime.date(2024, 5, 6)
    seats = [Seat(seat_id=1, label="A"), Seat(seat_id=2)]
    body = {"seats": seats, "when": when, "c": Color.RED, Color.RED: (1,)}
    call(mode, capture(sent), method="POST", json_body=body, cast_to=None)
    call(mode, capture(sent), method="POST", json_body=None, cast_to=None)
    call(mode, capture(sent), method="POST", json_body=NOT_GIVEN, cast_to=None)
    assert json.loads(sent[0].content) == {
        "seats": [{"seatId": 1, "label": "A"}, {"seatId": 2}],
        "when": "2024-05-06",
        "c": "red",
        "red": [1],
    }
    assert sent[1].content == b"null"
    assert sent[1].headers["content-type"] == "application/json"
    assert sent[2].content == b""
    assert "content-type" not in sent[2].headers


# --- responses --------------------------------------------------------------


@MODES
def test_decode_model_and_list(mode: str) -> None:
    one = httpx.Response(200, json={"seatId": 3, "label": "B"})
    seat = call(mode, capture([], one), cast_to=Seat)
    assert seat == Seat(seat_id=3, label="B")
    many = httpx.Response(200, json=[{"seatId": 1}, {"seatId": 2}])
    seats = call(mode, capture([], many), cast_to=list[Seat])
    assert [s.seat_id for s in seats] == [1, 2]
    assert all(isinstance(s, Seat) for s in seats)


@MODES
def test_cast_to_none_ignores_body(mode: str) -> None:
    response = httpx.Response(200, json={"anything": 1})
    assert call(mode, capture([], response), cast_to=None) is None


def test_cast_to_str_accepts_json_and_text() -> None:
    as_json = httpx.Response(200, json="hello")
    as_text = httpx.Response(200, text="plain", headers={"content-type": "text/plain"})
    assert decode_response(as_json, str) == "hello"
    assert decode_response(as_text, str) == "plain"


@MODES
def test_invalid_json_raises_validation_error(mode: str) -> None:
    response = httpx.Response(
        200, content=b"{not json", headers={"content-type": "application/json"}
    )
    with pytest.raises(APIResponseValidationError) as info:
        call(mode, capture([], response), cast_to=Seat)
    assert isinstance(info.value.error, ValueError)
    assert info.value.__cause__ is info.value.error
    assert info.value.status_code == 200


@MODES
def test_schema_mismatch_raises_validation_error(mode: str) -> None:
    response = httpx.Response(200, json={"label": "no id"})
    with pytest.raises(APIResponseValidationError) as info:
        call(mode, capture([], response), cast_to=Seat)
    assert isinstance(info.value.error, pydantic.ValidationError)
    assert info.value.response is not None
    assert isinstance(info.value, APIError)


STATUS_CLASSES: list[tuple[int, type[APIStatusError]]] = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (503, InternalServerError),
    (599, InternalServerError),
    (418, APIStatusError),
    (405, APIStatusError),
    (302, APIStatusError),
]


@MODES
@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
def test_status_maps_to_exception_class(
    mode: str, status: int, cls: type[APIStatusError]
) -> None:
    payload = {"error": {"type": "x", "message": "nope"}}
    response = httpx.Response(status, json=payload, headers={"x-request-id": "r1"})
    with pytest.raises(APIStatusError) as info:
        call(mode, capture([], response), cast_to=Seat)
    error = info.value
    assert type(error) is cls
    assert error.status_code == status
    assert error.headers["x-request-id"] == "r1"
    assert error.body == payload
    assert error.response.status_code == status
    assert error.message.startswith(str(status))
    assert '"message": "nope"' in error.message


def test_status_error_raised_even_when_cast_to_none() -> None:
    with pytest.raises(NotFoundError):
        call("sync", capture([], httpx.Response(404)), cast_to=None)


def test_status_error_body_text_empty_and_long() -> None:
    text = httpx.Response(400, text="bad thing", headers={"content-type": "text/plain"})
    with pytest.raises(BadRequestError) as info:
        decode_response(text, Seat)
    assert info.value.body == "bad thing"
    assert info.value.message == "400 Bad Request: bad thing"

    with pytest.raises(NotFoundError) as info2:
        decode_response(httpx.Response(404), Seat)
    assert info2.value.body is None
    assert info2.value.message == "404 Not Found"

    problem = httpx.Response(
        409,
        content=b'{"title": "dup"}',
        headers={"content-type": "application/problem+json"},
    )
    with pytest.raises(ConflictError) as info3:
        decode_response(problem, Seat)
    assert info3.value.body == {"title": "dup"}

    broken = httpx.Response(
        500, content=b"{oops", headers={"content-type": "application/json"}
    )
    with pytest.raises(InternalServerError) as info4:
        decode_response(broken, Seat)
    assert info4.value.body == "{oops"

    long = httpx.Response(400, json={"detail": "x" * 5000})
    with pytest.raises(BadRequestError) as info5:
        decode_response(long, Seat)
    assert len(info5.value.message) < 700
    assert info5.value.message.endswith("...")
    assert info5.value.body == {"detail": "x" * 5000}


@MODES
def test_timeout_maps_to_api_timeout_error(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(APITimeoutError) as info:
        call(mode, handler, cast_to=None)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert info.value.request.url == "https://h/api/x"


@MODES
def test_connect_error_maps_to_api_connection_error(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(APIConnectionError) as info:
        call(mode, handler, cast_to=None)
    assert not isinstance(info.value, APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert "refused" in info.value.message


def test_given_client_is_not_closed_but_own_client_is() -> None:
    client = httpx.Client()
    SyncTransport(base_url="https://h", http_client=client).close()
    assert not client.is_closed
    client.close()

    async def run() -> None:
        aclient = httpx.AsyncClient()
        await AsyncTransport(base_url="https://h", http_client=aclient).aclose()
        assert not aclient.is_closed
        await aclient.aclose()

    asyncio.run(run())


# --- against a real server: the transports' own httpx clients ----------------


def _echo_app() -> FastAPI:
    app = FastAPI()

    @app.api_route("/api/echo/{rest:path}", methods=["GET", "POST"])
    async def echo(request: Request, rest: str) -> JSONResponse:
        return JSONResponse(
            {
                "path": request.scope["raw_path"].decode(),
                "query": list(request.query_params.multi_items()),
                "token": request.headers.get("x-token"),
                "body": (await request.body()).decode(),
            }
        )

    @app.get("/api/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(2)
        return {}

    return app


class Echo(pydantic.BaseModel):
    path: str
    query: list[tuple[str, str]]
    token: str | None
    body: str


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    with live_server(_echo_app()) as url:
        yield url


def test_sync_transport_over_real_socket(echo_url: str) -> None:
    with SyncTransport(base_url=echo_url + "/api", headers={"X-Token": "t"}) as t:
        echo = t.request(
            "POST",
            "/echo/{id}",
            path_params={"id": "a/b"},
            query={"q": [1, 2]},
            json_body=Seat(seat_id=1),
            cast_to=Echo,
        )
    assert echo == Echo(
        path="/api/echo/a%2Fb",
        query=[("q", "1"), ("q", "2")],
        token="t",
        body='{"seatId":1}',
    )
    assert t._client.is_closed


def test_async_transport_over_real_socket(echo_url: str) -> None:
    async def run() -> Echo:
        async with AsyncTransport(
            base_url=echo_url + "/api/", headers={"X-Token": "a"}
        ) as t:
            return await t.request("GET", "/echo/x", cast_to=Echo)

    echo = asyncio.run(run())
    assert echo.path == "/api/echo/x"
    assert echo.token == "a"


def test_real_timeout_and_refused_connection(echo_url: str) -> None:
    started = time.monotonic()
    slow = SyncTransport(base_url=echo_url + "/api", timeout=0.2, max_retries=0)
    with slow, pytest.raises(APITimeoutError):
        slow.request("GET", "/slow", cast_to=None)
    assert time.monotonic() - started < 1.5

    with live_server(FastAPI()) as gone:
        pass  # the port is closed once the server has stopped
    refused = SyncTransport(base_url=gone, max_retries=0)
    with refused, pytest.raises(APIConnectionError) as info:
        refused.request("GET", "/", cast_to=None)
    assert not isinstance(info.value, APITimeoutError)
