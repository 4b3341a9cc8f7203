"""Hostile spec strings, a spec that carries them everywhere, and the checks on the output.

Used by `tests/test_injection.py`.  Specs are built as Python dicts and written as
JSON, so any string (NUL, lone CR, U+2028 ...) is representable.  `make_spec` puts a
value in every place a spec string can reach code (benign unless told otherwise);
`run_pipeline` runs the real pipeline in memory; `check_structure`, `check_literals`,
`check_prose` and `check_paths` assert what the issue asks of the output: it has no
statement, import or shadowed name the benign spec's output lacks, every value that
reaches code as a literal keeps it exactly, prose keeps its words, and files stay
plain paths inside the package.
"""

from __future__ import annotations

import ast
import json
import keyword
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any, Self

from hypothesis import strategies as st

from generator import pipeline
from generator.config import load_config
from generator.errors import DiagnosticError
from generator.name_checks import operation_name
from generator.naming import FIELD_RESERVED, METHOD_RESERVED, wire_identifier
from generator.pipeline import Build, build

#: The placeholder names Starlette routes as they are (`starlette.routing`).
_ROUTABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", flags=re.ASCII)

#: A file that only an injected payload would create.  Unique per test process.
CANARY_DIR = Path(tempfile.gettempdir()) / f"oagen-injection-canary-{os.getpid()}"
CANARY = CANARY_DIR / "pwned"

#: Payloads that would run (and create the canary) if a string escaped its literal.
PAYLOADS = (
    f"'); open({str(CANARY)!r}, 'w') #",
    f'"); open({str(CANARY)!r}, "w") #',
    f"'''); open({str(CANARY)!r}, 'w') #",
    f'"""\nopen({str(CANARY)!r}, "w")\n"""',
    f"\nopen({str(CANARY)!r}, 'w')\n",
    f"\\'); open({str(CANARY)!r}, 'w') #",
    f"\r__import__('builtins').open({str(CANARY)!r}, 'w')\r",
    f"\u2028open({str(CANARY)!r}, 'w')\u2028",
    "'); import os; os.system('x",
    '"""; import os #',
    "'''; import os #",
    "{{ self.__init__.__globals__ }}",
    "{% for x in range(9) %}{{ x }}{% endfor %}",
)

#: Pieces hostile strings are assembled from.
ATOMS = (
    "'",
    '"',
    "'''",
    '"""',
    '""',
    "\\",
    "\\\\",
    "\n",
    "\r",
    "\r\n",
    "\u2028",
    "\u2029",
    "\x85",
    "\x00",
    "\t",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\u200b",
    "\ufeff",
    "{{ x }}",
    "{{",
    "}}",
    "{% if true %}",
    "%}",
    "{# c #}",
    "#",
    "а",  # Cyrillic a
    "ｃｌａｓｓ",  # fullwidth
    "ℌ",
    "ﬁ",
    "İ",
    "class",
    "import",
    "None",
    "True",
    "__import__",
    "exec",
    "eval",
    "__init__",
    "__class__",
    "self",
    "print",
    "../",
    "..\\",
    "/etc/passwd",
    "C:\\",
    "coding: latin-1",
    "# -*- coding: utf-8 -*-",
    "\\N{BULLET}",
    "\\x41",
    "\\u0041",
    "%s",
    "`",
    ")",
    "]",
    "}",
    "\\\n",
    " ",
    *PAYLOADS,
)

#: Python words a spec string may try to become.
NAME_ATOMS = (
    *keyword.kwlist,
    *keyword.softkwlist,
    "None",
    "__import__",
    "exec",
    "eval",
    "__init__",
    "__class__",
    "__all__",
    "self",
    "cls",
    "str",
    "int",
    "list",
    "dict",
    "type",
    "print",
    "open",
    "object",
    "model_config",
    "model_fields",
    "schema",
    "json",
    "copy",
    "_private",
    "__dunder__",
    "0abc",
    "-",
    "_",
    "..",
    "../..",
)


class Long(str):
    """A very long string that shows itself as the expression that built it."""

    expression: str

    def __new__(cls, value: str, expression: str) -> Self:
        made = super().__new__(cls, value)
        made.expression = expression
        return made

    def __repr__(self) -> str:
        return self.expression


def _long(atom: str) -> str:
    count = 10_000 // len(atom) + 1
    return Long(atom * count, f"{atom!r} * {count}")


