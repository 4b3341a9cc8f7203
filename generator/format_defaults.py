"""String defaults of formatted schemas, as the typed values their fields hold.

datamodel-code-generator types `{type: string, format: date}` as `date`, but
prints a `default: '2020-01-02'` as the string: a type lie at run time (pydantic
does not validate defaults) that `mypy --strict` rejects.  This module decides,
at generation time, what such a default becomes:

* valid for its format (pydantic, with the type the field gets, accepts it): a
  constructor expression for the parsed value, e.g. `_datetime.date(2020, 1, 2)`,
  built from `literal`s only, so no spec text becomes code except as a literal;
* not valid (GitHub's `default: ''` for `format: uri`): left out, with OAG053.

The models name the standard modules (and pydantic) through private aliases
(`import datetime as _datetime`, see `MODEL_MODULES`): a field called `date` or
`datetime` would shadow a plain name inside its class body, and a field name
never starts with an underscore.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import ipaddress
import math
import pathlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from generator.escape import bytes_literal, literal
from generator.naming import Code

#: The module behind each printed name, and the alias the models import it under.
MODEL_MODULES: Final[Mapping[str, str]] = {
    "datetime": "_datetime",
    "decimal": "_decimal",
    "ipaddress": "_ipaddress",
    "pathlib": "_pathlib",
    "pydantic": "_pydantic",
    "uuid": "_uuid",
}
#: How the client names them: `import datetime`, `import uuid` (see lower._STRING_FORMATS).
CLIENT_MODULES: Final[Mapping[str, str]] = {"datetime": "datetime", "uuid": "uuid"}

#: String formats datamodel-code-generator (0.89, pydantic v2, OpenAPI) types as
#: something other than `str`, with that type's name: pydantic validates a default
#: with it.  `byte` (Base64Str), `hostname` (a pattern) and `email` (dropped by the
#: registry) stay strings and are not listed.
_TYPES: Final[Mapping[str, str]] = {
    "date": "date",
    "date-time": "AwareDatetime",
    "timestamp with time zone": "AwareDatetime",
    "date-time-local": "NaiveDatetime",
    "time": "time",
    "time-local": "time",
    "duration": "timedelta",
    "uuid": "UUID",
    "uuid1": "UUID1",
    "uuid2": "UUID",
    "uuid3": "UUID3",
    "uuid4": "UUID4",
    "uuid5": "UUID5",
    "uri": "AnyUrl",
    "ipv4": "IPv4Address",
    "ipv6": "IPv6Address",
    "ipv4-network": "IPv4Network",
    "ipv6-network": "IPv6Network",
    "decimal": "Decimal",
    "path": "Path",
    "password": "SecretStr",
    "binary": "bytes",
    "integer": "int",
    "unixtime": "int",
}


@dataclass(frozen=True)
class FormatDefault:
    """The `default` of a formatted string schema (or a list of them, for an array).

    `values` holds what pydantic parsed, or is None when the default is not valid
    for the format; `error` then says why.
    """

    format: str
    default: Any
    values: tuple[Any, ...] | None
    error: str | None

    @property
    def valid(self) -> bool:
        return self.values is not None

    def expression(self, modules: Mapping[str, str]) -> Code:
        """The typed value as Python source, naming modules as `modules` says."""
        if self.values is None:
            raise ValueError(f"{self.default!r} is not a valid {self.format}")
        items = [_expression(value, modules) for value in self.values]
        if isinstance(self.default, list):
            return Code("[" + ", ".join(items) + "]")
        return items[0]


def format_default(schema: Mapping[str, Any]) -> FormatDefault | None:
    """How the schema's `default` fits its format; None when the schema is not a
    formatted string with a string default (or an array of them with a list)."""
    if "default" not in schema:
        return None
    default = schema["default"]
    if _is_decimal_number(schema):
        if not _is_number(default):
            return None  # another type: the spec validator's business
        if not math.isfinite(default):
            return FormatDefault("decimal", default, None, "not a finite number")
        return FormatDefault("decimal", default, (_decimal(default),), None)
    kind = _string_format(schema)
    if kind is not None and isinstance(default, str):
        strings = [default]
    else:
        items = schema.get("items") if _types(schema) == {"array"} else None
        kind = _string_format(items) if isinstance(items, Mapping) else None
        if kind is None or not isinstance(default, list) or not default:
            return None
        if not all(isinstance(item, str) for item in default):
            return None  # another type: the spec validator's business
        strings = default
    parse = _adapter(_TYPES[kind])
    values = []
    for text in strings:
        try:
            values.append(parse(text))
        except ValueError as error:
            return FormatDefault(kind, default, None, _reason(error))
    return FormatDefault(kind, default, tuple(values), None)


def _is_decimal_number(schema: Mapping[str, Any]) -> bool:
    """`type: number, format: decimal` (or nullable): a `Decimal` field."""
    if any(key in schema for key in ("$ref", "enum", "const", "allOf")):
        return False
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            kept = [b for b in branches if not _is_null(b)]
            if len(kept) != 1 or not isinstance(kept[0], Mapping) or "type" in schema:
                return False
            return "default" not in kept[0] and _is_decimal_number(kept[0])
    return _types(schema) == {"number"} and schema.get("format") == "decimal"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _decimal(number: float) -> decimal.Decimal:
    """The number as the JSON text wrote it, as far as the parsed value tells: an
    int exactly, a float by its shortest round-tripping repr (`0.1`, not
    0.1000000000000000055511151231257827)."""
    if isinstance(number, int):
        return decimal.Decimal(number)
    return decimal.Decimal(float.__repr__(number))


def _string_format(schema: Mapping[str, Any]) -> str | None:
    """The format of a string schema that datamodel-code-generator types by it:
    `type: string` (or `[string, 'null']`, or an anyOf/oneOf of it and null)."""
    if any(key in schema for key in ("$ref", "enum", "const", "allOf")):
        return None
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            kept = [b for b in branches if not _is_null(b)]
            if len(kept) != 1 or not isinstance(kept[0], Mapping) or "type" in schema:
                return None
            if "default" in kept[0]:
                return None
            return _string_format(kept[0])
    kind = schema.get("format")
    if _types(schema) != {"string"} or not isinstance(kind, str):
        return None
    return kind if kind in _TYPES else None


def _types(schema: Mapping[str, Any]) -> set[str]:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k) for k in kinds if k != "null"}


def _is_null(schema: Any) -> bool:
    return isinstance(schema, Mapping) and schema.get("type") == "null"


def _reason(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        details = errors()
        if details:
            return str(details[0].get("msg", error))
    return str(error).splitlines()[0]


@functools.cache
def _adapter(type_name: str) -> Callable[[str], Any]:
    """pydantic's validator for the type datamodel-code-generator gives the field."""
    # Imported here: lowering a spec without such defaults does not pay for pydantic.
    import pydantic

    types: dict[str, Any] = {
        "date": datetime.date,
        "time": datetime.time,
        "timedelta": datetime.timedelta,
        "Decimal": decimal.Decimal,
        "Path": pathlib.Path,
        "UUID": uuid.UUID,
        "bytes": bytes,
        "int": int,
        **{name: getattr(ipaddress, name) for name in _IP_TYPES},
        **{name: getattr(pydantic, name) for name in _PYDANTIC_TYPES},
    }
    adapter = pydantic.TypeAdapter(types[type_name])
    return adapter.validate_python  # a ValidationError is a ValueError


