"""Error contract and dispatch of generated FastAPI servers (``server.py``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any

import httpx
import pydantic
import pytest
from fastapi import Body, FastAPI, Header, HTTPException, Path, Query
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from generator.runtime import server as runtime_server
from generator.runtime.server import call_operation, install_error_handlers
from tests.live_server import live_server

SECRET = "secret-detail-7f3a"
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad request"},
    401: {"description": "Unauthorized"},
}


class Seat(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)

    seat_id: int = pydantic.Field(alias="seatId")
    label: str | None = None


class Impl:
    """A user implementation mixing sync and async methods."""

    def list_seats(self, limit: int | None, page_size: int | None) -> list[Seat]:
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        label = "loop" if on_loop else "thread"
        return [Seat(seat_id=limit or 0, label=label), Seat(seat_id=page_size or 0)]

    async def get_seat(self, seat_id: int, verbose: bool | None) -> Seat:
        await asyncio.sleep(0)
        return Seat(seat_id=seat_id)

    def delete_seat(self, seat_id: int) -> None:
        return None

    def create_seat(self, seat: Seat) -> Seat:
        return seat

    def crash(self) -> None:
        raise RuntimeError(SECRET)

    async def conflict(self) -> None:
        raise HTTPException(status_code=409, detail="seat taken")

    def raw(self) -> Response:
        return PlainTextResponse("raw text", status_code=202)

    @property
    def deferred(self) -> Callable[[], Awaitable[dict[str, int]]]:
        # A plain callable returning a coroutine must still be awaited.
        async def inner() -> dict[str, int]:
            return {"deferred": 1}

        return lambda: inner()

    not_callable = "not a method"


def build_app(impl: object) -> FastAPI:
    """Routes shaped like the generated server stubs."""
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/seats", responses=ERROR_RESPONSES)
    async def list_seats(
        authorization: Annotated[str, Header(alias="Authorization")],
        limit: Annotated[int | None, Query(alias="limit", ge=1)] = None,
        page_size: Annotated[int | None, Query(alias="page-size")] = None,
    ) -> Response:
        arguments = {"limit": limit, "page_size": page_size}
        return await call_operation(impl, "list_seats", "listSeats", arguments, 200)

    @app.get("/seats/{seat_id}")  # declares no 400: FastAPI's 422 is kept
    async def get_seat(
        seat_id: Annotated[int, Path(alias="seat_id")],
        verbose: Annotated[bool | None, Query(alias="verbose")] = None,
    ) -> Response:
        arguments = {"seat_id": seat_id, "verbose": verbose}
        return await call_operation(impl, "get_seat", "getSeat", arguments, 200)

    @app.delete("/seats/{seat_id}", status_code=204, responses={"400": {}})
    async def delete_seat(seat_id: Annotated[int, Path(alias="seat_id")]) -> Response:
        arguments = {"seat_id": seat_id}
        return await call_operation(impl, "delete_seat", "deleteSeat", arguments, 204)

    @app.post("/seats", status_code=201, responses={400: {}})
    async def create_seat(
        authorization: Annotated[str, Header(alias="Authorization")],
        seat: Annotated[Seat, Body()],
    ) -> Response:
        return await call_operation(
            impl, "create_seat", "createSeat", {"seat": seat}, 201
        )

    for name in ("crash", "conflict", "raw", "deferred", "not_callable"):
        app.add_api_route(f"/{name}", _endpoint(impl, name), methods=["GET"])
    return app


def _endpoint(impl: object, name: str) -> Callable[[], Awaitable[Response]]:
    async def endpoint() -> Response:
        return await call_operation(impl, name, name, {}, 200)

    return endpoint


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with live_server(build_app(Impl())) as url:
        yield url


@pytest.fixture()
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        yield client


AUTH = {"Authorization": "Bearer t"}


# --- validation errors ------------------------------------------------------


def test_declared_400_replaces_422_and_names_the_parameter(http: httpx.Client) -> None:
    response = http.get("/seats", params={"limit": 0}, headers=AUTH)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request"
    assert "'limit'" in error["message"]
    assert "\n" not in error["message"]
    assert error["errors"] == [
        {
            "location": "query",
            "name": "limit",
            "message": "Input should be greater than or equal to 1",
        }
    ]


def test_error_uses_wire_name_and_counts_extra_errors(http: httpx.Client) -> None:
    params = {"limit": "x", "page-size": "y"}
    response = http.get("/seats", params=params, headers=AUTH)
    assert response.status_code == 400
    error = response.json()["error"]
    assert {e["name"] for e in error["errors"]} == {"limit", "page-size"}
    assert "(and 1 more error)" in error["message"]


def test_undeclared_400_keeps_422_with_same_body_shape(http: httpx.Client) -> None:
    response = http.get("/seats/abc", params={"verbose": "maybe"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "invalid_request"
    locations = {(e["location"], e["name"]) for e in error["errors"]}
    assert locations == {("path", "seat_id"), ("query", "verbose")}


def test_string_status_keys_are_recognised(http: httpx.Client) -> None:
    assert http.delete("/seats/nope").status_code == 400


def test_body_errors(http: httpx.Client) -> None:
    response = http.post("/seats", json={"label": "no id"}, headers=AUTH)
    assert response.status_code == 400
    [error] = response.json()["error"]["errors"]
    assert error["location"] == "body"
    assert error["name"] == "seatId"
    assert error["message"] == "Field required"

    malformed = http.post(
        "/seats",
        content=b"{bad",
        headers={**AUTH, "content-type": "application/json"},
    )
    assert malformed.status_code == 400
    assert malformed.json()["error"]["errors"][0]["location"] == "body"


def test_missing_authorization_is_401_where_declared(http: httpx.Client) -> None:
    response = http.get("/seats")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "unauthorized"
    assert "Authorization" in error["message"]


def test_missing_authorization_plus_other_errors_is_400(http: httpx.Client) -> None:
    response = http.get("/seats", params={"limit": 0})
    assert response.status_code == 400
    names = {e["name"] for e in response.json()["error"]["errors"]}
    assert names == {"Authorization", "limit"}


def test_missing_authorization_without_declared_401_is_400(http: httpx.Client) -> None:
    response = http.post("/seats", json={"seatId": 1})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request"


# --- dispatch ---------------------------------------------------------------


def test_sync_impl_runs_in_threadpool(http: httpx.Client) -> None:
    response = http.get("/seats", params={"limit": 2, "page-size": 5}, headers=AUTH)
    assert response.status_code == 200
    # Models inside a list are dumped by alias, unset fields left out.
    assert response.json() == [{"seatId": 2, "label": "thread"}, {"seatId": 5}]


def test_async_impl_and_model_dump_by_alias_exclude_unset(http: httpx.Client) -> None:
    response = http.get("/seats/7")
    assert response.status_code == 200
    assert response.json() == {"seatId": 7}


def test_none_result_gives_bare_status(http: httpx.Client) -> None:
    response = http.delete("/seats/3")
    assert response.status_code == 204
    assert response.content == b""


def test_body_model_round_trip_with_status(http: httpx.Client) -> None:
    response = http.post("/seats", json={"seatId": 4, "label": "x"}, headers=AUTH)
    assert response.status_code == 201
    assert response.json() == {"seatId": 4, "label": "x"}


def test_response_returned_as_is_and_awaitable_result(http: httpx.Client) -> None:
    raw = http.get("/raw")
    assert (raw.status_code, raw.text) == (202, "raw text")
    assert http.get("/deferred").json() == {"deferred": 1}


def test_missing_implementation_is_501() -> None:
    with live_server(build_app(object())) as url:
        response = httpx.get(url + "/seats/1")
    assert response.status_code == 501
    assert response.json() == {
        "error": {
            "type": "not_implemented",
            "message": "Operation 'getSeat' is not implemented",
        }
    }


def test_non_callable_attribute_is_501(http: httpx.Client) -> None:
    response = http.get("/not_callable")
    assert response.status_code == 501
    assert response.json()["error"]["type"] == "not_implemented"


def test_http_exception_passes_through(http: httpx.Client) -> None:
    response = http.get("/conflict")
    assert response.status_code == 409
    assert response.json() == {"detail": "seat taken"}


# --- crashes ----------------------------------------------------------------


def test_crash_is_generic_500_logged_once(
    http: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = http.get("/crash")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"type": "internal_error", "message": "Internal server error"}
    }
    assert SECRET not in response.text
    assert "Traceback" not in response.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    [record] = errors
    assert record.name == runtime_server.__name__
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert "/crash" in record.getMessage()


def _asgi_get(app: FastAPI, path: str, *, raise_app_exceptions: bool) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(
            app=app, raise_app_exceptions=raise_app_exceptions
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await c.get(path)

    return asyncio.run(run())


def test_crash_in_process_is_a_response_not_an_exception() -> None:
    # In-process clients re-raise what escapes the app; nothing must escape.
    response = _asgi_get(build_app(Impl()), "/crash", raise_app_exceptions=True)
    assert response.status_code == 500
    assert response.json()["error"]["type"] == "internal_error"


def test_crash_in_outer_middleware_uses_same_body(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = build_app(Impl())

    @app.middleware("http")
    async def explode(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        raise RuntimeError(SECRET)

    response = _asgi_get(app, "/seats/1", raise_app_exceptions=False)
    assert response.status_code == 500
    assert response.json()["error"]["type"] == "internal_error"
    assert SECRET not in response.text
    assert any(r.name == runtime_server.__name__ for r in caplog.records)
