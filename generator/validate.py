"""Validate a loaded spec: openapi-spec-validator plus the semantic checks it lacks.

``validate(spec)`` returns every diagnostic (errors and warnings), sorted in document
order and without duplicates; it never raises for a bad spec.

* OAG010: openapi-spec-validator, in its two phases: the OpenAPI JSON schema over the
  root document (error paths are real paths in the root file), then its keyword
  walk, which follows ``$ref``s (we record the path it was walking, then map that
  path through the ``$ref``s to a file and pointer).  For ``oneOf``/``anyOf`` errors
  the branch that the value was evidently meant to be is chosen (not the
  ``Reference`` branch of an object without ``$ref``, not the branches whose
  discriminating ``in``/``type`` value does not match) and its deepest error shown.
  The validator only reads documents that load_spec already loaded (files, and
  fetched documents when remote refs were allowed): it never fetches.
  In a 3.1 document a ``default`` is validated with the rules of its schema's JSON
  Schema dialect (`generator.dialects`: draft-04's boolean ``exclusiveMaximum``), and
  the validator's "Unknown JSON Schema dialect" errors give way to OAG012.
* OAG030-034: unique operationIds and path template parameters, with places.  A
  template may name a parameter twice (see `generator.routes`); OAG034 is for
  unbalanced or empty braces.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from generator.dialects import OPENAPI_3_1, SUPPORTED, dialect_at
from generator.errors import Diagnostic, DiagnosticError, Location
from generator.load import (
    HTTP_METHODS,
    Spec,
    SpecFile,
    join_pointer,
    parameter_key,
    pointer_step,
)
from generator.name_checks import (
    Named,
    clashes,
    duplicate_parameters,
    operation_named,
    parameter_names,
    schema_names,
)
from generator.schema_checks import schema_diagnostics
from generator.schema_fast_check import matches_openapi_schema
from generator.schema_hints import schema_hint

__all__ = ["HTTP_METHODS", "validate"]

_MAX_MESSAGE: Final = 200
#: Our checks that say more than the validator's error at the same place, which is
#: then dropped: a response key out of range, a pattern that is not a regex.
_SUPERSEDING: Final = frozenset({"OAG035", "OAG037"})
_TEMPLATE_PARAM = re.compile(r"\{([^{}]*)\}")
#: How openapi-spec-validator starts its error for a `$schema` it does not know.
_UNKNOWN_DIALECT: Final = "Unknown JSON Schema dialect"
_QUOTED = re.compile(r"'([^']*)'")
_FIELD_HINTS: Final[Mapping[Any, str]] = {
    "paths": "paths start with '/' (extensions with 'x-')",
    "responses": "response codes are 100-599, 1XX-5XX or 'default'",
}


def validate(spec: Spec) -> list[Diagnostic]:
    """All diagnostics for ``spec`` (load warnings, schema violations, semantic
    problems), deduplicated and in document order.  Never raises for a bad spec."""
    found: list[Diagnostic] = list(spec.warnings)
    semantic = _semantic_diagnostics(spec) + schema_diagnostics(spec)
    schema, crash = _schema_diagnostics(spec)
    ours = {
        (d.where.file, d.where.pointer)
        for d in semantic
        if d.where is not None and d.code in _SUPERSEDING
    }
    schema = [
        d
        for d in schema
        if d.where is None or not (_place(d) in ours or _is_regex_complaint(d))
    ]
    found += schema
    flagged = {(d.where.file, d.where.pointer) for d in schema if d.where is not None}
    for diagnostic in semantic:
        if diagnostic.code == "OAG033" and diagnostic.where is not None:
            file, pointer = diagnostic.where.file, diagnostic.where.pointer
            if any(
                f == file and (p == pointer or p.startswith(pointer + "/"))
                for f, p in flagged
            ):
                continue  # the validator already said so
        found.append(diagnostic)
    if crash is not None and not any(d.level == "error" for d in found):
        found.append(crash)  # only news when nothing else explains it
    return sorted(dict.fromkeys(found), key=Diagnostic.sort_key)


def _is_regex_complaint(diagnostic: Diagnostic) -> bool:
    """The validator's verdict on a `pattern` (Python's re, blind to ECMA-262 named
    groups and property escapes); schema_checks judges patterns instead (OAG037)."""
    where = diagnostic.where
    return (
        where is not None
        and where.pointer.endswith("/pattern")
        and diagnostic.message.endswith("is not a 'regex'")
    )


def _place(diagnostic: Diagnostic) -> tuple[str, str]:
    where = diagnostic.where
    return ("", "") if where is None else (where.file, where.pointer)


# ---------------------------------------------------------------------------
# openapi-spec-validator


class _LocalFiles(Mapping[str, Any]):
    """Resolver handlers for every URI scheme that only hand out documents load_spec
    already loaded (inside the spec folder, or fetched with the user's opt-in);
    anything else is refused, so the validator never touches the network or other
    files."""

    def __init__(self, spec: Spec) -> None:
        self._files = spec.files
        self._remote = spec.remote

    def __getitem__(self, scheme: str) -> Any:
        return self._retrieve

    def __contains__(self, scheme: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(("file",))

    def __len__(self) -> int:
        return 1

    def _retrieve(self, uri: str) -> Any:
        fetched = self._remote.get(uri.partition("#")[0])
        if fetched is not None:
            return fetched.data
        parts = urlsplit(uri)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(url2pathname(unquote(parts.path))).resolve()
            if path in self._files:
                return self._files[path].data
        raise ValueError(f"refusing to fetch {uri}: only files of the spec may be read")


_BACKEND_VARIABLE = "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"


def _schema_diagnostics(spec: Spec) -> tuple[list[Diagnostic], Diagnostic | None]:
    """Errors from openapi-spec-validator, and a diagnostic for a crash (if any)."""
    # The explanations below read the python-jsonschema backend's error objects;
    # with jsonschema-rs installed (schemathesis brings it) the validator would
    # pick that backend and its errors instead.  Set before the first import.
    os.environ[_BACKEND_VARIABLE] = "jsonschema"
    # imported here: the validator costs a noticeable time to import
    from jsonschema_path import SchemaPath
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.validation.exceptions import (
        DuplicateOperationIDError,
        ParameterDuplicateError,
        UnresolvableParameterError,
    )

    base = (
        OpenAPIV31SpecValidator
        if spec.openapi.startswith("3.1")
        else OpenAPIV30SpecValidator
    )
    keywords = dict(base.keyword_validators)
    if spec.openapi.startswith("3.1"):
        keywords["default"] = _dialect_defaults(spec, keywords["default"])
    located = {name: _locating(kind) for name, kind in keywords.items()}
    validator_cls = type("LocatingValidator", (base,), {"keyword_validators": located})
    root = spec.root
    assert root.path is not None  # the root is a file, never fetched
    found: list[Diagnostic] = []
    try:
        errors = (
            ()
            if matches_openapi_schema(spec.openapi, root.data)
            else base.schema_validator.iter_errors(root.data)
        )
        for problem in _explain(errors):
            where = root.location(join_pointer("", *problem.path))
            found.append(_oag010(where, problem.message, problem.hint))
    except Exception as exc:  # noqa: BLE001 - a library failing on odd input
        return found, _crash(spec, exc)
    # the keyword walk repeats some checks (3.0 schemas): one report per place
    places = {(d.where.file, d.where.pointer) for d in found if d.where is not None}
    try:
        schema_path = SchemaPath.from_dict(
            root.data, base_uri=root.path.as_uri(), handlers=_LocalFiles(spec)
        )
        validator = validator_cls(schema_path)
        for error in validator.root_validator(validator.schema_path):
            if isinstance(
                error,
                (
                    DuplicateOperationIDError,
                    ParameterDuplicateError,
                    UnresolvableParameterError,
                ),
            ):
                continue  # reported with places by our own checks (OAG030-032, 036)
            if str(error).startswith(_UNKNOWN_DIALECT):
                continue  # reported where the dialect is named (OAG012, dialects)
            parts = getattr(error, "oagen_parts", ())
            for problem in _explain([error]):
                full = [*parts, *problem.path]
                where = _logical_location(spec, full)
                hint = problem.hint
                if full and full[-1] in ("default", "example"):  # a value, not a field
                    hint = schema_hint(None, None, [str(full[-1])])
                if (where.file, where.pointer) not in places:
                    found.append(_oag010(where, problem.message, hint))
    except Exception as exc:  # noqa: BLE001 - trips over invalid documents
        return found, _crash(spec, exc)
    return found, None


def _dialect_defaults(spec: Spec, base: type) -> type:
    """The `default` validator of a 3.1 document, with the rules of the schema's
    JSON Schema dialect (`generator.dialects`) rather than always 2020-12's: under
    draft-04, `exclusiveMaximum: true` makes `maximum` exclusive."""
    from jsonschema.validators import validator_for  # type: ignore[import-untyped]
    from jsonschema_path import SchemaPath

    base_call = cast(Any, base).__call__

    def __call__(self: Any, schema: SchemaPath, value: Any) -> Iterator[Any]:
        file, pointer = _logical_place(spec, schema.parts)
        dialect = dialect_at(spec, file, pointer)
        if dialect == OPENAPI_3_1:
            yield from base_call(self, schema, value)
            return
        if dialect not in SUPPORTED:
            return  # not a dialect oagen reads: OAG012 says so
        kind = validator_for({"$schema": dialect})
        with schema.resolve() as resolved:
            checker = kind(
                resolved.contents,
                _resolver=resolved.resolver,
                format_checker=kind.FORMAT_CHECKER,
            )
            yield from checker.iter_errors(value)

    return type(f"Dialect{base.__name__}", (base,), {"__call__": __call__})


def _crash(spec: Spec, exc: BaseException) -> Diagnostic:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return Diagnostic(
        "error",
        "OAG011",
        _cap(f"openapi-spec-validator could not finish: {type(exc).__name__}: {text}"),
        spec.root.location(""),
        "fix the other problems first; if there are none, please report this spec",
    )


def _locating(base: type) -> type:
    """A keyword validator that stamps the document path it was walking on the
    errors it yields (innermost first), since these errors carry no path."""
    from jsonschema_path import SchemaPath
    from openapi_spec_validator.validation.keywords import ValueValidator

    extra = ("default",) if issubclass(base, ValueValidator) else ()
    base_init, base_call = cast(Any, base).__init__, cast(Any, base).__call__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        base_init(self, *args, **kwargs)
        # the schema validator keeps the ids it has seen in lists: quadratic on
        # big specs; same interface, set lookups
        for name in ("visited_schema_ids", "meta_checked_schema_ids"):
            if isinstance(getattr(self, name, None), list):
                setattr(self, name, _IdList(getattr(self, name)))

    def __call__(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        where = next((a for a in args if isinstance(a, SchemaPath)), None)
        for error in base_call(self, *args, **kwargs):
            if where is not None and not hasattr(error, "oagen_parts"):
                error.oagen_parts = (*where.parts, *extra)
            yield error

    namespace = {"__init__": __init__, "__call__": __call__}
    return type(f"Locating{base.__name__}", (base,), namespace)


class _IdList(list[int]):
    """A list with set-speed membership tests."""

    def __init__(self, items: Iterable[int] = ()) -> None:
        super().__init__(items)
        self._members = set(self)

    def append(self, item: int) -> None:
        self._members.add(item)
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _logical_location(spec: Spec, parts: Iterable[Any]) -> Location:
    """Map a path through the document as the validator sees it (``$ref``s
    followed transparently) to a file and pointer."""
    file, pointer = _logical_place(spec, parts)
    return file.location(pointer)


def _logical_place(spec: Spec, parts: Iterable[Any]) -> tuple[SpecFile, str]:
    file, pointer, node = _deref(spec, spec.root.data, spec.root, "")
    for part in parts:
        token = str(part)
        found, node = pointer_step(node, token)
        if not found:
            break
        file, pointer, node = _deref(spec, node, file, join_pointer(pointer, token))
    return file, pointer


def _deref(
    spec: Spec, value: Any, file: SpecFile, pointer: str
) -> tuple[SpecFile, str, Any]:
    try:
        return spec.deref(value, file, pointer)
    except DiagnosticError:  # cannot happen after load_spec; stay put if it does
        return file, pointer, value


def _oag010(where: Location, message: str, hint: str) -> Diagnostic:
    return Diagnostic("error", "OAG010", message, where, hint)


def _cap(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def _short(value: Any) -> str:
    text = repr(value)
    if len(text) <= 60:
        return text
    if isinstance(value, dict):
        return "this object"
    if isinstance(value, list):
        return "this list"
    return text[:57] + "..."


@dataclass(frozen=True)
class _Problem:
    """One explained schema error: where (path in the validated document), what,
    how to fix it; ``unexpected`` lists the fields an additional/unevaluated
    properties error complained about (at ``base``)."""

    path: tuple[Any, ...]
    message: str
    hint: str
    base: tuple[Any, ...] = ()
    unexpected: tuple[str, ...] = ()


def _explain(errors: Iterable[Any]) -> list[_Problem]:
    """Explain jsonschema errors: the leaves of the branches meant, one line each.
    An unevaluated-properties complaint about fields that have errors of their own
    is an echo of those errors (3.1 if/then schemas) and is dropped."""
    problems = [
        leaf if isinstance(leaf, _Problem) else _describe(leaf)
        for error in errors
        for leaf in _leaves(error)
    ]
    paths = {p.path for p in problems}
    return [
        p
        for p in problems
        if not any(
            other[: len(p.base) + 1] == (*p.base, name) and other != p.path
            for name in p.unexpected
            for other in paths
        )
    ]


def _describe(error: Any) -> _Problem:
    """(path of the problem, one-line message, hint) for a jsonschema error."""
    path = tuple(error.absolute_path)
    base = path
    message = error.message
    hint: str | None = None
    unexpected: tuple[str, ...] = ()
    validator, instance, schema = error.validator, error.instance, error.schema
    if validator in ("additionalProperties", "unevaluatedProperties"):
        # "'a', 'b' do not match any of the regexes: ..." (with patternProperties)
        # or "... are not allowed ('a', 'b' were unexpected)"
        names = re.split(r" do(?:es)? not match any of the regexes", message)[0]
        if names == message:
            names = message.partition(" not allowed (")[2]
        unexpected = tuple(_QUOTED.findall(names))
    if len(unexpected) == 1:
        extra = unexpected[0]
        allowed = list(schema.get("properties", {})) if isinstance(schema, dict) else []
        path += (extra,)
        message = f"unexpected field {extra!r}"
        close = difflib.get_close_matches(extra, allowed, n=1)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else _FIELD_HINTS.get(
                base[-1] if base else None,
                f"remove it, or name it 'x-{extra}' if it is an extension",
            )
        )
    elif validator == "required" and isinstance(instance, dict):
        missing = [name for name in error.validator_value if name not in instance]
        if missing:
            hint = f"add the field {missing[0]!r} here"
            if missing[0] == "required" and instance.get("in") == "path":
                hint = "path parameters must say 'required: true'"
    elif validator == "type" and error.validator_value == "string":
        if isinstance(instance, (int, float, bool)):
            hint = "quote the value so that YAML reads it as a string"
    elif validator in ("enum", "const") and path and path[-1] == "required":
        hint = "path parameters must say 'required: true'"
    elif validator in ("enum", "const") and isinstance(instance, str):
        options = (
            error.validator_value if validator == "enum" else [error.validator_value]
        )
        close = difflib.get_close_matches(instance, [str(o) for o in options], n=1)
        if close:
            hint = f"did you mean {close[0]!r}?"
    if validator == "oneOf" and not error.context:
        message = f"{_short(instance)} matches more than one of the allowed forms"
        hint = "add the field that tells them apart"
    elif message.startswith(repr(instance)) and len(repr(instance)) > 60:
        message = _short(instance) + message[len(repr(instance)) :]
    if hint is None:
        hint = schema_hint(validator, error.validator_value, path)
    return _Problem(path, _cap(message), hint, base, unexpected)


def _leaves(error: Any) -> list[Any]:
    """Descend through a oneOf/anyOf error into the branch the value was meant to
    match (not the Reference branch of an object without ``$ref``; not branches
    whose discriminating field, like ``in`` or ``type``, does not match) and
    return all its errors, explained further down.  When every branch disagrees
    on the same discriminating field the result is one merged _Problem."""
    if not (error.context and error.validator in ("oneOf", "anyOf")):
        return [error]
    branches: dict[Any, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    instance = error.instance
    has_ref = isinstance(instance, dict) and "$ref" in instance
    candidates = {
        index: subs
        for index, subs in branches.items()
        if has_ref
        == any(s.validator == "required" and "$ref" in s.validator_value for s in subs)
    } or branches
    mismatches = {
        index: {
            s.relative_path[0]
            for s in subs
            if s.validator in ("enum", "const") and len(s.relative_path) == 1
        }
        for index, subs in candidates.items()
    }
    counts = Counter(key for keys in mismatches.values() for key in keys)
    if counts:
        key = counts.most_common(1)[0][0]
        matching = {
            i: subs for i, subs in candidates.items() if key not in mismatches[i]
        }
        if not matching:
            return [_merged_enum(error, candidates, key)]
        candidates = matching
    if len(candidates) == 1:
        (subs,) = candidates.values()
        # "valid under each of" is a consequence of a missing field reported beside it
        plain = [s for s in subs if s.validator != "oneOf" or s.context] or subs
        return [leaf for sub in plain for leaf in _leaves(sub)]
    # still ambiguous: the deepest error, a plain one before another oneOf/anyOf
    best = min(
        (s for subs in candidates.values() for s in subs),
        key=lambda s: (-len(s.absolute_path), s.validator in ("oneOf", "anyOf")),
    )
    return _leaves(best)


def _merged_enum(error: Any, branches: Mapping[Any, list[Any]], key: Any) -> _Problem:
    options: list[Any] = []
    for subs in branches.values():
        for sub in subs:
            if sub.validator in ("enum", "const") and list(sub.relative_path) == [key]:
                values = (
                    sub.validator_value
                    if sub.validator == "enum"
                    else [sub.validator_value]
                )
                options += [v for v in values if v not in options]
    value = error.instance[key]
    close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1)
    hint = f"did you mean {close[0]!r}?" if close else schema_hint("enum", options, ())
    message = _cap(f"{_short(value)} is not one of {options!r}")
    path = (*error.absolute_path, key)
    return _Problem(path, message, hint, path)


# ---------------------------------------------------------------------------
# semantic checks


def _template_names(template: str) -> tuple[list[str], str | None]:
    """Parameter names of a path template, and what is wrong with it (if anything).

    A name may appear more than once (`/users/{id}/friends/{id}`): OpenAPI 3.0 and
    3.1 do not forbid it, and the generated code handles it (see `generator.routes`).
    """
    names = _TEMPLATE_PARAM.findall(template)
    rest = _TEMPLATE_PARAM.sub("", template)
    if "{" in rest or "}" in rest:
        return names, "unbalanced braces"
    if "" in names:
        return [n for n in names if n], "an empty '{}'"
    return names, None


_Param = tuple[SpecFile, str, dict[str, Any]]


def _parameters(
    spec: Spec, params: Any, file: SpecFile, pointer: str
) -> list[tuple[_Param, _Param]]:
    """The parameters of a parameter list that have a name, ``$ref``s followed:
    each as defined (where a ``$ref`` leads) and as listed (the list entry)."""
    found: list[tuple[_Param, _Param]] = []
    for index, param in enumerate(params if isinstance(params, list) else ()):
        site = join_pointer(pointer, index)
        target, at, value = _deref(spec, param, file, site)
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            found.append(((target, at, value), (file, site, value)))
    return found


def _path_params(params: list[tuple[_Param, _Param]]) -> dict[str, _Param]:
    """The ``in: path`` parameters of a parameter list as defined, by name."""
    return {d[2]["name"]: d for d, _ in params if d[2].get("in") == "path"}


_STATUS_KEY = re.compile(r"[1-5][0-9]{2}|[1-5]XX|default", flags=re.ASCII)


def _semantic_diagnostics(spec: Spec) -> list[Diagnostic]:
    root = spec.root
    paths = root.data.get("paths")
    found: list[Diagnostic] = []
    if not isinstance(paths, dict):
        return found
    operation_ids: dict[str, list[tuple[SpecFile, str]]] = {}
    operations: list[Named] = []
    reported: set[Diagnostic] = set()
    checked: set[tuple[Path | str, str]] = set()

    def error(code: str, message: str, file: SpecFile, pointer: str, hint: str) -> None:
        found.append(
            Diagnostic("error", code, _cap(message), file.location(pointer), hint)
        )

    def check_required(params: dict[str, _Param]) -> None:
        for name, (file, pointer, param) in params.items():
            if (file.key, pointer) not in checked and param.get("required") is not True:
                error(
                    "OAG033",
                    f"path parameter {name!r} must be required",
                    file,
                    pointer,
                    "add 'required: true': a path parameter is always present",
                )
            checked.add((file.key, pointer))

    for template, raw_item in paths.items():
        if not template.startswith("/"):
            continue  # x- extensions; the schema check reports anything else
        file, item_pointer, item = _deref(
            spec, raw_item, root, join_pointer("/paths", template)
        )
        if not isinstance(item, dict):
            continue
        names, problem = _template_names(template)
        if problem is not None:
            error(
                "OAG034",
                f"malformed path template {template!r}: {problem}",
                root,
                join_pointer("/paths", template),
                "write parameters as {name}, e.g. /users/{userId}",
            )
        shared_all = _parameters(
            spec, item.get("parameters"), file, join_pointer(item_pointer, "parameters")
        )
        found.extend(duplicate_parameters([site for _, site in shared_all]))
        shared = _path_params(shared_all)
        check_required(shared)
        for name, (pfile, pointer, _) in shared.items():
            if name not in names:
                error(
                    "OAG032",
                    f"path parameter {name!r} is declared but {template!r} has no {{{name}}}",
                    pfile,
                    pointer,
                    f"remove the parameter, or add {{{name}}} to the path",
                )
        missing: dict[str, list[str]] = {}  # template name -> methods not declaring it
        methods = [m for m in HTTP_METHODS if isinstance(item.get(m), dict)]
        for method in methods:
            operation = item[method]
            op_pointer = join_pointer(item_pointer, method)
            operation_id = operation.get("operationId")
            if isinstance(operation_id, str):
                operation_ids.setdefault(operation_id, []).append(
                    (file, join_pointer(op_pointer, "operationId"))
                )
            named, problems = operation_named(
                operation, method, template, file, op_pointer
            )
            operations.append(named)
            found.extend(problems)
            own_all = _parameters(
                spec,
                operation.get("parameters"),
                file,
                join_pointer(op_pointer, "parameters"),
            )
            found.extend(duplicate_parameters([site for _, site in own_all]))
            merged = {
                parameter_key(site[2]): site for _, site in [*shared_all, *own_all]
            }
            for clash in parameter_names(merged.values()):
                if clash not in reported:  # path-level parameters: once per path
                    reported.add(clash)
                    found.append(clash)
            own = _path_params(own_all)
            check_required(own)
            responses = operation.get("responses")
            for key in responses if isinstance(responses, dict) else ():
                if not _STATUS_KEY.fullmatch(str(key)):
                    error(
                        "OAG035",
                        f"response key {str(key)!r} is not an HTTP status code",
                        file,
                        join_pointer(op_pointer, "responses", str(key)),
                        "use a three-digit status such as '404', a range such as '4XX', "
                        "or 'default' (ASCII digits only)",
                    )
            for name, (pfile, pointer, _) in own.items():
                if name not in names:
                    error(
                        "OAG032",
                        f"path parameter {name!r} is declared but {template!r} has no {{{name}}}",
                        pfile,
                        pointer,
                        f"remove the parameter, or add {{{name}}} to the path",
                    )
            for name in names:
                if name not in own and name not in shared:
                    missing.setdefault(name, []).append(method)
        hint = "declare it under 'parameters' with 'in: path' and 'required: true'"
        for name, lacking in missing.items():
            if len(lacking) == len(methods):
                error(
                    "OAG031",
                    f"path parameter {{{name}}} in {template!r} is not declared",
                    file,
                    item_pointer,
                    hint + " (at the path level to cover every operation)",
                )
            else:
                for method in lacking:
                    error(
                        "OAG031",
                        f"path parameter {{{name}}} in {template!r} is not declared "
                        f"for {method.upper()}",
                        file,
                        join_pointer(item_pointer, method),
                        hint,
                    )
    webhooks = root.data.get("webhooks")
    for name, raw_item in (webhooks if isinstance(webhooks, dict) else {}).items():
        file, item_pointer, item = _deref(
            spec, raw_item, root, join_pointer("/webhooks", name)
        )
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and isinstance(
                operation.get("operationId"), str
            ):
                operation_ids.setdefault(operation["operationId"], []).append(
                    (file, join_pointer(item_pointer, method, "operationId"))
                )
    schemas = (root.data.get("components") or {}).get("schemas")
    if isinstance(schemas, dict):
        found += schema_names(schemas, root, "/components/schemas")
    found += clashes(
        operations,
        "method",
        "rename one operationId so that they differ by more than case or punctuation, "
        "or give one an 'x-oagen-name'",
    )
    for operation_id, places in operation_ids.items():
        if len(places) < 2:
            continue
        locations = [file.location(pointer) for file, pointer in places]
        for index, where in enumerate(locations):
            other = locations[1] if index == 0 else locations[0]
            found.append(
                Diagnostic(
                    "error",
                    "OAG030",
                    _cap(
                        f"operationId {operation_id!r} is also used at {other.position}"
                    ),
                    where,
                    "operationIds must be unique: they become method names",
                )
            )
    return found