def hostile_text() -> st.SearchStrategy[str]:
    """Non-empty strings built from the hostile atoms, random text and a few very long ones."""
    piece = st.one_of(
        st.sampled_from(ATOMS),
        st.sampled_from(NAME_ATOMS),
        st.text(min_size=1, max_size=6),
    )
    return st.one_of(
        st.sampled_from(ATOMS),
        st.lists(piece, min_size=1, max_size=6).map("".join),
        st.sampled_from(ATOMS).map(_long),
        st.sampled_from(PAYLOADS).map(
            lambda payload: Long("x" * 10_000 + payload, f"'x' * 10_000 + {payload!r}")
        ),
    ).filter(bool)


@cache
def generated_names() -> tuple[str, ...]:
    """Every identifier the benign spec's output spells (`transport`, `Path`, `app`...):
    a spec name equal to one of them must not shadow it."""
    with tempfile.TemporaryDirectory() as folder:
        outcome = run_pipeline(make_spec({}), Path(folder), with_runtime=False)
    assert outcome.build is not None, outcome.rejected
    found = {
        name for tree in parse_all(outcome.build).values() for name in names_in(tree)
    }
    return tuple(sorted(found))


def hostile_name() -> st.SearchStrategy[str]:
    """Strings meant to become Python names: keywords, builtins, dunders, confusables,
    and the names the generated code itself uses."""
    return st.one_of(
        st.sampled_from(NAME_ATOMS),
        st.deferred(lambda: st.sampled_from(generated_names())),
        st.lists(
            st.one_of(st.sampled_from(NAME_ATOMS), st.sampled_from(ATOMS)),
            min_size=1,
            max_size=3,
        ).map("".join),
        hostile_text(),
    ).filter(bool)


#: Component names must match `^[a-zA-Z0-9._-]+$` (OpenAPI 3.0 and 3.1 alike).
COMPONENT_NAME = re.compile(r"\A[a-zA-Z0-9._-]+\Z")


def component_name() -> st.SearchStrategy[str]:
    """Schema names: what the OpenAPI pattern allows, biased towards troublemakers."""
    return st.one_of(
        st.sampled_from(
            [n for n in NAME_ATOMS if COMPONENT_NAME.match(n)]
            + ["..", ".", "...", "-", "_", "__", "0", "1e5", "a.b", "x-y", "__init__"]
        ),
        st.from_regex(r"\A[a-zA-Z0-9._-]{1,40}\Z"),
        st.just(Long("A" * 10_000, "'A' * 10_000")),
    )


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, OverflowError, RecursionError):
        return False
    return True


def hostile_pattern() -> st.SearchStrategy[str]:
    """Hostile regular expressions: OpenAPI wants `pattern` to be a valid regex."""
    return st.one_of(
        hostile_text().filter(_compiles),
        hostile_text().map(re.escape),
    )


def path_segment() -> st.SearchStrategy[str]:
    """A hostile path segment: anything but the braces that delimit template parameters."""
    return hostile_text().map(lambda s: s.replace("{", "(").replace("}", ")"))


# ------------------------------------------------------------------------------------------
# the spec

#: Every place a spec string can reach generated code, with its benign value.
BENIGN: Mapping[str, Any] = {
    "info.title": "Pet Store",
    "info.description": "A store of pets.",
    "info.version": "1.0.0",
    "server.url": "https://api.example.com/v1",
    "server.description": "Production server",
    "server.variable": "eu",
    "tag.name": "pets",
    "tag.description": "Everything about pets.",
    "op.path": "pets",
    "op.operationId": "listPets",
    "op.summary": "List the pets",
    "op.description": "Lists every pet in the store.",
    "op.extension": "internal",
    "path_param.name": "petId",
    "path_param.description": "The pet to look at.",
    "query_param.name": "sortOrder",
    "query_param.description": "How to sort.",
    "query_param.default": "asc",
    "query_param.pattern": "^[a-z]+$",
    "query_enum.value": "loud",
    "header_param.name": "X-Request-Id",
    "header_param.description": "A request id.",
    "response.description": "The pets.",
    "response.media": "application/json; charset=utf-8",
    "error.media": "text/plain",
    "body.description": "The pet to add.",
    "schema.name": "Pet",
    "schema.description": "A pet in the store.",
    "schema.extension": "internal",
    "prop.name": "petName",
    "prop.description": "The pet's name.",
    "prop.default": "rex",
    "prop.example": "fido",
    "prop.pattern": "^[A-Za-z]+$",
    "enum.value": "dog",
    "enum.description": "The kind of pet.",
    "int_enum.values": (1, 2),
}

#: Places that hold a string (all but the integer enum).
STRING_PLACES = tuple(
    place for place, value in BENIGN.items() if isinstance(value, str)
)

#: Fixed siblings a hostile value must stay distinct from.
OTHER_ENUM_VALUE = "other-kind"
OTHER_QUERY_ENUM_VALUE = "quiet"
FIXED_PROPERTIES = ("kind", "rank", "code")
FIXED_QUERY_PARAMETERS = ("level",)


