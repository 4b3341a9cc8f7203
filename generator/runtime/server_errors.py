"""The error contract of generated FastAPI servers: never a traceback, always the spec's shape.

Bad input answers 400 where the operation declares 400 (FastAPI's 422
otherwise), a missing required `Authorization` header 401 where declared,
and a crash a generic 500 that is logged once.  Where the operation declares
a schema for the status, the body takes that shape (`ErrorBody`); elsewhere it
is ``{"error": {"type": ..., "message": ...}}``.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import pydantic
from fastapi import FastAPI
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .serialization import type_adapter

__all__ = [
    "ErrorBodies",
    "ErrorBody",
    "error_response",
    "install_error_handlers",
    "internal_error_response",
]

_logger = logging.getLogger(__name__)

#: {operationId: {status key ("404", "4XX" or "default"): its declared error body}}
ErrorBodies = Mapping[str, Mapping[str, "ErrorBody"]]


@dataclass(frozen=True)
class ErrorBody:
    """An error response schema the spec declares, and where a message goes in it.

    The stub's own errors (bad input, 401, 501, 500) and `HTTPException`s are
    sent in this shape so that they match the spec too, not only the successes.
    """

    model: Any
    #: JSON of a body the schema accepts, which the message is written into.
    sample: str
    message_field: str | None = None
    code_field: str | None = None
    code_is_int: bool = False

    def encode(self, status: int, kind: str, message: str) -> bytes | None:
        """The body for this error; None when the schema accepts not even the sample.

        Where the message or code cannot go into their fields (an enum, a
        pattern), the plain sample is sent: a body that fits beats one that talks.
        """
        sample = json.loads(self.sample)
        filled = copy.deepcopy(sample)
        if isinstance(filled, dict):
            if self.message_field is not None:
                filled[self.message_field] = message
            if self.code_field is not None:
                filled[self.code_field] = status if self.code_is_int else kind
        adapter = type_adapter(self.model)
        for data in (filled, sample):
            try:
                value = adapter.validate_python(data)
            except pydantic.ValidationError:
                continue
            return adapter.dump_json(value, by_alias=True, exclude_unset=True)
        return None


def install_error_handlers(
    app: FastAPI, error_bodies: ErrorBodies | None = None
) -> None:
    """Install the generated servers' error contract on ``app``.

    Request validation errors become 400 when the operation declares a 400
    response (else FastAPI's 422), and unhandled exceptions become a generic
    500. Where the operation declares a schema for the status, the body takes
    that shape (see `ErrorBody`), for `HTTPException`s too; elsewhere it is
    ``{"error": {"type": ..., "message": ...}}``, or FastAPI's own body for an
    `HTTPException`.
    """
    app.state.oagen_error_bodies = dict(error_bodies or {})
    app.add_exception_handler(RequestValidationError, _request_validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler)
    # The middleware answers crashes inside the app without re-raising, so
    # the error is logged once and test clients see the 500 response. The
    # handler covers exceptions raised by middleware added around it.
    app.add_middleware(_InternalErrorMiddleware)
    app.add_exception_handler(Exception, _internal_error_handler)


def error_response(
    bodies: Mapping[str, ErrorBody],
    status: int,
    kind: str,
    message: str,
    details: Mapping[str, object] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error answer in the shape the operation declares for `status`, else ours."""
    declared = _declared_body(bodies, status)
    if declared is not None:
        encoded = declared.encode(status, kind, message)
        if encoded is not None:
            return Response(
                encoded,
                status_code=status,
                media_type="application/json",
                headers=headers,
            )
    content = {"error": {"type": kind, "message": message, **(details or {})}}
    return JSONResponse(status_code=status, content=content, headers=headers)


def _declared_body(bodies: Mapping[str, ErrorBody], status: int) -> ErrorBody | None:
    if not bodies:
        return None
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in bodies:
            return bodies[key]
    return None


def _bodies_for(scope: Scope) -> Mapping[str, ErrorBody]:
    """The error bodies of the operation the request was routed to, if any."""
    operation_id = getattr(scope.get("route"), "operation_id", None)
    state = getattr(scope.get("app"), "state", None)
    table: ErrorBodies = getattr(state, "oagen_error_bodies", None) or {}
    return table.get(operation_id, {}) if operation_id else {}


def _declares_status(request: Request, status: int) -> bool:
    """Whether the matched route documents ``status`` (keys may be str or int)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return False
    for key in route.responses:
        text = str(key).strip().upper()
        if text == str(status):
            return True
        if text.endswith("XX") and text[:1] == str(status)[:1]:
            return True
    return False


def _describe_error(error: Mapping[str, Any]) -> dict[str, object]:
    loc: Sequence[object] = error.get("loc") or ()
    location = str(loc[0]) if loc else "request"
    rest = [str(part) for part in loc[1:]]
    return {
        "location": location,
        "name": ".".join(rest) if rest else None,
        "message": str(error.get("msg", "Invalid value")),
    }


def _summary(errors: list[dict[str, object]]) -> str:
    """One line naming the first failure, so a log line is self-explanatory."""
    if not errors:
        return "Invalid request"
    first = errors[0]
    location, name, message = first["location"], first["name"], first["message"]
    if location == "body":
        where = "request body" if name is None else f"request body field {name!r}"
    elif name is None:
        where = f"{location}"
    else:
        where = f"{location} parameter {name!r}"
    text = f"Invalid {where}: {message}"
    if len(errors) > 1:
        more = len(errors) - 1
        text += f" (and {more} more error{'s' if more > 1 else ''})"
    return " ".join(text.split())


def _is_missing_authorization(error: Mapping[str, Any]) -> bool:
    loc: Sequence[object] = error.get("loc") or ()
    return (
        error.get("type") == "missing"
        and len(loc) == 2
        and loc[0] == "header"
        and str(loc[1]).lower() == "authorization"
    )


async def _request_validation_handler(request: Request, exc: Exception) -> Response:
    raw_errors: Sequence[Mapping[str, Any]] = (
        exc.errors() if isinstance(exc, RequestValidationError) else []
    )
    errors = [_describe_error(error) for error in raw_errors]
    bodies = _bodies_for(request.scope)
    if (
        raw_errors
        and all(_is_missing_authorization(error) for error in raw_errors)
        and _declares_status(request, 401)
    ):
        return error_response(
            bodies,
            401,
            "unauthorized",
            "Missing required 'Authorization' header",
            {"errors": errors},
        )
    status = 400 if _declares_status(request, 400) else 422
    return error_response(
        bodies, status, "invalid_request", _summary(errors), {"errors": errors}
    )


async def _http_exception_handler(request: Request, exc: Exception) -> Response:
    """An `HTTPException` in the declared error shape where there is one."""
    if not isinstance(exc, StarletteHTTPException):
        return internal_error_response({})
    bodies = _bodies_for(request.scope)
    if exc.status_code >= 400 and _declared_body(bodies, exc.status_code) is not None:
        return error_response(
            bodies,
            exc.status_code,
            _kind(exc.status_code),
            str(exc.detail),
            headers=exc.headers,
        )
    return await http_exception_handler(request, exc)


def _kind(status: int) -> str:
    """`404` -> `not_found`: the error type written where the schema has a code."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def internal_error_response(bodies: Mapping[str, ErrorBody]) -> Response:
    """The generic 500: the cause goes to the log, never to the client."""
    return error_response(bodies, 500, "internal_error", "Internal server error")


async def _internal_error_handler(request: Request, exc: Exception) -> Response:
    _logger.exception(
        "Unhandled error in %s %s", request.method, request.url.path, exc_info=exc
    )
    return internal_error_response(_bodies_for(request.scope))


class _InternalErrorMiddleware:
    """Turn an unhandled exception into the generic 500 body, logged once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if started:
                # Too late for a clean 500; the outer handler logs it.
                raise
            _logger.exception(
                "Unhandled error in %s %s", scope.get("method"), scope.get("path")
            )
            await internal_error_response(_bodies_for(scope))(scope, receive, send)
