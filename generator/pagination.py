"""Cursor pagination: find the cursor parameter, the items and the next cursor.

Detection looks for what cursor APIs share: a query parameter such as `after`
or `page_token`, an array of items in the response, and a string field that
carries the next cursor (at the top or in a `pagination`/`meta` object).  Where
detection cannot work, `x-oagen-pagination` on the operation says it outright:

    x-oagen-pagination: {cursor-param: after, items: items, next-cursor: pagination.after}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.naming import words
from generator.schema_type import schema_type

EXTENSION = "x-oagen-pagination"
CURSOR_PARAMETERS = (
    "after",
    "cursor",
    "page_token",
    "next_token",
    "next_cursor",
    "next_page_token",
    "starting_after",
    "start_cursor",
    "page_cursor",
    "continuation_token",
)
#: Parameters that page backwards; the forward iterator leaves them out.
BACKWARD_PARAMETERS = (
    "before",
    "ending_before",
    "prev_cursor",
    "previous_cursor",
    "before_cursor",
)
ITEM_FIELDS = (
    "items",
    "data",
    "results",
    "entries",
    "records",
    "nodes",
    "values",
    "elements",
)
NEXT_FIELDS = (
    "next_cursor",
    "next_page_token",
    "next_token",
    "end_cursor",
    "next",
    "cursor",
)
CONTAINERS = (
    "pagination",
    "page_info",
    "paging",
    "meta",
    "cursor",
    "cursors",
    "links",
    "page",
)

Deref = Callable[[Any], Any]


@dataclass(frozen=True)
class PagingShape:
    """Wire names: the cursor parameter, and the paths to the items and the next cursor."""

    cursor_parameter: str
    backward_parameters: tuple[str, ...]
    items_path: tuple[str, ...]
    next_cursor_path: tuple[str, ...]


class PagingError(ValueError):
    """An `x-oagen-pagination` extension that does not fit the operation."""


def normal(name: str) -> str:
    """`pageToken`, `page-token` and `page_token` compare equal."""
    return "_".join(word.lower() for word in words(name))


def find_shape(
    operation: Mapping[str, Any],
    query_parameters: Sequence[str],
    response: Any,
    deref: Deref,
) -> PagingShape | None:
    """The paging shape from the extension, else by detection; None when not paginated."""
    backward = tuple(
        name for name in query_parameters if normal(name) in BACKWARD_PARAMETERS
    )
    explicit = operation.get(EXTENSION)
    if explicit is not None:
        return _from_extension(explicit, query_parameters, backward, response, deref)
    cursor = next(
        (name for name in query_parameters if normal(name) in CURSOR_PARAMETERS), None
    )
    schema = deref(response)
    if cursor is None or not isinstance(schema, Mapping):
        return None
    items = _items_field(schema, deref)
    next_cursor = _next_cursor_path(schema, normal(cursor), deref)
    if items is None or next_cursor is None:
        return None
    return PagingShape(cursor, backward, (items,), next_cursor)


def _from_extension(
    explicit: Any,
    query_parameters: Sequence[str],
    backward: tuple[str, ...],
    response: Any,
    deref: Deref,
) -> PagingShape:
    if not isinstance(explicit, Mapping):
        raise PagingError(
            f"{EXTENSION} must be a mapping with cursor-param, items and next-cursor"
        )
    cursor = str(explicit.get("cursor-param", ""))
    if cursor not in query_parameters:
        raise PagingError(
            f"{EXTENSION}: cursor-param {cursor!r} is not a query parameter of the operation"
        )
    paths = {}
    for key in ("items", "next-cursor"):
        path = tuple(part for part in str(explicit.get(key, "")).split(".") if part)
        if not path or _walk(response, path, deref) is None:
            raise PagingError(
                f"{EXTENSION}: {key} {explicit.get(key)!r} is not a field of the response"
            )
        paths[key] = path
    return PagingShape(
        cursor,
        tuple(b for b in backward if b != cursor),
        paths["items"],
        paths["next-cursor"],
    )


def _properties(schema: Any, deref: Deref) -> Mapping[str, Any]:
    schema = deref(schema)
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    return properties if isinstance(properties, Mapping) else {}


def _walk(schema: Any, path: Sequence[str], deref: Deref) -> Any:
    for part in path:
        properties = _properties(schema, deref)
        if part not in properties:
            return None
        schema = properties[part]
    return deref(schema)


def _items_field(schema: Mapping[str, Any], deref: Deref) -> str | None:
    arrays = [
        name
        for name, value in _properties(schema, deref).items()
        if _type(value, deref) == "array"
    ]
    named = [name for name in arrays if normal(name) in ITEM_FIELDS]
    return named[0] if named else arrays[0] if len(arrays) == 1 else None


def _next_cursor_path(
    schema: Mapping[str, Any], cursor: str, deref: Deref
) -> tuple[str, ...] | None:
    wanted = (cursor, *NEXT_FIELDS)
    top = _properties(schema, deref)
    for name in wanted:
        for field, value in top.items():
            if normal(field) == name and _type(value, deref) == "string":
                return (field,)
    for container, value in top.items():
        if normal(container) not in CONTAINERS:
            continue
        for name in wanted:
            for field, inner in _properties(value, deref).items():
                if normal(field) == name and _type(inner, deref) == "string":
                    return (container, field)
    return None


def _type(schema: Any, deref: Deref) -> str | None:
    return schema_type(deref(schema))
