"""Load an OpenAPI document safely and resolve its ``$ref``s inside the spec folder.

``load_spec(path)`` reads the root file and every file reached through a relative
``$ref``, and returns a :class:`Spec`.  Any problem becomes a :class:`Diagnostic`;
``load_spec`` raises one :class:`DiagnosticError` carrying all of them and never lets
a raw exception through.

Decisions worth knowing:

* YAML is read with a safe loader that follows the YAML 1.2 core schema: no
  timestamps (``2024-07-30`` stays a string), only ``true``/``false`` are booleans
  (``NO`` stays a string), no sexagesimal or ``012``-is-octal integers, ``1e5`` is a
  float.  Mapping keys are always the key text as written (``200:`` gives ``"200"``).
  Tags that would build something other than dict/list/str/int/float/bool/None
  (``!!binary``, ``!!set``, ``!!timestamp``, custom tags) are refused.
* Positions are not computed while loading.  :meth:`SpecFile.location` composes the
  YAML node tree of that one file on first use and caches it.
* A ``$ref`` may point into the same file (``#/...``) or at a relative file path;
  the target must lie inside the root file's folder after resolving symlinks.
  Absolute and ``file://`` references are refused, and so are remote ones unless
  ``load_spec`` is given a :class:`RemotePolicy` (``--allow-remote-refs``): then
  ``https://`` documents are fetched once each (`generator.remote`), read like
  files, and their relative refs resolve against their URL; a fetched document
  may not refer to local files.  ``$ref`` keys inside
  literal data (``example``, ``examples`` values, ``default``, ``enum``, ``const``)
  and inside ``x-`` extensions are data, not references, and are left alone.
* YAML aliases are shared, not copied, so the loaded data is a graph.  A document
  whose aliases would expand past ``max(1_000_000, 20 * distinct nodes)`` nodes (the
  "billion laughs") or that contains itself is refused.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Final
from urllib.parse import unquote, urljoin, urlsplit

import yaml  # type: ignore[import-untyped]

from generator.errors import Diagnostic, DiagnosticError, Location, display_path
from generator.json_positions import JsonPositions, NotJson

if TYPE_CHECKING:  # generator.remote imports http.client and ssl: only when needed
    from generator.remote import RemotePolicy

__all__ = [
    "LITERAL_KEYS",
    "MAX_FILE_BYTES",
    "NAME_MAPS",
    "RefSite",
    "Spec",
    "SpecFile",
    "escape_token",
    "find_refs",
    "join_pointer",
    "load_spec",
    "parameter_key",
    "pointer_step",
    "pointer_tokens",
    "read_document",
]

#: Files larger than this are refused (OAG005).
MAX_FILE_BYTES: Final = 64 * 1024 * 1024
#: Alias expansion guard (OAG006): expanded nodes allowed, whichever is larger.
_EXPANSION_FLOOR: Final = 1_000_000
_EXPANSION_FACTOR: Final = 20

_SUPPORTED_VERSION = re.compile(r"3\.[01](?:\.|$)")
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_LOOKS_LIKE_JSON = re.compile(r"\s*\{")

#: The operations a path item can hold, in the order the OpenAPI spec lists them.
HTTP_METHODS: Final = (
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
)


def parameter_key(parameter: Mapping[str, Any]) -> tuple[str, str]:
    """What makes a parameter itself: its name and location, the name of a header
    compared case-insensitively (HTTP header names are)."""
    name, location = str(parameter.get("name")), str(parameter.get("in"))
    return (name.lower() if location == "header" else name), location


# ---------------------------------------------------------------------------
# JSON pointers


def escape_token(token: str) -> str:
    """Escape one JSON pointer token (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return token.replace("~", "~0").replace("/", "~1")


def join_pointer(pointer: str, *tokens: str | int) -> str:
    """Append raw (unescaped) tokens to a JSON pointer."""
    return pointer + "".join("/" + escape_token(str(t)) for t in tokens)


def pointer_tokens(pointer: str) -> list[str]:
    """Split a JSON pointer into unescaped tokens (``""`` is the root: no tokens)."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def pointers_of(data: Any, nodes: Iterable[Any]) -> dict[int, str]:
    """The JSON pointer of each of `nodes` (by identity) inside `data`: the first
    place a walk in document order meets it (YAML aliases put a node in several)."""
    wanted = {id(node) for node in nodes}
    found: dict[int, str] = {}
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack and len(found) < len(wanted):
        node, pointer = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if id(node) in wanted:
            found[id(node)] = pointer
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack += reversed(
            [
                (value, join_pointer(pointer, key))
                for key, value in items
                if isinstance(value, (dict, list))
            ]
        )
    return found


def _index(token: str) -> int | None:
    """A JSON pointer token as an array index (digits, no leading zero), or None."""
    if token.isascii() and token.isdigit() and (token == "0" or token[0] != "0"):
        return int(token)
    return None


def pointer_step(node: Any, token: str) -> tuple[bool, Any]:
    """One pointer step in plain data: (found, value)."""
    if isinstance(node, dict):
        if token in node:
            return True, node[token]
        return False, None
    index = _index(token) if isinstance(node, list) else None
    if index is not None and index < len(node):
        return True, node[index]
    return False, None


# ---------------------------------------------------------------------------
# YAML: a safe loader following the YAML 1.2 core schema

try:
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

_TAG = "tag:yaml.org,2002:"


class _SpecLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader: YAML 1.2 core scalars, string keys, plain Python data only."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {}

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.has_duplicate_keys = False

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark
            )
        merges = sum(1 for key, _ in node.value if key.tag == _TAG + "merge")
        explicit = len(node.value) - merges
        if merges:
            self.flatten_mapping(node)  # merged pairs first: explicit keys win
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "mapping keys must be plain strings, found a " + key_node.id,
                    key_node.start_mark,
                )
            mapping[key_node.value] = self.construct_object(value_node, deep=deep)
        if len(mapping) < explicit:
            self.has_duplicate_keys = True
        return mapping

    def construct_core_int(self, node: Any) -> int:
        text = str(self.construct_scalar(node)).replace("_", "")
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        try:
            if digits[:2].lower() in ("0o", "0x"):
                return sign * int(digits, 0)
            return sign * int(digits, 10)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"{text!r} is not an integer", node.start_mark
            ) from None

    def construct_refused(self, node: Any) -> None:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"the tag {node.tag!r} is not allowed in an OpenAPI document",
            node.start_mark,
        )


for _tag, _pattern, _first in (
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", list("-+0123456789")),
    (
        "float",
        (
            r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
        ),
        list("-+0123456789."),
    ),
    ("merge", r"<<", ["<"]),
):
    _SpecLoader.add_implicit_resolver(
        _TAG + _tag, re.compile(f"^(?:{_pattern})$"), _first
    )
_SpecLoader.add_constructor(_TAG + "int", _SpecLoader.construct_core_int)
for _tag in ("binary", "timestamp", "set", "omap", "pairs", "value"):
    _SpecLoader.add_constructor(_TAG + _tag, _SpecLoader.construct_refused)
_SpecLoader.add_constructor(None, _SpecLoader.construct_refused)


# ---------------------------------------------------------------------------
# Files


@dataclass(frozen=True)
class RefSite:
    """A ``$ref`` found in a file: the pointer of the object holding it, and the ref."""

    pointer: str
    ref: str


@dataclass(frozen=True, eq=False)
class SpecFile:
    """One loaded file.  ``data`` is plain JSON-like data; treat it as read-only.

    A fetched document has ``url`` (as its ``$ref`` named it) and no ``path``."""

    path: Path | None
    display: str
    data: Any
    sha256: str
    text: str = field(repr=False)
    refs: tuple[RefSite, ...] = field(default=(), repr=False)
    url: str | None = None
    #: lazily filled: the composed YAML node tree and per-mapping key indexes
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    @property
    def key(self) -> Path | str:
        """What identifies the document in a spec: its resolved path, or its URL."""
        if self.url is not None:
            return self.url
        assert self.path is not None  # a SpecFile has one or the other
        return self.path

    def location(self, pointer: str) -> Location:
        """Where the node at ``pointer`` starts (its nearest existing ancestor if the
        pointer does not exist).  Computed lazily; line/col are None if unknown."""
        line, col = self._position(pointer)
        return Location(self.display, line, col, pointer)

    def _tree(self) -> Any:
        if "tree" not in self._cache:
            try:
                self._cache["tree"] = yaml.compose(self.text, Loader=_SpecLoader)
            except (yaml.YAMLError, RecursionError):
                self._cache["tree"] = None
        return self._cache["tree"]

    def _json_positions(self) -> JsonPositions | None:
        """For a JSON document, a locator that needs no YAML node tree (much faster)."""
        if "json" not in self._cache:
            self._cache["json"] = (
                JsonPositions(self.text) if _LOOKS_LIKE_JSON.match(self.text) else None
            )
        positions: JsonPositions | None = self._cache["json"]
        return positions

    def _keys(self, node: Any) -> dict[str, Any]:
        """Key text -> value node for a mapping node, merge keys followed."""
        indexes: dict[int, dict[str, Any]] = self._cache.setdefault("keys", {})
        index = indexes.get(id(node))
        if index is None:
            index = indexes[id(node)] = {}  # registered first: merges may loop
            merged: list[Any] = []
            for key, value in node.value:
                if key.tag == _TAG + "merge":
                    merged.extend(
                        value.value if isinstance(value, yaml.SequenceNode) else [value]
                    )
                elif isinstance(key, yaml.ScalarNode):
                    index[key.value] = value
            for source in reversed(merged):  # earlier merges win over later ones
                if isinstance(source, yaml.MappingNode):
                    for key, value in self._keys(source).items():
                        index.setdefault(key, value)
        return index

    def _position(self, pointer: str) -> tuple[int | None, int | None]:
        try:
            tokens = pointer_tokens(pointer)
        except ValueError:
            tokens = []
        json_positions = self._json_positions()
        if json_positions is not None:
            try:
                return json_positions.line_column(tokens)
            except NotJson:
                self._cache["json"] = None  # JSON-looking YAML: compose it below
        node = self._tree()
        if node is None:
            return None, None
        for token in tokens:
            if isinstance(node, yaml.MappingNode):
                found = self._keys(node).get(token)
            elif isinstance(node, yaml.SequenceNode) and _index(token) is not None:
                index = int(token)
                found = node.value[index] if index < len(node.value) else None
            else:
                found = None
            if found is None:
                break
            node = found
        mark = node.start_mark
        return mark.line + 1, mark.column + 1

    def duplicate_keys(self) -> list[Diagnostic]:
        """OAG004 warnings for keys given twice in one mapping (slow path: only
        called when loading noticed a duplicate)."""
        tree = self._tree()
        if tree is None:
            return []
        found: list[Diagnostic] = []
        seen_nodes: set[int] = set()
        stack: list[tuple[Any, str]] = [(tree, "")]
        while stack:
            node, pointer = stack.pop()
            if id(node) in seen_nodes:
                continue
            seen_nodes.add(id(node))
            if isinstance(node, yaml.SequenceNode):
                stack.extend(
                    (child, f"{pointer}/{i}") for i, child in enumerate(node.value)
                )
            elif isinstance(node, yaml.MappingNode):
                keys: set[str] = set()
                for key, value in node.value:
                    if (
                        not isinstance(key, yaml.ScalarNode)
                        or key.tag == _TAG + "merge"
                    ):
                        continue
                    if key.value in keys:
                        mark = key.start_mark
                        found.append(
                            Diagnostic(
                                "warning",
                                "OAG004",
                                f"duplicate key {key.value!r}: the last one wins",
                                Location(
                                    self.display,
                                    mark.line + 1,
                                    mark.column + 1,
                                    join_pointer(pointer, key.value),
                                ),
                                "remove or rename one of the two entries",
                            )
                        )
                    keys.add(key.value)
                    stack.append((value, join_pointer(pointer, key.value)))
        return found


def _fail(
    code: str, message: str, where: Location | None, hint: str
) -> DiagnosticError:
    return DiagnosticError([Diagnostic("error", code, message, where, hint)])


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(
            "OAG002",
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            Location(display, line, col, ""),
            "save the file as UTF-8",
        ) from None


_TOO_DEEP_HINT = "move deeply nested schemas into components and refer to them by $ref"
_SYNTAX_HINT = (
    "check indentation and quoting here; quote strings that contain ': ' or ' #' "
    "or start with one of @ ` * & ! | > % [ {"
)


#: An escaped UTF-16 surrogate (`\ud800`), the only way a string can hold one.
_SURROGATE_ESCAPE = re.compile(r"\\[uU]0{0,4}[dD][89a-fA-F][0-9a-fA-F]{2}")


def _reject_lone_surrogates(data: Any, display: str) -> None:
    """A lone surrogate is not text: refuse it here rather than crash when writing code."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise _fail(
                    "OAG002",
                    f"a string holds a lone UTF-16 surrogate escape: {value[:40]!r}",
                    Location(display, None, None, ""),
                    "escape a non-BMP character as a surrogate pair, or write it as UTF-8",
                ) from None