def make_spec(values: Mapping[str, Any], status: str = "200") -> dict[str, Any]:
    """The test spec: benign everywhere except where `values` says otherwise."""
    v = {**BENIGN, **values}
    schema_ref = f"#/components/schemas/{v['schema.name']}"
    path = f"/{v['op.path']}/{{{v['path_param.name']}}}"
    return {
        "openapi": "3.0.3",
        "info": {
            "title": v["info.title"],
            "description": v["info.description"],
            "version": v["info.version"],
        },
        "servers": [
            {"url": v["server.url"], "description": v["server.description"]},
            {
                "url": "https://{region}.example.com/v1",
                "variables": {"region": {"default": v["server.variable"]}},
            },
        ],
        "tags": [{"name": v["tag.name"], "description": v["tag.description"]}],
        "paths": {
            path: {
                "get": {
                    "tags": [v["tag.name"]],
                    "operationId": v["op.operationId"],
                    "summary": v["op.summary"],
                    "description": v["op.description"],
                    "x-internal-note": v["op.extension"],
                    "parameters": [
                        {
                            "name": v["path_param.name"],
                            "in": "path",
                            "required": True,
                            "description": v["path_param.description"],
                            "schema": {"type": "string"},
                        },
                        {
                            "name": v["query_param.name"],
                            "in": "query",
                            "description": v["query_param.description"],
                            "schema": {
                                "type": "string",
                                "default": v["query_param.default"],
                            },
                        },
                        {
                            "name": "filter",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "pattern": v["query_param.pattern"],
                            },
                        },
                        {
                            "name": "level",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": [v["query_enum.value"], OTHER_QUERY_ENUM_VALUE],
                            },
                        },
                        {
                            "name": v["header_param.name"],
                            "in": "header",
                            "description": v["header_param.description"],
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        status: {
                            "description": v["response.description"],
                            "content": {
                                v["response.media"]: {"schema": {"$ref": schema_ref}}
                            },
                        },
                        "400": {
                            "description": "Bad request.",
                            "content": {
                                v["error.media"]: {"schema": {"type": "string"}}
                            },
                        },
                    },
                },
                "post": {
                    "tags": [v["tag.name"]],
                    "operationId": "addPet",
                    "parameters": [
                        {
                            "name": v["path_param.name"],
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "requestBody": {
                        "description": v["body.description"],
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": schema_ref}}
                        },
                    },
                    "responses": {"204": {"description": "Added."}},
                },
            }
        },
        "components": {
            "schemas": {
                v["schema.name"]: {
                    "type": "object",
                    "description": v["schema.description"],
                    "x-internal-note": v["schema.extension"],
                    "required": ["kind"],
                    "properties": {
                        v["prop.name"]: {
                            "type": "string",
                            "description": v["prop.description"],
                            "default": v["prop.default"],
                            "example": v["prop.example"],
                        },
                        "kind": {
                            "type": "string",
                            "description": v["enum.description"],
                            "enum": [v["enum.value"], OTHER_ENUM_VALUE],
                        },
                        "rank": {"type": "integer", "enum": list(v["int_enum.values"])},
                        "code": {"type": "string", "pattern": v["prop.pattern"]},
                    },
                }
            }
        },
    }


def distinct_enough(values: Mapping[str, Any]) -> bool:
    """Whether hostile values avoid colliding with the spec's fixed siblings (else the
    spec would say something else, e.g. an enum with a repeated value)."""
    v = {**BENIGN, **values}
    arguments = [
        wire_identifier(str(name), {}, scope=METHOD_RESERVED)
        for name in (
            v["path_param.name"],
            v["query_param.name"],
            v["header_param.name"],
            *FIXED_QUERY_PARAMETERS,
            "filter",
        )
    ]
    fields = [
        wire_identifier(str(name), {}, scope=FIELD_RESERVED, reserved=FIELD_RESERVED)
        for name in (v["prop.name"], *FIXED_PROPERTIES)
    ]
    return (
        # Names oagen could only tell apart by numbering are an error (OAG042) now.
        len(set(arguments)) == len(arguments)
        and len(set(fields)) == len(fields)
        and operation_name(str(v["op.operationId"]), "get", "/")
        != operation_name("addPet", "post", "/")
        and v["enum.value"] != OTHER_ENUM_VALUE
        and v["query_enum.value"] != OTHER_QUERY_ENUM_VALUE
        and v["prop.name"] not in FIXED_PROPERTIES
        and v["query_param.name"] not in (*FIXED_QUERY_PARAMETERS, "filter")
        and len(set(v["int_enum.values"])) == len(v["int_enum.values"])
    )


# ------------------------------------------------------------------------------------------
# running the pipeline


