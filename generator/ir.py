"""The intermediate model: what templates receive, and nothing else.

Frozen dataclasses with no I/O and no Jinja.  Every decision (names, types,
optionality, order, imports) has been made by `generator.lower` before a value
lands here, so templates only loop and print.  Names are `Identifier` /
`ClassName`, annotations are `Code`; free text from the spec (descriptions,
URLs, wire names) stays a plain `str` and must go through the `literal`,
`docstring` or `comment` filters to be printed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.naming import ClassName, Code, Identifier, export_order, import_order

ParameterLocation = Literal["path", "query", "header", "cookie"]
#: The exception hierarchy of `_runtime/errors.py` that `errors.py` and the package
#: re-export (the same names in import and `__all__` order).
ERROR_CLASSES = (
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
)
#: A name that is not an attribute (`Pet` in `list[Pet]`, not `V1` in `Version.V1`).
#: A name in an expression, or a string literal (`literal` prints them one-line,
#: quoted and backslash-escaped), which is text, not names.
_RUNTIME_NAME = re.compile(
    r"""(?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")|(?<![.\w])[A-Za-z_]\w*"""
)
#: How a request body or a response travels; see `generator.media`.
BodyKind = Literal["json", "form", "multipart", "binary", "text"]


@dataclass(frozen=True)
class Provenance:
    """Where the output came from; printed in every file's header."""

    generator_version: str
    #: the spec, and the overlays applied to it ("spec.yaml with a.overlay.yaml")
    spec_path: str
    #: with overlays, the sha256 of the spec's and the overlays' sha256 (see `overlay`)
    spec_sha256: str
    #: What the header tells a reader to run instead of editing.
    update_command: str = "oagen generate"


@dataclass(frozen=True)
class ServerVariable:
    name: str
    default: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Environment:
    """A server from the spec, as a member of the client's `Environment` enum."""

    member: Identifier
    #: The URL with every variable at its default.
    url: str
    description: str | None
    #: The URL as the spec writes it, `{variable}`s included.
    template: str = ""
    variables: tuple[ServerVariable, ...] = ()

    @property
    def defaults(self) -> dict[str, str]:
        return {variable.name: variable.default for variable in self.variables}

    @property
    def choices(self) -> dict[str, list[str]]:
        return {v.name: list(v.choices) for v in self.variables if v.choices}


@dataclass(frozen=True)
class Constraint:
    """One validation keyword for a FastAPI parameter, e.g. `ge=1`."""

    keyword: Identifier
    value: int | float | str


@dataclass(frozen=True)
class Parameter:
    """An operation parameter as both the client and the server see it."""

    name: Identifier
    wire_name: str
    location: ParameterLocation
    #: The parameter's type, with `| None` when it is optional.
    annotation: Code
    required: bool
    description: str | None
    #: Name of the FastAPI marker: Query, Header, Path or Cookie.
    fastapi_marker: Code
    constraints: tuple[Constraint, ...]
    deprecated: bool
    #: The client takes this one once, at construction (e.g. `Authorization`), not per call.
    hoisted: bool = False
    #: A path parameter the server routes under another name (see `generator.routes`).
    route_name: str = ""

    @property
    def server_annotation(self) -> Code:
        return self.annotation

    @property
    def server_alias(self) -> str:
        """The name the server's FastAPI marker reads the value under."""
        return self.route_name or self.wire_name


@dataclass(frozen=True)
class ClientArgument:
    """A keyword argument of the client constructors (credentials, shared header defaults)."""

    name: Identifier
    annotation: Code
    #: Printed as is: `None`, or a finished expression such as `SequenceVersion.V2024_07_30`.
    default: Code
    description: str
    #: Environment variable read when the argument is not given.
    env_var: str | None


@dataclass(frozen=True)
class Credential:
    """One way to authenticate, built from constructor arguments into an `httpx.Auth`."""

    arguments: tuple[ClientArgument, ...]
    #: The runtime class the expression uses, imported from `_runtime.auth`.
    runtime_class: ClassName
    #: `BasicAuth(username, password) if ... else None`: the auth, or None when not configured.
    expression: Code


@dataclass(frozen=True)
class DefaultHeader:
    """A header every operation takes, which the client sends unless a call overrides it."""

    wire_name: str
    argument: ClientArgument
    #: A typed default (`uuid.UUID("...")` for `format: uuid`) is a module constant,
    #: named by `argument.default`: linters refuse calls in a signature (B008).
    constant: Code | None = None


