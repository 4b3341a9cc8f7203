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
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from generator.bodies import lower_body
from generator.credentials import CLIENT_RESERVED, is_hoisted, plan_credentials
from generator.error_bodies import plan_error_body
from generator.errors import Diagnostic
from generator.escape import literal
from generator.format_defaults import CLIENT_MODULES, FormatDefault, format_default
from generator.ir import (
    Api,
    Body,
    ClientArgument,
    Constraint,
    Credential,
    DefaultHeader,
    Environment,
    ErrorType,
    MockAnswer,
    Operation,
    Pagination,
    Parameter,
    ParameterLocation,
    Provenance,
    Resource,
    Response,
    ServerVariable,
)
from generator.load import (
    HTTP_METHODS,
    Spec,
    SpecFile,
    join_pointer,
    parameter_key,
    pointers_of,
)
from generator.media import RESPONSE_KINDS, Kind, Unsupported, choose, concrete
from generator.mock_plan import plan_mock, raw_candidates
from generator.model_registry import ModelRegistry, is_model_schema
from generator.naming import (
    CLASS_RESERVED,
    METHOD_RESERVED,
    NAME_OVERRIDE,
    RESERVED,
    TEMPLATE_NAMES,
    ClassName,
    Code,
    Identifier,
    Namespace,
    chosen_name,
    constant,
    import_order,
    module_name,
    optional,
    pascal,
    snake,
    wire_identifier,
)
from generator.pagination import EXTENSION, PagingError, find_shape
from generator.routes import route as server_route

#: A response key oagen understands: a status, a range such as 4XX, or default.
_STATUS_KEY = re.compile(r"[1-5][0-9]{2}|[1-5]XX|default", flags=re.ASCII)
_NAME = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b(?!\.)")
_STDLIB_MODULES = ("datetime", "decimal", "typing", "uuid")
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
#: OpenAPI 3.0 writes an exclusive bound as `minimum: 1, exclusiveMinimum: true`.
_EXCLUSIVE_IN_3_0 = {"minimum": "exclusiveMinimum", "maximum": "exclusiveMaximum"}
#: JSON types a parameter can hold as one Python scalar (see `scalar_union`).
_SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})
_STRING_FORMATS = {
    "date-time": "datetime.datetime",
    "date": "datetime.date",
    "time": "datetime.time",
    "uuid": "uuid.UUID",
    "binary": "bytes",
}
_METHOD_RESERVED = METHOD_RESERVED
#: Client attributes that a resource must not shadow.
_CLIENT_RESERVED = (
    RESERVED | TEMPLATE_NAMES | {"close", "aclose", "base_url", "environment"}
)


@dataclass(frozen=True)
class LowerOptions:
    package: str
    default_server: str | None
    provenance: Provenance
    #: Client constructor argument -> environment variable read when it is not given.
    env_vars: Mapping[str, str] = field(default_factory=dict)


