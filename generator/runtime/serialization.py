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

__all__ = ["omit_if_none", "to_jsonable", "type_adapter"]


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


def omit_if_none(wire_names: list[str]) -> Any:
    """A model serializer that leaves out these optional fields while they are None.

    The spec does not allow them to be null, so a field explicitly set to None
    must be absent on the wire, not ``null``. Nullable fields are not listed and
    keep an explicit None.  Assign the result to a class attribute of the model.
    """
    wire = frozenset(wire_names)
    keys_by_class: dict[type[pydantic.BaseModel], tuple[frozenset[str], ...]] = {}

    def keys(cls: type[pydantic.BaseModel]) -> tuple[frozenset[str], ...]:
        found = keys_by_class.get(cls)
        if found is None:
            names = {
                name: field.alias or name
                for name, field in cls.model_fields.items()
                if (field.alias or name) in wire
            }
            found = (frozenset(names), frozenset(names.values()))
            keys_by_class[cls] = found
        return found

    def serialize(
        self: pydantic.BaseModel,
        handler: pydantic.SerializerFunctionWrapHandler,
        info: pydantic.SerializationInfo,
    ) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            by_name, by_alias = keys(type(self))
            for key in by_alias if info.by_alias else by_name:
                if key in data and data[key] is None:
                    del data[key]
        return data

    # pydantic takes a return annotation as the serialized JSON schema; without
    # one, the model's own schema stands (FastAPI's /openapi.json shows it).
    del serialize.__annotations__["return"]
    return pydantic.model_serializer(mode="wrap")(serialize)
