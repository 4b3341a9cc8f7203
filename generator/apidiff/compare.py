"""Walk two loaded specs side by side and list every change as a `Change`.

Operations are matched by method and path template with parameter names blanked
(`/seats/{id}` and `/seats/{seatId}` are one operation whose parameter was renamed);
parameters by location and name (path parameters by position), responses by status,
bodies by media type.  Schemas are compared by `SchemaDiff`, once per direction.
Changes come out grouped: the API as a whole first, then operations by path and method.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.apidiff.document import Document, Node
from generator.apidiff.rules import Change, rule
from generator.apidiff.schema import Finding, SchemaDiff, render_path, show
from generator.load import HTTP_METHODS, Spec
from generator.naming import constant

__all__ = ["diff"]

_TEMPLATE_PARAMETER = re.compile(r"\{([^{}]*)\}")
_JSON = "application/json"


def diff(old: Spec, new: Spec) -> list[Change]:
    """Every change from ``old`` to ``new``, in report order."""
    return list(_Comparison(Document(old), Document(new)).run())


@dataclass(frozen=True)
class _Operation:
    method: str
    template: str
    node: Node
    #: path-level parameters, shared by the path item's operations
    shared: list[Node]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"


def _operations(document: Document) -> dict[tuple[str, int], _Operation]:
    """Operations by (path template with blank parameters, method index)."""
    found: dict[tuple[str, int], _Operation] = {}
    for template, item in document.mapping(document.root, "paths").items():
        if not isinstance(item.value, dict):
            continue
        shared = document.items(item, "parameters")
        for index, method in enumerate(HTTP_METHODS):
            node = document.child(item, method)
            if node is not None and isinstance(node.value, dict):
                key = (_TEMPLATE_PARAMETER.sub("{}", template), index)
                found.setdefault(key, _Operation(method, template, node, shared))
    return found


class _Comparison:
    def __init__(self, old: Document, new: Document) -> None:
        self.old = old
        self.new = new
        self.schemas = {
            "request": SchemaDiff(old, new, "request"),
            "response": SchemaDiff(old, new, "response"),
        }

    # -- output ----------------------------------------------------------------------

    def change(
        self, rule_id: str, operation: str, node: Node, side: Document, **details: str
    ) -> Change:
        found = rule(rule_id)
        return Change(
            rule_id,
            found.level,
            operation,
            side.where(node),
            found.template.format(**details),
        )

    def schema(
        self, direction: str, operation: str, subject: str, old: Node, new: Node
    ) -> Iterator[Change]:
        """Changes between two schemas, each message naming the field it is about."""
        finding: Finding
        for finding in self.schemas[direction].compare(old, new):
            path = render_path(finding.path)
            found = rule(finding.rule_id)
            yield Change(
                finding.rule_id,
                found.level,
                operation,
                finding.where,
                found.template.format(
                    subject=f"{subject} property {path!r}" if path else subject,
                    **dict(finding.details),
                ),
            )

    # -- the API as a whole ----------------------------------------------------------

    def run(self) -> Iterator[Change]:
        yield from self.api()
        before, after = _operations(self.old), _operations(self.new)
        for key in sorted(before.keys() | after.keys()):
            old, new = before.get(key), after.get(key)
            if new is None and old is not None:
                yield self.change("operation-removed", old.label, old.node, self.old)
            elif old is None and new is not None:
                yield self.change("operation-added", new.label, new.node, self.new)
            elif old is not None and new is not None:
                yield from self.operation(old, new)

    def api(self) -> Iterator[Change]:
        old_root, new_root = self.old.root, self.new.root
        old_info = self.old.child(old_root, "info")
        new_info = self.new.child(new_root, "info")
        old_version = (
            old_info.value.get("version")
            if old_info and isinstance(old_info.value, dict)
            else None
        )
        new_version = (
            new_info.value.get("version")
            if new_info and isinstance(new_info.value, dict)
            else None
        )
        if old_version != new_version and new_info is not None:
            yield self.change(
                "api-version-changed",
                "",
                new_info,
                self.new,
                old=show(old_version),
                new=show(new_version),
            )
        yield from self.servers()
        yield from self.security_schemes()

    def servers(self) -> Iterator[Change]:
        before = _servers(self.old)
        after = _servers(self.new)
        for url, node in before.items():
            if url not in after:
                yield self.change("server-removed", "", node, self.old, url=show(url))
        for url, node in after.items():
            if url not in before:
                yield self.change("server-added", "", node, self.new, url=show(url))
            else:
                old_name, new_name = _environment(before[url], url), _environment(
                    node, url
                )
                if old_name != new_name:
                    yield self.change(
                        "server-renamed",
                        "",
                        node,
                        self.new,
                        url=show(url),
                        old=old_name,
                        new=new_name,
                    )

    def security_schemes(self) -> Iterator[Change]:
        before = self.old.mapping(self.old.root, "components", "securitySchemes")
        after = self.new.mapping(self.new.root, "components", "securitySchemes")
        for name, node in before.items():
            if name not in after:
                yield self.change(
                    "security-scheme-removed", "", node, self.old, name=show(name)
                )
        for name, node in after.items():
            if name not in before:
                yield self.change(
                    "security-scheme-added", "", node, self.new, name=show(name)
                )
                continue
            old_fields, new_fields = _scheme_fields(
                self.old, before[name]
            ), _scheme_fields(self.new, node)
            for what in dict.fromkeys([*old_fields, *new_fields]):
                was, now = old_fields.get(what), new_fields.get(what)
                if was != now:
                    yield self.change(
                        "security-scheme-changed",
                        "",
                        node,
                        self.new,
                        name=show(name),
                        what=what,
                        old="none" if was is None else show(was),
                        new="none" if now is None else show(now),
                    )

    # -- one operation ---------------------------------------------------------------

    def operation(self, old: _Operation, new: _Operation) -> Iterator[Change]:
        label = new.label
        was, now = old.node.value, new.node.value
        if was.get("operationId") != now.get("operationId"):
            yield self.change(
                "operation-id-changed",
                label,
                new.node,
                self.new,
                old=show(was.get("operationId")),
                new=show(now.get("operationId")),
            )
        old_tag, new_tag = _first_tag(was), _first_tag(now)
        if old_tag != new_tag:
            yield self.change(
                "operation-tag-changed",
                label,
                new.node,
                self.new,
                old=show(old_tag),
                new=show(new_tag),
            )
        if now.get("deprecated") is True and was.get("deprecated") is not True:
            yield self.change("operation-deprecated", label, new.node, self.new)
        yield from self.security(old, new)
        for old_name, new_name in zip(
            _TEMPLATE_PARAMETER.findall(old.template),
            _TEMPLATE_PARAMETER.findall(new.template),
            strict=False,
        ):
            if old_name != new_name:
                yield self.change(
                    "request-path-parameter-renamed",
                    label,
                    new.node,
                    self.new,
                    old=show(old_name),
                    new=show(new_name),
                )
        yield from self.parameters(old, new)
        yield from self.request_body(old, new)
        yield from self.responses(old, new)

    def security(self, old: _Operation, new: _Operation) -> Iterator[Change]:
        before = _requirements(self.old, old.node)
        after = _requirements(self.new, new.node)
        if before == after:
            return
        unmet = [b for b in before if not any(a <= b for a in after)]
        if unmet:
            yield self.change(
                "security-requirement-added", new.label, new.node, self.new,
                old=_show_requirements(before), new=_show_requirements(after),
            )  # fmt: skip
        elif any(not any(b <= a for b in before) for a in after):
            yield self.change(
                "security-requirement-relaxed", new.label, new.node, self.new,
                old=_show_requirements(before), new=_show_requirements(after),
            )  # fmt: skip

    def parameters(self, old: _Operation, new: _Operation) -> Iterator[Change]:
        before = _parameters(self.old, old)
        after = _parameters(self.new, new)
        label = new.label
        for key, node in before.items():
            if key not in after:
                yield self.change(
                    "request-parameter-removed",
                    label,
                    node,
                    self.old,
                    subject=_subject(node),
                )
        for key, node in after.items():
            subject = _subject(node)
            if key not in before:
                required = (
                    "required" if node.value.get("required") is True else "optional"
                )
                yield self.change(
                    f"request-parameter-added-{required}",
                    label,
                    node,
                    self.new,
                    subject=subject,
                )
                continue
            was, now = before[key].value, node.value
            if (was.get("required") is True) != (now.get("required") is True):
                state = "required" if now.get("required") is True else "optional"
                yield self.change(
                    f"request-parameter-became-{state}",
                    label,
                    node,
                    self.new,
                    subject=subject,
                )
            if now.get("deprecated") is True and was.get("deprecated") is not True:
                yield self.change(
                    "request-parameter-deprecated",
                    label,
                    node,
                    self.new,
                    subject=subject,
                )
            for what, (old_value, new_value) in _serialisation(was, now).items():
                yield self.change(
                    "request-parameter-style-changed", label, node, self.new,
                    subject=subject, what=what, old=show(old_value), new=show(new_value),
                )  # fmt: skip
            old_schema = _parameter_schema(self.old, before[key])
            new_schema = _parameter_schema(self.new, node)
            if old_schema is not None and new_schema is not None:
                yield from self.schema(
                    "request", label, subject, old_schema, new_schema
                )

    def request_body(self, old: _Operation, new: _Operation) -> Iterator[Change]:
        label = new.label
        before = self.old.child(old.node, "requestBody")
        after = self.new.child(new.node, "requestBody")
        if after is None:
            if before is not None:
                yield self.change("request-body-removed", label, before, self.old)
            return
        required = _get(after, "required") is True
        if before is None:
            state = "required" if required else "optional"
            yield self.change(f"request-body-added-{state}", label, after, self.new)
            return
        if (_get(before, "required") is True) != required:
            state = "required" if required else "optional"
            yield self.change(f"request-body-became-{state}", label, after, self.new)
        yield from self.content("request", label, "request body", before, after)

    def content(
        self,
        direction: str,
        label: str,
        subject: str,
        old: Node,
        new: Node,
        status: str = "",
    ) -> Iterator[Change]:
        """Media types of a body: removed, added, and the schemas of those in both."""
        before = self.old.mapping(old, "content")
        after = self.new.mapping(new, "content")
        for media, node in before.items():
            if media not in after:
                yield self.change(
                    f"{direction}-media-type-removed",
                    label,
                    node,
                    self.old,
                    media=show(media),
                    status=status,
                )
        for media, node in after.items():
            if media not in before:
                yield self.change(
                    f"{direction}-media-type-added",
                    label,
                    node,
                    self.new,
                    media=show(media),
                    status=status,
                )
                continue
            old_schema = self.old.child(before[media], "schema")
            new_schema = self.new.child(node, "schema")
            if old_schema is not None and new_schema is not None:
                named = subject if media == _JSON else f"{subject} ({media})"
                yield from self.schema(direction, label, named, old_schema, new_schema)

    def responses(self, old: _Operation, new: _Operation) -> Iterator[Change]:
        label = new.label
        before = self.old.mapping(old.node, "responses")
        after = self.new.mapping(new.node, "responses")
        for status, node in before.items():
            if status not in after:
                yield self.change(
                    "response-status-removed", label, node, self.old, status=status
                )
        for status, node in after.items():
            if status not in before:
                yield self.change(
                    "response-status-added", label, node, self.new, status=status
                )
                continue
            yield from self.headers(label, status, before[status], node)
            yield from self.content(
                "response",
                label,
                f"response {status} body",
                before[status],
                node,
                status,
            )

    def headers(
        self, label: str, status: str, old: Node, new: Node
    ) -> Iterator[Change]:
        before = _headers(self.old, old)
        after = _headers(self.new, new)
        for key, (name, node) in before.items():
            if key not in after:
                yield self.change(
                    "response-header-removed",
                    label,
                    node,
                    self.old,
                    status=status,
                    name=show(name),
                )
        for key, (name, node) in after.items():
            if key not in before:
                yield self.change(
                    "response-header-added",
                    label,
                    node,
                    self.new,
                    status=status,
                    name=show(name),
                )
                continue
            old_node = before[key][1]
            if (
                _get(old_node, "required") is True
                and _get(node, "required") is not True
            ):
                yield self.change(
                    "response-header-became-optional",
                    label,
                    node,
                    self.new,
                    status=status,
                    name=show(name),
                )
            old_schema = self.old.child(old_node, "schema")
            new_schema = self.new.child(node, "schema")
            if old_schema is not None and new_schema is not None:
                subject = f"response {status} header {name!r}"
                yield from self.schema(
                    "response", label, subject, old_schema, new_schema
                )


# -- reading pieces of a spec ----------------------------------------------------------


def _get(node: Node, key: str) -> Any:
    return node.value.get(key) if isinstance(node.value, dict) else None


def _servers(document: Document) -> dict[str, Node]:
    """Root servers by URL (a trailing slash is not a different server)."""
    found: dict[str, Node] = {}
    for node in document.items(document.root, "servers"):
        url = _get(node, "url")
        if isinstance(url, str):
            found.setdefault(url.rstrip("/") or "/", node)
    return found


def _environment(node: Node, url: str) -> str:
    """The `Environment` member the generated client names this server by."""
    description = _get(node, "description")
    label = (
        description
        if isinstance(description, str) and description
        else re.sub(r"^\w+://", "", url)
    )
    return str(constant(label, fallback="SERVER"))


def _scheme_fields(document: Document, node: Node) -> dict[str, Any]:
    """What a security scheme asks of a client: a change to any of these breaks it."""
    fields: dict[str, Any] = {}
    for key in ("type", "scheme", "in", "name", "openIdConnectUrl"):
        value = _get(node, key)
        if value is not None:
            fields[key] = (
                value.lower() if key == "scheme" and isinstance(value, str) else value
            )
    for flow, flow_node in document.mapping(node, "flows").items():
        for key in ("tokenUrl", "authorizationUrl"):
            value = _get(flow_node, key)
            if value is not None:
                fields[f"flows.{flow}.{key}"] = value
    return fields


def _first_tag(operation: dict[str, Any]) -> str:
    """The tag that names the operation's client resource (as `lower` picks it)."""
    tags = operation.get("tags")
    return str(tags[0]) if isinstance(tags, list) and tags else "default"


