"""The intermediate model: what templates receive, and nothing else.

Frozen dataclasses with no I/O and no Jinja.  Every decision (names, types,
optionality, order, imports) has been made by `generator.lower` before a value
lands here, so templates only loop and print.  Names are `Identifier` /
`ClassName`, annotations are `Code`; free text from the spec (descriptions,
URLs, wire names) stays a plain `str` and must go through the `literal`,
`docstring` or `comment` filters to be printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from generator.naming import ClassName, Code, Identifier

ParameterLocation = Literal["path", "query", "header", "cookie"]


@dataclass(frozen=True)
class Provenance:
    """Where the output came from; printed in every file's header."""

    generator_version: str
    spec_path: str
    spec_sha256: str


@dataclass(frozen=True)
class Environment:
    """A server from the spec, as a member of the client's `Environment` enum."""

    member: Identifier
    url: str
    description: str | None


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


@dataclass(frozen=True)
class Body:
    """A JSON request body."""

    name: Identifier
    annotation: Code
    required: bool
    description: str | None


@dataclass(frozen=True)
class Response:
    """A declared response, for the server's OpenAPI document and error handling."""

    status: int
    description: str


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

    @property
    def http_method(self) -> str:
        return self.method.upper()

    @property
    def arguments(self) -> tuple[Parameter | Body, ...]:
        """Parameters then body, in the order methods declare them."""
        return (*self.parameters, *((self.body,) if self.body else ()))

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
    interface_name: ClassName
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class ClientFlavour:
    """Sync or async: the words that differ between the two generated clients."""

    client_class: ClassName
    resource_prefix: Code
    transport_class: ClassName
    http_client_class: Code
    def_keyword: Code
    await_keyword: Code
    close_method: Identifier
    enter_method: Identifier
    exit_method: Identifier


SYNC = ClientFlavour(
    client_class=ClassName("Client"),
    resource_prefix=Code(""),
    transport_class=ClassName("SyncTransport"),
    http_client_class=Code("httpx.Client"),
    def_keyword=Code("def"),
    await_keyword=Code(""),
    close_method=Identifier("close"),
    enter_method=Identifier("__enter__"),
    exit_method=Identifier("__exit__"),
)
ASYNC = ClientFlavour(
    client_class=ClassName("AsyncClient"),
    resource_prefix=Code("Async"),
    transport_class=ClassName("AsyncTransport"),
    http_client_class=Code("httpx.AsyncClient"),
    def_keyword=Code("async def"),
    await_keyword=Code("await "),
    close_method=Identifier("aclose"),
    enter_method=Identifier("__aenter__"),
    exit_method=Identifier("__aexit__"),
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
    #: Model classes the client and server modules import from `.models`.
    model_imports: tuple[ClassName, ...]
    #: Standard-library modules the annotations need (`datetime`, `uuid`...).
    stdlib_imports: tuple[Identifier, ...]
    #: The same plus what the client module itself needs, in import order.
    client_stdlib_imports: tuple[Identifier, ...]
    #: The schemas handed to datamodel-code-generator, keyed by class name.
    model_schemas: Mapping[str, Any]
    openapi_version: str
    flavours: tuple[ClientFlavour, ...] = (SYNC, ASYNC)

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for resource in self.resources for op in resource.operations)

    @property
    def fastapi_imports(self) -> tuple[Code, ...]:
        """What the server app imports from fastapi: only the markers its routes use."""
        names = {"APIRouter", "FastAPI", "Response"}
        for operation in self.operations:
            names.update(parameter.fastapi_marker for parameter in operation.parameters)
            if operation.body:
                names.add("Body")
        return tuple(Code(name) for name in sorted(names))

    @property
    def server_uses_annotated(self) -> bool:
        return any(operation.arguments for operation in self.operations)
