"""Helpers used by generated FastAPI server stubs.

They give every generated server the same error contract: a JSON body of
the form ``{"error": {"type": ..., "message": ...}}`` for validation
failures, missing implementations and crashes, and never a traceback.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .serialization import to_jsonable

__all__ = ["call_operation", "install_error_handlers"]

_logger = logging.getLogger(__name__)

_INTERNAL_ERROR_BODY: dict[str, object] = {
    "error": {"type": "internal_error", "message": "Internal server error"}
}


def install_error_handlers(app: FastAPI) -> None:
    """Install the generated servers' error contract on ``app``.

    Request validation errors become 400 when the operation declares a 400
    response (else FastAPI's 422), and unhandled exceptions become a generic
    500. ``HTTPException`` keeps FastAPI's own handling.
    """
    app.add_exception_handler(RequestValidationError, _request_validation_handler)
    # The middleware answers crashes inside the app without re-raising, so
    # the error is logged once and test clients see the 500 response. The
    # handler covers exceptions raised by middleware added around it.
    app.add_middleware(_InternalErrorMiddleware)
    app.add_exception_handler(Exception, _internal_error_handler)


async def call_operation(
    implementation: object,
    method_name: str,
    operation_id: str,
    arguments: Mapping[str, object],
    status_code: int,
) -> Response:
    """Dispatch a request to the user's implementation and encode the result.

    A missing method yields 501 so a partially implemented server still
    serves the operations it has. Sync methods run in the threadpool so they
    cannot block the event loop.
    """
    method = getattr(implementation, method_name, None)
    if not callable(method):
        return JSONResponse(
            status_code=501,
            content={
                "error": {
                    "type": "not_implemented",
                    "message": f"Operation {operation_id!r} is not implemented",
                }
            },
        )
    if inspect.iscoroutinefunction(method):
        result: Any = await method(**arguments)
    else:
        result = await run_in_threadpool(method, **arguments)
        if inspect.isawaitable(result):
            result = await result
    return _to_response(result, status_code)


def _to_response(result: object, status_code: int) -> Response:
    if result is None:
        return Response(status_code=status_code)
    if isinstance(result, Response):
        return result
    return JSONResponse(status_code=status_code, content=to_jsonable(result))


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
    if (
        raw_errors
        and all(_is_missing_authorization(error) for error in raw_errors)
        and _declares_status(request, 401)
    ):
        body = {
            "type": "unauthorized",
            "message": "Missing required 'Authorization' header",
            "errors": errors,
        }
        return JSONResponse(status_code=401, content={"error": body})
    status = 400 if _declares_status(request, 400) else 422
    body = {"type": "invalid_request", "message": _summary(errors), "errors": errors}
    return JSONResponse(status_code=status, content={"error": body})


def _internal_error_response() -> JSONResponse:
    return JSONResponse(status_code=500, content=_INTERNAL_ERROR_BODY)


async def _internal_error_handler(request: Request, exc: Exception) -> Response:
    _logger.exception(
        "Unhandled error in %s %s", request.method, request.url.path, exc_info=exc
    )
    return _internal_error_response()


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
            await _internal_error_response()(scope, receive, send)
