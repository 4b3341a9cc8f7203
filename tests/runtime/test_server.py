"""Error contract and dispatch of generated FastAPI servers (``server.py``)."""

from __future__ import annotations

import asyncio
import logging
import typing
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any

import httpx
import pydantic
import pytest
from fastapi import Body, FastAPI, Header, HTTPException, Path, Query
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from generator.runtime import server_errors
from generator.runtime.serialization import omit_if_none
from generator.runtime.server import (
    ErrorBody,
    OperationInfo,
    OperationTable,
    install_error_handlers,
)
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


OPERATIONS = {
    "list_seats": OperationInfo("listSeats", 200, list[Seat]),
    "get_seat": OperationInfo("getSeat", 200, Seat),
    "delete_seat": OperationInfo("deleteSeat", 204, None),
    "create_seat": OperationInfo("createSeat", 201, Seat),
    "crash": OperationInfo("crash", 200, None),
    "conflict": OperationInfo("conflict", 200, None),
    "raw": OperationInfo("raw", 200, None),
    "deferred": OperationInfo("deferred", 200, dict[str, int]),
    "not_callable": OperationInfo("not_callable", 200, None),
}


def build_app(impl: object, *, validate_responses: bool = False) -> FastAPI:
    """Routes shaped like the generated server stubs."""
    app = FastAPI()
    install_error_handlers(app)
    table = OperationTable(impl, OPERATIONS, validate_responses=validate_responses)

    @app.get("/seats", responses=ERROR_RESPONSES)
    async def list_seats(
        authorization: Annotated[str, Header(alias="Authorization")],
        limit: Annotated[int | None, Query(alias="limit", ge=1)] = None,
        page_size: Annotated[int | None, Query(alias="page-size")] = None,
    ) -> Response:
        arguments = {"limit": limit, "page_size": page_size}
        return await table.call("list_seats", arguments)

    @app.get("/seats/{seat_id}")  # declares no 400: FastAPI's 422 is kept
    async def get_seat(
        seat_id: Annotated[int, Path(alias="seat_id")],
        verbose: Annotated[bool | None, Query(alias="verbose")] = None,
    ) -> Response:
        arguments = {"seat_id": seat_id, "verbose": verbose}
        return await table.call("get_seat", arguments)

    @app.delete("/seats/{seat_id}", status_code=204, responses={"400": {}})
    async def delete_seat(seat_id: Annotated[int, Path(alias="seat_id")]) -> Response:
        arguments = {"seat_id": seat_id}
        return await table.call("delete_seat", arguments)

    @app.post("/seats", status_code=201, responses={400: {}})
    async def create_seat(
        authorization: Annotated[str, Header(alias="Authorization")],
        seat: Annotated[Seat, Body()],
    ) -> Response:
        return await table.call("create_seat", {"seat": seat})

    for name in ("crash", "conflict", "raw", "deferred", "not_callable"):
        app.add_api_route(f"/{name}", _endpoint(table, name), methods=["GET"])
    return app


def _endpoint(table: OperationTable, name: str) -> Callable[[], Awaitable[Response]]:
    async def endpoint() -> Response:
        return await table.call(name, {})

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
    assert record.name == server_errors.__name__
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
    assert any(r.name == server_errors.__name__ for r in caplog.records)


# --- responses --------------------------------------------------------------


class Badge(pydantic.BaseModel):
    """`label` may not be null in the spec; `note` may."""

    model_config = pydantic.ConfigDict(populate_by_name=True)

    badge_id: int = pydantic.Field(alias="badgeId")
    label: str | None = None
    note: str | None = None
    _omit_if_none = omit_if_none(["label"])


class Answers:
    """Results of every shape an implementation may return for a `Badge`."""

    def __init__(self, result: object) -> None:
        self.result = result

    def get_badge(self) -> object:
        return self.result

    def delete_badge(self) -> object:
        return self.result


def _badge_app(result: object, *, validate_responses: bool = False) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    table = OperationTable(
        Answers(result),
        {
            "get_badge": OperationInfo("getBadge", 200, Badge),
            "delete_badge": OperationInfo("deleteBadge", 204, None),
        },
        validate_responses=validate_responses,
    )

    @app.get("/badge")
    async def get_badge() -> Response:
        return await table.call("get_badge", {})

    @app.delete("/badge", status_code=204)
    async def delete_badge() -> Response:
        return await table.call("delete_badge", {})

    return app


def test_dict_result_is_validated_into_the_model_and_sent_by_wire_name() -> None:
    app = _badge_app({"badge_id": "7", "note": None, "unknown": 1})
    response = _asgi_get(app, "/badge", raise_app_exceptions=True)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"badgeId": 7, "note": None}


def test_none_for_a_non_nullable_optional_field_is_left_out() -> None:
    app = _badge_app(Badge(badge_id=1, label=None, note=None))
    response = _asgi_get(app, "/badge", raise_app_exceptions=True)
    # `label` was set to None but may not be null: absent. `note` may: null.
    assert response.json() == {"badgeId": 1, "note": None}