@dataclass
class Outcome:
    """What one run of the pipeline gave: a build, or the validator's refusal."""

    build: Build | None
    rejected: tuple[str, ...] = ()
    trees: dict[str, ast.Module] = field(default_factory=dict)


@contextmanager
def _runtime_left_out() -> Iterator[None]:
    """Build without copying `generator/runtime/`: the runtime is copied verbatim, does
    not depend on the spec, and is most of black's time (4/5 of a build)."""
    original = getattr(pipeline, "runtime_files", None)
    if original is None:  # the pipeline changed: just build everything
        yield
        return
    pipeline.runtime_files = dict
    try:
        yield
    finally:
        pipeline.runtime_files = original


def run_pipeline(
    spec: Mapping[str, Any], folder: Path, *, with_runtime: bool = True
) -> Outcome:
    """Write `spec` as JSON under `folder` and build it; a DiagnosticError is a refusal.

    `with_runtime=False` leaves the verbatim runtime copy out (for the many examples
    that only inspect the generated modules)."""
    folder.mkdir(parents=True, exist_ok=True)
    spec_path = folder / "openapi.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    config = load_config(
        None,
        {"spec": str(spec_path), "output": str(folder / "out"), "package": "api"},
    )
    try:
        if with_runtime:
            result = build(config)
        else:
            with _runtime_left_out():
                result = build(config)
    except DiagnosticError as error:
        codes = tuple(d.code for d in error.diagnostics if d.level == "error")
        assert codes and all(re.fullmatch(r"OAG0\d\d", c) for c in codes), error
        return Outcome(None, codes)
    return Outcome(result)


def generated_sources(result: Build) -> dict[str, str]:
    """The generated Python files (the copied runtime is not generated from the spec)."""
    return {
        path: text
        for path, text in result.files.items()
        if path.endswith(".py") and not path.startswith("_runtime/")
    }


#: What `parse_all` calls the module of a spec's only tag, whatever the tag's name
#: (the module is named from it), so hostile and benign outputs compare file by file.
TAG_MODULE = "resources/<tag>.py"
#: The same for the server's routes module of that tag...
ROUTES_MODULE = "server/routes/<tag>.py"
#: ...its protocol's module...
INTERFACES_MODULE = "server/interfaces/<tag>.py"
#: ...and its mock's module.
MOCK_MODULE = "server/mock/<tag>.py"
#: Folders of per-tag modules, with the name `parse_all` gives a spec's only tag's.
TAG_FOLDERS = (
    ("resources/", TAG_MODULE),
    ("server/routes/", ROUTES_MODULE),
    ("server/interfaces/", INTERFACES_MODULE),
    ("server/mock/", MOCK_MODULE),
)


def parse_all(result: Build) -> dict[str, ast.Module]:
    trees = {}
    for path, text in generated_sources(result).items():
        try:
            trees[path] = ast.parse(text, filename=path)
        except (SyntaxError, ValueError) as error:
            raise AssertionError(f"{path} does not parse: {error}") from None
    for folder, canonical in TAG_FOLDERS:
        tag_modules = _tag_modules(trees, folder)
        if len(tag_modules) == 1:
            trees[canonical] = trees.pop(tag_modules[0])
    return trees


def _tag_modules(trees: Mapping[str, ast.Module], folder: str) -> list[str]:
    return sorted(
        path
        for path in trees
        if path.startswith(folder) and path != f"{folder}__init__.py"
    )


def client_code(trees: Mapping[str, ast.Module]) -> ast.Module:
    """`client.py` and the tags' modules as one module: all of the client's code."""
    body = list(trees["client.py"].body)
    for path in _tag_modules(trees, "resources/"):
        body += trees[path].body
    return ast.Module(body=body, type_ignores=[])


def server_code(trees: Mapping[str, ast.Module]) -> ast.Module:
    """`server/app.py` and the tags' routes modules as one module."""
    body = list(trees["server/app.py"].body)
    for path in _tag_modules(trees, "server/routes/"):
        body += trees[path].body
    return ast.Module(body=body, type_ignores=[])


# ------------------------------------------------------------------------------------------
# structure: no extra statement, no shadowed name


