"""Bodies that are not JSON: the client's encoding (``bodies.py``), raw responses
(``wire.decode_response``) and the server's raw bodies (``server.py``)."""

from __future__ import annotations

import asyncio
import io
import urllib.parse
from collections.abc import Iterator
from typing import Annotated, Any

import httpx
import pydantic
import pytest
from fastapi import Depends, FastAPI
from starlette.requests import Request

from generator.runtime.bodies import FormBody, MultipartBody, RawBody
from generator.runtime.server import OperationInfo, OperationTable, raw_body
from generator.runtime.server_errors import install_error_handlers
from generator.runtime.wire import decode_response
from tests.live_server import live_server
from tests.runtime.test_client import MODES, call, capture


class Login(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)

    username: str
    remember_me: bool | None = pydantic.Field(None, alias="remember-me")
    scopes: list[str] | None = None


@MODES
def test_a_form_body_sends_wire_names_repeats_lists_and_leaves_out_none(
    mode: str,
) -> None:
    sent: list[httpx.Request] = []
    body = Login(username="ada lovelace", remember_me=True, scopes=["a", "b"])
    call(mode, capture(sent), method="POST", content=FormBody(body), cast_to=None)
    call(
        mode, capture(sent), method="POST", content=FormBody({"x": None}), cast_to=None
    )
    call(mode, capture(sent), method="POST", content=FormBody(None), cast_to=None)
    assert sent[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert urllib.parse.parse_qsl(sent[0].content.decode()) == [
        ("username", "ada lovelace"),
        ("remember-me", "true"),
        ("scopes", "a"),
        ("scopes", "b"),
    ]
    assert sent[1].content == b""
    assert sent[2].content == b"" and "content-type" not in sent[2].headers


def _parts(request: httpx.Request) -> list[tuple[str, str | None, bytes]]:
    """(name, filename, data) of each part, read back with FastAPI's parser."""
    found: list[tuple[str, str | None, bytes]] = []

    async def parse() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": request.read(), "more_body": False}

        scope = {
            "type": "http",
            "method": "POST",
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
        }
        form = await Request(scope, receive).form()
        for name, value in form.multi_items():
            if isinstance(value, str):
                found.append((name, None, value.encode()))
            else:
                found.append((name, value.filename, await value.read()))

    asyncio.run(parse())
    return found


@MODES
def test_multipart_sends_fields_and_files_in_every_form(mode: str) -> None:
    sent: list[httpx.Request] = []
    body = MultipartBody(
        fields={
            "caption": "hi",
            "count": 2,
            "flag": False,
            "tags": ["x", "y"],
            "no": None,
        },
        files={
            "plain": b"one",
            "named": ("a.txt", b"two", "text/plain"),
            "stream": io.BytesIO(b"three"),
            "many": [("b.bin", b"4"), b"5"],
            "absent": None,
        },
    )
    call(mode, capture(sent), method="POST", content=body, cast_to=None)
    assert sent[0].headers["content-type"].startswith("multipart/form-data; boundary=")
    assert _parts(sent[0]) == [
        ("caption", None, b"hi"),
        ("count", None, b"2"),
        ("flag", None, b"false"),
        ("tags", None, b"x"),
        ("tags", None, b"y"),
        ("plain", "upload", b"one"),
        ("named", "a.txt", b"two"),
        ("stream", "upload", b"three"),
        ("many", "b.bin", b"4"),
        ("many", "upload", b"5"),
    ]


@MODES
def test_an_object_field_is_a_json_part(mode: str) -> None:
    sent: list[httpx.Request] = []
    body = MultipartBody(fields={"meta": {"a": [1, None]}, "n": 1}, files={})
    call(mode, capture(sent), method="POST", content=body, cast_to=None)
    content = sent[0].read()
    assert b'Content-Type: application/json\r\n\r\n{"a":[1,null]}' in content
    assert _parts(sent[0]) == [("meta", None, b'{"a":[1,null]}'), ("n", None, b"1")]


@MODES
def test_multipart_without_files_or_fields_is_still_multipart(mode: str) -> None:
    sent: list[httpx.Request] = []
    only_fields = MultipartBody(fields={"caption": "hi"}, files={"file": None})
    nothing = MultipartBody(fields={"caption": None}, files={})
    call(mode, capture(sent), method="POST", content=only_fields, cast_to=None)
    call(mode, capture(sent), method="POST", content=nothing, cast_to=None)
    assert sent[0].headers["content-type"].startswith("multipart/form-data")
    assert _parts(sent[0]) == [("caption", None, b"hi")]
    assert sent[1].headers["content-type"].startswith("multipart/form-data")
    assert _parts(sent[1]) == []


@MODES
def test_raw_bodies_go_as_they_are_with_their_media_type(mode: str) -> None:
    sent: list[httpx.Request] = []
    call(
        mode,
        capture(sent),
        method="PUT",
        content=RawBody(b"\x00\xff", "application/octet-stream"),
        cast_to=None,
    )
    call(
        mode,
        capture(sent),
        method="PUT",
        content=RawBody("é", "text/plain"),
        cast_to=None,
        extra_headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    call(
        mode,
        capture(sent),
        method="PUT",
        content=RawBody(None, "text/plain"),
        cast_to=None,
    )
    assert (sent[0].content, sent[0].headers["content-type"]) == (
        b"\x00\xff",
        "application/octet-stream",
    )
    assert sent[1].content == "é".encode()
    assert sent[1].headers["content-type"] == "text/plain; charset=utf-8"  # overridden
    assert sent[2].content == b"" and "content-type" not in sent[2].headers


def test_bytes_and_text_responses_are_returned_as_they_came() -> None:
    request = httpx.Request("GET", "https://h/x")
    png = httpx.Response(
        200, content=b"\x89PNG", headers={"content-type": "image/png"}, request=request
    )
    assert decode_response(png, bytes) == b"\x89PNG"
    json_labelled = httpx.Response(
        200,
        content=b'"x"',
        headers={"content-type": "application/json"},
        request=request,
    )
    assert decode_response(json_labelled, bytes) == b'"x"'
    empty = httpx.Response(200, content=b"", headers={"content-type": "text/plain"})
    empty.request = request
    assert decode_response(empty, str) == ""
    xml = httpx.Response(200, text="<a/>", headers={"content-type": "application/xml"})
    xml.request = request
    assert decode_response(xml, str) == "<a/>"


class Files:
    def put(self, *, body: bytes | None) -> bytes:
        return b"absent" if body is None else body

    def echo(self, *, body: str) -> str:
        return body

    def wrong(self, *, body: str) -> Any:
        return {"not": "text"}


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    app = FastAPI()
    install_error_handlers(app)
    table = OperationTable(
        Files(),
        {
            "put": OperationInfo("put", 200, bytes, "application/octet-stream"),
            "echo": OperationInfo("echo", 200, str, "text/csv"),
            "wrong": OperationInfo("wrong", 200, str, "text/plain"),
        },
    )

    @app.put("/put")
    async def put(
        body: Annotated[bytes | None, Depends(raw_body(text=False, required=False))],
    ) -> Any:
        return await table.call("put", {"body": body})

    @app.post("/echo")
    async def echo(
        body: Annotated[str, Depends(raw_body(text=True, required=True))],
    ) -> Any:
        return await table.call("echo", {"body": body})

    @app.post("/wrong")
    async def wrong(
        body: Annotated[str, Depends(raw_body(text=True, required=True))],
    ) -> Any:
        return await table.call("wrong", {"body": body})

    with live_server(app) as url, httpx.Client(base_url=url) as client:
        yield client


def test_the_server_reads_raw_bodies_and_sends_the_declared_media_type(
    client: httpx.Client,
) -> None:
    put = client.put("/put", content=b"\x00\x01")
    assert (put.status_code, put.content) == (200, b"\x00\x01")
    assert put.headers["content-type"] == "application/octet-stream"
    empty = client.put("/put", content=b"")
    assert (empty.status_code, empty.content) == (200, b"absent")  # not required
    echo = client.post("/echo", content=b"a,b\n")
    assert (echo.status_code, echo.text) == (200, "a,b\n")
    assert echo.headers["content-type"] == "text/csv; charset=utf-8"
    latin = client.post(
        "/echo",
        content="é".encode("latin-1"),
        headers={"content-type": "text/csv; charset=latin-1"},
    )
    assert latin.text == "é"


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain; charset=zlib", "text/plain; charset=nope"],
)
def test_text_that_does_not_decode_is_bad_input(
    client: httpx.Client, content_type: str
) -> None:
    response = client.post(
        "/echo", content=b"\xff\xfe", headers={"content-type": content_type}
    )
    assert response.status_code == 422
    assert response.json()["error"]["errors"][0]["location"] == "body"


def test_a_result_of_the_wrong_type_is_a_500(client: httpx.Client) -> None:
    response = client.post("/wrong", content=b"x")
    assert response.status_code == 500
    assert response.json()["error"]["type"] == "internal_error"
