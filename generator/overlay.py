"""Apply OpenAPI Overlay 1.0 documents to a spec's root document, before validation.

An overlay states what a spec's prose says but its schema does not (a range, a
format, a security scheme) without editing a spec that someone else owns.
``load_spec`` calls :func:`apply_overlays` right after reading the root document, so
everything after it (references, validation, lowering) sees the overlaid document.

The rules, from Overlay 1.0.0 (spec.openapis.org/overlay/v1.0.0):

* Actions apply in order, each to the result of the ones before.  ``target`` is an
  RFC 9535 JSONPath query over the root document (files reached by ``$ref`` are not
  searched); a target that selects nothing is a warning (OAG073).
* A target must select objects or arrays, never primitives or null (OAG072).
* ``remove: true`` removes every selected node from the object or array holding it;
  ``update`` is then ignored.
* ``update`` on an object must be an object, merged recursively: a new property is
  added, a primitive replaces a primitive, an array is appended to an array, an
  object merges into an object; any other pairing is an error (OAG072).  1.0 only
  says "recursively merged"; these are the steps Overlay 1.1 spells out for it.
* ``update`` on an array is appended to it as one entry (an array too: 1.0 says
  "an entry to append"; concatenating a selected array is 1.1).

Every object and array of the result remembers the file and pointer it came from,
so a diagnostic about something an overlay wrote names the overlay's file and line
(the pointer stays the one into the overlaid spec).  The overlaid document's sha256
covers the spec and every overlay, so provenance and caches change with either.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import jsonpath_rfc9535 as jsonpath

from generator.errors import Diagnostic, DiagnosticError, Location
from generator.load import (
    SpecFile,
    find_refs,
    join_pointer,
    pointer_tokens,
    read_document,
)

__all__ = ["OverlaidFile", "apply_overlays"]

_VERSION: Final = re.compile(r"1\.0\.\d+")
_FIELDS: Final = {
    "": ("overlay", "info", "extends", "actions"),
    "info": ("title", "version"),
    "action": ("target", "description", "update", "remove"),
}
#: Growth guard (OAG074), like the loader's alias guard: nodes overlays may add.
_GROWTH_FLOOR: Final = 1_000_000
_GROWTH_FACTOR: Final = 20
_MISSING: Final = object()


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "null" if value is None else f"a {type(value).__name__} ({value!r:.40})"


def _is_container(value: Any) -> bool:
    return isinstance(value, (dict, list))


# ---------------------------------------------------------------------------
# Where each node came from


@dataclass(frozen=True, slots=True)
class _Origin:
    """A place in a file: ``base`` then the keys up the ``parent`` chain.  Pointers
    are only spelled out when a position is asked for, so copying a large spec
    does not build a string per node."""

    file: SpecFile
    base: str
    parent: _Origin | None = None
    key: str | int = ""

    def child(self, key: str | int) -> _Origin:
        return _Origin(self.file, self.base, self, key)

    @property
    def pointer(self) -> str:
        keys: list[str | int] = []
        origin: _Origin = self
        while origin.parent is not None:
            keys.append(origin.key)
            origin = origin.parent
        return join_pointer(self.base, *reversed(keys))


class _Places:
    """The origin of every object and array of the overlaid document (keeping them
    alive, so an id is never reused), and of primitives an overlay wrote or moved."""

    def __init__(self) -> None:
        self.containers: dict[int, tuple[Any, _Origin]] = {}
        self.primitives: dict[tuple[int, str | int], _Origin] = {}

    def copy(self, value: Any, origin: _Origin) -> tuple[Any, int]:
        """An unshared deep copy whose objects and arrays remember their origin, and
        its node count.  Iterative: deep documents do not exhaust the stack."""
        if not _is_container(value):
            return value, 1
        top = self._new(value, origin)
        count = 1
        stack = [(value, top, origin)]
        while stack:
            source, target, where = stack.pop()
            pairs = source.items() if isinstance(source, dict) else enumerate(source)
            for key, child in pairs:
                count += 1
                if _is_container(child):
                    place = where.child(key)
                    new = self._new(child, place)
                    stack.append((child, new, place))
                else:
                    new = child
                if isinstance(target, dict):
                    target[key] = new
                else:
                    target.append(new)
        return top, count

    def _new(self, like: Any, origin: _Origin) -> Any:
        new: Any = {} if isinstance(like, dict) else []
        self.containers[id(new)] = (new, origin)
        return new

    def origin(self, container: Any, key: str | int) -> _Origin:
        """Where the value at ``container[key]`` was written."""
        child = container[key]
        if _is_container(child) and id(child) in self.containers:
            return self.containers[id(child)][1]
        written = self.primitives.get((id(container), key))
        return written or self.containers[id(container)][1].child(key)

    def locate(self, data: Any, pointer: str) -> Location:
        """The position of the node at ``pointer`` (or its nearest existing ancestor)."""
        try:
            tokens = pointer_tokens(pointer)
        except ValueError:
            tokens = []
        node = data
        origin = self.containers[id(data)][1]
        for token in tokens:
            key: str | int
            if isinstance(node, dict) and token in node:
                key = token
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                key = int(token)
            else:
                break
            origin = self.origin(node, key)
            node = node[key]
        where = origin.file.location(origin.pointer)
        return Location(where.file, where.line, where.col, pointer)


@dataclass(frozen=True, eq=False)
class OverlaidFile(SpecFile):
    """The spec's root document with overlays applied; each node's position comes
    from the file that wrote it."""

    places: _Places = field(default_factory=_Places, repr=False)

    def location(self, pointer: str) -> Location:
        return self.places.locate(self.data, pointer)


# ---------------------------------------------------------------------------
# Reading an overlay


@dataclass(frozen=True)
class _Action:
    file: SpecFile
    index: int
    target: str
    query: jsonpath.JSONPathQuery
    update: Any
    remove: bool

    @property
    def pointer(self) -> str:
        return f"/actions/{self.index}"

    @property
    def name(self) -> str:
        return f"actions[{self.index}] (target {self.target!r})"


#: The hint of a diagnostic that names no more specific fix.
_DEFAULT_HINTS = {
    "OAG070": "an overlay has `overlay: 1.0.0`, `info: {title, version}` and a list of "
    "`actions`, each with a `target` and an `update` or `remove: true`",
    "OAG071": "write the target as an RFC 9535 JSONPath, e.g. "
    "$.paths['/pets'].get.parameters[?@.name=='limit']",
    "OAG072": "point the target at an object or array the update can merge into",
}


def _error(
    file: SpecFile, code: str, pointer: str, message: str, hint: str | None = None
) -> Diagnostic:
    return Diagnostic(
        "error", code, message, file.location(pointer), hint or _DEFAULT_HINTS[code]
    )


def _unknown_fields(
    file: SpecFile, value: dict[str, Any], where: str, kind: str
) -> list[Diagnostic]:
    known = _FIELDS[kind]
    return [
        _error(
            file,
            "OAG070",
            join_pointer(where, key),
            f"unknown field {key!r} in an overlay {kind or 'document'}",
            f"allowed: {', '.join(known)} and x- extensions",
        )
        for key in value
        if key not in known and not str(key).startswith("x-")
    ]


def _parse(file: SpecFile) -> tuple[list[_Action], list[Diagnostic]]:
    """The actions of one overlay document, or diagnostics on its shape (OAG070/071)."""
    data = file.data
    if not isinstance(data, dict):
        return [], [
            _error(
                file,
                "OAG070",
                "",
                f"an overlay document must be a mapping, not {_kind(data)}",
                "start it with 'overlay: 1.0.0', 'info' (title, version) and 'actions'",
            )
        ]
    problems = _unknown_fields(file, data, "", "")
    version = data.get("overlay")
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        problems.append(
            _error(
                file,
                "OAG070",
                "/overlay" if "overlay" in data else "",
                (
                    "the 'overlay' field is missing"
                    if version is None
                    else f"Overlay {version!r} is not supported, only 1.0.x"
                ),
                "write 'overlay: 1.0.0' (quoted if YAML would read a number)",
            )
        )
    info = data.get("info")
    if not isinstance(info, dict):
        problems.append(
            _error(
                file,
                "OAG070",
                "/info" if "info" in data else "",
                "the 'info' object (title, version) is missing",
            )
        )
    else:
        problems.extend(_unknown_fields(file, info, "/info", "info"))
        for key in ("title", "version"):
            if not isinstance(info.get(key), str):
                problems.append(
                    _error(file, "OAG070", "/info", f"info.{key} must be a string")
                )
    if "extends" in data and not isinstance(data["extends"], str):
        problems.append(
            _error(file, "OAG070", "/extends", "'extends' must be a URI reference")
        )
    actions = data.get("actions")
    if not isinstance(actions, list) or not actions:
        problems.append(
            _error(
                file,
                "OAG070",
                "/actions" if "actions" in data else "",
                "'actions' must be a non-empty list",
                "each action has a target (a JSONPath query) and update or remove: true",
            )
        )
        return [], problems
    parsed: list[_Action] = []
    for index, raw in enumerate(actions):
        action, found = _parse_action(file, index, raw)
        problems.extend(found)
        if action is not None:
            parsed.append(action)
    return parsed, problems


def _parse_action(
    file: SpecFile, index: int, raw: Any
) -> tuple[_Action | None, list[Diagnostic]]:
    pointer = f"/actions/{index}"
    if not isinstance(raw, dict):
        return None, [
            _error(file, "OAG070", pointer, f"actions[{index}] must be a mapping")
        ]
    problems = _unknown_fields(file, raw, pointer, "action")
    target = raw.get("target")
    remove = raw.get("remove", False)
    if not isinstance(target, str):
        problems.append(
            _error(
                file,
                "OAG070",
                pointer,
                f"actions[{index}] needs a 'target': a JSONPath query such as '$.info'",
            )
        )
    if not isinstance(remove, bool):
        problems.append(
            _error(
                file,
                "OAG070",
                f"{pointer}/remove",
                f"actions[{index}]: 'remove' must be true or false",
            )
        )
    elif not remove and "update" not in raw:
        problems.append(
            _error(
                file,
                "OAG070",
                pointer,
                f"actions[{index}] does nothing: it has neither 'update' nor 'remove: true'",
            )
        )
    if not isinstance(target, str):
        return None, problems
    try:
        query = jsonpath.compile(target)
    except jsonpath.JSONPathError as error:
        problems.append(
            _error(
                file,
                "OAG071",
                f"{pointer}/target",
                f"actions[{index}]: {target!r} is not an RFC 9535 JSONPath query: {error}",
                "targets start at the root '$'; quote odd names: $.paths['/seat-events'].get; "
                "filters look like [?@.name=='limit']",
            )
        )
        return None, problems
    if problems:
        return None, problems
    update = raw.get("update", _MISSING)
    return _Action(file, index, target, query, update, bool(remove)), []


# ---------------------------------------------------------------------------
# Applying actions


class _Conflict(Exception):
    """An update property whose value cannot merge with the target's value."""

    def __init__(self, update_pointer: str, message: str) -> None:
        super().__init__(message)
        self.update_pointer = update_pointer