def _is_docstring(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


_CONSTANT_NODES = (
    ast.Constant,
    ast.Dict,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Name,
    ast.Attribute,
    ast.Load,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
)


def _is_constant(node: ast.AST | None) -> bool:
    """A module-level constant: literals and containers of literals, names and
    attributes (`Environment.PRODUCTION`), `float("nan")`; no other call, no code."""
    if node is None:
        return True
    for part in ast.walk(node):
        if _is_float_call(part):
            continue
        if isinstance(part, ast.Name) and part.id == "float":
            continue
        if not isinstance(part, _CONSTANT_NODES):
            return False
    return True


def _is_float_call(node: ast.AST) -> bool:
    """`float("nan")`: how non-finite numbers are spelled."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "float"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and not node.keywords
    )


def _type_checking_imports(node: ast.stmt) -> bool:
    """`if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`) holding imports and nothing else."""
    return (
        isinstance(node, ast.If)
        and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        and not node.orelse
        and all(isinstance(child, ast.ImportFrom) for child in node.body)
    )


def _module_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Module-level imports, those inside an `if TYPE_CHECKING:` block included."""
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif _type_checking_imports(node):
            yield from node.body  # type: ignore[attr-defined,misc]


#: `server/__main__.py` ends with exactly this; nothing else may run at import.
MAIN_GUARD = "if __name__ == '__main__':\n    sys.exit(main())"


#: Package `__init__.py`s whose level-1 imports are the tags' modules (`from .<tag>`).
TAG_PACKAGE_INITS = frozenset(
    {"server/interfaces/__init__.py", "server/mock/__init__.py"}
)


def top_level_kinds(tree: ast.Module, path: str = "") -> list[tuple[str, ...]]:
    """One entry per module-level statement of the file `path`; refuses anything but
    the allowed kinds."""
    kinds: list[tuple[str, ...]] = []
    for index, node in enumerate(tree.body):
        if index == 0 and _is_docstring(node):
            kinds.append(("docstring",))
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if module.startswith(".routes."):  # a tag's routes, named from the tag
                module = ".routes.<tag>"
            elif node.level == 1 and path in TAG_PACKAGE_INITS:
                module = ".<tag>"
            kinds.append(("from", module))
        elif isinstance(node, ast.Import):
            kinds.append(("import", *sorted(alias.name for alias in node.names)))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and _is_constant(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not all(isinstance(t, ast.Name) for t in targets):
                raise AssertionError(f"assignment to {ast.unparse(node)[:80]!r}")
            kinds.append(("constant", *(t.id for t in targets)))  # type: ignore[attr-defined]
        elif isinstance(node, ast.ClassDef):
            kinds.append(("class",))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            kinds.append(("def",))
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "model_rebuild"
            and isinstance(node.value.func.value, ast.Name)
            and not node.value.args
        ):
            kinds.append(("model_rebuild",))
        elif ast.unparse(node) == MAIN_GUARD:
            kinds.append(("main_guard",))
        elif _type_checking_imports(node):
            kinds.append(("type_checking_imports",))
        else:
            raise AssertionError(
                f"unexpected module-level statement {ast.unparse(node)[:120]!r}"
            )
    return kinds


def imported(tree: ast.Module, path: str = "") -> Counter[tuple[str, str]]:
    """(module, name) for every module-level import of the file `path`; names imported
    from the package's own generated modules (`.models`, `.interfaces`...) are class
    names that follow the spec, so only their count matters; so are the modules of tags.
    """
    found: Counter[tuple[str, str]] = Counter()
    for node in _module_imports(tree):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            tag_module = module.startswith((".resources.", ".routes.")) or (
                node.level == 1 and (path in TAG_PACKAGE_INITS or _imports_tags(tree))
            )
            if tag_module:  # named from the tag
                module = ".<tag module>"
            for alias in node.names:
                local = node.level > 0 and "_runtime" not in module
                name = "<generated>" if local else alias.name
                found[(module, name)] += 1
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found[(alias.name, "")] += 1
    return found


def _imports_tags(tree: ast.Module) -> bool:
    """Whether `tree` is `resources/__init__.py`, whose relative imports are tag modules."""
    return any(
        isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == "_MODULES"
        for node in tree.body
    )


