"""The routes of generated FastAPI servers: one match, and parameters read in one pass.

`OperationRouter` adds a tag's operations to the app's own router (an
included `APIRouter` matches every request twice), as `OperationRoute`s,
which read the path, query, header and cookie parameters from a plan made
when the app is built instead of inspecting each declared parameter again on
every request as FastAPI does.  Values, defaults, errors and `/openapi.json`
stay FastAPI's own.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import types
import typing
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import fastapi
import pydantic
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

try:  # FastAPI's internals: the planned reading is only used where they are known
    from fastapi._compat import (
        ModelField,
        field_annotation_is_sequence,
        get_missing_field_error,
    )
    from fastapi.dependencies.models import Dependant
    from fastapi.dependencies.utils import get_dependant
except ImportError:  # pragma: no cover - another FastAPI: its own routes serve
    _INTERNALS = False
else:
    _INTERNALS = True

__all__ = ["OperationRoute", "OperationRouter", "planned_routes"]

#: The FastAPI releases (major, minor) whose internals `OperationRoute` was tested
#: against (tests/runtime/test_server_routes.py).  A vendored server running on
#: any other FastAPI uses FastAPI's own `APIRoute`: slower, never different.
TESTED_FASTAPI = frozenset({(0, 165)})


def planned_routes(version: str | None = None) -> bool:
    """Whether routes may read parameters from a plan on this FastAPI (or `version`)."""
    version = fastapi.__version__ if version is None else version
    try:
        release = tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        return False
    return _INTERNALS and release in TESTED_FASTAPI


_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Any])
#: Where a route's parameter reader leaves its errors, for `OperationRoute` to
#: put them before the body's, as FastAPI does.
_ERRORS_KEY = "oagen.parameter_errors"
#: The name the read parameters travel under from the reader to the endpoint.
_PARAMETERS = "oagen_parameters__"


class OperationRouter:
    """Registers a tag's operations on the app itself, as `OperationRoute`s.

    Routes are added to the app's own router: an included `APIRouter` costs
    every request a second route match.
    """

    def __init__(self, app: FastAPI, *, tags: list[str]) -> None:
        self._router = app.router
        self._tags = tags
        self._route_class = OperationRoute if planned_routes() else APIRoute

    def route(
        self, method: str, path: str, **options: Any
    ) -> Callable[[_Endpoint], _Endpoint]:
        """A decorator adding the endpoint for `method` (upper case) on `path`."""

        def add(endpoint: _Endpoint) -> _Endpoint:
            self._router.add_api_route(
                path,
                endpoint,
                methods=[method],
                tags=list(self._tags),
                route_class_override=self._route_class,
                **options,
            )
            return endpoint

        return add

    def get(self, path: str, **options: Any) -> Callable[[_Endpoint], _Endpoint]:
        return self.route("GET", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[_Endpoint], _Endpoint]:
        return self.route("PUT", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[_Endpoint], _Endpoint]:
        return self.route("POST", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[_Endpoint], _Endpoint]:
        return self.route("DELETE", path, **options)

    def options(self, path: str, **options: Any) -> Callable[[_Endpoint], _Endpoint]:
        return self.route("OPTIONS", path, **options)

    def head(self, path: str, **options: Any) -> Callable[[_Endpoint], _Endpoint]:
        return self.route("HEAD", path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[_Endpoint], _Endpoint]:
        return self.route("PATCH", path, **options)

    def trace(self, path: str, **options: Any) -> Callable[[_Endpoint], _Endpoint]:
        return self.route("TRACE", path, **options)


class _ParameterErrors(RequestValidationError):
    """Bad path, query, header or cookie parameters, found by `_ParameterReader`."""


class OperationRoute(APIRoute):
    """An `APIRoute` reading its path, query, header and cookie parameters in one pass.

    FastAPI inspects every declared parameter's annotation again on each
    request; this route plans the reading once, when the app is built, and
    validates each value present with the field FastAPI made for it, so values,
    defaults and errors (their order too) are FastAPI's.  The endpoint keeps its
    full signature, which `/openapi.json` documents and which FastAPI solves
    itself wherever this route cannot be used as planned.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        full = self.dependant
        endpoint = full.call
        reader = _ParameterReader.plan(full)
        if (
            reader is None
            or endpoint is None
            or not inspect.iscoroutinefunction(endpoint)
        ):
            return super().get_route_handler()

        async def call(**values: Any) -> Any:
            arguments, errors = values.pop(_PARAMETERS)
            if errors:
                raise _ParameterErrors(errors)
            return await endpoint(**values, **arguments)

        # The reader runs as the last sub-dependency: after the endpoint's own
        # dependencies and before the body is validated, where FastAPI reads
        # parameters.
        read = get_dependant(
            path=self.path_format,
            call=reader.dependency,
            name=_PARAMETERS,
            use_cache=False,
        )
        self.dependant = dataclasses.replace(
            full,
            path_params=[],
            query_params=[],
            header_params=[],
            cookie_params=[],
            dependencies=[*full.dependencies, read],
            call=call,
        )
        try:
            handler = super().get_route_handler()
        finally:
            self.dependant = full

        async def app(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                earlier = request.scope.get(_ERRORS_KEY)
                if not earlier or isinstance(error, _ParameterErrors):
                    raise
                # The body is bad too: FastAPI lists both, parameters first.
                raise RequestValidationError(
                    [*earlier, *error.errors()],
                    body=error.body,
                    endpoint_ctx=error.endpoint_ctx,
                ) from None

        return app


@dataclass(frozen=True)
class _Source:
    """One parameter as the reader finds it in the request."""

    field: ModelField
    key: str
    loc: tuple[str, str]
    many: bool
    sequence: bool


class _ParameterReader:
    """The path, query, header and cookie parameters of one route, read as FastAPI would."""

    def __init__(self, sources: dict[str, list[_Source]]) -> None:
        self._path = sources["path"]
        self._query = sources["query"]
        self._header = sources["header"]
        self._cookie = sources["cookie"]

    @classmethod
    def plan(cls, dependant: Dependant) -> _ParameterReader | None:
        """The reader of `dependant`'s parameters; None when FastAPI must read them."""
        sources: dict[str, list[_Source]] = {}
        for location, fields in (
            ("path", dependant.path_params),
            ("query", dependant.query_params),
            ("header", dependant.header_params),
            ("cookie", dependant.cookie_params),
        ):
            planned = sources[location] = []
            for field in fields:
                if not _plain(field):
                    return None
                sequence = field_annotation_is_sequence(field.field_info.annotation)
                key = field.field_info.validation_alias or field.alias
                assert isinstance(key, str)  # see _plain
                planned.append(
                    _Source(
                        field,
                        key,
                        (location, key),
                        sequence and location in ("query", "header"),
                        sequence,
                    )
                )
        if not any(sources.values()):
            return None
        return cls(sources)

    async def dependency(self, request: Request) -> tuple[dict[str, Any], list[Any]]:
        values: dict[str, Any] = {}
        errors: list[Any] = []
        if self._path:
            _read(self._path, request.path_params, values, errors)
        if self._query:
            _read(self._query, request.query_params, values, errors)
        if self._header:
            _read(self._header, request.headers, values, errors)
        if self._cookie:
            _read(self._cookie, request.cookies, values, errors)
        if errors:
            request.scope[_ERRORS_KEY] = errors
        return values, errors


def _plain(field: ModelField) -> bool:
    """A parameter of one value (or list) under one name: not a model, no alias choices."""
    info = field.field_info
    if not isinstance(info.validation_alias, (str, type(None))) or getattr(
        field, "config", None
    ):
        return False
    if any(type(item) is pydantic.Json for item in info.metadata):
        return False
    annotation = info.annotation
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    members = typing.get_args(annotation) if union else (annotation,)
    return not any(
        isinstance(member, type) and issubclass(member, pydantic.BaseModel)
        for member in members
    )


def _read(
    sources: list[_Source], found: Any, values: dict[str, Any], errors: list[Any]
) -> None:
    for source in sources:
        value = found.getlist(source.key) if source.many else found.get(source.key)
        field = source.field
        if value is None or (source.sequence and len(value) == 0):
            if field.field_info.is_required():
                errors.append(get_missing_field_error(source.loc))
                continue
            default = field.default
            value = default if default is None else copy.deepcopy(default)
            if not field.field_info.validate_default:
                values[field.name] = value
                continue
        checked, problems = field.validate(value, loc=source.loc)
        if problems:
            errors.extend(problems)
        else:
            values[field.name] = checked