class _TooLarge(Exception):
    pass


class _Applier:
    def __init__(self, data: Any, places: _Places, budget: int) -> None:
        self.data = data
        self.places = places
        self.budget = budget
        self.diagnostics: list[Diagnostic] = []

    def fail(
        self, action: _Action, pointer: str, message: str, hint: str | None = None
    ) -> None:
        self.diagnostics.append(_error(action.file, "OAG072", pointer, message, hint))

    def apply(self, action: _Action) -> None:
        try:
            found = action.query.find(self.data)
        except jsonpath.JSONPathError as error:
            self.diagnostics.append(
                _error(
                    action.file,
                    "OAG071",
                    f"{action.pointer}/target",
                    f"{action.name} cannot be evaluated: {error}",
                )
            )
            return
        nodes = list({node.location: node for node in found}.values())
        if not nodes:
            self.diagnostics.append(
                Diagnostic(
                    "warning",
                    "OAG073",
                    f"overlay {action.name} selects nothing; the action changes nothing",
                    action.file.location(f"{action.pointer}/target"),
                    "check the names in the query against the spec (they are case sensitive)",
                )
            )
            return
        for node in nodes:
            if not _is_container(node.value):
                self.fail(
                    action,
                    f"{action.pointer}/target",
                    f"{action.name} selects {_kind(node.value)} at {node.path()}; "
                    "an Overlay 1.0 target must select objects or arrays",
                    "select the object that holds the value and update the property there",
                )
                return
        if action.remove:
            if any(node.location == () for node in nodes):
                self.fail(
                    action,
                    f"{action.pointer}/target",
                    f"{action.name} would remove the whole document",
                )
                return
            self.remove(nodes)
            return
        if any(isinstance(node.value, dict) for node in nodes) and not isinstance(
            action.update, dict
        ):
            self.fail(
                action,
                f"{action.pointer}/update",
                f"{action.name}: the update must be an object to merge into the "
                f"selected object, not {_kind(action.update)}",
                "to change one property, give an object: update: {name: value}",
            )
            return
        origin = _Origin(action.file, f"{action.pointer}/update")
        for node in nodes:
            try:
                if isinstance(node.value, dict):
                    self.merge(node.value, action.update, origin, node.path())
                elif isinstance(node.value, list):
                    self.append(node.value, action.update, origin)
            except _Conflict as conflict:
                self.fail(
                    action,
                    conflict.update_pointer,
                    f"{action.name}: {conflict}",
                    "remove the node first (remove: true), then add it back with update",
                )
                return

    def grow(self, value: Any, origin: _Origin) -> Any:
        copied, count = self.places.copy(value, origin)
        self.budget -= count
        if self.budget < 0:
            raise _TooLarge
        return copied

    def append(self, array: list[Any], value: Any, origin: _Origin) -> None:
        if not _is_container(value):
            self.places.primitives[(id(array), len(array))] = origin
        array.append(self.grow(value, origin))

    def merge(
        self, target: dict[str, Any], update: dict[str, Any], origin: _Origin, path: str
    ) -> None:
        for key, value in update.items():
            where = origin.child(key)
            if key not in target:
                if not _is_container(value):
                    self.places.primitives[(id(target), key)] = where
                target[key] = self.grow(value, where)
                continue
            old = target[key]
            if isinstance(old, dict) and isinstance(value, dict):
                self.merge(old, value, where, f"{path}[{key!r}]")
            elif isinstance(old, list) and isinstance(value, list):
                for index, item in enumerate(value):
                    self.append(old, item, where.child(index))
            elif not _is_container(old) and not _is_container(value):
                self.places.primitives[(id(target), key)] = where
                target[key] = value
            else:
                raise _Conflict(
                    where.pointer,
                    f"cannot merge {_kind(value)} into {_kind(old)} at {path}[{key!r}]",
                )

    def remove(self, nodes: list[jsonpath.JSONPathNode]) -> None:
        holders: dict[int, tuple[Any, set[str | int]]] = {}
        for node in nodes:  # every holder found before anything moves
            holder = self.data
            for key in node.location[:-1]:
                holder = holder[key]
            holders.setdefault(id(holder), (holder, set()))[1].add(node.location[-1])
        for holder, keys in holders.values():
            if isinstance(holder, dict):
                for key in keys:
                    holder.pop(str(key), None)
            else:
                self.delete_items(holder, {int(key) for key in keys})

    def delete_items(self, array: list[Any], gone: set[int]) -> None:
        """Delete items; primitives after them keep their own positions."""
        kept = [index for index in range(len(array)) if index not in gone]
        moved = {
            new: self.places.origin(array, old)
            for new, old in enumerate(kept)
            if not _is_container(array[old])
        }
        array[:] = [array[index] for index in kept]
        for index in range(len(array)):
            self.places.primitives.pop((id(array), index), None)
        for index, origin in moved.items():
            self.places.primitives[(id(array), index)] = origin