@dataclass(frozen=True)
class ErrorType:
    """The model of a declared error response, to type `APIStatusError.body`."""

    status: int | str
    annotation: Code
    #: How the server stub writes its own errors of this status in this schema.
    shape: ErrorBodyShape | None = None

    @property
    def status_key(self) -> str:
        """As the spec writes it: `404`, `4XX` or `default`."""
        return str(self.status)


@dataclass(frozen=True)
class ErrorBodyShape:
    """A sample body of an error schema, and the fields that carry message and code."""

    sample: str
    message_field: str | None
    code_field: str | None
    code_is_int: bool


@dataclass(frozen=True)
class Pagination:
    """Cursor pagination of one operation, driving a generated `iter_*` method."""

    method_name: Identifier
    cursor: Identifier
    item_annotation: Code
    #: Expressions over a response named `page`.
    items_expression: Code
    next_cursor_expression: Code
    #: The client parameters the iterator method takes (all but the cursors).
    parameters: tuple[Parameter, ...]
    doc: str
    #: Wire names, for the mock server that pages like the real one.
    cursor_wire: str = ""
    backward_wires: tuple[str, ...] = ()
    items_path: tuple[str, ...] = ()
    next_cursor_path: tuple[str, ...] = ()


@dataclass(frozen=True)
class MockPaging:
    """How the mock server pages a list operation: wire paths and argument names."""

    items_path: tuple[str, ...]
    next_cursor_path: tuple[str, ...]
    previous_cursor_path: tuple[str, ...] | None
    total_path: tuple[str, ...] | None
    cursor: Identifier
    backward: Identifier | None
    limit: Identifier | None
    item_type: Code
    #: Answer an unreadable cursor with this status (400 where declared), else start over.
    invalid_cursor_status: int | None


@dataclass(frozen=True)
class MockAnswer:
    """What the mock server answers for one operation."""

    #: JSON texts, best first: the mock keeps the first its response model accepts.
    candidates: tuple[str, ...]
    paging: MockPaging | None = None


@dataclass(frozen=True)
class BodyPart:
    """One field of a multipart body: an argument of its own, on both sides."""

    name: Identifier
    wire_name: str
    #: The client's type: `FileTypes` for a file (content, or a (name, content, type) tuple).
    annotation: Code
    #: The server's type: `fastapi.UploadFile` for a file.
    server_annotation: Code
    required: bool
    description: str | None
    is_file: bool
    constraints: tuple[Constraint, ...] = ()
    #: An object sent as an `application/json` part.
    is_json: bool = False
    #: What the FastAPI app declares when it differs from `server_annotation`.
    app_annotation: Code | None = None


@dataclass(frozen=True)
class Body:
    """A request body and how it travels (`generator.media`).

    JSON, form, binary and text bodies are one argument; a multipart body is one
    argument per part (`parts`).
    """

    name: Identifier
    #: A model, `bytes` (binary) or `str` (text); the same on both sides.
    annotation: Code
    required: bool
    description: str | None
    kind: BodyKind = "json"
    #: The Content-Type the client sends (a wildcard made concrete): spec text.
    media_type: str = "application/json"
    parts: tuple[BodyPart, ...] = ()

    @property
    def server_annotation(self) -> Code:
        return self.annotation

    @property
    def openapi(self) -> dict[str, object] | None:
        """The server document's `requestBody` for a raw body, which FastAPI cannot see."""
        if self.kind not in ("binary", "text"):
            return None
        schema = {"type": "string"}
        if self.kind == "binary":
            schema["format"] = "binary"
        return {
            "required": self.required,
            "content": {self.media_type: {"schema": schema}},
        }

    @property
    def arguments(self) -> tuple[Body | BodyPart, ...]:
        """What the client method and the server method take for the body."""
        return self.parts if self.kind == "multipart" else (self,)