def _parse(text: str, suffix: str, display: str) -> tuple[Any, bool]:
    """Parse JSON or YAML; returns (data, has duplicate keys)."""
    json_error: json.JSONDecodeError | None = None
    if suffix.lower() == ".json" or _LOOKS_LIKE_JSON.match(text):
        duplicates: list[bool] = []

        def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            mapping = dict(pairs)
            if len(mapping) < len(pairs):
                duplicates.append(True)
            return mapping

        try:
            return json.loads(text, object_pairs_hook=pairs_hook), bool(duplicates)
        except json.JSONDecodeError as exc:  # maybe YAML after all
            json_error = exc
        except RecursionError:
            raise _fail(
                "OAG002",
                "the document is nested too deeply",
                Location(display, None, None, ""),
                _TOO_DEEP_HINT,
            ) from None
    loader = _SpecLoader(text)
    try:
        return loader.get_single_data(), loader.has_duplicate_keys
    except yaml.YAMLError as exc:
        if json_error is not None and suffix.lower() == ".json":
            raise _fail(
                "OAG002",
                f"invalid JSON: {json_error.msg}",
                Location(display, json_error.lineno, json_error.colno, ""),
                "check for a missing or extra comma, brace or quote just before this point",
            ) from None
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        if context and context_mark is not None and context_mark is not mark:
            context += f" that starts at line {context_mark.line + 1}"
        message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
        if mark is None and isinstance(exc, yaml.reader.ReaderError):
            message = f"invalid YAML: {exc.reason} (character {exc.character!r})"
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        hint = _SYNTAX_HINT
        if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
            message = "invalid YAML: a tab character where YAML expects spaces"
            hint = "indent with spaces: YAML does not allow tabs for indentation"
        raise _fail("OAG002", message, Location(display, line, col, ""), hint) from None
    except RecursionError:
        raise _fail(
            "OAG002",
            "the document is nested too deeply",
            Location(display, None, None, ""),
            _TOO_DEEP_HINT,
        ) from None
    finally:
        loader.dispose()