# ---------------------------------------------------------------------------


def _digest(root: SpecFile, overlays: Sequence[SpecFile]) -> str:
    """The sha256 of the spec's and the overlays' sha256 (hex), one per line."""
    lines = "".join(f"{file.sha256}\n" for file in (root, *overlays))
    return hashlib.sha256(lines.encode("ascii")).hexdigest()


def apply_overlays(
    root: SpecFile, paths: Sequence[Path]
) -> tuple[SpecFile, list[Diagnostic]]:
    """The root document with the overlays at ``paths`` applied in order, and the
    warnings found.  Raises DiagnosticError (with the warnings) on any error."""
    documents: list[tuple[SpecFile, list[_Action]]] = []
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    for path in paths:
        try:
            document, duplicates = read_document(path)
        except DiagnosticError as error:
            errors.extend(error.diagnostics)
            continue
        warnings.extend(duplicates)
        actions, problems = _parse(document)
        errors.extend(problems)
        documents.append((document, actions))
    if errors:
        raise DiagnosticError(sorted(errors + warnings, key=Diagnostic.sort_key))
    places = _Places()
    data, size = places.copy(root.data, _Origin(root, ""))
    applier = _Applier(data, places, max(_GROWTH_FLOOR, _GROWTH_FACTOR * size))
    try:
        for _, actions in documents:
            for action in actions:
                applier.apply(action)
    except _TooLarge:
        raise DiagnosticError(
            [
                Diagnostic(
                    "error",
                    "OAG074",
                    "the overlays make the document too large to process",
                    Location(root.display, None, None, ""),
                    "narrow the targets that copy a large update to many nodes",
                )
            ]
        ) from None
    except RecursionError:
        raise DiagnosticError(
            [
                Diagnostic(
                    "error",
                    "OAG074",
                    "an overlay update is nested too deeply to merge",
                    Location(root.display, None, None, ""),
                    "flatten the update, or split it into actions on deeper targets",
                )
            ]
        ) from None
    found = applier.diagnostics + warnings
    if any(d.level == "error" for d in found):
        raise DiagnosticError(sorted(found, key=Diagnostic.sort_key))
    overlaid = OverlaidFile(
        path=root.path,
        display=root.display,
        data=data,
        sha256=_digest(root, [document for document, _ in documents]),
        text=root.text,
        refs=find_refs(data),
        places=places,
    )
    return overlaid, found