def bound_at_top(tree: ast.Module) -> list[str]:
    """Every name a module-level statement binds, in order, repeats included."""
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue  # binds `annotations`, which no code reads: shadowing it is harmless
        if isinstance(node, (ast.Import, ast.ImportFrom)) or _type_checking_imports(
            node
        ):
            imports = node.body if isinstance(node, ast.If) else [node]
            names += [
                (a.asname or a.name).split(".")[0]
                for imported in imports
                for a in imported.names  # type: ignore[attr-defined]
            ]
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def names_in(tree: ast.AST) -> Iterator[str]:
    """Every identifier the code spells."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name
        elif isinstance(node, (ast.arg, ast.keyword)) and node.arg is not None:
            yield node.arg
        elif isinstance(node, ast.alias):
            yield from (node.asname or node.name).split(".")


def check_names_and_scopes(path: str, tree: ast.Module) -> None:
    """Names are plain ASCII identifiers; nothing is bound twice at module level; no
    function parameter shadows a module-level name the function uses, or is re-bound
    in its body."""
    for name in names_in(tree):
        assert _IDENTIFIER.match(name) and not keyword.iskeyword(
            name
        ), f"{path}: {name!r} is not a plain ASCII identifier"
    top = bound_at_top(tree)
    repeated = sorted(name for name, count in Counter(top).items() if count > 1)
    assert not repeated, f"{path}: module-level name(s) bound twice: {repeated}"
    module_names = set(top)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        arguments = node.args
        params = {
            a.arg
            for a in (
                *arguments.posonlyargs,
                *arguments.args,
                *arguments.kwonlyargs,
                *((arguments.vararg,) if arguments.vararg else ()),
                *((arguments.kwarg,) if arguments.kwarg else ()),
            )
        }
        used = {
            name.id
            for statement in node.body
            for name in ast.walk(statement)
            if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load)
        }
        shadowing = sorted(params & module_names & used)
        assert not shadowing, (
            f"{path}: parameter(s) {shadowing} of {node.name}() shadow the module-level "
            "names its body uses"
        )
        rebound = sorted(
            {
                target.id
                for statement in node.body
                for target in ast.walk(statement)
                if isinstance(target, ast.Name)
                and isinstance(target.ctx, ast.Store)
                and target.id in params
            }
        )
        assert (
            not rebound
        ), f"{path}: parameter(s) {rebound} of {node.name}() re-bound in its body"


#: Keywords whose presence follows a spec string's spelling rather than its role.
_SPELLING_KEYWORDS = frozenset({"alias", "regex_engine"})


def shape(node: Any) -> Any:
    """The AST with every name and constant blanked and docstrings dropped: two outputs
    with the same shape differ only in names and literal values."""
    if isinstance(node, list):
        return tuple(shape(item) for item in node if not _is_docstring(item))
    if not isinstance(node, ast.AST):
        return "N" if isinstance(node, str) else node
    if isinstance(node, ast.Constant) or _is_float_call(node):
        return "C"
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.USub, ast.UAdd))
        and isinstance(node.operand, ast.Constant)
    ):
        return "C"
    fields = []
    for name, value in ast.iter_fields(node):
        if name in ("ctx", "type_comment", "kind", "type_params"):
            continue
        if name == "keywords":
            value = [k for k in value if k.arg not in _SPELLING_KEYWORDS]
        fields.append((name, shape(value)))
    return (type(node).__name__, tuple(fields))


def check_structure(
    trees: Mapping[str, ast.Module], benign: Mapping[str, ast.Module]
) -> None:
    """Same files, same kinds of module-level statements, same imports, same AST shape
    as the benign spec's output."""
    assert sorted(trees) == sorted(
        benign
    ), f"files differ: {sorted(set(trees) ^ set(benign))}"
    for path, tree in trees.items():
        kinds = top_level_kinds(tree, path)
        benign_kinds = top_level_kinds(benign[path], path)
        assert Counter(kinds) == Counter(benign_kinds), (
            f"{path}: module-level statements differ from the benign spec's: "
            f"{sorted((Counter(kinds) - Counter(benign_kinds)).elements())} extra, "
            f"{sorted((Counter(benign_kinds) - Counter(kinds)).elements())} missing"
        )
        assert imported(tree, path) == imported(benign[path], path), (
            f"{path}: imports differ from the benign spec's: "
            f"{sorted((imported(tree, path) - imported(benign[path], path)).elements())} extra"
        )
        check_names_and_scopes(path, tree)
        mine = Counter(shape(tree.body))
        theirs = Counter(shape(benign[path].body))
        extra = sorted(map(str, (mine - theirs).elements()))
        missing = sorted(map(str, (theirs - mine).elements()))
        assert not extra and not missing, (
            f"{path}: the code's shape differs from the benign spec's output; "
            f"statements only here: {[e[:300] for e in extra[:2]]}, "
            f"only in the benign output: {[m[:300] for m in missing[:2]]}"
        )


# ------------------------------------------------------------------------------------------
# literals keep their values


def _text(value: str) -> str | None:
    """How lowering reads free text: stripped, None when empty."""
    return value.strip() or None


def _plain(value: Any) -> Any:
    """A value as itself, with its type (so that 1 and True stay apart)."""
    if isinstance(value, str):
        return ("str", str.__str__(value))
    return (type(value).__name__, value)


def _const(node: ast.AST | None) -> Any:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _Unevaluable


class _Unevaluable:
    """Marks an expression that is not a literal."""


