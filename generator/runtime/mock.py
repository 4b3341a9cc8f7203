"""Answers for the generated mock server: the spec's examples, paged like the real API.

Each operation carries candidate bodies (JSON text, the spec's examples first,
then data made from the schema; for a `bytes` response, base64 in a JSON string).  The first one the response type accepts is
kept, so a spec whose examples drifted from its schema still mocks.  A list
operation serves a collection made from the example's items and honours the
page size and the cursors, so client code that follows cursors can be built
against the mock before the backend exists.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pydantic

from .serialization import type_adapter

__all__ = ["MockDataError", "MockPaging", "MockResponse"]

#: Items in a mocked collection when the caller does not choose.
DEFAULT_COLLECTION_SIZE = 25
DEFAULT_PAGE_SIZE = 10
_CURSOR_PREFIX = "mock-offset:"


class MockDataError(RuntimeError):
    """No candidate body matches the response type: the spec's data and schema disagree."""


@dataclass(frozen=True)
class MockPaging:
    """Where a list response keeps its items and cursors (wire names)."""

    items_path: Sequence[str]
    next_cursor_path: Sequence[str]
    item_type: Any
    previous_cursor_path: Sequence[str] | None = None
    total_path: Sequence[str] | None = None


class MockResponse:
    """One operation's mock answer, chosen on first use and reused after."""

    def __init__(
        self,
        operation_id: str,
        response_type: Any,
        candidates: Sequence[str],
        paging: MockPaging | None = None,
        collection_size: int = DEFAULT_COLLECTION_SIZE,
    ) -> None:
        self._operation_id = operation_id
        self._response_type = response_type
        self._candidates = candidates
        self._paging = paging
        self._collection_size = collection_size
        self._chosen: tuple[Any, Any] | None = None
        self._collection: list[Any] | None = None

    def answer(
        self,
        *,
        cursor: str | None = None,
        backward: str | None = None,
        limit: int | None = None,
    ) -> Any:
        """The response value; for a list operation, the page the arguments select."""
        value, data = self._choose()
        if self._paging is None:
            return value
        return self._page(self._paging, data, cursor, backward, limit)

    @property
    def _adapter(self) -> pydantic.TypeAdapter[Any]:
        # Built on first use: a large API's mock module then imports quickly.
        return type_adapter(self._response_type)

    def _choose(self) -> tuple[Any, Any]:
        if self._chosen is None:
            problems = []
            for text in self._candidates:
                data = json.loads(text)
                if self._response_type is bytes and isinstance(data, str):
                    data = base64.b64decode(data)  # binary answers travel as base64
                try:
                    self._chosen = (self._adapter.validate_python(data), data)
                    break
                except pydantic.ValidationError as error:
                    problems.append(f"{error.error_count()} error(s)")
            else:
                raise MockDataError(
                    f"no example or generated body of {self._operation_id!r} matches "
                    f"its response schema ({', '.join(problems) or 'no candidates'})"
                )
        return self._chosen

    def _page(
        self,
        paging: MockPaging,
        data: Any,
        cursor: str | None,
        backward: str | None,
        limit: int | None,
    ) -> Any:
        items = self._items(paging, data)
        size = max(1, limit if limit is not None else DEFAULT_PAGE_SIZE)
        if cursor is not None:
            start = _offset(cursor, len(items))
            end = start + size
        elif backward is not None:
            end = _offset(backward, len(items))
            start = max(0, end - size)
        else:
            start, end = 0, size
        end = min(end, len(items))
        page = dict(data) if isinstance(data, dict) else data
        _put(page, paging.items_path, items[start:end])
        _put(page, paging.next_cursor_path, _cursor(end) if end < len(items) else None)
        if paging.previous_cursor_path is not None:
            _put(page, paging.previous_cursor_path, _cursor(start) if start else None)
        if paging.total_path is not None:
            _put(page, paging.total_path, len(items))
        try:
            return self._adapter.validate_python(page)
        except pydantic.ValidationError:
            # A cursor field that may not be absent: an empty string ends the paging.
            _put(
                page, paging.next_cursor_path, _cursor(end) if end < len(items) else ""
            )
            if paging.previous_cursor_path is not None:
                _put(page, paging.previous_cursor_path, _cursor(start) if start else "")
            return self._adapter.validate_python(page)

    def _items(self, paging: MockPaging, data: Any) -> list[Any]:
        """The example's items repeated to the collection size, validated once."""
        if self._collection is None:
            found = _get(data, paging.items_path)
            seeds = found if isinstance(found, list) else []
            raw = [
                seeds[index % len(seeds)]
                for index in range(self._collection_size if seeds else 0)
            ]
            items_type = list.__class_getitem__(paging.item_type)  # list[item_type]
            self._collection = type_adapter(items_type).validate_python(raw)
        return self._collection


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def _offset(cursor: str, count: int) -> int:
    """The offset a cursor of ours names; a cursor we did not hand out starts over."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return 0
    if not text.startswith(_CURSOR_PREFIX):
        return 0
    digits = text[len(_CURSOR_PREFIX) :]
    return min(int(digits), count) if digits.isdigit() and len(digits) < 19 else 0


def _get(data: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _put(data: Any, path: Sequence[str], value: Any) -> None:
    """Set the field at `path`, creating containers; None removes the field.

    Containers on the way are copied first: the chosen example is shared by
    every page, and copying only this path is much cheaper than a deep copy.
    """
    for key in path[:-1]:
        if not isinstance(data, dict):
            return
        child = data.get(key)
        data[key] = dict(child) if isinstance(child, dict) else {}
        data = data[key]
    if not isinstance(data, dict):
        return
    if value is None:
        data.pop(path[-1], None)
    else:
        data[path[-1]] = value
