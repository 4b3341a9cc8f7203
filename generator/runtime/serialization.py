"""JSON encoding shared by the client (request bodies) and the server.

Models are dumped by wire alias with only the fields that were set, so an
optional, non-nullable property left out is omitted rather than sent as
``null``. Containers are walked so models inside lists get the same rule,
which ``pydantic_core.to_jsonable_python`` alone would not apply.
"""

from __future__ import annotations

import functools
from typing import Any

import pydantic
import pydantic_core

__all__ = ["to_jsonable", "type_adapter"]


def to_jsonable(value: object) -> Any:
    """Convert ``value`` to plain JSON-compatible Python data."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {
            key if isinstance(key, str) else _jsonable_key(key): to_jsonable(item)
            for key, item in value.items()
        }
    return pydantic_core.to_jsonable_python(value, by_alias=True)


def _jsonable_key(key: object) -> str:
    encoded = pydantic_core.to_jsonable_python(key, by_alias=True)
    return encoded if isinstance(encoded, str) else str(encoded)


@functools.lru_cache(maxsize=512)
def _cached_adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(tp)


def type_adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    """A ``TypeAdapter`` for ``tp``, cached: building one costs far more than using it."""
    try:
        hash(tp)
    except TypeError:
        return pydantic.TypeAdapter(tp)
    return _cached_adapter(tp)
