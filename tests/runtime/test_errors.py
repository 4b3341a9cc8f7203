"""The error hierarchy: typed error bodies, request ids and the status map."""

from __future__ import annotations

from typing import Any

import httpx
import pydantic
import pytest

from generator.runtime.errors import (
    STATUS_ERRORS,
    APIStatusError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    error_class_for_status,
    request_id_from,
    status_error_from_response,
)
from tests.runtime.helpers import Script, send

MODES = pytest.mark.parametrize("mode", ["sync", "async"])


class Problem(pydantic.BaseModel):
    code: str
    message: str


class ServerProblem(pydantic.BaseModel):
    trace: str


class Fallback(pydantic.BaseModel):
    anything: int


def answer(status: int, body: object = None, **headers: str) -> httpx.Response:
    request = httpx.Request("GET", "https://h/x")
    if body is None:
        return httpx.Response(status, headers=headers, request=request)
    return httpx.Response(status, json=body, headers=headers, request=request)


ERROR_TYPES: dict[int | str, Any] = {
    404: Problem,
    "409": Problem,
    "5XX": ServerProblem,
    "default": Fallback,
}


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, {"code": "nf", "message": "gone"}, Problem(code="nf", message="gone")),
        (409, {"code": "dup", "message": "x"}, Problem(code="dup", message="x")),
        (503, {"trace": "t"}, ServerProblem(trace="t")),
        (599, {"trace": "u"}, ServerProblem(trace="u")),
        (400, {"anything": 3}, Fallback(anything=3)),
        (429, {"anything": 4}, Fallback(anything=4)),
    ],
)
def test_error_body_is_the_declared_model(
    status: int, body: dict[str, Any], expected: pydantic.BaseModel
) -> None:
    error = status_error_from_response(answer(status, body), ERROR_TYPES)
    assert type(error.body) is type(expected)
    assert error.body == expected
    assert error.status_code == status


def test_exact_status_wins_over_range_and_default() -> None:
    types: dict[int | str, Any] = {
        "4XX": ServerProblem,
        404: Problem,
        "default": Fallback,
    }
    error = status_error_from_response(
        answer(404, {"code": "a", "message": "b"}), types
    )
    assert isinstance(error.body, Problem)
    ranged = status_error_from_response(answer(410, {"trace": "t"}), types)
    assert isinstance(ranged.body, ServerProblem)
    lower: dict[int | str, Any] = {"4xx": ServerProblem}
    assert isinstance(
        status_error_from_response(answer(418, {"trace": "t"}), lower).body,
        ServerProblem,
    )


def test_error_body_falls_back_to_the_raw_body() -> None:
    mismatch = {"unexpected": True}
    error = status_error_from_response(answer(404, mismatch), ERROR_TYPES)
    assert error.body == mismatch
    assert status_error_from_response(answer(404), ERROR_TYPES).body is None
    text = httpx.Response(404, text="not json", headers={"content-type": "text/plain"})
    assert status_error_from_response(text, ERROR_TYPES).body == "not json"
    # No declared type at all: the decoded JSON, as before.
    assert status_error_from_response(answer(404, {"a": 1})).body == {"a": 1}
    assert status_error_from_response(answer(402, {"a": 1}), {404: Problem}).body == {
        "a": 1
    }


def test_error_types_accept_any_type_and_keep_the_message() -> None:
    error = status_error_from_response(answer(400, ["a", "b"]), {400: list[str]})
    assert error.body == ["a", "b"]
    assert error.message == '400 Bad Request: ["a", "b"]'


@MODES
def test_transport_passes_error_types(mode: str) -> None:
    script = Script([httpx.Response(404, json={"code": "nf", "message": "no seat"})])
    with pytest.raises(NotFoundError) as info:
        send(mode, script, error_types={404: Problem})
    assert info.value.body == Problem(code="nf", message="no seat")
    assert info.value.request is script.requests[0]
    assert info.value.request.url == "https://h/api/x"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-request-id": "r1"}, "r1"),
        ({"Request-Id": "r2"}, "r2"),
        ({"x-amzn-RequestId": "r3"}, "r3"),
        ({"x-request-id": "r1", "request-id": "r2"}, "r1"),
        ({"x-request-id": "", "request-id": "r2"}, "r2"),
        ({}, None),
    ],
)
def test_request_id(headers: dict[str, str], expected: str | None) -> None:
    assert request_id_from(httpx.Headers(headers)) == expected
    error = status_error_from_response(httpx.Response(500, headers=headers))
    assert error.request_id == expected


def test_status_map_is_one_dict() -> None:
    assert STATUS_ERRORS[400] is BadRequestError
    assert STATUS_ERRORS[409] is ConflictError
    assert STATUS_ERRORS[429] is RateLimitError
    assert all(STATUS_ERRORS[s] is InternalServerError for s in range(500, 600))
    assert set(STATUS_ERRORS) == {400, 401, 403, 404, 409, 422, 429, *range(500, 600)}
    assert error_class_for_status(418) is APIStatusError
    assert error_class_for_status(302) is APIStatusError

    # The factory goes through the same map, so editing it changes what is raised.
    class Teapot(APIStatusError):
        pass

    STATUS_ERRORS[418] = Teapot
    try:
        assert type(status_error_from_response(answer(418))) is Teapot
    finally:
        del STATUS_ERRORS[418]


def test_bare_response_without_request() -> None:
    error = status_error_from_response(httpx.Response(404))
    with pytest.raises(RuntimeError):
        _ = error.request
