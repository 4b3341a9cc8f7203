"""The one reading of a schema's `type` that sample data, paging and bodies share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def schema_type(schema: Any) -> str | None:
    """`type`, with 3.1's `[T, "null"]` read as T (`["null"]` as "null"); None when
    the schema declares none or is not a schema object."""
    if not isinstance(schema, Mapping):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null" if kind else None)
    return kind if isinstance(kind, str) else None
