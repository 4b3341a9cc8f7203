"""Dispatch of generated FastAPI server stubs to the user's implementation.

Success bodies are validated against the operation's response type and
encoded by wire name, leaving out what the implementation did not set.  The
error contract lives in `server_errors` and the routes in `server_routes`;
their public names are re-exported here so that a generated app imports one
module.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .serialization import to_jsonable, type_adapter
from .server_errors import (
    ErrorBodies,
    ErrorBody,
    error_response,
    install_error_handlers,
    internal_error_response,
)
from .server_routes import OperationRoute, OperationRouter

__all__ = [
    "ErrorBody",
    "OperationInfo",
    "OperationRoute",
    "OperationRouter",
    "OperationTable",
    "error_response",
    "install_error_handlers",
    "raw_body",
    "same_path_values",
]

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OperationInfo:
    """What the routes know of one operation besides its parameters."""

    operation_id: str
    status_code: int
    #: The success body's type, or None when the operation answers without one.
    response_type: Any
    #: The Content-Type of a binary (`bytes`) or text (`str`) body; None for JSON.
    media_type: str | None = None


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
        error_bodies: ErrorBodies | None = None,
        validate_responses: bool = False,
    ) -> None:
        bodies = error_bodies or {}
        self._bound = {
            name: _BoundOperation(
                implementation,
                name,
                info,
                bodies.get(info.operation_id, {}),
                validate_responses,
            )
            for name, info in operations.items()
        }

    async def call(self, name: str, arguments: Mapping[str, object]) -> Response:
        """Run operation `name` with the validated request `arguments`."""
        return await self._bound[name].call(arguments)


class _BoundOperation:
    __slots__ = ("_adapter", "_bodies", "_info", "_is_async", "_method", "_validate")

    def __init__(
        self,
        implementation: object,
        name: str,
        info: OperationInfo,
        bodies: Mapping[str, ErrorBody],
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
        self._bodies = bodies

    async def call(self, arguments: Mapping[str, object]) -> Response:
        if self._method is None:
            return error_response(
                self._bodies,
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
        if self._info.media_type is not None and result is not None:
            return self._raw(result, status, self._info.media_type)
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

    def _raw(self, result: object, status: int, media_type: str) -> Response:
        """A binary or text body, sent as it is with the spec's media type."""
        wanted = self._info.response_type
        if wanted is bytes and isinstance(result, (bytes, bytearray, memoryview)):
            return Response(bytes(result), status_code=status, media_type=media_type)
        if wanted is str and isinstance(result, str):
            return Response(result, status_code=status, media_type=media_type)
        return self._invalid(
            f"returned {type(result).__name__}, not {getattr(wanted, '__name__', wanted)}"
        )

    def _invalid(self, reason: str) -> Response:
        operation = self._info.operation_id
        _logger.error(
            "The response of %r does not match the spec: %s", operation, reason
        )
        if not self._validate:
            return internal_error_response(self._bodies)
        return error_response(
            self._bodies,
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


def raw_body(*, text: bool, required: bool) -> Callable[[Request], Awaitable[Any]]:
    """A FastAPI dependency reading the request body as it came: bytes, or UTF-8 text.

    An empty body is None when the spec does not require one; text that is not
    UTF-8 is bad input (400 or 422, like any other).
    """

    async def read(request: Request) -> Any:
        data = await request.body()
        if not data and not required:
            return None
        if not text:
            return data
        try:
            return data.decode(_charset(request.headers.get("content-type", "")))
        except (ValueError, LookupError) as error:  # UnicodeError, or no such codec
            raise RequestValidationError(
                [
                    {
                        "type": "unicode_decode",
                        "loc": ("body",),
                        "msg": f"The body is not text in its charset: {error}",
                        "input": None,
                    }
                ]
            ) from None

    return read


def _charset(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


def same_path_values(
    repeated: Mapping[str, Sequence[str]],
) -> Callable[[Request], Awaitable[None]]:
    """A FastAPI dependency: a parameter the path names twice has one value.

    `repeated` maps the parameter's name to the route names of its occurrences
    (the first is the one the method receives).  Segments that differ as written
    are bad input (400 or 422, like any other), never a call of the implementation.
    """

    async def check(request: Request) -> None:
        errors = []
        for name, routes in repeated.items():
            values = [request.path_params.get(route) for route in routes]
            if any(value != values[0] for value in values[1:]):
                errors.append(
                    {
                        "type": "path_mismatch",
                        "loc": ("path", name),
                        "msg": f"Appears {len(values)} times in the path and must be "
                        f"the same each time; got {', '.join(map(repr, values))}",
                        "input": values,
                    }
                )
        if errors:
            raise RequestValidationError(errors)

    return check