@dataclass(frozen=True)
class Response:
    """A declared response, for the server's OpenAPI document and error handling."""

    status: int
    description: str
    #: The media type of a success body that is not JSON, for the server's document.
    media_type: str | None = None

    @property
    def content(self) -> dict[str, dict[str, object]] | None:
        return {self.media_type: {}} if self.media_type else None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    name: Identifier
    method: Identifier
    path: str
    summary: str | None
    description: str | None
    #: Summary, description and an `Args:` section, as raw prose for `|docstring`.
    doc: str
    deprecated: bool
    parameters: tuple[Parameter, ...]
    body: Body | None
    #: What a successful call returns: a model, a list of models, or None.
    result: Code
    success_status: int
    responses: tuple[Response, ...]
    error_types: tuple[ErrorType, ...] = ()
    pagination: Pagination | None = None
    #: The client method's docstring (hoisted parameters left out).
    client_doc: str = ""
    mock: MockAnswer | None = None
    #: How the success body travels: JSON, or raw `bytes`/`str` (`result_media_type`).
    result_kind: BodyKind = "json"
    #: The Content-Type of a binary or text success body (spec text, made concrete).
    result_media_type: str | None = None
    #: The server's route path when Starlette cannot take `path` as it is (see
    #: `generator.routes`): a name twice, or a name that is no identifier.
    route_path: str = ""
    #: (wire name, route names) of each path parameter the template names twice or more.
    repeated_path_parameters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def server_path(self) -> str:
        return self.route_path or self.path

    @property
    def http_method(self) -> str:
        return self.method.upper()

    @property
    def body_arguments(self) -> tuple[Body | BodyPart, ...]:
        return self.body.arguments if self.body else ()

    @property
    def arguments(self) -> tuple[Parameter | Body | BodyPart, ...]:
        """Parameters then body, in the order server methods declare them."""
        return (*self.parameters, *self.body_arguments)

    @property
    def client_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if not p.hoisted)

    @property
    def client_arguments(self) -> tuple[Parameter | Body | BodyPart, ...]:
        """What a client method takes per call: hoisted parameters are the client's."""
        return (*self.client_parameters, *self.body_arguments)

    @property
    def client_header_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.client_parameters if p.location == "header")

    def parameters_in(self, location: ParameterLocation) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return self.parameters_in("path")

    @property
    def query_parameters(self) -> tuple[Parameter, ...]:
        return self.parameters_in("query")

    @property
    def header_parameters(self) -> tuple[Parameter, ...]:
        return self.parameters_in("header")

    @property
    def cookie_parameters(self) -> tuple[Parameter, ...]:
        return self.parameters_in("cookie")


@dataclass(frozen=True)
class Resource:
    """The operations of one tag: a client attribute and a server interface."""

    tag: str
    description: str | None
    #: The class docstring, as raw prose for `|docstring`.
    doc: str
    attribute: Identifier
    class_name: ClassName
    async_class_name: ClassName
    raw_class_name: ClassName
    async_raw_class_name: ClassName
    #: The tag's protocol, in `server/interfaces/<module>.py`.
    interface_name: ClassName
    #: The mock implementation of `interface_name` in `server/mock/<module>.py`.
    mock_class_name: ClassName
    operations: tuple[Operation, ...]
    #: The tag's module name: `resources/<module>.py` (client, loaded on first
    #: use), `server/routes/<module>.py`, `server/interfaces/<module>.py` and
    #: `server/mock/<module>.py`.
    module: Identifier
    #: Models the client module names in annotations (imported under TYPE_CHECKING).
    model_imports: tuple[ClassName, ...]
    #: Standard-library modules its annotations need (`datetime`...).
    stdlib_imports: tuple[Identifier, ...]
    #: Whether it evaluates a model at run time (`cast_to=`, error types): `_models`.
    uses_models: bool
    #: What the tag's routes module and its interfaces module import (both print
    #: the arguments' server annotations and the results).
    server_model_imports: tuple[ClassName, ...]
    server_stdlib_imports: tuple[Identifier, ...]
    #: What the tag's mock module imports: those plus the paged items' types.
    mock_model_imports: tuple[ClassName, ...]
    mock_stdlib_imports: tuple[Identifier, ...]

    def class_for(self, flavour: ClientFlavour) -> ClassName:
        return self.async_class_name if flavour.is_async else self.class_name

    def raw_class_for(self, flavour: ClientFlavour) -> ClassName:
        return self.async_raw_class_name if flavour.is_async else self.raw_class_name

    @property
    def exports(self) -> tuple[ClassName, ...]:
        """`__all__` of the resource module: the sync and async classes."""
        return tuple(sorted((self.class_name, self.async_class_name), key=export_order))

    @property
    def imported_names(self) -> tuple[ClassName, ...]:
        """`exports` in the order ruff's isort wants them imported."""
        return tuple(sorted(self.exports, key=import_order))

    @property
    def paginated(self) -> bool:
        return any(operation.pagination for operation in self.operations)

    @property
    def body_imports(self) -> tuple[Code, ...]:
        """What the client module imports from `_runtime.bodies`: only what it uses."""
        kinds = {op.body.kind for op in self.operations if op.body}
        names = {
            name
            for kind, name in (
                ("form", "FormBody"),
                ("multipart", "MultipartBody"),
                ("binary", "RawBody"),
                ("text", "RawBody"),
            )
            if kind in kinds
        }
        if self.has_file_parts:
            names.add("FileTypes")
        return tuple(Code(name) for name in sorted(names))

    @property
    def has_file_parts(self) -> bool:
        """Whether a multipart body has a file: `FileTypes` / `fastapi.UploadFile` arguments."""
        return any(
            isinstance(argument, BodyPart) and argument.is_file
            for operation in self.operations
            for argument in operation.body_arguments
        )

    @property
    def fastapi_imports(self) -> tuple[Code, ...]:
        """What the routes module imports from fastapi: only the markers its routes use."""
        names = {"FastAPI", "Response"}
        for operation in self.operations:
            names.update(parameter.fastapi_marker for parameter in operation.parameters)
            if operation.body and operation.body.kind == "json":
                names.add("Body")
        return tuple(Code(name) for name in sorted(names, key=import_order))

    @property
    def has_json_parts(self) -> bool:
        """Whether a multipart part is JSON: the routes then need `pydantic.Json`."""
        return any(
            isinstance(argument, BodyPart) and argument.is_json
            for operation in self.operations
            for argument in operation.body_arguments
        )

    @property
    def routes_import_fastapi(self) -> bool:
        """Whether routes read bodies with `fastapi.Form`, `File` or `Depends`, or
        compare the repeated segments of a path with `Depends`."""
        return any(
            (operation.body and operation.body.kind != "json")
            or operation.repeated_path_parameters
            for operation in self.operations
        )

    @property
    def uses_annotated(self) -> bool:
        return any(operation.arguments for operation in self.operations)