_IP_TYPES: Final = ("IPv4Address", "IPv6Address", "IPv4Network", "IPv6Network")
_PYDANTIC_TYPES: Final = (
    "AwareDatetime",
    "NaiveDatetime",
    "UUID1",
    "UUID3",
    "UUID4",
    "UUID5",
    "AnyUrl",
    "SecretStr",
)


def _expression(value: Any, modules: Mapping[str, str]) -> Code:
    """A constructor call that evaluates to `value`; every argument is a `literal`."""
    import pydantic  # here for the same reason as in `_adapter`

    def named(module: str, name: str) -> str:
        return f"{modules[module]}.{name}"

    if isinstance(value, int):
        return literal(value)
    if isinstance(value, bytes):  # pydantic reads a string into bytes as UTF-8
        return bytes_literal(value)
    if isinstance(value, datetime.datetime):  # before date: a datetime is a date
        fields = [value.year, value.month, value.day]
        fields += [value.hour, value.minute, value.second]
        return _call(named("datetime", "datetime"), fields, value, modules)
    if isinstance(value, datetime.date):
        fields = [value.year, value.month, value.day]
        return Code(f"{named('datetime', 'date')}({_arguments(fields)})")
    if isinstance(value, datetime.time):
        fields = [value.hour, value.minute, value.second]
        return _call(named("datetime", "time"), fields, value, modules)
    if isinstance(value, datetime.timedelta):
        return _timedelta(value, modules)
    if isinstance(value, decimal.Decimal):
        return Code(f"{named('decimal', 'Decimal')}({literal(str(value))})")
    if isinstance(value, uuid.UUID):
        return Code(f"{named('uuid', 'UUID')}({literal(str(value))})")
    if isinstance(value, pathlib.PurePath):
        return Code(f"{named('pathlib', 'Path')}({literal(str(value))})")
    ip_types = tuple(getattr(ipaddress, name) for name in _IP_TYPES)
    if isinstance(value, ip_types):
        constructor = named("ipaddress", type(value).__name__)
        return Code(f"{constructor}({literal(str(value))})")
    if isinstance(value, pydantic.AnyUrl):
        return Code(f"{named('pydantic', 'AnyUrl')}({literal(str(value))})")
    if isinstance(value, pydantic.SecretStr):
        secret = literal(value.get_secret_value())
        return Code(f"{named('pydantic', 'SecretStr')}({secret})")
    raise TypeError(f"no constructor for a {type(value).__name__}")


