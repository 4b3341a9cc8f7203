"""Sample response bodies for the mock server: the spec's examples, else data made from the schema.

Examples come first because they are what the API's authors meant a response
to look like.  They are not always valid against their own schema, so a body
made from the schema always follows as a fallback; the generated mock keeps
the first candidate that its response model accepts.
"""

from __future__ import annotations

import base64
import re
import re._parser as _regex_parser  # type: ignore[import-not-found]  # stdlib, untyped
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from generator.schema_type import schema_type

#: (schema, the file it sits in) -> (the schema with `$ref`s followed, the file
#: that holds it, a key for recursion guards or None).  Files are opaque here.
Deref = Callable[[Any, Any], tuple[Any, Any, str | None]]

_MAX_DEPTH = 6
_STRING_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00Z",
    "duration": "P1D",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "iri": "https://example.com/",
    "iri-reference": "https://example.com/",
    "url": "https://example.com/",
    "uri-template": "https://example.com/{id}",
    "byte": base64.b64encode(b"oagen").decode(),
    "binary": "oagen",
    "password": "secret",
    "json-pointer": "/a",
    "regex": "^a$",
    "decimal": "1.5",
    "int64": "1",
}


def candidates(media: Mapping[str, Any], file: Any, deref: Deref) -> list[Any]:
    """Bodies for one response media object, best first: examples, then the schema's."""
    found: list[Any] = []
    if "example" in media:
        found.append(media["example"])
    examples = media.get("examples")
    if isinstance(examples, Mapping):
        for example in examples.values():
            value, _, _ = deref(example, file)
            if isinstance(value, Mapping) and "value" in value:
                found.append(value["value"])
    schema = media.get("schema")
    if schema is not None:
        resolved, _, _ = deref(schema, file)
        if isinstance(resolved, Mapping):
            found.extend(_schema_examples(resolved))
        found.append(sample(schema, file, deref))
        found.append(sample(schema, file, deref, use_examples=False))
    return _distinct(found)


def sample(schema: Any, file: Any, deref: Deref, *, use_examples: bool = True) -> Any:
    """A value that the schema accepts, as far as keywords allow one to be built.

    Property examples make the most readable data; `use_examples=False` builds
    from types and constraints alone, for specs whose examples do not validate.
    """
    return _Sampler(deref, use_examples).value(schema, file, 0, frozenset())


def _schema_examples(schema: Mapping[str, Any]) -> Iterator[Any]:
    if "example" in schema:
        yield schema["example"]
    examples = schema.get("examples")
    if isinstance(examples, list):
        yield from examples