@dataclass(frozen=True)
class ClientFlavour:
    """Sync or async: the words that differ between the two generated clients."""

    client_class: ClassName
    is_async: bool
    transport_class: ClassName
    http_client_class: Code
    def_keyword: Code
    await_keyword: Code
    close_method: Identifier
    enter_method: Identifier
    exit_method: Identifier
    pager_class: ClassName
    raw_response_wrapper: Identifier


SYNC = ClientFlavour(
    client_class=ClassName("Client"),
    is_async=False,
    transport_class=ClassName("SyncTransport"),
    http_client_class=Code("httpx.Client"),
    def_keyword=Code("def"),
    await_keyword=Code(""),
    close_method=Identifier("close"),
    enter_method=Identifier("__enter__"),
    exit_method=Identifier("__exit__"),
    pager_class=ClassName("SyncPager"),
    raw_response_wrapper=Identifier("with_raw_response"),
)
ASYNC = ClientFlavour(
    client_class=ClassName("AsyncClient"),
    is_async=True,
    transport_class=ClassName("AsyncTransport"),
    http_client_class=Code("httpx.AsyncClient"),
    def_keyword=Code("async def"),
    await_keyword=Code("await "),
    close_method=Identifier("aclose"),
    enter_method=Identifier("__aenter__"),
    exit_method=Identifier("__aexit__"),
    pager_class=ClassName("AsyncPager"),
    raw_response_wrapper=Identifier("async_with_raw_response"),
)


