"""`server_routes`: routes that read parameters in one pass answer exactly as FastAPI's.

Each endpoint is served twice, by FastAPI's own `APIRoute` and by `OperationRoute`
(registered through `OperationRouter`), and every request must get the same status,
body and arguments from both, errors (and their order) included.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import httpx
import pydantic
import pytest
from fastapi import Body, Cookie, Depends, FastAPI, Header, Path, Query
from fastapi.routing import APIRoute
from starlette.requests import Request

from generator.runtime.server import OperationRoute, OperationRouter
from generator.runtime.server_errors import install_error_handlers


class Item(pydantic.BaseModel):
    name: str
    size: int | None = pydantic.Field(None, ge=0)


async def text_body(request: Request) -> str:
    return (await request.body()).decode()


def build(fast: bool) -> tuple[FastAPI, list[dict[str, Any]]]:
    app = FastAPI()
    install_error_handlers(app)
    seen: list[dict[str, Any]] = []
    if fast:
        router: Any = OperationRouter(app, tags=["Items"])
    else:
        router = app.router

    @router.post(
        "/items/{item_id}",
        responses={400: {"description": "Bad"}, 401: {"description": "No"}},
    )
    async def update(
        *,
        item_id: Annotated[int, Path(alias="item_id", ge=1)],
        tags: Annotated[list[str] | None, Query(alias="tags", max_length=2)] = None,
        flag: Annotated[bool | None, Query(alias="flag")] = None,
        kind: Annotated[str, Query(alias="kind", pattern="^[ab]$")],
        trace: Annotated[str | None, Header(alias="X-Trace_Id", min_length=3)] = None,
        multi: Annotated[list[int] | None, Header(alias="X-Multi")] = None,
        kind_header: Annotated[str | None, Header(alias="kind")] = None,
        session: Annotated[str | None, Cookie(alias="session")] = None,
        authorization: Annotated[str, Header(alias="Authorization")],
        body: Annotated[Item, Body()],
    ) -> dict[str, Any]:
        arguments = {k: v for k, v in locals().items() if k != "seen"}
        arguments["body"] = body.model_dump()
        seen.append(arguments)
        return {"ok": True}

    @router.put("/notes/{note_id}")
    async def put_note(
        *,
        note_id: Annotated[str, Path(alias="note_id", max_length=4)],
        page: Annotated[int | None, Query(alias="page")] = None,
        text: Annotated[str, Depends(text_body)],
    ) -> dict[str, Any]:
        seen.append({k: v for k, v in locals().items() if k != "seen"})
        return {"ok": True}

    @router.get("/bare")
    async def bare() -> dict[str, Any]:
        return {"ok": True}

    return app, seen


AUTH = {"Authorization": "Bearer t"}
GOOD = {"name": "n", "size": 2}
REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/items/5?kind=a", {"headers": AUTH, "json": GOOD}),
    (
        "POST",
        "/items/5?kind=b&tags=x&tags=y&flag=yes",
        {
            "headers": {**AUTH, "X-Trace_Id": "abcd", "X-Multi": "1", "kind": "h"},
            "json": GOOD,
            "cookies": {"session": "s-1"},
        },
    ),
    (
        "POST",
        "/items/0?kind=c&tags=1&tags=2&tags=3&flag=maybe",
        {"headers": {**AUTH, "X-Trace_Id": "a"}, "json": {"size": -1}},
    ),
    ("POST", "/items/x?kind=a", {"headers": AUTH, "json": GOOD}),
    ("POST", "/items/5", {"json": GOOD}),
    ("POST", "/items/5?kind=a", {"json": GOOD}),
    ("POST", "/items/5?kind=z", {"headers": AUTH, "json": {"name": 5}}),
    (
        "POST",
        "/items/5?kind=z",
        {"headers": {**AUTH, "content-type": "application/json"}, "content": b"{"},
    ),
    ("POST", "/items/5?kind=z", {"headers": AUTH}),
    ("POST", "/items/5?kind=a&kind=b", {"headers": {**AUTH, "X-Multi": "x"}}),
    ("POST", "/items/5?kind=", {"headers": AUTH, "json": GOOD}),
    ("PUT", "/notes/abc?page=2", {"content": "hi"}),
    ("PUT", "/notes/abcdef?page=x", {"content": "hi"}),
    ("GET", "/bare", {}),
    ("GET", "/items/5", {}),
]


@pytest.mark.parametrize(
    ("method", "url", "options"), REQUESTS, ids=[f"{m} {u}" for m, u, _ in REQUESTS]
)
def test_same_answers_as_fastapi(method: str, url: str, options: Any) -> None:
    answers = [asyncio.run(ask(build(fast), method, url, options)) for fast in (0, 1)]
    assert answers[0] == answers[1]


async def ask(
    built: tuple[FastAPI, list[dict[str, Any]]], method: str, url: str, options: Any
) -> tuple[int, Any, list[dict[str, Any]]]:
    app, seen = built
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        options = dict(options)
        client.cookies.update(options.pop("cookies", {}))
        response = await client.request(method, url, **options)
    return response.status_code, response.json(), seen


def test_routes_read_parameters_themselves_and_document_them() -> None:
    slow, _ = build(False)
    fast, _ = build(True)
    routes = [r for r in fast.routes if isinstance(r, APIRoute)]
    assert routes and all(type(r) is OperationRoute for r in routes)
    assert routes[0].tags == ["Items"]
    # The route keeps its declared parameters, so /openapi.json is FastAPI's.
    paths = fast.openapi()["paths"]
    for operations in paths.values():
        for operation in operations.values():
            assert operation.pop("tags") == ["Items"]
    assert paths == slow.openapi()["paths"]


@pytest.mark.parametrize(
    ("version", "planned"),
    [("0.165.0", True), ("0.165.7", True), ("0.166.0", False), ("1.0", False)],
)
def test_only_a_tested_fastapi_gets_planned_routes(version: str, planned: bool) -> None:
    from generator.runtime import server_routes

    assert server_routes.planned_routes(version) is planned
    assert server_routes.planned_routes("not.a.version") is False


def test_on_another_fastapi_the_routes_are_fastapis_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A vendored server on an untested FastAPI answers through `APIRoute`."""
    from generator.runtime import server_routes

    monkeypatch.setattr(server_routes.fastapi, "__version__", "9.9.9")
    fallback, _ = build(True)
    routes = [r for r in fallback.routes if isinstance(r, APIRoute)]
    assert routes and all(type(r) is APIRoute for r in routes)
    request = ("POST", "/items/0?kind=c", {"json": {"name": "x"}})
    answer = asyncio.run(ask(build(True), *request))
    assert answer[0] == 400
    assert answer == asyncio.run(ask(build(False), *request))
