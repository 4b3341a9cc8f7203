"""Which optional model fields the spec forbids to be null.

Pydantic types an optional property as `X | None = None` whether or not the
spec allows `null`, so the type cannot tell "absent" from "null".  The models
learn the difference from this module: the listed fields are left out of the
JSON while they are None instead of being sent as `null`, which a strict
reader of the spec would reject.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_LOCAL_MODEL = "#/components/schemas/"


def omitted_when_none(model_schemas: Mapping[str, Any]) -> dict[str, list[str]]:
    """`{class name: wire names}` of the optional properties that may not be null."""
    admits = _NullAdmission(model_schemas)
    found: dict[str, list[str]] = {}
    for class_name, schema in model_schemas.items():
        properties, required = _object_shape(schema, model_schemas, set())
        names = sorted(
            wire
            for wire, subschema in properties.items()
            if wire not in required and not admits(subschema)
        )
        if names:
            found[class_name] = names
    return found


def _object_shape(
    schema: Any, models: Mapping[str, Any], seen: set[str]
) -> tuple[dict[str, Any], set[str]]:
    """Properties and required names, merged over `allOf` (a subclass inherits them)."""
    if not isinstance(schema, Mapping):
        return {}, set()
    target = _local_target(schema)
    if target is not None:
        if target in seen or target not in models:
            return {}, set()
        return _object_shape(models[target], models, seen | {target})
    properties: dict[str, Any] = {}
    required: set[str] = set()
    for member in schema.get("allOf") or ():
        more, needed = _object_shape(member, models, seen)
        properties.update(more)
        required |= needed
    own = schema.get("properties")
    if isinstance(own, Mapping):
        properties.update({str(k): v for k, v in own.items()})
    names = schema.get("required")
    if isinstance(names, list):
        required |= {str(name) for name in names}
    return properties, required


def _local_target(schema: Mapping[str, Any]) -> str | None:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_LOCAL_MODEL):
        return ref[len(_LOCAL_MODEL) :]
    return None


class _NullAdmission:
    """Whether a schema accepts `null`, erring towards yes (then None is kept)."""

    def __init__(self, models: Mapping[str, Any]) -> None:
        self._models = models
        self._by_model: dict[str, bool] = {}

    def __call__(self, schema: Any) -> bool:
        if not isinstance(schema, Mapping):
            return schema is not False
        target = _local_target(schema)
        if target is not None:
            return self._model(target) or schema.get("nullable") is True
        if "$ref" in schema:
            return True  # not a model oagen resolved: keep whatever it sends
        return self._local(schema)

    def _model(self, name: str) -> bool:
        if name not in self._by_model:
            self._by_model[name] = False  # a cycle through itself adds no null
            target = self._models.get(name)
            self._by_model[name] = target is None or self(target)
        return self._by_model[name]

    def _local(self, schema: Mapping[str, Any]) -> bool:
        if schema.get("nullable") is True:
            return True
        kind = schema.get("type")
        if kind == "null" or (isinstance(kind, list) and "null" in kind):
            return True
        if "const" in schema:
            return schema["const"] is None
        if isinstance(schema.get("enum"), list):
            return None in schema["enum"]
        for keyword in ("anyOf", "oneOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list) and branches:
                return any(self(branch) for branch in branches)
        members = schema.get("allOf")
        if isinstance(members, list) and members:
            return all(self(member) for member in members)
        return kind is None  # no type at all: JSON Schema accepts null