def _requirements(document: Document, operation: Node) -> frozenset[frozenset[str]]:
    """Effective security of an operation: alternatives, each a set of schemes (and
    `scheme:scope`s) a client must hold together.  No requirement is the empty set."""
    declared = _get(operation, "security")
    if declared is None:
        root = document.root.value
        declared = root.get("security") if isinstance(root, dict) else None
    if not isinstance(declared, list) or not declared:
        return frozenset({frozenset()})
    alternatives = set()
    for requirement in declared:
        if isinstance(requirement, dict):
            needs = set()
            for name, scopes in requirement.items():
                needs.add(str(name))
                if isinstance(scopes, list):
                    needs.update(f"{name}:{scope}" for scope in scopes)
            alternatives.add(frozenset(needs))
    return frozenset(alternatives)


def _show_requirements(alternatives: frozenset[frozenset[str]]) -> str:
    shown = sorted(" and ".join(sorted(a)) or "no credentials" for a in alternatives)
    return " or ".join(shown)


def _parameters(
    document: Document, operation: _Operation
) -> dict[tuple[str, str], Node]:
    """Parameters by (location, name); path parameters by their place in the template;
    header names are case-insensitive.  The operation's own override shared ones."""
    order = _TEMPLATE_PARAMETER.findall(operation.template)
    found: dict[tuple[str, str], Node] = {}
    for node in [*operation.shared, *document.items(operation.node, "parameters")]:
        name, where = _get(node, "name"), _get(node, "in")
        if not isinstance(name, str) or not isinstance(where, str):
            continue
        if where == "path" and name in order:
            key = ("path", str(order.index(name)))
        else:
            key = (where, name.lower() if where == "header" else name)
        found[key] = node
    return found