def _call(
    constructor: str,
    fields: list[int],
    value: datetime.datetime | datetime.time,
    modules: Mapping[str, str],
) -> Code:
    """`datetime(...)` or `time(...)`: microseconds when there are, then the zone."""
    if value.microsecond:
        fields = [*fields, value.microsecond]
    arguments = _arguments(fields)
    offset = value.utcoffset()
    if offset is not None:
        module = modules["datetime"]
        tz = (
            f"{module}.UTC"
            if not offset
            else f"{module}.timezone({_timedelta(offset, modules)})"
        )
        arguments += f", tzinfo={tz}"
    return Code(f"{constructor}({arguments})")


def _timedelta(value: datetime.timedelta, modules: Mapping[str, str]) -> Code:
    """`timedelta(days=..., seconds=..., microseconds=...)`, the parts that are not 0;
    a negative one with every part negative (`seconds=-1`, not `days=-1, seconds=86399`).
    """
    sign = -1 if value < datetime.timedelta(0) else 1
    size = abs(value)
    parts = [
        f"{name}={literal(sign * amount)}"
        for name, amount in (
            ("days", size.days),
            ("seconds", size.seconds),
            ("microseconds", size.microseconds),
        )
        if amount
    ]
    return Code(f"{modules['datetime']}.timedelta({', '.join(parts) or '0'})")


def _arguments(fields: list[int]) -> str:
    return ", ".join(literal(field) for field in fields)


#: Starts the string that stands in for a typed default in the schemas handed to
#: datamodel-code-generator; our model templates print the expression instead
#: (`typed_defaults`), and `datamodels` refuses output where one is left.
MARKER: Final = "\x00oagen-typed-default\x00"


def marker(expression: Code) -> str:
    """The stand-in for `expression`: the same for the same value, so schemas that
    were equal stay equal (datamodel-code-generator shares their classes)."""
    return MARKER + expression