def calls(tree: ast.AST, attribute: str) -> Iterator[ast.Call]:
    """Calls of `something.attribute(...)` or `attribute(...)`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id if isinstance(func, ast.Name) else None
            )
            if name == attribute:
                yield node


def keyword_values(tree: ast.AST, call: str, name: str) -> list[Any]:
    return [
        _const(k.value)
        for node in calls(tree, call)
        for k in node.keywords
        if k.arg == name
    ]


def dict_keys(tree: ast.AST) -> set[Any]:
    return {
        _const(key)
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for key in node.keys
        if key is not None
    }


def class_values(tree: ast.Module) -> dict[str, list[Any]]:
    """Enum-like classes: name -> the values of their `NAME = value` members."""
    found: dict[str, list[Any]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            found[node.name] = [
                _const(s.value)
                for s in node.body
                if isinstance(s, ast.Assign)
                and len(s.targets) == 1
                and isinstance(s.targets[0], ast.Name)
            ]
    return found


def docstrings(tree: ast.AST) -> str:
    """All docstrings of a module, joined."""
    texts = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            texts += [s.value.value for s in body if _is_docstring(s)]
    return "\n".join(texts)


def squash(text: str) -> str:
    """Text without whitespace and control characters: what prose must keep."""
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cc"
    )


def server_url(url: str) -> str:
    """How lowering turns a server's url into the `Environment` value."""
    return url.rstrip("/") if url != "/" else url