def _subject(parameter: Node) -> str:
    return f"{_get(parameter, 'in')} parameter {_get(parameter, 'name')!r}"


def _parameter_schema(document: Document, parameter: Node) -> Node | None:
    schema = document.child(parameter, "schema")
    if schema is not None:
        return schema
    for media in document.mapping(parameter, "content").values():
        return document.child(media, "schema")
    return None


def _serialisation(
    old: dict[str, Any], new: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """`style`/`explode`/`allowReserved` that changed, defaults filled in."""
    changed: dict[str, tuple[Any, Any]] = {}
    for key in ("style", "explode", "allowReserved"):
        before, after = _effective(old, key), _effective(new, key)
        if before != after:
            changed[key] = (before, after)
    return changed


def _effective(parameter: dict[str, Any], key: str) -> Any:
    style = parameter.get("style") or (
        "form" if parameter.get("in") in ("query", "cookie") else "simple"
    )
    if key == "style":
        return style
    if key == "explode":
        explode = parameter.get("explode")
        return explode if isinstance(explode, bool) else style == "form"
    return parameter.get("allowReserved") is True


def _headers(document: Document, response: Node) -> dict[str, tuple[str, Node]]:
    """Response headers by lower-cased name; Content-Type is the media type's business."""
    return {
        name.lower(): (name, node)
        for name, node in document.mapping(response, "headers").items()
        if name.lower() != "content-type"
    }
