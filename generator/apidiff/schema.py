"""Compare two schemas in one direction (request or response) and say what changed.

The comparison walks both schemas together: properties by name, array items, map
values and `oneOf`/`anyOf` variants by the name of the schema they refer to.  A pair
of schemas is compared once per direction and its findings are remembered, so shared
components cost nothing the second time and recursive schemas end: a pair met again
while it is still being compared adds nothing more.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Final, Literal, TypeGuard

from generator.apidiff.document import Document, Node, Shape

__all__ = ["Direction", "Finding", "SchemaDiff", "render_path", "show"]

Direction = Literal["request", "response"]
#: A step into a schema: ("property", name), ("items", ""), ("values", ""), ("variant", name).
Segment = tuple[str, str]


@dataclass(frozen=True)
class Finding:
    """A change inside a schema: the rule, where (in the new or old spec), the path of
    the field from the schema compared at the top, and the details for the message."""

    rule_id: str
    where: str
    path: tuple[Segment, ...]
    details: tuple[tuple[str, str], ...]

    def under(self, segment: Segment) -> Finding:
        return Finding(self.rule_id, self.where, (segment, *self.path), self.details)


def render_path(path: tuple[Segment, ...]) -> str:
    """`items[].seatType`, `metadata.*`, `pet(Cat).name`."""
    text = ""
    for kind, name in path:
        if kind == "items":
            text += "[]"
        elif kind == "variant":
            text += f"({name})"
        else:
            text += ("." if text else "") + (name if kind == "property" else "*")
    return text


def show(value: Any) -> str:
    """A value from a spec as a message shows it: strings quoted, the rest as JSON."""
    if isinstance(value, str):
        return repr(value)
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _key(value: Any) -> str:
    """Equality of spec values as JSON sees it (`1` and `true` differ, key order does not)."""
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


_NONE: Final = "none"
#: (family, lower-bound keywords, upper-bound keywords); exclusive forms first.
_RANGES: Final = (
    ("value-range", "minimum", "maximum"),
    ("length-range", "minLength", "maxLength"),
    ("item-count", "minItems", "maxItems"),
)


class SchemaDiff:
    """Schema comparison for one direction between an old and a new document."""

    def __init__(self, old: Document, new: Document, direction: Direction) -> None:
        self.old = old
        self.new = new
        self.direction: Direction = direction
        self._done: dict[tuple[str, str], list[Finding]] = {}
        self._open: dict[tuple[str, str], int] = {}

    def compare(self, old: Node, new: Node) -> list[Finding]:
        """Every change from the schema at ``old`` to the one at ``new``."""
        return self._pair(old, new)[0]

    def _rule(self, suffix: str) -> str:
        return f"{self.direction}-{suffix}"

    def _pair(self, old: Node, new: Node) -> tuple[list[Finding], int]:
        """Findings for one pair, and the depth of the shallowest open pair that was met
        again below it: when that is above this pair, the findings are cut short by the
        recursion and are not remembered."""
        old_shape, new_shape = self.old.shape(old), self.new.shape(new)
        key = (self.old.where(old_shape.node), self.new.where(new_shape.node))
        if key in self._done:
            return self._done[key], len(self._open)
        if key in self._open:
            return [], self._open[key]
        depth = self._open[key] = len(self._open)
        found: dict[tuple[str, str, tuple[tuple[str, str], ...]], Finding] = {}
        lowest = depth
        for finding in self._scalars(old_shape, new_shape):
            found.setdefault((finding.rule_id, finding.where, finding.details), finding)
        for segment, old_child, new_child in self._children(
            old_shape, new_shape, found
        ):
            children, low = self._pair(old_child, new_child)
            lowest = min(lowest, low)
            for finding in children:
                found.setdefault(
                    (finding.rule_id, finding.where, finding.details),
                    finding.under(segment),
                )
        del self._open[key]
        result = list(found.values())
        if lowest >= depth:
            self._done[key] = result
        return result, lowest

    # -- keywords of one schema ------------------------------------------------------

    def _finding(
        self, suffix: str, node: Node, side: Document, **details: str
    ) -> Finding:
        return Finding(self._rule(suffix), side.where(node), (), tuple(details.items()))

    def _scalars(self, old: Shape, new: Shape) -> Iterator[Finding]:
        here = new.node
        yield from self._types(old, new)
        yield from self._enums(old, new)
        if old.nullable != new.nullable:
            yield self._finding(
                "nullable-added" if new.nullable else "nullable-removed", here, self.new
            )
        for family, low, high in _RANGES:
            for keyword, narrower in ((low, _lower_narrower), (high, _upper_narrower)):
                before, after = _bound(old.keywords, keyword), _bound(
                    new.keywords, keyword
                )
                if before == after:
                    continue
                narrowed = narrower(after, before)
                if narrowed or narrower(before, after):
                    yield self._finding(
                        f"{family}-{'narrowed' if narrowed else 'widened'}",
                        here,
                        self.new,
                        keyword=keyword,
                        old=_show_bound(before),
                        new=_show_bound(after),
                    )
        before_pattern, after_pattern = old.keywords.get("pattern"), new.keywords.get(
            "pattern"
        )
        if before_pattern != after_pattern:
            if before_pattern is None:
                yield self._finding(
                    "pattern-added", here, self.new, new=show(after_pattern)
                )
            elif after_pattern is None:
                yield self._finding(
                    "pattern-removed", here, self.new, old=show(before_pattern)
                )
            else:
                yield self._finding(
                    "pattern-changed",
                    here,
                    self.new,
                    old=show(before_pattern),
                    new=show(after_pattern),
                )
        if "default" in old.keywords and "default" in new.keywords:
            before, after = old.keywords["default"], new.keywords["default"]
            if _key(before) != _key(after):
                yield self._finding(
                    "default-changed", here, self.new, old=show(before), new=show(after)
                )
        before_name, after_name = _discriminator(old), _discriminator(new)
        if before_name != after_name:
            yield self._finding(
                "discriminator-changed",
                here,
                self.new,
                old=_NONE if before_name is None else show(before_name),
                new=_NONE if after_name is None else show(after_name),
            )
        if (
            self.direction == "request"
            and old.keywords.get("additionalProperties") is not False
            and new.keywords.get("additionalProperties") is False
        ):
            yield self._finding("additional-properties-restricted", here, self.new)

    def _types(self, old: Shape, new: Shape) -> Iterator[Finding]:
        before, after = _types(old), _types(new)
        if before != after and not (old.variants or new.variants):
            suffix = (
                "type-widened"
                if _covers(after, before)
                else "type-narrowed" if _covers(before, after) else "type-changed"
            )
            yield self._finding(
                suffix,
                new.node,
                self.new,
                old=_show_types(before),
                new=_show_types(after),
            )
            return
        before_format, after_format = old.keywords.get("format"), new.keywords.get(
            "format"
        )
        if before_format != after_format:
            yield self._finding(
                "format-changed",
                new.node,
                self.new,
                old=_NONE if before_format is None else show(before_format),
                new=_NONE if after_format is None else show(after_format),
            )

    def _enums(self, old: Shape, new: Shape) -> Iterator[Finding]:
        before, after = _enum(old), _enum(new)
        if before is None and after is None:
            return
        if before is None:
            yield self._finding("enum-added", new.node, self.new, new=_show_list(after))
            return
        if after is None:
            yield self._finding(
                "enum-removed", new.node, self.new, old=_show_list(before)
            )
            return
        kept = {_key(v) for v in after}
        had = {_key(v) for v in before}
        for value in before:
            if _key(value) not in kept:
                yield self._finding(
                    "enum-value-removed", new.node, self.new, value=show(value)
                )
        for value in after:
            if _key(value) not in had:
                yield self._finding(
                    "enum-value-added", new.node, self.new, value=show(value)
                )

    # -- what a schema contains ------------------------------------------------------

    def _children(
        self,
        old: Shape,
        new: Shape,
        found: dict[tuple[str, str, tuple[tuple[str, str], ...]], Finding],
    ) -> Iterator[tuple[Segment, Node, Node]]:
        """Pairs to compare below this one; changes to the set of properties and
        variants go straight into ``found``."""

        def add(finding: Finding) -> None:
            found.setdefault((finding.rule_id, finding.where, finding.details), finding)

        yield from self._properties(old, new, add)
        for keyword, segment in (
            ("items", ("items", "")),
            ("additionalProperties", ("values", "")),
        ):
            if keyword in old.children and keyword in new.children:
                yield segment, old.children[keyword], new.children[keyword]
        yield from self._variants(old, new, add)

    def _properties(
        self, old: Shape, new: Shape, add: Any
    ) -> Iterator[tuple[Segment, Node, Node]]:
        hidden = "readOnly" if self.direction == "request" else "writeOnly"
        names = [
            *old.properties,
            *(n for n in new.properties if n not in old.properties),
        ]
        for name in names:
            old_node, new_node = old.properties.get(name), new.properties.get(name)
            old_shape = self.old.shape(old_node) if old_node is not None else None
            new_shape = self.new.shape(new_node) if new_node is not None else None
            was = old_shape is not None and old_shape.keywords.get(hidden) is not True
            now = new_shape is not None and new_shape.keywords.get(hidden) is not True
            path = (("property", name),)
            if was and old_node is not None and new_node is None:
                add(
                    Finding(
                        self._rule("property-removed"),
                        self.old.where(old_node),
                        path,
                        (),
                    )
                )
            elif was and new_node is not None and not now:
                suffix = (
                    "became-read-only"
                    if self.direction == "request"
                    else "became-write-only"
                )
                add(
                    Finding(
                        self._rule(f"property-{suffix}"),
                        self.new.where(new_node),
                        path,
                        (),
                    )
                )
            elif not was and now and new_node is not None:
                if self.direction == "request":
                    required = "required" if name in new.required else "optional"
                    rule_id = f"request-property-added-{required}"
                else:
                    rule_id = "response-property-added"
                add(Finding(rule_id, self.new.where(new_node), path, ()))
            elif was and now and old_node is not None and new_node is not None:
                before, after = name in old.required, name in new.required
                if before != after:
                    suffix = "became-required" if after else "became-optional"
                    add(
                        Finding(
                            self._rule(f"property-{suffix}"),
                            self.new.where(new_node),
                            path,
                            (),
                        )
                    )
                if (
                    new_shape is not None
                    and old_shape is not None
                    and new_shape.keywords.get("deprecated") is True
                    and old_shape.keywords.get("deprecated") is not True
                ):
                    add(
                        Finding(
                            self._rule("property-deprecated"),
                            self.new.where(new_node),
                            path,
                            (),
                        )
                    )
                yield ("property", name), old_node, new_node

    def _variants(
        self, old: Shape, new: Shape, add: Any
    ) -> Iterator[tuple[Segment, Node, Node]]:
        if not (old.variants or new.variants):
            return
        # a plain schema on one side is the one variant it was (or became)
        before = _labelled(old.variants or [replace(old.node, ref=old.ref)])
        after = _labelled(new.variants or [replace(new.node, ref=new.ref)])
        for label, node in before.items():
            if label not in after:
                add(self._finding("variant-removed", node, self.old, name=label))
        for label, node in after.items():
            if label not in before:
                add(self._finding("variant-added", node, self.new, name=label))
        for label, node in before.items():
            if label in after:
                yield ("variant", label), node, after[label]


def _labelled(variants: list[Node]) -> dict[str, Node]:
    """Variants by the name of the schema they refer to, else their title, else `#i`."""
    result: dict[str, Node] = {}
    for index, node in enumerate(variants):
        title = node.value.get("title") if isinstance(node.value, dict) else None
        if node.ref:
            label = node.ref.rsplit("/", 1)[-1]
        elif isinstance(title, str):
            label = title
        else:
            label = f"#{index}"
        result.setdefault(label, node)
    return result


def _types(shape: Shape) -> frozenset[str] | None:
    """The JSON types a schema allows, null aside; None for any."""
    declared = shape.keywords.get("type")
    if isinstance(declared, str):
        names = {declared}
    elif isinstance(declared, list):
        names = {str(t) for t in declared}
    elif shape.properties or "additionalProperties" in shape.keywords:
        names = {"object"}
    elif "items" in shape.keywords:
        names = {"array"}
    else:
        return None
    names.discard("null")
    return frozenset(names) or None


def _covers(wide: frozenset[str] | None, narrow: frozenset[str] | None) -> bool:
    """Every value of type ``narrow`` is a value of type ``wide`` (integers are numbers)."""
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _show_types(types: frozenset[str] | None) -> str:
    return "any" if types is None else " or ".join(sorted(types))


def _enum(shape: Shape) -> list[Any] | None:
    values = shape.keywords.get("enum")
    if isinstance(values, list):
        return values
    if "const" in shape.keywords:
        return [shape.keywords["const"]]
    return None


def _show_list(values: list[Any] | None) -> str:
    shown = [show(v) for v in values or []]
    return "[" + ", ".join(shown[:10]) + (", ...]" if len(shown) > 10 else "]")


def _discriminator(shape: Shape) -> str | None:
    value = shape.keywords.get("discriminator")
    name = value.get("propertyName") if isinstance(value, dict) else None
    return name if isinstance(name, str) else None


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


#: A bound: (limit, exclusive); None when there is none.
Bound = tuple[float, bool] | None


def _bound(keywords: dict[str, Any], keyword: str) -> Bound:
    """`minimum` with `exclusiveMinimum` (a flag in 3.0, a number in 3.1) as one bound."""
    value = keywords.get(keyword)
    bound: Bound = (float(value), False) if _number(value) else None
    exclusive_keyword = {
        "minimum": "exclusiveMinimum",
        "maximum": "exclusiveMaximum",
    }.get(keyword)
    if exclusive_keyword is None:
        if keyword.startswith("min") and bound == (0, False):
            return None  # minLength/minItems 0 says nothing
        return bound
    exclusive = keywords.get(exclusive_keyword)
    if exclusive is True and bound is not None:
        bound = (bound[0], True)
    elif _number(exclusive):
        candidate = (float(exclusive), True)
        stricter = _lower_narrower if keyword == "minimum" else _upper_narrower
        if bound is None or stricter(candidate, bound):
            bound = candidate
    return bound


def _lower_narrower(a: Bound, b: Bound) -> bool:
    """Lower bound ``a`` admits strictly less than ``b``."""
    if a is None:
        return False
    if b is None:
        return True
    return a[0] > b[0] or (a[0] == b[0] and a[1] and not b[1])


def _upper_narrower(a: Bound, b: Bound) -> bool:
    """Upper bound ``a`` admits strictly less than ``b``."""
    if a is None:
        return False
    if b is None:
        return True
    return a[0] < b[0] or (a[0] == b[0] and a[1] and not b[1])


def _show_bound(bound: Bound) -> str:
    if bound is None:
        return _NONE
    limit = int(bound[0]) if float(bound[0]).is_integer() else bound[0]
    return f"{limit} (exclusive)" if bound[1] else str(limit)