@dataclass(frozen=True)
class Api:
    """The whole API, as the templates see it."""

    title: str
    description: str | None
    version: str
    package: Identifier
    provenance: Provenance
    environments: tuple[Environment, ...]
    default_environment: Environment | None
    resources: tuple[Resource, ...]
    #: Model classes the client module imports from `.models`.
    model_imports: tuple[ClassName, ...]
    #: Standard-library modules the client module's annotations need, plus `enum`,
    #: in import order.
    client_stdlib_imports: tuple[Identifier, ...]
    #: What `server/app.py` imports: the models of the declared error bodies.
    app_model_imports: tuple[ClassName, ...]
    app_stdlib_imports: tuple[Identifier, ...]
    #: The schemas handed to datamodel-code-generator, keyed by class name.
    model_schemas: Mapping[str, Any]
    openapi_version: str
    #: `Class.wireName` -> field name, so the naming layer names every model field.
    field_aliases: Mapping[str, str] = field(default_factory=dict)
    #: Marker in `model_schemas` -> the typed default our model templates print in
    #: its place (see `generator.format_defaults`).
    typed_defaults: Mapping[str, Code] = field(default_factory=dict)
    credentials: tuple[Credential, ...] = ()
    default_headers: tuple[DefaultHeader, ...] = ()
    user_agent: str = "oagen"
    #: The client constructors' docstring, as raw prose for `|docstring`.
    client_doc: str = ""
    #: (class, field) pairs the generated code reads; the models must define them.
    model_fields_used: tuple[tuple[ClassName, Identifier], ...] = ()
    flavours: tuple[ClientFlavour, ...] = (SYNC, ASYNC)
    #: The parts of the package rendered (`generator.parts`): `--only` keeps fewer.
    parts: frozenset[str] = frozenset({"client", "models", "server"})

    @property
    def client_arguments(self) -> tuple[ClientArgument, ...]:
        """Constructor arguments beyond the fixed ones: credentials, then header defaults."""
        credentials = [
            argument
            for credential in self.credentials
            for argument in credential.arguments
        ]
        return (*credentials, *(header.argument for header in self.default_headers))

    @property
    def auth_imports(self) -> tuple[ClassName, ...]:
        return tuple(
            sorted({credential.runtime_class for credential in self.credentials})
        )

    @property
    def client_exports(self) -> tuple[Code, ...]:
        """`__all__` of the client module, sorted as isort and ruff expect."""
        names = {"Client", "AsyncClient", "Environment"}
        if self.has_file_parts:
            names.add("FileTypes")  # to annotate what a multipart file argument takes
        return tuple(Code(name) for name in sorted(names, key=export_order))

    @property
    def resource_exports(self) -> tuple[ClassName, ...]:
        """`__all__` of the `resources` package: every tag's sync and async class."""
        return tuple(
            sorted(
                (name for resource in self.resources for name in resource.exports),
                key=export_order,
            )
        )

    @property
    def resources_by_module(self) -> tuple[Resource, ...]:
        """The resources in the order ruff's isort wants their modules imported."""
        return tuple(sorted(self.resources, key=lambda r: r.module))

    @property
    def interface_names(self) -> tuple[ClassName, ...]:
        return tuple(
            sorted(
                (resource.interface_name for resource in self.resources),
                key=import_order,
            )
        )

    @property
    def error_exports(self) -> tuple[Code, ...]:
        """The exception classes `errors.py` and the package re-export."""
        return tuple(Code(name) for name in sorted(ERROR_CLASSES, key=import_order))

    @property
    def package_exports(self) -> tuple[Code, ...]:
        names = {"AsyncClient", "Client", "Environment", *ERROR_CLASSES}
        return tuple(Code(name) for name in sorted(names, key=export_order))

    def runtime(self, code: Code) -> Code:
        """`code` as the client evaluates it at run time: models through `_models`.

        The client imports model classes for its annotations only (under
        TYPE_CHECKING), so importing it does not load every model; the few
        expressions it evaluates (`cast_to=`, error types, defaults) reach them as
        `_models.Name`, which loads that model's module on first use.
        """
        return Code(
            _RUNTIME_NAME.sub(
                lambda m: (
                    f"_models.{m.group()}"
                    if m.group("string") is None and m.group() in self.model_schemas
                    else m.group()
                ),
                code,
            )
        )

    @property
    def client_uses_models(self) -> bool:
        """Whether `client.py` evaluates a model: a constructor default such as an enum member."""
        return any(
            self.runtime(argument.default) != argument.default
            for argument in self.client_arguments
        )

    @property
    def error_body_operations(self) -> tuple[Operation, ...]:
        """Operations that declare an error schema the server's own errors must fit."""
        return tuple(
            op for op in self.operations if any(e.shape for e in op.error_types)
        )

    @property
    def mock_class_names(self) -> tuple[ClassName, ...]:
        return tuple(
            sorted(
                (resource.mock_class_name for resource in self.resources),
                key=export_order,
            )
        )

    @property
    def interface_exports(self) -> tuple[ClassName, ...]:
        """`interface_names` in `__all__` order."""
        return tuple(sorted(self.interface_names, key=export_order))

    @property
    def has_server_variables(self) -> bool:
        return any(environment.variables for environment in self.environments)

    @property
    def paginated(self) -> bool:
        return any(operation.pagination for operation in self.operations)

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for resource in self.resources for op in resource.operations)

    @property
    def has_file_parts(self) -> bool:
        """Whether a multipart body has a file (the client re-exports `FileTypes`)."""
        return any(resource.has_file_parts for resource in self.resources)


@dataclass(frozen=True)
class ModelIndex:
    """What `models/__init__.py` of a split models package lists (see `model_modules`)."""

    package: Identifier
    count: int
    #: `model_modules.ModelModule`s: name, classes, source.
    modules: tuple[Any, ...]

    @property
    def sorted_modules(self) -> tuple[Any, ...]:
        """In the order ruff's isort puts their imports."""
        return tuple(sorted(self.modules, key=lambda m: import_order(m.name)[1]))

    def sorted_classes(self, module: Any) -> tuple[ClassName, ...]:
        return tuple(sorted(module.classes, key=import_order))

    @property
    def names(self) -> tuple[ClassName, ...]:
        return tuple(
            sorted(
                (name for module in self.modules for name in module.classes),
                key=export_order,
            )
        )