def _char_at(text: str, line: int, column: int) -> str:
    """The character at a 0-based line and column ('' outside the text)."""
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""


#: Keys whose children are names chosen by the author, never OpenAPI keywords.
NAME_MAPS: Final = frozenset(
    {
        "properties",
        "patternProperties",
        "definitions",
        "$defs",
        "dependentSchemas",
        "schemas",
        "parameters",
        "responses",
        "requestBodies",
        "headers",
        "examples",
        "links",
        "callbacks",
        "securitySchemes",
        "pathItems",
        "paths",
        "webhooks",
        "variables",
        "encoding",
        "content",
    }
)
#: Keys whose value is literal data (outside name maps): a ``$ref`` there is data.
LITERAL_KEYS: Final = frozenset({"example", "default", "enum", "const"})


class _Expanding(Exception):
    """The data contains itself (a recursive YAML alias)."""


def _scan(data: Any) -> tuple[list[RefSite], int, int]:
    """One pass over the data: the ``$ref`` sites, and the node count both as
    stored (aliases shared) and as expanded (aliases copied).  Iterative, linear in
    the stored size; raises _Expanding when the data contains itself."""
    refs: list[RefSite] = []
    sizes: dict[int, int] = {}  # finished containers -> expanded size
    active: set[int] = set()
    path: list[str] = []
    distinct = 0

    def items(
        obj: Any, key: str | None, parent_key: str | None, literal: bool
    ) -> Iterator[tuple[str, Any, bool, str | None, str | None]]:
        if isinstance(obj, dict):
            names = key in NAME_MAPS
            for k, v in obj.items():
                lit = literal or (
                    not names
                    and (
                        k in LITERAL_KEYS
                        or k.startswith("x-")
                        or (k == "examples" and isinstance(v, list))
                        or (k == "value" and parent_key == "examples")
                    )
                )
                yield k, v, lit, k, key
        else:
            for i, v in enumerate(obj):
                yield str(i), v, literal, None, key

    def enter(
        obj: Any, key: str | None, parent_key: str | None, literal: bool
    ) -> list[Any]:
        nonlocal distinct
        distinct += 1
        active.add(id(obj))
        if (
            not literal
            and isinstance(obj, dict)
            and key not in NAME_MAPS
            and isinstance(obj.get("$ref"), str)
        ):
            refs.append(RefSite(join_pointer("", *path), obj["$ref"]))
        return [obj, items(obj, key, parent_key, literal), 1]

    if not isinstance(data, (dict, list)):
        return refs, 1, 1
    stack = [enter(data, None, None, False)]
    while stack:
        frame = stack[-1]
        for token, child, literal, key, parent_key in frame[1]:
            if not isinstance(child, (dict, list)):
                frame[2] += 1
                distinct += 1
                continue
            done = sizes.get(id(child))
            if done is not None:
                frame[2] += done
                continue
            if id(child) in active:
                raise _Expanding
            path.append(token)
            stack.append(enter(child, key, parent_key, literal))
            break
        else:
            stack.pop()
            active.discard(id(frame[0]))
            sizes[id(frame[0])] = frame[2]
            if stack:
                stack[-1][2] += frame[2]
                path.pop()
    return refs, distinct, sizes[id(data)]