def test_result_that_does_not_match_the_schema_is_a_logged_generic_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = _badge_app({"label": "no id"})
    with caplog.at_level(logging.ERROR):
        response = _asgi_get(app, "/badge", raise_app_exceptions=True)
    assert response.status_code == 500
    assert response.json()["error"]["type"] == "internal_error"
    assert "badgeId" not in response.text
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("'getBadge'" in m and "badgeId" in m for m in messages), messages


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")
def test_validate_responses_explains_the_mismatch_in_the_body() -> None:
    constructed = Badge.model_construct(badge_id="not a number")
    app = _badge_app(constructed, validate_responses=True)
    response = _asgi_get(app, "/badge", raise_app_exceptions=True)
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["type"] == "invalid_response"
    assert "'getBadge'" in error["message"] and "badgeId" in error["message"]
    # Without the check, the same object goes out unchecked.
    loose = _asgi_get(_badge_app(constructed), "/badge", raise_app_exceptions=True)
    assert loose.json() == {"badgeId": "not a number"}


def test_validate_responses_refuses_a_body_where_the_spec_has_none() -> None:
    app = _badge_app({"badgeId": 1}, validate_responses=True)
    response = _asgi_get(app, "/badge", raise_app_exceptions=True)
    assert response.status_code == 200
    deleted = _asgi_get_method(app, "DELETE", "/badge")
    assert deleted.status_code == 500
    assert "has none" in deleted.json()["error"]["message"]
    assert _asgi_get_method(_badge_app(None), "DELETE", "/badge").status_code == 204


def _asgi_get_method(app: FastAPI, method: str, path: str) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await c.request(method, path)

    return asyncio.run(run())


# --- declared error schemas -------------------------------------------------


class Problem(pydantic.BaseModel):
    """An error schema as specs declare them: `{code, message, status}`."""

    code: str
    message: str
    status: int = 0


class Closed(pydantic.BaseModel):
    reason: typing.Literal["closed"]


PROBLEM = ErrorBody(
    Problem,
    '{"code": "string", "message": "string"}',
    message_field="message",
    code_field="code",
)
ERROR_BODIES = {
    "getBadge": {"default": PROBLEM, "404": PROBLEM},
    "missing": {"5XX": PROBLEM},
    "closed": {"default": ErrorBody(Closed, '{"reason": "closed"}', "reason")},
}


class Declared:
    async def get_badge(self, badge_id: int) -> Badge:
        if badge_id == 404:
            raise HTTPException(status_code=404, detail="no such badge")
        if badge_id == 500:
            raise RuntimeError(SECRET)
        if badge_id == 418:
            raise HTTPException(status_code=418, detail="teapot")
        return Badge(badge_id=badge_id)

    def closed(self) -> None:
        raise RuntimeError(SECRET)


def _declared_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app, ERROR_BODIES)
    table = OperationTable(
        Declared(),
        {
            "get_badge": OperationInfo("getBadge", 200, Badge),
            "missing": OperationInfo("missing", 200, None),
            "closed": OperationInfo("closed", 200, None),
        },
        error_bodies=ERROR_BODIES,
    )

    @app.get("/badges/{badge_id}", operation_id="getBadge", responses={400: {}})
    async def get_badge(badge_id: Annotated[int, Path()]) -> Response:
        return await table.call("get_badge", {"badge_id": badge_id})

    @app.get("/missing", operation_id="missing")
    async def missing() -> Response:
        return await table.call("missing", {})

    @app.get("/closed", operation_id="closed")
    async def closed() -> Response:
        return await table.call("closed", {})

    return app


@pytest.fixture(scope="module")
def declared_url() -> Iterator[str]:
    with live_server(_declared_app()) as url:
        yield url


@pytest.mark.parametrize(
    ("path", "status", "code", "message"),
    [
        ("/badges/x", 400, "invalid_request", "'badge_id'"),
        ("/badges/404", 404, "not_found", "no such badge"),
        ("/badges/500", 500, "internal_error", "Internal server error"),
        ("/missing", 501, "not_implemented", "'missing' is not implemented"),
    ],
)
def test_the_servers_own_errors_take_the_declared_shape(
    declared_url: str, path: str, status: int, code: str, message: str
) -> None:
    response = httpx.get(declared_url + path)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message"}, body
    assert body["code"] == code
    assert message in body["message"]
    assert SECRET not in response.text
    Problem.model_validate(body)


def test_an_undeclared_status_keeps_fastapis_or_our_body(declared_url: str) -> None:
    # getBadge declares 404 and default: 418 falls under default.
    assert httpx.get(declared_url + "/badges/418").json()["code"] == "i'm_a_teapot"
    # An operation without declared errors keeps FastAPI's HTTPException body.
    plain = _asgi_get(build_app(Impl()), "/conflict", raise_app_exceptions=True)
    assert plain.json() == {"detail": "seat taken"}


def test_a_schema_that_cannot_take_the_message_still_gets_a_valid_body(
    declared_url: str,
) -> None:
    response = httpx.get(declared_url + "/closed")
    assert response.status_code == 500
    assert response.json() == {"reason": "closed"}