def _distinct(values: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


class _Sampler:
    def __init__(self, deref: Deref, use_examples: bool) -> None:
        self._deref = deref
        self._use_examples = use_examples

    def value(self, schema: Any, file: Any, depth: int, seen: frozenset[str]) -> Any:
        schema, file, key = self._deref(schema, file)
        if not isinstance(schema, Mapping):
            return {}
        if key is not None:
            if key in seen:
                return self._stop(schema, file)
            seen = seen | {key}
        if depth > _MAX_DEPTH:
            return self._stop(schema, file)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return schema["enum"][0]
        if self._use_examples:
            for example in _schema_examples(schema):
                return example
            if "default" in schema:
                return schema["default"]
        for keyword in ("oneOf", "anyOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list) and branches:
                return self._branch(schema, branches, file, depth, seen)
        if isinstance(schema.get("allOf"), list):
            return self._all_of(schema, file, depth, seen)
        kind = schema_type(schema)
        if kind == "object" or "properties" in schema:
            return self._object(schema, file, depth, seen)
        if kind == "array":
            return self._array(schema, file, depth, seen)
        if kind == "string":
            return _string(schema)
        if kind == "integer":
            return int(_number(schema, integer=True))
        if kind == "number":
            return _number(schema, integer=False)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return {}

    def _stop(self, schema: Mapping[str, Any], file: Any) -> Any:
        """Where recursion must end: the smallest value the schema still accepts."""
        if _nullable(schema):
            return None
        kind = schema_type(schema)
        if kind == "array":
            return []
        if kind == "object" or "properties" in schema:
            required = _required(schema)
            return {
                name: self._leaf(value, file)
                for name, value in _properties(schema).items()
                if name in required
            }
        return self.value(schema, file, 0, frozenset()) if kind else {}

    def _leaf(self, schema: Any, file: Any) -> Any:
        """A required field's value at the end of a recursion: scalars and enums as
        usual, objects as their own smallest values (nested only this once)."""
        resolved, at, _ = self._deref(schema, file)
        if not isinstance(resolved, Mapping):
            return {}
        if schema_type(resolved) in ("object", "array") or "properties" in resolved:
            return [] if schema_type(resolved) == "array" else {}
        return self.value(resolved, at, _MAX_DEPTH, frozenset())

    def _branch(
        self,
        schema: Mapping[str, Any],
        branches: list[Any],
        file: Any,
        depth: int,
        seen: frozenset[str],
    ) -> Any:
        discriminator = schema.get("discriminator")
        branch = branches[0]
        value = self.value(branch, file, depth + 1, seen)
        if isinstance(discriminator, Mapping) and isinstance(value, dict):
            name = discriminator.get("propertyName")
            mapping = discriminator.get("mapping")
            if isinstance(name, str) and isinstance(mapping, Mapping):
                ref = branch.get("$ref") if isinstance(branch, Mapping) else None
                for tag, target in mapping.items():
                    if target == ref:
                        value[name] = tag
                        break
        return value

    def _all_of(
        self, schema: Mapping[str, Any], file: Any, depth: int, seen: frozenset[str]
    ) -> Any:
        merged: dict[str, Any] = {}
        for member in schema["allOf"]:
            part = self.value(member, file, depth + 1, seen)
            if not isinstance(part, dict):
                return part
            merged.update(part)
        if "properties" in schema:
            merged.update(self._object(schema, file, depth, seen))
        return merged

    def _object(
        self, schema: Mapping[str, Any], file: Any, depth: int, seen: frozenset[str]
    ) -> dict[str, Any]:
        required = _required(schema)
        return {
            name: self.value(value, file, depth + 1, seen)
            for name, value in _properties(schema).items()
            if name in required or depth < _MAX_DEPTH - 2
            if not (isinstance(value, Mapping) and value.get("writeOnly") is True)
        }

    def _array(
        self, schema: Mapping[str, Any], file: Any, depth: int, seen: frozenset[str]
    ) -> list[Any]:
        maximum = schema.get("maxItems")
        if isinstance(maximum, int) and maximum < 1:
            return []
        minimum = schema.get("minItems")
        count = max(1, minimum if isinstance(minimum, int) else 1)
        item = self.value(schema.get("items") or {}, file, depth + 1, seen)
        if schema.get("uniqueItems") is True and count > 1:
            return [item]
        return [item] * count


def _nullable(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    return schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind)


def _properties(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = schema.get("properties")
    return properties if isinstance(properties, Mapping) else {}


def _required(schema: Mapping[str, Any]) -> set[str]:
    required = schema.get("required")
    return {str(name) for name in required} if isinstance(required, list) else set()


def _string(schema: Mapping[str, Any]) -> str:
    text = _STRING_FORMATS.get(str(schema.get("format")), "string")
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        text = regex_sample(pattern) or text
    minimum = schema.get("minLength")
    if isinstance(minimum, int) and len(text) < minimum:
        text = text + "x" * (minimum - len(text))
    maximum = schema.get("maxLength")
    if isinstance(maximum, int) and len(text) > maximum:
        text = text[:maximum]
    return text


def _number(schema: Mapping[str, Any], *, integer: bool) -> float:
    step = 1.0 if integer else 0.5
    low = schema.get("minimum")
    high = schema.get("maximum")
    value = 1.0
    if isinstance(low, (int, float)) and not isinstance(low, bool):
        value = max(value, float(low))
        if schema.get("exclusiveMinimum") is True:
            value = float(low) + step
    exclusive_low = schema.get("exclusiveMinimum")
    if isinstance(exclusive_low, (int, float)) and not isinstance(exclusive_low, bool):
        value = max(value, float(exclusive_low) + step)
    if isinstance(high, (int, float)) and not isinstance(high, bool):
        value = min(value, float(high))
    multiple = schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and multiple > 0:
        value = multiple * max(1, int(value // multiple))
    return float(int(value)) if integer else value


def regex_sample(pattern: str) -> str | None:
    """The shortest obvious string that `pattern` matches, or None.

    Covers what specs write (literals, classes, repeats, groups, alternatives);
    anything else gives None and the caller keeps its own text.
    """
    try:
        parsed = _regex_parser.parse(pattern)
        text = "".join(_regex_text(parsed))
    except (re.error, _Unsampleable, RecursionError, OverflowError):
        return None
    return text if re.search(pattern, text) else None


class _Unsampleable(Exception):
    pass


_CATEGORY_TEXT = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_WORD": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_NOT_WORD": "-",
    "CATEGORY_NOT_SPACE": "a",
}


def _regex_text(items: Any) -> Iterator[str]:
    for op, argument in items:
        name = str(op)
        if name == "LITERAL":
            yield chr(argument)
        elif name == "ANY":
            yield "a"
        elif name == "IN":
            yield _class_text(argument)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _, body = argument
            if low > 64:
                raise _Unsampleable
            yield "".join(_regex_text(body)) * low
        elif name == "SUBPATTERN":
            yield from _regex_text(argument[-1])
        elif name == "BRANCH":
            yield from _regex_text(argument[1][0])
        elif name == "CATEGORY":
            yield _CATEGORY_TEXT.get(str(argument), "a")
        elif name != "AT":
            raise _Unsampleable


def _class_text(members: Any) -> str:
    if members and str(members[0][0]) == "NEGATE":
        raise _Unsampleable
    for op, argument in members:
        name = str(op)
        if name == "LITERAL":
            return chr(argument)
        if name == "RANGE":
            return chr(argument[0])
        if name == "CATEGORY":
            return _CATEGORY_TEXT.get(str(argument), "a")
    raise _Unsampleable