class _Lowering:
    def __init__(self, spec: Spec, options: LowerOptions) -> None:
        self.spec = spec
        self.options = options
        self.diagnostics: list[Diagnostic] = []
        self.class_names = Namespace(CLASS_RESERVED)
        self.registry = ModelRegistry(spec, self.class_names)
        #: Default values of enum header parameters, by lower-case wire name.
        self.header_defaults: dict[str, Code] = {}
        #: Header defaults their format rejects (file, schema, default), by lower-case
        #: wire name: left out of the client, with OAG053 when it would have used them.
        self.invalid_header_defaults: dict[str, _InvalidDefault] = {}
        #: Headers whose default is a typed value (`datetime.date(...)`), not a literal.
        self.typed_header_defaults: set[str] = set()
        self.fields_used: set[tuple[ClassName, Identifier]] = set()

    # -- document --------------------------------------------------------------------------

    def api(self) -> Api:
        data = self.spec.root.data
        info = data.get("info") or {}
        self.registry.register_components()
        grouped = self.operations_by_tag()
        client_names = Namespace(CLIENT_RESERVED)
        hoisted = [
            p
            for ops in grouped.values()
            for op in ops
            for p in op.parameters
            if p.hoisted
        ]
        plan = plan_credentials(self.spec, hoisted, self.options.env_vars, client_names)
        self.diagnostics.extend(plan.diagnostics)
        default_headers = self.default_headers(grouped, client_names)
        resources = self.resources(grouped)
        environments = self.environments()
        self.check_env_vars(plan.credentials, default_headers)
        self.registry.flatten_incompatible_bases()
        self.warn_invalid_defaults(
            [
                _InvalidDefault(
                    *found, "the model (an optional field defaults to None)"
                )
                for found in self.registry.invalid_defaults.values()
            ]
            + [
                self.invalid_header_defaults[header.wire_name.lower()]
                for header in default_headers
                if header.wire_name.lower() in self.invalid_header_defaults
            ]
        )
        return Api(
            title=str(info.get("title") or self.options.package),
            description=_text(info.get("description")),
            version=str(info.get("version") or ""),
            package=Identifier(self.options.package),
            provenance=self.options.provenance,
            environments=environments,
            default_environment=self.default_environment(environments),
            resources=resources,
            **self.imports(resources, plan.credentials, default_headers),
            model_schemas=dict(self.registry.schemas),
            field_aliases=self.registry.field_aliases(),
            typed_defaults=dict(self.registry.typed_defaults),
            openapi_version=str(data.get("openapi")),
            credentials=plan.credentials,
            default_headers=default_headers,
            user_agent=_user_agent(self.options, str(info.get("version") or "")),
            client_doc=_client_doc(plan.credentials, default_headers, environments),
            model_fields_used=tuple(sorted(self.fields_used)),
        )

    def default_headers(
        self, grouped: dict[str, list[Operation]], names: Namespace
    ) -> tuple[DefaultHeader, ...]:
        """Header parameters every operation takes become client-level defaults."""
        operations = [op for ops in grouped.values() for op in ops]
        if not operations:
            return ()
        first, *others = operations
        shared = [
            p
            for p in first.client_header_parameters
            if all(
                any(
                    q.wire_name.lower() == p.wire_name.lower()
                    for q in op.client_header_parameters
                )
                for op in others
            )
        ]
        headers = []
        for parameter in shared:
            name = names.identifier(parameter.name)
            default = self.header_defaults.get(
                parameter.wire_name.lower(), Code("None")
            )
            description = (
                parameter.description or f"The {parameter.wire_name} header."
            ).rstrip(".")
            constant = None
            if parameter.wire_name.lower() in self.typed_header_defaults:
                constant, default = default, Code(f"_{name.upper()}_DEFAULT")
            argument = ClientArgument(
                name=name,
                annotation=optional(parameter.annotation),
                default=default,
                description=f"{description}. Sent with every request unless a call overrides it.",
                env_var=self.options.env_vars.get(name),
            )
            headers.append(DefaultHeader(parameter.wire_name, argument, constant))
        return tuple(headers)

    def check_env_vars(
        self, credentials: tuple[Credential, ...], headers: tuple[DefaultHeader, ...]
    ) -> None:
        known = {a.name for c in credentials for a in c.arguments} | {
            h.argument.name for h in headers
        }
        for name in sorted(set(self.options.env_vars) - known):
            self.diagnostics.append(
                Diagnostic(
                    "error",
                    "OAG041",
                    f"[tool.oagen.env] names {name!r}, which is not a client argument",
                    None,
                    f"client arguments that can come from the environment: {', '.join(sorted(known)) or 'none'}",
                )
            )

    def environments(self) -> tuple[Environment, ...]:
        names = Namespace()
        result = []
        for server in self.spec.root.data.get("servers") or []:
            template = str(server.get("url") or "")
            template = template.rstrip("/") if template != "/" else template
            variables = _server_variables(server)
            url = _server_url(template, variables)
            label = _text(server.get("description")) or re.sub(r"^\w+://", "", url)
            member = names.identifier(constant(label, fallback="SERVER"))
            description = _text(server.get("description"))
            if description and constant(description) == member:
                description = None  # `PRODUCTION = ...` needs no docstring saying so
            result.append(Environment(member, url, description, template, variables))
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
            item_file, item_pointer = root, join_pointer("/paths", path)
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
        chosen = chosen_name(op.get(NAME_OVERRIDE), _METHOD_RESERVED)
        name = names.identifier(chosen or snake(operation_id, fallback="operation"))
        class_stem = pascal(chosen or operation_id, fallback="Operation")
        try:
            parameters = self.parameters(
                [*shared, *(op.get("parameters") or [])], file, class_stem
            )
            body = lower_body(
                op.get("requestBody"),
                file,
                class_stem,
                {p.name for p in parameters},
                self,
            )
            success_status, result, response = self.result(
                op.get("responses") or {}, file, class_stem
            )
            error_types = self.error_types(op.get("responses") or {}, file, class_stem)
        except Unsupported as reason:
            self.warning(
                "OAG050",
                f"operation {operation_id!r} skipped: {reason}",
                pointer,
                reason.hint,
            )
            return None
        route = server_route(
            path, {p.wire_name: p.name for p in parameters if p.location == "path"}
        )
        parameters = tuple(_routed(parameter, route.names) for parameter in parameters)
        summary, description = _text(op.get("summary")), _text(op.get("description"))
        summary = summary or (None if description else f"{method.upper()} {path}")
        deprecated = op.get("deprecated") is True
        client_parameters = tuple(p for p in parameters if not p.hoisted)
        pagination = (
            self.pagination(
                op, name, client_parameters, result, *response[:2], pointer, names
            )
            if response and response.kind == "json"
            else None
        )
        responses = self.responses(op.get("responses") or {}, file, response)
        mock = (
            self.mock(response, parameters, pagination, responses) if response else None
        )
        return Operation(
            operation_id=operation_id,
            name=name,
            method=Identifier(method),
            path=path,
            summary=summary,
            description=description,
            doc=_operation_doc(summary, description, parameters, body, deprecated),
            client_doc=_operation_doc(
                summary, description, client_parameters, body, deprecated
            ),
            deprecated=deprecated,
            parameters=parameters,
            body=body,
            result=result,
            success_status=success_status,
            responses=responses,
            error_types=error_types,
            pagination=pagination,
            mock=mock,
            route_path=route.path if route.path != path else "",
            repeated_path_parameters=route.repeated,
            result_kind=response.kind if response else "json",
            result_media_type=(
                concrete(response.media_type, response.kind)
                if response and response.kind != "json"
                else None
            ),
        )

    def sample_deref(self, value: Any, at: Any) -> tuple[Any, Any, str | None]:
        """Follow `$ref`s for sample data (`mock_data.Deref`)."""
        if not (isinstance(value, Mapping) and "$ref" in value):
            return value, at, None
        target_file, pointer, target = self.spec.deref(value, at)
        return target, target_file, f"{target_file.key}#{pointer}"

    def mock(
        self,
        response: _Success,
        parameters: tuple[Parameter, ...],
        pagination: Pagination | None,
        responses: tuple[Response, ...],
    ) -> MockAnswer:
        schema, file, media = response.schema, response.file, response.media
        if response.kind != "json":
            return MockAnswer(
                raw_candidates(
                    response.kind, response.media_type, media, file, self.sample_deref
                )
            )
        deref = self.sample_deref

        def walk(path: tuple[str, ...]) -> Any:
            node, at, _ = deref(schema, file)
            for wire in path:
                properties = (
                    node.get("properties") if isinstance(node, Mapping) else None
                )
                if not isinstance(properties, Mapping) or wire not in properties:
                    return None
                node, at, _ = deref(properties[wire], at)
            return node

        return plan_mock(
            media,
            file,
            deref,
            parameters=parameters,
            pagination=pagination,
            walk=walk,
            declared_statuses={r.status for r in responses},
        )

    def pagination(
        self,
        op: Mapping[str, Any],
        name: Identifier,
        parameters: tuple[Parameter, ...],
        result: Code,
        response_schema: Any,
        file: SpecFile,
        pointer: str,
        names: Namespace,
    ) -> Pagination | None:
        query = [p.wire_name for p in parameters if p.location == "query"]

        def deref(value: Any) -> Any:
            return (
                self.spec.deref(value, file)[2] if isinstance(value, Mapping) else value
            )

        try:
            shape = find_shape(op, query, response_schema, deref)
        except PagingError as error:
            self.warning(
                "OAG052",
                str(error),
                f"{pointer}/{EXTENSION}",
                "fix or remove the extension",
            )
            return None
        if shape is None or not result.isidentifier():
            return None
        by_wire = {p.wire_name: p for p in parameters}
        items_expression, item_schema = self.field_chain(
            result, shape.items_path, response_schema, file
        )
        cursor_expression, _ = self.field_chain(
            result, shape.next_cursor_path, response_schema, file
        )
        items = deref(item_schema) if isinstance(item_schema, Mapping) else {}
        item_annotation = self.annotate(
            items.get("items") or {}, file, [f"{result}Item"]
        )
        method_name = names.identifier(snake("iter " + _without_verb(name)))
        skipped = {shape.cursor_parameter, *shape.backward_parameters}
        return Pagination(
            method_name=method_name,
            cursor=by_wire[shape.cursor_parameter].name,
            item_annotation=item_annotation,
            items_expression=items_expression,
            next_cursor_expression=cursor_expression,
            parameters=tuple(p for p in parameters if p.wire_name not in skipped),
            cursor_wire=shape.cursor_parameter,
            backward_wires=shape.backward_parameters,
            items_path=shape.items_path,
            next_cursor_path=shape.next_cursor_path,
            doc=(
                f"Iterate over every `{item_annotation}` that `{name}` returns, across pages.\n\n"
                + textwrap.fill(
                    "Pages are fetched as the iteration reaches them, following "
                    f"`{'.'.join(shape.next_cursor_path)}` into `{shape.cursor_parameter}`. "
                    "Call `pages()` on the result to go page by page instead.",
                    80,
                )
            ),
        )

    def field_chain(
        self, result: Code, path: tuple[str, ...], schema: Any, file: SpecFile
    ) -> tuple[Code, Any]:
        """`page.pagination.after`, guarded where a step may be None; and the last schema."""
        expression = "page"
        owner: ClassName | None = ClassName(result)
        guards: list[str] = []
        for wire in path:
            target_file, _, resolved = self.spec.deref(schema, file)
            properties = resolved.get("properties") or {}
            attribute = snake(wire)
            if owner is not None:
                attribute = self.registry.field_names(owner).get(wire, attribute)
                self.fields_used.add((owner, attribute))
            expression = f"{expression}.{attribute}"
            schema, file = properties[wire], target_file
            owner = self.registry.class_of(schema, file)
            if wire not in (resolved.get("required") or []) and wire != path[-1]:
                guards.append(expression)
        if guards:
            condition = " and ".join(f"{guard} is not None" for guard in guards)
            expression = f"({expression} if {condition} else None)"
        return Code(expression), schema

    def parameters(
        self, raw: list[Any], file: SpecFile, class_stem: ClassName
    ) -> tuple[Parameter, ...]:
        merged: dict[tuple[str, str], tuple[SpecFile, Mapping[str, Any]]] = {}
        for entry in raw:
            entry_file = file
            if isinstance(entry, Mapping) and "$ref" in entry:
                entry_file, _, entry = self.spec.resolve(str(entry["$ref"]), file)
            if isinstance(entry, Mapping):
                merged[parameter_key(entry)] = (entry_file, entry)
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
            raise Unsupported(
                f"parameter {wire_name!r} is in {location!r}",
                "use a query, header, path or cookie parameter",
            )
        if "schema" not in entry:
            raise Unsupported(
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
        annotation = self.scalar_union(schema, file) or self.annotate(
            schema, file, [wire_name, f"{class_stem}{pascal(wire_name)}"]
        )
        if location == "header":  # the spec's own schema: OAG053 points into it
            self.remember_header_default(
                wire_name, annotation, entry.get("schema") or {}, file
            )
        if not required:
            annotation = optional(annotation)
        return Parameter(
            name=names.identifier(
                wire_identifier(wire_name, entry, scope=_METHOD_RESERVED)
            ),
            wire_name=wire_name,
            location=location,
            annotation=annotation,
            required=required,
            description=_text(entry.get("description")),
            fastapi_marker=Code(_FASTAPI_MARKERS[location]),
            constraints=self.constraints(schema, file),
            deprecated=entry.get("deprecated") is True,
            hoisted=is_hoisted(entry),
        )

    def remember_header_default(
        self,
        wire_name: str,
        annotation: Code,
        schema: Mapping[str, Any],
        file: SpecFile,
    ) -> None:
        """A header's default, or the only value of its enum, becomes the client's default.

        A default of a formatted string is typed as the argument is (`datetime.date(...)`
        for `format: date`), or left out when the format rejects it.
        """
        file, _, schema = self.spec.deref(schema, file)
        values = schema.get("enum") if isinstance(schema, Mapping) else None
        if "default" in schema:
            value = schema["default"]
        elif isinstance(values, list) and len(values) == 1:
            value = values[0]
        else:
            return
        key = wire_name.lower()
        model = self.registry.schemas.get(annotation)
        formatted = format_default(schema) if not model else None
        self.invalid_header_defaults.pop(key, None)
        self.typed_header_defaults.discard(key)
        if model and isinstance(values, list) and value in values:
            member = model["x-enum-varnames"][values.index(value)]
            self.header_defaults[key] = Code(f"{annotation}.{member}")
        elif formatted is not None and isinstance(value, str):
            if not formatted.valid:
                self.header_defaults.pop(key, None)
                self.invalid_header_defaults[key] = _InvalidDefault(
                    file,
                    schema,
                    formatted,
                    "the client (the header is sent when given)",
                )
            elif formatted.format in _STRING_FORMATS:  # the argument has that type
                self.header_defaults[key] = formatted.expression(CLIENT_MODULES)
                self.typed_header_defaults.add(key)
            else:
                self.header_defaults[key] = literal(value)
        elif not model and isinstance(value, (str, int, float, bool)):
            self.header_defaults[key] = literal(value)

    def constraints(
        self, schema: Mapping[str, Any], file: SpecFile
    ) -> tuple[Constraint, ...]:
        if "$ref" in schema:
            file, _, schema = self.spec.resolve(str(schema["$ref"]), file)
        found = []
        for key, keyword in _CONSTRAINTS.items():
            value = schema.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                continue  # 3.0's boolean exclusiveMinimum modifies minimum (below)
            if key in _EXCLUSIVE_IN_3_0 and schema.get(_EXCLUSIVE_IN_3_0[key]) is True:
                keyword = {"ge": "gt", "le": "lt"}[keyword]
            found.append(Constraint(Identifier(keyword), value))
        multiple = schema.get("multipleOf")
        if isinstance(multiple, (int, float)) and not isinstance(multiple, bool):
            found.append(Constraint(Identifier("multiple_of"), multiple))
        return tuple(found)

    def result(
        self, responses: Mapping[str, Any], file: SpecFile, class_stem: ClassName
    ) -> tuple[int, Code, _Success | None]:
        """Status, annotation and body of the first 2xx response (else of `default`)."""
        successes = sorted(
            str(code)
            for code in responses
            if _STATUS_KEY.fullmatch(str(code)) and str(code).startswith("2")
        )
        if not successes and "default" not in responses:
            return 200, Code("None"), None
        status = successes[0] if successes else "default"
        response = responses[status]
        if isinstance(response, Mapping) and "$ref" in response:
            file, _, response = self.spec.resolve(str(response["$ref"]), file)
        status_code = _status_code(status) or 200
        content = response.get("content") or {}
        if not content or status_code == 204:
            return status_code, Code("None"), None
        chosen = choose(content, lambda s: self.spec.deref(s, file)[2], RESPONSE_KINDS)
        if chosen is None:
            offered = ", ".join(repr(str(media_type)) for media_type in content)
            raise Unsupported(
                f"response {status} has media type {offered}, which cannot be generated",
                "declare JSON, binary (e.g. application/octet-stream) or text "
                "(text/*, XML, or a string schema)",
            )
        media_type, media, kind = chosen
        schema = media.get("schema") or {}
        if kind == "binary":
            annotation = Code("bytes")
        elif kind == "text":
            annotation = Code("str")
        else:
            suffix = "Response" if status_code == 200 else f"Response{status_code}"
            annotation = self.annotate(schema, file, [f"{class_stem}{suffix}"])
        return status_code, annotation, _Success(schema, file, media, kind, media_type)

    def error_types(
        self, responses: Mapping[str, Any], file: SpecFile, class_stem: ClassName
    ) -> tuple[ErrorType, ...]:
        """Models of the declared error responses, so error bodies arrive typed."""
        found = []
        for status, response in responses.items():
            key = str(status)
            if key.startswith(("1", "2", "3")) or not _STATUS_KEY.fullmatch(key):
                continue
            response_file = file
            if isinstance(response, Mapping) and "$ref" in response:
                response_file, _, response = self.spec.resolve(
                    str(response["$ref"]), file
                )
            _, media = _json_media((response or {}).get("content") or {})
            if media is None or not media.get("schema"):
                continue
            annotation = self.annotate(
                media["schema"], response_file, [f"{class_stem}Error{key}"]
            )
            shape = plan_error_body(media["schema"], response_file, self.sample_deref)
            found.append(ErrorType(_status_code(key) or key, annotation, shape))
        return tuple(found)

    def responses(
        self, responses: Mapping[str, Any], file: SpecFile, success: _Success | None
    ) -> tuple[Response, ...]:
        raw = success.media_type if success and success.kind != "json" else None
        found = []
        for status, response in responses.items():
            if _status_code(str(status)) is None:
                continue
            if isinstance(response, Mapping) and "$ref" in response:
                _, _, response = self.spec.resolve(str(response["$ref"]), file)
            code = _status_code(str(status)) or 0
            found.append(
                Response(
                    code,
                    str((response or {}).get("description") or ""),
                    raw if raw and 200 <= code < 300 else None,
                )
            )
        return tuple(sorted(found, key=lambda r: r.status))

    # -- types -----------------------------------------------------------------------------

    def annotate(self, schema: Any, file: SpecFile, roles: list[str]) -> Code:
        """The Python annotation for a schema; models are registered as needed."""
        if not isinstance(schema, Mapping):
            return Code("typing.Any")
        if "$ref" in schema:
            target_file, pointer, target = self.registry.resolve(schema, file)
            if (
                isinstance(target, Mapping)
                and not is_model_schema(target)
                and "$ref" not in target
            ):
                return self.annotate(target, target_file, roles)
            return self.registry.named(target_file, pointer, target)
        raw_type = schema.get("type")
        types = [
            t
            for t in (raw_type if isinstance(raw_type, list) else [raw_type])
            if t != "null"
        ]
        nullable = schema.get("nullable") is True or (
            isinstance(raw_type, list) and "null" in raw_type
        )
        base: Code
        if is_model_schema(schema) or len(types) > 1:
            base = self.registry.inline(schema, file, roles)
        else:
            base = self._builtin(types[0] if types else None, schema, file, roles)
        return optional(base) if nullable else base

    def scalar_union(self, schema: Any, file: SpecFile) -> Code | None:
        """`int | str` for a parameter whose schema is a union of plain scalars
        (`oneOf`/`anyOf` of them, or a list of types), else None.

        A class would do for a body, but FastAPI reads path, query, header and
        cookie parameters only into scalars (and lists of them): a RootModel there
        stops the app from being built at all.
        """
        if not isinstance(schema, Mapping):
            return None
        if "$ref" in schema:
            target_file, _, target = self.registry.resolve(schema, file)
            return self.scalar_union(target, target_file)
        branches: list[Any]
        raw_type = schema.get("type")
        if isinstance(raw_type, list) and len([t for t in raw_type if t != "null"]) > 1:
            branches = [{**schema, "type": t} for t in raw_type]
        else:
            keyword = "oneOf" if "oneOf" in schema else "anyOf"
            found = schema.get(keyword)
            if not isinstance(found, list) or set(schema) & {"enum", "const", "allOf"}:
                return None
            branches = found
        members: list[Code] = []
        nullable = schema.get("nullable") is True
        for branch in branches:
            if isinstance(branch, Mapping) and "$ref" in branch:
                target_file, _, branch = self.registry.resolve(branch, file)
            if not isinstance(branch, Mapping) or is_model_schema(branch):
                return None
            kind = branch.get("type")
            if kind == "null":
                nullable = True
                continue
            if kind not in _SCALAR_TYPES:
                return None
            members.append(self._builtin(kind, branch, file, []))
        if len(members) < 2:
            return None  # one member: `annotate` prints it as it is
        union = Code(" | ".join(dict.fromkeys(members)))
        return optional(union) if nullable else union

    def _builtin(
        self, type_: Any, schema: Mapping[str, Any], file: SpecFile, roles: list[str]
    ) -> Code:
        if type_ == "array":
            return Code(
                f"list[{self.annotate(schema.get('items') or {}, file, [f'{r}Item' for r in roles])}]"
            )
        if type_ == "string":
            return Code(_STRING_FORMATS.get(str(schema.get("format")), "str"))
        if type_ == "object":
            return Code("dict[str, typing.Any]")
        simple = {"integer": "int", "number": "float", "boolean": "bool"}
        if type_ in simple:
            return Code(simple[type_])
        return Code("typing.Any")

    def resource_imports(self, operations: tuple[Operation, ...]) -> dict[str, Any]:
        """What one tag's modules import (client, routes, interfaces, mock), read off
        the annotations they print."""
        annotations = [a.annotation for op in operations for a in op.client_arguments]
        annotations += [op.result for op in operations]
        # Error types are only evaluated at run time, through `_models` (Api.runtime).
        annotations += [
            op.pagination.item_annotation for op in operations if op.pagination
        ]
        models, modules = self._names_in(annotations)
        evaluated = [op.result for op in operations] + [
            e.annotation for op in operations for e in op.error_types
        ]
        # The routes and the protocol print the same: arguments and results.
        server = [a.server_annotation for op in operations for a in op.arguments]
        server += [op.result for op in operations]
        server_models, server_modules = self._names_in(server)
        # The mock also builds the items of paged results.
        mock = server + [
            op.mock.paging.item_type for op in operations if op.mock and op.mock.paging
        ]
        mock_models, mock_modules = self._names_in(mock)
        return {
            "model_imports": models,
            "stdlib_imports": modules,
            "uses_models": bool(self._names_in(evaluated)[0]),
            "server_model_imports": server_models,
            "server_stdlib_imports": server_modules,
            "mock_model_imports": mock_models,
            # `typing.ClassVar` and `typing.cast` in every mock class
            "mock_stdlib_imports": tuple(sorted({*mock_modules, Identifier("typing")})),
        }

    def imports(
        self,
        resources: tuple[Resource, ...],
        credentials: tuple[Credential, ...],
        default_headers: tuple[DefaultHeader, ...],
    ) -> dict[str, Any]:
        """What `client.py` and `server/app.py` import, read off the annotations they
        print (each tag's modules import their own: `resource_imports`)."""
        operations = [op for resource in resources for op in resource.operations]
        # `client.py` itself only annotates the constructors' arguments.
        arguments = [a for c in credentials for a in c.arguments]
        arguments += [header.argument for header in default_headers]
        client = [argument.annotation for argument in arguments]
        reads_environment = any(argument.env_var for argument in arguments)
        client_models, client_modules = self._names_in(client)
        # `server/app.py` itself only names the error bodies' models.
        app = [e.annotation for op in operations for e in op.error_types if e.shape]
        app_models, app_modules = self._names_in(app)
        return {
            "app_model_imports": app_models,
            "app_stdlib_imports": app_modules,
            "model_imports": client_models,
            "client_stdlib_imports": tuple(
                sorted(
                    {
                        *client_modules,
                        Identifier("enum"),
                        # resources are `functools.cached_property`s
                        *([Identifier("functools")] if resources else []),
                        *([Identifier("os")] if reads_environment else []),
                    }
                )
            ),
        }

    def _names_in(
        self, annotations: list[Code]
    ) -> tuple[tuple[ClassName, ...], tuple[Identifier, ...]]:
        names = {name for text in annotations for name in _NAME.findall(text)}
        models = sorted(
            (ClassName(n) for n in names if n in self.registry.schemas),
            key=import_order,
        )
        modules = sorted(
            Identifier(m) for m in _STDLIB_MODULES if f"{m}." in " ".join(annotations)
        )
        return tuple(models), tuple(modules)

    # -- resources -------------------------------------------------------------------------

    def resources(self, grouped: dict[str, list[Operation]]) -> tuple[Resource, ...]:
        descriptions = {
            str(tag.get("name")): _text(tag.get("description"))
            for tag in self.spec.root.data.get("tags") or []
            if isinstance(tag, Mapping)
        }
        attributes = Namespace(_CLIENT_RESERVED)
        modules = Namespace()
        result = []
        for tag, operations in grouped.items():
            claim = self.class_names.class_name
            class_name = claim(pascal(tag, fallback="Default"))
            async_class_name = claim(ClassName(f"Async{class_name}"))
            description = descriptions.get(tag)
            attribute = attributes.identifier(snake(tag, fallback="default"))
            result.append(
                Resource(
                    tag=tag,
                    description=description,
                    doc=f"Operations tagged {tag}."
                    + (f"\n\n{description}" if description else ""),
                    attribute=attribute,
                    class_name=class_name,
                    async_class_name=async_class_name,
                    raw_class_name=claim(ClassName(f"{class_name}WithRawResponse")),
                    async_raw_class_name=claim(
                        ClassName(f"{async_class_name}WithRawResponse")
                    ),
                    interface_name=claim(ClassName(f"{class_name}Api")),
                    mock_class_name=claim(ClassName(f"{class_name}Mock")),
                    operations=tuple(operations),
                    module=modules.identifier(module_name(attribute)),
                    **self.resource_imports(tuple(operations)),
                )
            )
        return tuple(result)

    # -- diagnostics -----------------------------------------------------------------------

    def warn_invalid_defaults(self, found: list[_InvalidDefault]) -> None:
        """OAG053 for each default its format rejects, at the default itself."""
        nodes: dict[SpecFile, list[Any]] = {}
        for invalid in found:
            nodes.setdefault(invalid.file, []).append(invalid.schema)
        pointers = {
            (file, node_id): pointer
            for file, its_nodes in nodes.items()
            for node_id, pointer in pointers_of(file.data, its_nodes).items()
        }
        for invalid in found:
            pointer = pointers.get((invalid.file, id(invalid.schema)))
            default = invalid.default
            shown = repr(default.default)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            what = (
                f"an item of default {shown}"
                if isinstance(default.default, list)
                else f"default {shown}"
            )
            self.diagnostics.append(
                Diagnostic(
                    "warning",
                    "OAG053",
                    f"{what} is not a valid {default.format} ({default.error}): "
                    f"left out of {invalid.left_out_of}",
                    (
                        invalid.file.location(join_pointer(pointer, "default"))
                        if pointer is not None
                        else None
                    ),
                    f"remove the default or give a valid {default.format}",
                )
            )

    def error(self, code: str, message: str, pointer: str, hint: str) -> None:
        self.diagnostics.append(
            Diagnostic("error", code, message, self.spec.root.location(pointer), hint)
        )

    def warning(self, code: str, message: str, pointer: str, hint: str) -> None:
        self.diagnostics.append(
            Diagnostic("warning", code, message, self.spec.root.location(pointer), hint)
        )


class _InvalidDefault(NamedTuple):
    """A default its format rejects: the schema holding it, and what leaves it out."""

    file: SpecFile
    schema: Any
    default: FormatDefault
    left_out_of: str


class _Success(NamedTuple):
    """The success response oagen generates: its schema, file and media, and how it travels."""

    schema: Any
    file: SpecFile
    media: Mapping[str, Any]
    kind: Kind
    media_type: str


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
        for arg in (*parameters, *(body.arguments if body else ()))
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


def _client_doc(
    credentials: tuple[Credential, ...],
    headers: tuple[DefaultHeader, ...],
    environments: tuple[Environment, ...],
) -> str:
    """The constructors' docstring: one `Args:` line per argument, generated ones first."""
    arguments = [a for c in credentials for a in c.arguments] + [
        h.argument for h in headers
    ]
    described: list[tuple[str, str]] = [
        (
            a.name,
            a.description
            + (f" Read from ${a.env_var} when not given." if a.env_var else ""),
        )
        for a in arguments
    ]
    if environments:
        described.append(("environment", "Which of the API's servers to call."))
    if any(environment.variables for environment in environments):
        described.append(
            (
                "server_variables",
                "Values for the variables of the environment's URL, over its defaults.",
            )
        )
    described += [
        (
            "base_url",
            "A URL that replaces the environment's, e.g. for a proxy or a mock server.",
        ),
        (
            "timeout",
            "Seconds (or an `httpx.Timeout`) before a request gives up; calls can override it.",
        ),
        (
            "max_retries",
            (
                "How often a failed request is retried (connection errors, timeouts, 408, "
                "409, 429 and 5xx) with exponential backoff; calls can override it."
            ),
        ),
        ("headers", "Headers sent with every request."),
        (
            "http_client",
            "An httpx client to send requests with; you stay responsible for closing it.",
        ),
    ]
    lines = [
        textwrap.fill(
            f"{name}: {text}", 80, initial_indent="    ", subsequent_indent="        "
        )
        for name, text in described
    ]
    return (
        "Connect to `environment`, or to `base_url` when it is given.\n\nArgs:\n"
        + "\n".join(lines)
    )


def _status_code(key: str) -> int | None:
    """`"404"` -> 404; ranges, `default` and anything not plain ASCII digits -> None."""
    return int(key) if re.fullmatch(r"[1-5][0-9]{2}", key, flags=re.ASCII) else None


def _without_verb(name: str) -> str:
    """`get_seat_events` -> `seat_events`: the pager is named after what it yields."""
    verb, _, rest = name.partition("_")
    return (
        rest
        if rest
        and verb in {"get", "list", "fetch", "search", "query", "find", "retrieve"}
        else name
    )


def _user_agent(options: LowerOptions, api_version: str) -> str:
    """`sequence_usage/0.1 oagen/0.1.0`: names the package, the API version and the generator."""
    version = re.sub(r"[^A-Za-z0-9._+-]", "_", api_version) or "0"
    return f"{options.package}/{version} oagen/{options.provenance.generator_version}"


def _json_media(
    content: Mapping[str, Any],
) -> tuple[str | None, Mapping[str, Any] | None]:
    """The JSON entry of a `content` map, or (first media type, None) when there is none."""
    for media_type, media in content.items():
        base = str(media_type).split(";")[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            return str(media_type), media if isinstance(media, Mapping) else {}
    return (str(next(iter(content))) if content else None), None


def _server_variables(server: Mapping[str, Any]) -> tuple[ServerVariable, ...]:
    variables = server.get("variables") or {}
    return tuple(
        ServerVariable(
            str(name),
            str(variable.get("default", "")),
            tuple(str(choice) for choice in variable.get("enum") or ()),
        )
        for name, variable in variables.items()
        if isinstance(variable, Mapping)
    )


def _routed(parameter: Parameter, names: Mapping[str, tuple[str, ...]]) -> Parameter:
    """A path parameter with the name the server route gives it, when not its own."""
    routes = names.get(parameter.wire_name) if parameter.location == "path" else None
    if not routes or routes[0] == parameter.wire_name:
        return parameter
    return replace(parameter, route_name=routes[0])


def _server_url(template: str, variables: tuple[ServerVariable, ...]) -> str:
    url = template
    for variable in variables:
        url = url.replace("{" + variable.name + "}", variable.default)
    return url.rstrip("/") if url != "/" else url


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
