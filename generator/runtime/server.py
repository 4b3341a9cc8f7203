"""Helpers used by generated FastAPI server stubs.

They give every generated server the same error contract: a JSON body of
the form ``{"error": {"type": ..., "message": ...}}`` for validation
failures, missing implementations and crashes, and never a traceback.
Success bodies are validated against the operation's response type and
encoded by wire name, leaving out what the implementation did not set.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .serialization import to_jsonable, type_adapter

__all__ = ["OperationInfo", "OperationTable", "install_error_handlers"]

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


@dataclass(frozen=True)
class OperationInfo:
    """What the routes know of one operation besides its parameters."""

    operation_id: str
    status_code: int
    #: The success body's type, or None when the operation answers without one.
    response_type: Any


class OperationTable:
    """The user's implementation of one tag's operations, bound once per app.

    Methods are looked up once, so a request pays for no reflection. A missing
    method answers 501 so a partially implemented server still serves the
    operations it has. Sync methods run in the threadpool so they cannot block
    the event loop.
    """

    def __init__(
        self,
        implementation: object,
        operations: Mapping[str, OperationInfo],
        *,
        validate_responses: bool = False,
    ) -> None:
        self._bound = {
            name: _BoundOperation(implementation, name, info, validate_responses)
            for name, info in operations.items()
        }

    async def call(self, name: str, arguments: Mapping[str, object]) -> Response:
        """Run operation `name` with the validated request `arguments`."""
        return await self._bound[name].call(arguments)


class _BoundOperation:
    __slots__ = ("_adapter", "_info", "_is_async", "_method", "_validate")

    def __init__(
        self,
        implementation: object,
        name: str,
        info: OperationInfo,
        validate_responses: bool,
    ) -> None:
        method = getattr(implementation, name, None)
        self._method: Callable[..., Any] | None = method if callable(method) else None
        self._is_async = inspect.iscoroutinefunction(method)
        self._info = info
        self._adapter: pydantic.TypeAdapter[Any] | None = (
            None if info.response_type is None else type_adapter(info.response_type)
        )
        self._validate = validate_responses

    async def call(self, arguments: Mapping[str, object]) -> Response:
        if self._method is None:
            return _error_response(
                501,
                "not_implemented",
                f"Operation {self._info.operation_id!r} is not implemented",
            )
        if self._is_async:
            result: Any = await self._method(**arguments)
        else:
            result = await run_in_threadpool(self._method, **arguments)
            if inspect.isawaitable(result):
                result = await result
        return self._respond(result)

    def _respond(self, result: object) -> Response:
        """Encode `result` as the spec's success body, or fail with a logged 500."""
        if isinstance(result, Response):
            return result
        status = self._info.status_code
        if self._adapter is None:
            if result is None:
                return Response(status_code=status)
            if self._validate:
                return self._invalid(
                    f"returned a body although status {status} has none"
                )
            return JSONResponse(status_code=status, content=to_jsonable(result))
        try:
            value = (
                result
                if type(result) is self._info.response_type
                else self._adapter.validate_python(result)
            )
            body = self._adapter.dump_json(value, by_alias=True, exclude_unset=True)
            if self._validate:
                # What goes on the wire, read back as a client would read it.
                self._adapter.validate_json(body)
        except pydantic.ValidationError as error:
            return self._invalid(_first_error(error))
        return Response(body, status_code=status, media_type="application/json")

    def _invalid(self, reason: str) -> Response:
        operation = self._info.operation_id
        _logger.error(
            "The response of %r does not match the spec: %s", operation, reason
        )
        if not self._validate:
            return _internal_error_response()
        return _error_response(
            500,
            "invalid_response",
            f"The response of {operation!r} does not match the spec: {reason}",
        )


def _first_error(error: pydantic.ValidationError) -> str:
    errors = error.errors(include_url=False, include_input=False)
    if not errors:
        return str(error)
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "body"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first.get('msg', 'invalid')}{more}"


def _error_response(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse(
        status_code=status, content={"error": {"type": kind, "message": message}}
    )


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