_UNREADABLE_HINT = "check that the file exists and that you may read it"


def _read_file(path: Path, display: str) -> SpecFile:
    """Read and parse one file; raise DiagnosticError (OAG001/2/5/6) on failure."""
    where = Location(display, None, None, "")
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise _fail(
            "OAG001",
            f"file not found: {display}",
            where,
            "check the path and its spelling",
        ) from None
    except OSError as exc:
        raise _fail(
            "OAG001", f"cannot read {display}: {exc.strerror}", where, _UNREADABLE_HINT
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise _fail(
            "OAG001",
            f"{display} is a folder, not a spec file",
            where,
            f"pass the spec file itself, e.g. {display}/openapi.yaml",
        )
    if not stat.S_ISREG(info.st_mode):
        raise _fail(
            "OAG001",
            f"{display} is not a regular file",
            where,
            "pass the spec file itself, not a device, socket or pipe",
        )
    too_big = _fail(
        "OAG005",
        f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
        where,
        "split the spec into several files joined by relative $refs",
    )
    if info.st_size > MAX_FILE_BYTES:
        raise too_big
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _fail(
            "OAG001", f"cannot read {display}: {exc.strerror}", where, _UNREADABLE_HINT
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise too_big
    return _document(raw, path.suffix, display, path=path)


def _document(
    raw: bytes, suffix: str, display: str, *, path: Path | None, url: str | None = None
) -> SpecFile:
    """Parse the bytes of a file or a fetched document; OAG002/6 on failure."""
    where = Location(display, None, None, "")
    text = _decode(raw, display)
    data, has_duplicates = _parse(text, suffix, display)
    if _SURROGATE_ESCAPE.search(text):
        _reject_lone_surrogates(data, display)
    bomb = _fail(
        "OAG006",
        "YAML aliases (*name) expand this document to a size that is too large to process",
        where,
        "use $ref instead of YAML anchors and aliases",
    )
    try:
        refs, distinct, expanded = _scan(data)
    except _Expanding:
        raise _fail(
            "OAG006",
            "the document contains itself through a YAML alias",
            where,
            "use $ref for recursive structures, not YAML anchors and aliases",
        ) from None
    if expanded > max(_EXPANSION_FLOOR, _EXPANSION_FACTOR * distinct):
        raise bomb
    spec_file = SpecFile(
        path=path,
        display=display,
        data=data,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        refs=tuple(refs),
        url=url,
    )
    if has_duplicates:
        spec_file._cache["duplicates"] = True
    return spec_file


def read_document(path: Path) -> tuple[SpecFile, list[Diagnostic]]:
    """Read one YAML/JSON document that is not a spec (an overlay) exactly as a spec
    file is read: same loader, size and alias limits, diagnostics (OAG001/2/5/6).
    Returns the file and its duplicate-key warnings (OAG004)."""
    display = display_path(path)
    try:
        absolute = path.resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise _fail(
            "OAG001",
            f"cannot read {display}: {exc}",
            Location(display, None, None, ""),
            "check that the path names a readable file",
        ) from None
    document = _read_file(absolute, display)
    if document._cache.pop("duplicates", False):
        return document, document.duplicate_keys()
    return document, []


def find_refs(data: Any) -> tuple[RefSite, ...]:
    """The ``$ref`` sites of data that did not come from one file (an overlaid spec)."""
    try:
        refs, _, _ = _scan(data)
    except _Expanding:  # plain data built by oagen cannot contain itself
        return ()
    return tuple(refs)


# ---------------------------------------------------------------------------
# References


def _ref_location(file: SpecFile, at: str | None) -> Location | None:
    """Location of a ``$ref``: line/col of its value, pointer of the object holding it."""
    if at is None:
        return None
    loc = file.location(join_pointer(at, "$ref"))
    return Location(loc.file, loc.line, loc.col, at)  # an overlay may have written it


#: Reports where a ``$ref`` is; only called when something is wrong with it.
_Where = Callable[[], Location | None]
#: Hands out a loaded document by path or URL, or None after reporting why not.
_GetFile = Callable[[Path, str, _Where], SpecFile | None]
_GetRemote = Callable[[str, str, _Where], SpecFile | None]

_COPY_HINT = (
    "copy the file into the spec folder and refer to it by a relative path, "
    "e.g. 'schemas/pet.yaml#/Pet'"
)


def _resolve(
    ref: str,
    from_file: SpecFile,
    folder: Path,
    get_file: _GetFile,
    at: str | None,
    get_remote: _GetRemote | None = None,
) -> tuple[SpecFile, str, Any]:
    """Resolve one ``$ref`` one step.  ``get_file(path, ref, where)`` returns a loaded
    file, or None when it is not available (it reports why; ``where()`` places the
    report and is only called then, so positions stay lazy).  ``get_remote`` does
    the same for URLs; without it (remote refs not allowed) they are refused."""

    def fail(code: str, message: str, hint: str) -> DiagnosticError:
        return _fail(code, message, _ref_location(from_file, at), hint)

    def where() -> Location | None:
        return _ref_location(from_file, at)

    def remote(url: str) -> SpecFile:
        assert get_remote is not None
        loaded = get_remote(url, ref, where)
        if loaded is None:
            raise DiagnosticError([])  # already reported by get_remote
        return loaded

    file_part, has_fragment, fragment = ref.partition("#")
    target = from_file
    if from_file.url is not None:  # inside a fetched document: relative to its URL
        if file_part:
            from generator.remote import refusal

            url = urljoin(from_file.url, file_part)
            problem = refusal(url)
            if problem is not None or get_remote is None:
                raise fail(
                    "OAG022",
                    f"$ref {ref!r} in a fetched document leads to {url}, which is "
                    f"refused: {problem or 'remote refs are not allowed'}",
                    "a fetched document may only refer to https:// documents, "
                    "never to local files",
                )
            target = remote(url)
    # a scheme (http:, file:, urn:, also drive letters C:), //host, /abs, \\unc
    elif _URI_SCHEME.match(file_part) or file_part.startswith(("/", "\\")):
        scheme = _URI_SCHEME.match(file_part)
        web = scheme is not None and scheme.group().lower() in ("http:", "https:")
        if not web or get_remote is None:
            raise fail(
                "OAG022",
                f"$ref {ref!r} is remote or absolute; remote and absolute references "
                "are refused",
                _COPY_HINT
                + (", or pass --allow-remote-refs to fetch it" if web else ""),
            )
        from generator.remote import refusal

        problem = refusal(file_part)
        if problem is not None:
            raise fail("OAG022", f"$ref {ref!r} is refused: {problem}", _COPY_HINT)
        target = remote(file_part)
    elif file_part:
        assert from_file.path is not None
        relative = unquote(file_part)
        try:
            resolved = (from_file.path.parent / relative).resolve()
        except (OSError, RuntimeError, ValueError) as exc:  # loops, NUL bytes
            raise fail(
                "OAG020",
                f"$ref {ref!r} cannot be followed: {exc}",
                "refer to a plain relative file path inside the spec folder",
            ) from None
        if not resolved.is_relative_to(folder):
            raise fail(
                "OAG021",
                f"$ref {ref!r} leaves the spec folder {display_path(folder)}",
                "move the referenced file into the spec folder (or a subfolder) and "
                "update the $ref",
            )
        loaded = get_file(resolved, ref, where)
        if loaded is None:
            raise DiagnosticError([])  # already reported by get_file
        target = loaded
    if not has_fragment or fragment == "":
        return target, "", target.data
    pointer = unquote(fragment)
    if not pointer.startswith("/"):
        raise fail(
            "OAG020",
            f"$ref {ref!r}: only JSON pointer fragments ('#/...') are supported",
            "refer to the target by its path, e.g. '#/components/schemas/Pet'",
        )
    node = target.data
    done = ""
    for token in pointer_tokens(pointer):
        found, value = pointer_step(node, token)
        if not found:
            under = f"#{done}" + (
                f" in {target.display}" if target is not from_file else ""
            )
            hint = (
                f"point the $ref at an existing entry, or add {token!r} under {under}"
            )
            if isinstance(node, dict):
                close = difflib.get_close_matches(token, [str(k) for k in node], n=3)
                if close:
                    hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
            raise fail(
                "OAG020", f"unresolved $ref {ref!r}: no {token!r} under {under}", hint
            )
        node = value
        done = join_pointer(done, token)
    return target, pointer, node


def _is_ref(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("$ref"), str)


@dataclass(frozen=True, eq=False)
class Spec:
    """A loaded spec: the root file, its folder, and every file reached by ``$ref``
    (``files``), and every document fetched for a remote ``$ref`` (``remote``)."""

    root: SpecFile
    folder: Path
    files: Mapping[Path, SpecFile]
    #: warnings found while loading (duplicate keys); ``validate`` reports them
    warnings: tuple[Diagnostic, ...] = ()
    #: URL (as the ``$ref`` named it) -> fetched document; empty without the opt-in
    remote: Mapping[str, SpecFile] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def documents(self) -> tuple[SpecFile, ...]:
        """Every loaded document: the local files, then the fetched ones."""
        return (*self.files.values(), *self.remote.values())

    @property
    def openapi(self) -> str:
        """The ``openapi`` version string of the root document, e.g. ``"3.0.3"``."""
        return str(self.root.data["openapi"])

    def resolve(
        self, ref: str, from_file: SpecFile, *, at: str | None = None
    ) -> tuple[SpecFile, str, Any]:
        """Resolve ``ref`` (as written in ``from_file``) one step: the file holding the
        target, the JSON pointer in it, and the value.  Raises DiagnosticError
        (OAG020/21/22); ``at`` (pointer of the object holding the ``$ref``) places the
        diagnostic.  Never reads files: everything reachable was loaded by load_spec."""

        def get(
            loaded: Mapping[Any, SpecFile], key: Path | str, ref: str, where: _Where
        ) -> SpecFile | None:
            if key in loaded:
                return loaded[key]
            shown = display_path(key) if isinstance(key, Path) else key
            raise _fail(
                "OAG020",
                f"$ref {ref!r}: {shown} was not loaded",
                where(),
                "load the spec with load_spec, which reads every file its $refs reach",
            )

        def get_file(path: Path, ref: str, where: _Where) -> SpecFile | None:
            return get(self.files, path, ref, where)

        def get_remote(url: str, ref: str, where: _Where) -> SpecFile | None:
            return get(self.remote, url, ref, where)

        fetched = get_remote if self.remote else None  # else refused, as load_spec did
        return _resolve(ref, from_file, self.folder, get_file, at, fetched)

    def deref(
        self, value: Any, file: SpecFile, pointer: str = ""
    ) -> tuple[SpecFile, str, Any]:
        """Follow ``value`` through ``$ref`` objects to the first value that is not one:
        (file, pointer, value).  A value without ``$ref`` comes back unchanged."""
        seen: set[tuple[Path | str, str]] = set()
        while _is_ref(value):
            if (file.key, pointer) in seen:
                raise _fail(
                    "OAG023",
                    f"$ref cycle: {value['$ref']!r} leads back to itself",
                    _ref_location(file, pointer),
                    "one $ref of the cycle must hold the actual definition instead",
                )
            seen.add((file.key, pointer))
            file, pointer, value = self.resolve(value["$ref"], file, at=pointer)
        return file, pointer, value


#: A ``$ref`` site or target: (document key, JSON pointer).
_Node = tuple[Path | str, str]


class _Loading:
    """The state of one load_spec call: files read so far and diagnostics."""

    def __init__(self, folder: Path, remote: RemotePolicy | None) -> None:
        self.folder = folder
        self.remote = remote
        self.files: dict[Path | str, SpecFile] = {}
        self.failed: set[Path | str] = set()
        self.diagnostics: list[Diagnostic] = []
        self.pending: list[SpecFile] = []

    def add(self, spec_file: SpecFile) -> None:
        self.files[spec_file.key] = spec_file
        self.pending.append(spec_file)

    def report(self, exc: DiagnosticError, where_of_ref: _Where) -> None:
        """A referenced document's own problems, saying where it was referenced."""
        where = where_of_ref()
        referenced = f" (referenced from {where.position})" if where else ""
        self.diagnostics.extend(
            Diagnostic(d.level, d.code, d.message + referenced, d.where, d.hint)
            for d in exc.diagnostics
        )

    def get_remote(self, url: str, ref: str, where_of_ref: _Where) -> SpecFile | None:
        """The document at ``url``, fetched on first use (once per run)."""
        if url in self.files:
            return self.files[url]
        if url in self.failed or self.remote is None:
            return None
        from generator.remote import FetchError, fetch

        try:
            body = fetch(url, self.remote)
            suffix = Path(unquote(urlsplit(url).path)).suffix
            spec_file = _document(body, suffix, url, path=None, url=url)
        except FetchError as exc:
            self.failed.add(url)
            self.diagnostics.append(
                Diagnostic("error", exc.code, exc.message, where_of_ref(), exc.hint)
            )
            return None
        except DiagnosticError as exc:
            self.failed.add(url)
            self.report(exc, where_of_ref)
            return None
        self.add(spec_file)
        return spec_file

    def get_file(
        self, path: Path, ref: str, where_of_ref: Callable[[], Location | None]
    ) -> SpecFile | None:
        if path in self.files:
            return self.files[path]
        if path in self.failed:
            return None
        display = display_path(path)
        try:
            is_file = path.is_file()
        except OSError:
            is_file = True  # let _read_file report why it cannot be read
        if not is_file:
            self.failed.add(path)
            problem = "is a folder" if path.is_dir() else "not found"
            self.diagnostics.append(
                Diagnostic(
                    "error",
                    "OAG020",
                    f"unresolved $ref {ref!r}: file {display} {problem}",
                    where_of_ref(),
                    "check the file name; relative refs are relative to the file "
                    "that contains them",
                )
            )
            return None
        try:
            spec_file = _read_file(path, display)
        except DiagnosticError as exc:
            self.failed.add(path)
            self.report(exc, where_of_ref)
            return None
        self.add(spec_file)
        return spec_file

    def run(self) -> dict[_Node, _Node]:
        """Resolve every ref of every file (loading files as they are reached);
        returns the ref graph: (file, pointer of $ref object) -> (file, target)."""
        edges: dict[_Node, _Node] = {}
        get_remote = None if self.remote is None else self.get_remote
        while self.pending:
            spec_file = self.pending.pop()
            for site in spec_file.refs:
                try:
                    target, pointer, _ = _resolve(
                        site.ref,
                        spec_file,
                        self.folder,
                        self.get_file,
                        site.pointer,
                        get_remote,
                    )
                except DiagnosticError as exc:
                    self.diagnostics.extend(exc.diagnostics)
                else:
                    edges[(spec_file.key, site.pointer)] = (target.key, pointer)
        return edges

    def cycles(self, edges: dict[_Node, _Node]) -> None:
        """OAG023 for chains of ``$ref`` objects that lead back to themselves (every
        site has one outgoing edge, so walking each chain once finds all cycles)."""
        state: dict[_Node, int] = {}  # 1 = on the current chain, 2 = done
        for start in sorted(edges, key=lambda node: (str(node[0]), node[1])):
            chain: list[_Node] = []
            node: _Node | None = start
            while node is not None and node in edges and node not in state:
                state[node] = 1
                chain.append(node)
                node = edges[node]
            if node is not None and state.get(node) == 1:
                loop = chain[chain.index(node) :]
                first = self.files[loop[0][0]]
                names = " -> ".join(
                    ("" if f == first.key else _relative(f, first)) + f"#{p}"
                    for f, p in loop + [loop[0]]
                )
                self.diagnostics.append(
                    Diagnostic(
                        "error",
                        "OAG023",
                        f"$ref cycle made only of references: {names}",
                        _ref_location(first, loop[0][1]),
                        "one of these must hold the actual definition instead of a $ref",
                    )
                )
            for member in chain:
                state[member] = 2


def _relative(key: Path | str, start: SpecFile) -> str:
    """The document ``key`` as a relative $ref in ``start`` would name it (a URL
    as it is: fetched documents are named by their URL)."""
    if isinstance(key, str) or start.path is None:
        return str(key)
    return Path(os.path.relpath(key, start.path.parent)).as_posix()


def _check_root(root: SpecFile) -> None:
    data = root.data
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        problem = f"the top level is {kind}, not a mapping"
        if not root.text.strip():
            problem = "the file is empty"
        raise _fail(
            "OAG003",
            f"not an OpenAPI document: {problem}",
            root.location(""),
            "an OpenAPI document starts with 'openapi: 3.1.0' (or 3.0.x), 'info' and 'paths'",
        )
    version = data.get("openapi")
    if version is None:
        if "swagger" in data:
            raise _fail(
                "OAG003",
                f"Swagger {data['swagger']} documents are not supported, only OpenAPI 3.0/3.1",
                root.location("/swagger"),
                "convert it to OpenAPI 3 first, e.g. with swagger2openapi "
                "(npx swagger2openapi in.yaml -o out.yaml) or editor.swagger.io",
            )
        raise _fail(
            "OAG003",
            "not an OpenAPI document: the 'openapi' field is missing",
            root.location(""),
            "add 'openapi: 3.1.0' (or 3.0.x) at the top of the file",
        )
    if not isinstance(version, str):
        raise _fail(
            "OAG003",
            f"the 'openapi' field must be a version string, not {version!r}",
            root.location("/openapi"),
            "write the full version, e.g. openapi: 3.1.0 (quote it if it is only '3.1')",
        )
    if not _SUPPORTED_VERSION.match(version):
        raise _fail(
            "OAG003",
            f"OpenAPI {version} is not supported, only 3.0 and 3.1",
            root.location("/openapi"),
            "use an OpenAPI 3.0.x or 3.1.x document",
        )


def load_spec(
    path: Path | str,
    overlays: Sequence[Path] = (),
    remote: RemotePolicy | None = None,
) -> Spec:
    """Load the spec at ``path``, apply ``overlays`` (OpenAPI Overlay 1.0 files, in
    order) to its root document, and load every file its ``$ref``s reach; with a
    ``remote`` policy (the user's opt-in), fetch the documents of remote ``$ref``s.

    Raises DiagnosticError with every problem found (never a raw exception)."""
    given = Path(path)
    display = display_path(given)
    try:
        absolute = given.resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise _fail(
            "OAG001",
            f"cannot read {display}: {exc}",
            Location(display, None, None, ""),
            _UNREADABLE_HINT,
        ) from None
    root = _read_file(absolute, display)
    _check_root(root)
    warnings: list[Diagnostic] = []
    if overlays:
        from generator.overlay import apply_overlays  # imports the JSONPath library

        if root._cache.pop("duplicates", False):  # the overlaid root is a new file
            warnings.extend(root.duplicate_keys())
        root, overlay_warnings = apply_overlays(root, overlays)
        warnings.extend(overlay_warnings)
        _check_root(root)
    loading = _Loading(absolute.parent, remote)
    loading.add(root)
    edges = loading.run()
    loading.cycles(edges)
    if loading.diagnostics:
        raise DiagnosticError(
            sorted(dict.fromkeys(loading.diagnostics), key=Diagnostic.sort_key)
        )
    for spec_file in loading.files.values():
        if spec_file._cache.pop("duplicates", False):
            warnings.extend(spec_file.duplicate_keys())
    loaded = loading.files.items()
    return Spec(
        root=root,
        folder=absolute.parent,
        files=MappingProxyType({k: f for k, f in loaded if isinstance(k, Path)}),
        warnings=tuple(sorted(warnings, key=Diagnostic.sort_key)),
        remote=MappingProxyType({k: f for k, f in loaded if isinstance(k, str)}),
    )