def check_literals(
    values: Mapping[str, Any], trees: Mapping[str, ast.Module], status: str = "200"
) -> None:
    """Every spec value that reaches code as a literal is there with exactly its value."""
    v = {**BENIGN, **values}
    app, client, models = server_code(trees), client_code(trees), trees["models.py"]
    init = trees["__init__.py"]
    path = f"/{v['op.path']}/{{{v['path_param.name']}}}"

    def has(found: Any, expected: Any, what: str) -> None:
        assert (
            expected in found
        ), f"{what}: {expected!r:.200} not among the literals {list(found)!r:.400}"

    has(keyword_values(app, "FastAPI", "title"), v["info.title"], "FastAPI(title=)")
    has(
        keyword_values(app, "FastAPI", "version"),
        v["info.version"],
        "FastAPI(version=)",
    )
    has(
        keyword_values(app, "FastAPI", "description"),
        _text(v["info.description"]) or "",
        "FastAPI(description=)",
    )
    api_version = [
        _const(s.value)
        for s in init.body
        if isinstance(s, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "API_VERSION" for t in s.targets)
    ]
    assert api_version == [v["info.version"]], f"API_VERSION = {api_version!r:.200}"

    routes = [
        node
        for node in calls(app, "get")
        if isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "router"
    ]
    route_paths = [_const(node.args[0]) for node in routes if node.args]
    # Starlette routes only identifiers: another name is routed under an identifier
    # of the naming layer, which the route's `Path(alias=)` reads (generator.routes).
    name, prefix = v["path_param.name"], f"/{v['op.path']}/{{"
    assert len(route_paths) == 1, f"@router.get({route_paths!r:.300})"
    route_name = route_paths[0].removeprefix(prefix).removesuffix("}")
    assert route_paths[0] == prefix + route_name + "}", f"{route_paths[0]!r:.300}"
    if _ROUTABLE.fullmatch(name):
        assert route_name == name, f"route {route_paths[0]!r:.300} != {path!r:.200}"
    else:
        assert _ROUTABLE.fullmatch(route_name), f"route {route_paths[0]!r:.300}"
    (route,) = routes
    keywords = {k.arg: k.value for k in route.keywords}
    assert _const(keywords["operation_id"]) == v["op.operationId"], "operation_id="
    if _text(v["op.summary"]) is not None:  # (an empty one may default to `GET /path`)
        assert _const(keywords["summary"]) == _text(v["op.summary"]), "summary="
    assert _const(keywords["description"]) == _text(v["op.description"]), "description="
    responses = _const(keywords["responses"])
    expected_responses = {400: {"description": "Bad request."}}
    if status.isdigit():
        expected_responses[int(status)] = {"description": v["response.description"]}
    assert responses == expected_responses, f"responses={responses!r:.300}"
    has(
        keyword_values(app, "OperationRouter", "tags"),
        [v["tag.name"]],
        "OperationRouter(tags=)",
    )
    aliases = [
        value
        for marker in ("Path", "Query", "Header")
        for value in keyword_values(app, marker, "alias")
    ]
    has(aliases, route_name, "alias= of path_param.name (its route name)")
    for place in ("query_param.name", "header_param.name"):
        has(aliases, v[place], f"alias= of {place}")
    has(
        keyword_values(app, "Query", "pattern"),
        v["query_param.pattern"],
        "Query(pattern=)",
    )

    request_paths = {
        _const(node.args[1]) for node in calls(client, "request") if len(node.args) > 1
    }
    has(request_paths, path, "request(method, path)")
    keys = dict_keys(client)
    for place in ("path_param.name", "query_param.name", "header_param.name"):
        has(keys, v[place], f"client dict key of {place}")
    environments = class_values(client).get("Environment", [])
    has(environments, server_url(v["server.url"]), "Environment member")
    has(
        environments,
        server_url(f"https://{v['server.variable']}.example.com/v1"),
        "Environment member from a server variable",
    )

    enums = [
        (frozenset(map(_plain, values)), len(values))
        for values in class_values(models).values()
    ]
    for expected in (
        [v["enum.value"], OTHER_ENUM_VALUE],
        [v["query_enum.value"], OTHER_QUERY_ENUM_VALUE],
        list(v["int_enum.values"]),
    ):
        assert (
            frozenset(map(_plain, expected)),
            len(expected),
        ) in enums, (
            f"no enum with the values {expected!r:.300} in models.py: {enums!r:.400}"
        )
    has(
        keyword_values(models, "Field", "pattern"), v["prop.pattern"], "Field(pattern=)"
    )
    has(
        keyword_values(models, "Field", "examples"),
        [v["prop.example"]],
        "Field(examples=)",
    )
    defaults = [
        _const(node.value)
        for node in ast.walk(models)
        if isinstance(node, ast.AnnAssign) and node.value is not None
    ]
    has(defaults, v["prop.default"], "the property's default")
    field_aliases = keyword_values(models, "Field", "alias")
    field_names = {
        node.target.id
        for node in ast.walk(models)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    assert (
        v["prop.name"] in field_aliases or v["prop.name"] in field_names
    ), f"property {v['prop.name']!r:.200} is neither a field nor an alias"


#: place -> the files whose docstrings must keep its words ("client": `client_code`).
PROSE = {
    "info.title": ("__init__.py", "client.py"),
    "info.description": ("__init__.py",),
    "tag.description": ("client.py", TAG_MODULE),
    "op.summary": (TAG_MODULE, INTERFACES_MODULE, MOCK_MODULE),
    "op.description": (TAG_MODULE, INTERFACES_MODULE),
    "path_param.description": (TAG_MODULE,),
    "query_param.description": (TAG_MODULE,),
    "header_param.description": (TAG_MODULE,),
    "body.description": (TAG_MODULE,),
    "server.description": ("client.py",),
    "schema.description": ("models.py",),
    "prop.description": ("models.py",),
    "enum.description": ("models.py",),
}


def check_prose(values: Mapping[str, Any], trees: Mapping[str, ast.Module]) -> None:
    """Docstrings keep every word of the spec's prose (control characters may become
    spaces, lines may be re-wrapped)."""
    from generator.naming import constant

    members = {
        t.id
        for node in trees["client.py"].body
        if isinstance(node, ast.ClassDef) and node.name == "Environment"
        for s in node.body
        if isinstance(s, ast.Assign)
        for t in s.targets
        if isinstance(t, ast.Name)
    }
    for place, files in PROSE.items():
        if place not in values:
            continue
        text = _text(values[place])
        if text is None:
            continue
        if place == "server.description" and constant(text) in members:
            continue  # `PRODUCTION = ...` needs no docstring saying "PRODUCTION"
        for path in files:
            assert squash(text) in squash(
                docstrings(trees[path])
            ), f"{path}: the docstrings lost words of {place} {text!r:.200}"


# ------------------------------------------------------------------------------------------
# files stay inside the package


def check_paths(result: Build) -> None:
    """Every file is a plain relative path inside the package."""
    for name in result.files:
        relative = PurePosixPath(name)
        assert not relative.is_absolute(), name
        assert relative.parts and all(
            part not in ("", ".", "..") and "\\" not in part and ":" not in part
            for part in relative.parts
        ), name
        assert re.fullmatch(r"[A-Za-z0-9_./]+", name), f"file name {name!r}"


# ------------------------------------------------------------------------------------------
# a minimal spec for the advisories' regression tests


def minimal_spec() -> dict[str, Any]:
    """One operation answering one model with one property: edit it per advisory."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Minimal", "version": "1"},
        "paths": {
            "/items": {
                "get": {
                    "operationId": "getItem",
                    "tags": ["items"],
                    "responses": {
                        "200": {
                            "description": "The item.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Item"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Item": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}},
                }
            }
        },
    }


def operation(spec: dict[str, Any]) -> dict[str, Any]:
    """The minimal spec's one operation."""
    operation: dict[str, Any] = spec["paths"]["/items"]["get"]
    return operation


def item(spec: dict[str, Any]) -> dict[str, Any]:
    """The minimal spec's one model."""
    schema: dict[str, Any] = spec["components"]["schemas"]["Item"]
    return schema
