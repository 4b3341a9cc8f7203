"""Spec -> IR.  Every decision about the output is made here.

Names go through `generator.naming`, schemas through `ModelRegistry`, and the
order of everything follows the document, so the same spec always lowers to
the same IR.  What cannot be generated yet is skipped with a warning, never
silently.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.errors import Diagnostic
from generator.ir import (
    Api,
    Body,
    Constraint,
    Environment,
    Operation,
    Parameter,
    ParameterLocation,
    Provenance,
    Resource,
    Response,
)
from generator.load import Spec, SpecFile
from generator.model_registry import ModelRegistry, is_model_schema
from generator.naming import (
    CLASS_RESERVED,
    RESERVED,
    ClassName,
    Code,
    Identifier,
    Namespace,
    constant,
    pascal,
    snake,
)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_FASTAPI_MARKERS = {
    "path": "Path",
    "query": "Query",
    "header": "Header",
    "cookie": "Cookie",
}
_CONSTRAINTS = {
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "minItems": "min_length",
    "maxItems": "max_length",
}
_STRING_FORMATS = {
    "date-time": ("datetime.datetime", "datetime"),
    "date": ("datetime.date", "datetime"),
    "time": ("datetime.time", "datetime"),
    "uuid": ("uuid.UUID", "uuid"),
    "binary": ("bytes", None),
}
#: Names the generated methods and route builders use for themselves; builtins that
#: annotations name, which a method of the same name would shadow inside its class.
_METHOD_RESERVED = RESERVED | {
    "implementation",
    "router",
    "app",
    "typing",
    "datetime",
    "uuid",
    "httpx",
    "list",
    "dict",
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "type",
}
#: Client attributes that a resource must not shadow.
_CLIENT_RESERVED = RESERVED | {"close", "aclose", "base_url", "environment"}


@dataclass(frozen=True)
class LowerOptions:
    package: str
    default_server: str | None
    provenance: Provenance


@dataclass
class _Scope:
    """Imports the client and server modules need, gathered while annotating."""

    models: set[ClassName] = field(default_factory=set)
    stdlib: set[str] = field(default_factory=set)


class _Lowering:
    def __init__(self, spec: Spec, options: LowerOptions) -> None:
        self.spec = spec
        self.options = options
        self.diagnostics: list[Diagnostic] = []
        self.class_names = Namespace(CLASS_RESERVED)
        self.registry = ModelRegistry(spec, self.class_names)
        self.scope = _Scope()

    # -- document --------------------------------------------------------------------------

    def api(self) -> Api:
        data = self.spec.root.data
        info = data.get("info") or {}
        self.registry.register_components()
        grouped = self.operations_by_tag()
        resources = self.resources(grouped)
        environments = self.environments()
        return Api(
            title=str(info.get("title") or self.options.package),
            description=_text(info.get("description")),
            version=str(info.get("version") or ""),
            package=Identifier(self.options.package),
            provenance=self.options.provenance,
            environments=environments,
            default_environment=self.default_environment(environments),
            resources=resources,
            model_imports=tuple(sorted(self.scope.models)),
            stdlib_imports=tuple(
                Identifier(name) for name in sorted(self.scope.stdlib)
            ),
            client_stdlib_imports=tuple(
                Identifier(name) for name in sorted(self.scope.stdlib | {"enum"})
            ),
            model_schemas=dict(self.registry.schemas),
            openapi_version=str(data.get("openapi")),
        )

    def environments(self) -> tuple[Environment, ...]:
        names = Namespace()
        result = []
        for server in self.spec.root.data.get("servers") or []:
            url = _server_url(server)
            label = _text(server.get("description")) or re.sub(r"^\w+://", "", url)
            member = names.identifier(constant(label, fallback="SERVER"))
            description = _text(server.get("description"))
            if description and constant(description) == member:
                description = (
                    None  # `PRODUCTION = ...` needs no docstring saying "PRODUCTION"
                )
            result.append(Environment(member, url, description))
        return tuple(result)

    def default_environment(
        self, environments: tuple[Environment, ...]
    ) -> Environment | None:
        wanted = self.options.default_server
        if wanted is None:
            return environments[0] if environments else None
        for env in environments:
            if (
                constant(wanted) == env.member
                or wanted.rstrip("/").casefold() == env.url.casefold()
            ):
                return env
        choices = (
            ", ".join(env.member.lower() for env in environments)
            or "none: the spec declares no servers"
        )
        self.error(
            "OAG040",
            f"default server {wanted!r} is not one of the spec's servers",
            "/servers",
            f"set default-server to one of: {choices}",
        )
        return environments[0] if environments else None

    # -- operations ------------------------------------------------------------------------

    def operations_by_tag(self) -> dict[str, list[Operation]]:
        grouped: dict[str, list[Operation]] = {}
        method_names: dict[str, Namespace] = {}
        root = self.spec.root
        for path, item in (root.data.get("paths") or {}).items():
            item_file, item_pointer = root, f"/paths/{_escape(path)}"
            if isinstance(item, Mapping) and "$ref" in item:
                item_file, item_pointer, item = self.spec.resolve(
                    str(item["$ref"]), root
                )
            if not isinstance(item, Mapping):
                continue
            shared = list(item.get("parameters") or [])
            for method in HTTP_METHODS:
                operation = item.get(method)
                if not isinstance(operation, Mapping):
                    continue
                pointer = f"{item_pointer}/{method}"
                tag = str((operation.get("tags") or ["default"])[0])
                names = method_names.setdefault(tag, Namespace(_METHOD_RESERVED))
                lowered = self.operation(
                    path, method, operation, shared, item_file, pointer, names
                )
                if lowered is not None:
                    grouped.setdefault(tag, []).append(lowered)
        return grouped

    def operation(
        self,
        path: str,
        method: str,
        op: Mapping[str, Any],
        shared: list[Any],
        file: SpecFile,
        pointer: str,
        names: Namespace,
    ) -> Operation | None:
        operation_id = str(op.get("operationId") or f"{method} {path}")
        name = names.identifier(snake(operation_id, fallback="operation"))
        class_stem = pascal(operation_id, fallback="Operation")
        try:
            parameters = self.parameters(
                [*shared, *(op.get("parameters") or [])], file, class_stem
            )
            body = self.body(
                op.get("requestBody"), file, class_stem, {p.name for p in parameters}
            )
            success_status, result = self.result(
                op.get("responses") or {}, file, class_stem
            )
        except _Unsupported as reason:
            self.warning(
                "OAG050",
                f"operation {operation_id!r} skipped: {reason}",
                pointer,
                reason.hint,
            )
            return None
        summary, description = _text(op.get("summary")), _text(op.get("description"))
        return Operation(
            operation_id=operation_id,
            name=name,
            method=Identifier(method),
            path=path,
            summary=summary,
            description=description,
            doc=_operation_doc(
                summary or (None if description else f"{method.upper()} {path}"),
                description,
                parameters,
                body,
                op.get("deprecated") is True,
            ),
            deprecated=op.get("deprecated") is True,
            parameters=parameters,
            body=body,
            result=result,
            success_status=success_status,
            responses=self.responses(op.get("responses") or {}, file),
        )

    def parameters(
        self, raw: list[Any], file: SpecFile, class_stem: ClassName
    ) -> tuple[Parameter, ...]:
        merged: dict[tuple[str, str], tuple[SpecFile, Mapping[str, Any]]] = {}
        for entry in raw:
            entry_file = file
            if isinstance(entry, Mapping) and "$ref" in entry:
                entry_file, _, entry = self.spec.resolve(str(entry["$ref"]), file)
            if isinstance(entry, Mapping):
                merged[(str(entry.get("name")), str(entry.get("in")))] = (
                    entry_file,
                    entry,
                )
        names = Namespace(_METHOD_RESERVED)
        return tuple(
            self.parameter(entry, entry_file, class_stem, names)
            for entry_file, entry in merged.values()
        )

    def parameter(
        self,
        entry: Mapping[str, Any],
        file: SpecFile,
        class_stem: ClassName,
        names: Namespace,
    ) -> Parameter:
        wire_name = str(entry["name"])
        location: ParameterLocation = entry["in"]
        if location not in _FASTAPI_MARKERS:
            raise _Unsupported(f"parameter {wire_name!r} is in {location!r}")
        if "schema" not in entry:
            raise _Unsupported(
                f"parameter {wire_name!r} uses `content` instead of `schema`",
                "describe the parameter with a `schema`",
            )
        required = entry.get("required") is True or location == "path"
        schema = entry.get("schema") or {}
        if (
            "description" in entry
            and isinstance(schema, Mapping)
            and "description" not in schema
        ):
            schema = {
                **schema,
                "description": entry["description"],
            }  # documents an inline enum
        annotation = self.annotate(
            schema, file, [wire_name, f"{class_stem}{pascal(wire_name)}"]
        )
        if not required:
            annotation = _optional(annotation)
        return Parameter(
            name=names.identifier(snake(wire_name)),
            wire_name=wire_name,
            location=location,
            annotation=annotation,
            required=required,
            description=_text(entry.get("description")),
            fastapi_marker=Code(_FASTAPI_MARKERS[location]),
            constraints=self.constraints(schema, file),
            deprecated=entry.get("deprecated") is True,
        )

    def constraints(
        self, schema: Mapping[str, Any], file: SpecFile
    ) -> tuple[Constraint, ...]:
        if "$ref" in schema:
            file, _, schema = self.spec.resolve(str(schema["$ref"]), file)
        found = []
        for key, keyword in _CONSTRAINTS.items():
            value = schema.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                continue  # 3.0's boolean exclusiveMinimum modifies minimum; left to the models
            found.append(Constraint(Identifier(keyword), value))
        return tuple(found)

    def body(
        self, raw: Any, file: SpecFile, class_stem: ClassName, taken: set[Identifier]
    ) -> Body | None:
        if raw is None:
            return None
        if isinstance(raw, Mapping) and "$ref" in raw:
            file, _, raw = self.spec.resolve(str(raw["$ref"]), file)
        media_type, media = _json_media(raw.get("content") or {})
        if media is None:
            raise _Unsupported(
                f"request body media type {media_type!r} is not JSON",
                "form, multipart and binary bodies are not supported yet",
            )
        annotation = self.annotate(
            media.get("schema") or {}, file, [f"{class_stem}Request"]
        )
        required = raw.get("required") is True
        name = Namespace(taken | _METHOD_RESERVED).identifier(Identifier("body"))
        return Body(
            name,
            annotation if required else _optional(annotation),
            required,
            _text(raw.get("description")),
        )

    def result(
        self, responses: Mapping[str, Any], file: SpecFile, class_stem: ClassName
    ) -> tuple[int, Code]:
        successes = sorted(str(code) for code in responses if str(code).startswith("2"))
        if not successes:
            return 200, Code("None")
        status = successes[0]
        response = responses[status]
        if isinstance(response, Mapping) and "$ref" in response:
            file, _, response = self.spec.resolve(str(response["$ref"]), file)
        status_code = 200 if not status.isdigit() else int(status)
        content = response.get("content") or {}
        if not content or status_code == 204:
            return status_code, Code("None")
        media_type, media = _json_media(content)
        if media is None:
            raise _Unsupported(
                f"response {status} has media type {media_type!r}, which is not JSON",
                "text, binary and XML responses are not supported yet",
            )
        suffix = "Response" if status_code == 200 else f"Response{status_code}"
        return status_code, self.annotate(
            media.get("schema") or {}, file, [f"{class_stem}{suffix}"]
        )

    def responses(
        self, responses: Mapping[str, Any], file: SpecFile
    ) -> tuple[Response, ...]:
        found = []
        for status, response in responses.items():
            if not str(status).isdigit():
                continue
            if isinstance(response, Mapping) and "$ref" in response:
                _, _, response = self.spec.resolve(str(response["$ref"]), file)
            found.append(
                Response(int(status), str((response or {}).get("description") or ""))
            )
        return tuple(sorted(found, key=lambda r: r.status))

    # -- types -----------------------------------------------------------------------------

    def annotate(self, schema: Any, file: SpecFile, roles: list[str]) -> Code:
        """The Python annotation for a schema; models are registered as needed."""
        if not isinstance(schema, Mapping):
            return self._stdlib("typing.Any", "typing")
        if "$ref" in schema:
            target_file, pointer, target = self.registry.resolve(schema, file)
            if (
                isinstance(target, Mapping)
                and not is_model_schema(target)
                and "$ref" not in target
            ):
                return self.annotate(target, target_file, roles)
            return self._model(self.registry.named(target_file, pointer, target))
        raw_type = schema.get("type")
        types = [
            t
            for t in (raw_type if isinstance(raw_type, list) else [raw_type])
            if t != "null"
        ]
        nullable = schema.get("nullable") is True or (
            isinstance(raw_type, list) and "null" in raw_type
        )
        if is_model_schema(schema) or len(types) > 1:
            base = self._model(self.registry.inline(schema, file, roles))
        else:
            base = self._builtin(types[0] if types else None, schema, file, roles)
        return _optional(base) if nullable else base

    def _builtin(
        self, type_: Any, schema: Mapping[str, Any], file: SpecFile, roles: list[str]
    ) -> Code:
        if type_ == "array":
            return Code(
                f"list[{self.annotate(schema.get('items') or {}, file, [f'{r}Item' for r in roles])}]"
            )
        if type_ == "string":
            annotation, module = _STRING_FORMATS.get(
                str(schema.get("format")), ("str", None)
            )
            return self._stdlib(annotation, module) if module else Code(annotation)
        if type_ == "object":
            return Code(f"dict[str, {self._stdlib('typing.Any', 'typing')}]")
        simple = {"integer": "int", "number": "float", "boolean": "bool"}
        if type_ in simple:
            return Code(simple[type_])
        return self._stdlib("typing.Any", "typing")

    def _model(self, name: ClassName) -> Code:
        self.scope.models.add(name)
        return name

    def _stdlib(self, annotation: str, module: str | None) -> Code:
        if module:
            self.scope.stdlib.add(module)
        return Code(annotation)

    # -- resources -------------------------------------------------------------------------

    def resources(self, grouped: dict[str, list[Operation]]) -> tuple[Resource, ...]:
        descriptions = {
            str(tag.get("name")): _text(tag.get("description"))
            for tag in self.spec.root.data.get("tags") or []
            if isinstance(tag, Mapping)
        }
        attributes = Namespace(_CLIENT_RESERVED)
        result = []
        for tag, operations in grouped.items():
            class_name = self.class_names.class_name(pascal(tag, fallback="Default"))
            self.class_names.class_name(ClassName(f"Async{class_name}"))
            description = descriptions.get(tag)
            result.append(
                Resource(
                    tag=tag,
                    description=description,
                    doc=f"Operations tagged {tag}."
                    + (f"\n\n{description}" if description else ""),
                    attribute=attributes.identifier(snake(tag, fallback="default")),
                    class_name=class_name,
                    interface_name=self.class_names.class_name(
                        ClassName(f"{class_name}Api")
                    ),
                    operations=tuple(operations),
                )
            )
        return tuple(result)

    # -- diagnostics -----------------------------------------------------------------------

    def error(
        self, code: str, message: str, pointer: str, hint: str | None = None
    ) -> None:
        self.diagnostics.append(
            Diagnostic("error", code, message, self.spec.root.location(pointer), hint)
        )

    def warning(
        self, code: str, message: str, pointer: str, hint: str | None = None
    ) -> None:
        self.diagnostics.append(
            Diagnostic("warning", code, message, self.spec.root.location(pointer), hint)
        )


class _Unsupported(Exception):
    def __init__(self, reason: str, hint: str | None = None) -> None:
        super().__init__(reason)
        self.hint = hint


def lower(spec: Spec, options: LowerOptions) -> tuple[Api, list[Diagnostic]]:
    """The IR for a validated spec, with the warnings and errors lowering found."""
    lowering = _Lowering(spec, options)
    api = lowering.api()
    return api, lowering.diagnostics


def _operation_doc(
    summary: str | None,
    description: str | None,
    parameters: tuple[Parameter, ...],
    body: Body | None,
    deprecated: bool,
) -> str:
    """A Google-style docstring: summary, description, then one line per argument."""
    if summary and summary[-1].isalnum():
        summary += "."
    paragraphs = [
        text
        for text in (summary, description if description != summary else None)
        if text
    ]
    if deprecated:
        paragraphs.append(
            "Deprecated: this operation may be removed in a future version of the API."
        )
    documented = [
        (arg.name, arg.description)
        for arg in (*parameters, *((body,) if body else ()))
        if arg.description
    ]
    if documented:
        lines = ["Args:"]
        for name, text in documented:
            lines.append(
                textwrap.fill(
                    f"{name}: {text}",
                    80,
                    initial_indent="    ",
                    subsequent_indent="        ",
                )
            )
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _optional(annotation: Code) -> Code:
    return annotation if annotation.endswith("| None") else Code(f"{annotation} | None")


def _json_media(
    content: Mapping[str, Any],
) -> tuple[str | None, Mapping[str, Any] | None]:
    """The JSON entry of a `content` map, or (first media type, None) when there is none."""
    for media_type, media in content.items():
        base = str(media_type).split(";")[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            return str(media_type), media if isinstance(media, Mapping) else {}
    return (str(next(iter(content))) if content else None), None


def _server_url(server: Mapping[str, Any]) -> str:
    url = str(server.get("url") or "")
    variables = server.get("variables") or {}
    for name, variable in variables.items():
        if isinstance(variable, Mapping) and "default" in variable:
            url = url.replace("{" + str(name) + "}", str(variable["default"]))
    return url.rstrip("/") if url != "/" else url


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
