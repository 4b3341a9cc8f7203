"""A loaded spec seen for comparison: `$ref`s followed, `allOf` merged, places named.

Comparing two specs must not report a refactoring as a change: moving a schema into
`components`, into another file, or splitting it with `allOf` leaves the API as it
was.  So every value is read through `Document.deref`, and a schema is read as a
`Shape`, the flat view of what it accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import DiagnosticError
from generator.load import Spec, SpecFile, join_pointer

__all__ = ["Document", "Node", "Shape"]


@dataclass(frozen=True)
class Node:
    """A value and where it lives: the file and the JSON pointer in it."""

    file: SpecFile
    pointer: str
    value: Any
    #: the `$ref` it was reached through, if any (names oneOf variants)
    ref: str | None = None


@dataclass
class Shape:
    """A schema with its `allOf` merged in: what the comparison looks at.

    ``keywords`` are the schema's own keywords, then those its `allOf` members add;
    ``properties`` and ``required`` are the union over them.  A `{type: 'null'}`
    variant of a `oneOf`/`anyOf` becomes ``nullable``; a lone remaining variant is
    merged like an `allOf` member (the usual spelling of an optional `$ref`)."""

    node: Node
    keywords: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Node] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    variants: list[Node] = field(default_factory=list)
    nullable: bool = False
    #: the `$ref` that names this schema, also through a lone variant
    ref: str | None = None
    #: `items` and `additionalProperties` schemas, wherever in the `allOf` they are
    children: dict[str, Node] = field(default_factory=dict)


class Document:
    """One spec, read through its references."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    @property
    def root(self) -> Node:
        return Node(self.spec.root, "", self.spec.root.data)

    def where(self, node: Node) -> str:
        """``#/pointer`` in the root file, ``other.yaml#/pointer`` in another."""
        if node.file is self.spec.root:
            return "#" + node.pointer
        try:
            if node.file.path is None:  # a fetched document: its URL
                raise ValueError
            name = node.file.path.relative_to(self.spec.folder).as_posix()
        except ValueError:
            name = Path(node.file.display).as_posix()
        return f"{name}#{node.pointer}"

    def deref(self, node: Node) -> Node:
        """Follow `$ref`s to the value they name (the loader refused broken refs and
        cycles made only of refs, so this only fails on a spec it did not load)."""
        value = node.value
        if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
            return node
        try:
            file, pointer, target = self.spec.deref(value, node.file, node.pointer)
        except DiagnosticError:
            return node
        return Node(file, pointer, target, str(value["$ref"]))

    def child(self, node: Node, *tokens: str | int) -> Node | None:
        """The value under ``tokens`` (each step through `$ref`s), or None."""
        for token in tokens:
            node = self.deref(node)
            value = node.value
            found = (
                isinstance(value, dict) and isinstance(token, str) and token in value
            ) or (
                isinstance(value, list)
                and isinstance(token, int)
                and 0 <= token < len(value)
            )
            if not found:
                return None
            node = Node(node.file, join_pointer(node.pointer, token), value[token])
        return self.deref(node)

    def mapping(self, node: Node | None, *tokens: str) -> dict[str, Node]:
        """The entries of the mapping under ``tokens``, each dereferenced."""
        found = self.child(node, *tokens) if node is not None else None
        if found is None or not isinstance(found.value, dict):
            return {}
        return {
            str(key): child
            for key in found.value
            if (child := self.child(found, str(key))) is not None
        }

    def items(self, node: Node | None, *tokens: str) -> list[Node]:
        """The entries of the list under ``tokens``, each dereferenced."""
        found = self.child(node, *tokens) if node is not None else None
        if found is None or not isinstance(found.value, list):
            return []
        return [
            child
            for index in range(len(found.value))
            if (child := self.child(found, index)) is not None
        ]

    def shape(self, node: Node) -> Shape:
        """The flat view of the schema at ``node`` (see `Shape`)."""
        node = self.deref(node)
        shape = Shape(node, ref=node.ref)
        self._merge(shape, node, set())
        return shape

    def _merge(
        self, shape: Shape, node: Node, seen: set[tuple[Path | str, str]]
    ) -> None:
        if (node.file.key, node.pointer) in seen or not isinstance(node.value, dict):
            return  # an allOf that contains itself adds nothing the second time
        seen.add((node.file.key, node.pointer))
        value = node.value
        for key, keyword in value.items():
            if key not in _STRUCTURE:
                shape.keywords.setdefault(key, keyword)
        if value.get("nullable") is True or _has_null(value.get("type")):
            shape.nullable = True
        for name, prop in self.mapping(node, "properties").items():
            shape.properties.setdefault(name, prop)
        for keyword in ("items", "additionalProperties"):
            child = self.child(node, keyword) if keyword in value else None
            if child is not None and isinstance(child.value, dict):
                shape.children.setdefault(keyword, child)
        required = value.get("required")
        if isinstance(required, list):
            shape.required.update(str(name) for name in required)
        for member in self.items(node, "allOf"):
            self._merge(shape, member, seen)
        variants = []
        for key in ("oneOf", "anyOf"):
            for variant in self.items(node, key):
                if _is_null(variant.value):
                    shape.nullable = True
                else:
                    variants.append(variant)
        if len(variants) == 1 and not shape.variants:
            shape.ref = variants[0].ref or shape.ref
            self._merge(shape, variants[0], seen)
        else:
            shape.variants.extend(variants)


#: Keywords `Shape` reads itself rather than keeping as plain keywords.
_STRUCTURE = frozenset({"properties", "required", "allOf", "oneOf", "anyOf", "$ref"})


def _has_null(type_: Any) -> bool:
    return type_ == "null" or (isinstance(type_, list) and "null" in type_)


def _is_null(value: Any) -> bool:
    """`{type: 'null'}` or `{enum: [null]}`: a variant that only allows null."""
    return isinstance(value, dict) and (
        value.get("type") == "null" or value == {"enum": [None]}
    )
