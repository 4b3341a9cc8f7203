"""Names that are safe to print into Python source.

A spec string never reaches a template as a name: it goes through one of the
constructors here, which clean it, case it and refuse anything that is not a
plain ASCII identifier.  `Code` marks text that lowering assembled from such
names (type annotations, for example); the renderer refuses to print any other
`str`, so an unescaped spec string cannot slip into generated code.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Final, Self

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z]+[0-9]*")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SIGN = re.compile(r"\A[+-](?=[0-9])")
_SIGNS = {"+": "plus ", "-": "minus "}
_CHOSEN = re.compile(r"[a-z][a-z0-9_]*\Z")
_CHOSEN_CLASS = re.compile(r"[A-Z][A-Za-z0-9]*\Z")
_CHOSEN_MEMBER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

#: The extension a spec author sets to choose a Python name: on a parameter or a
#: property schema (snake_case), an operation (its method, snake_case) or a schema
#: that becomes a model (its class, PascalCase).
NAME_OVERRIDE: Final = "x-oagen-name"
#: The extension that names an enum's members, one per value, in order.
ENUM_NAMES: Final = "x-enum-varnames"

#: Names a generated module or class body must not shadow.
RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {"self", "cls"}
#: Attribute names pydantic's BaseModel already uses.
PYDANTIC_RESERVED = frozenset(
    name for name in dir(object) if not name.startswith("__")
) | {
    "model_config",
    "model_fields",
    "model_computed_fields",
    "model_extra",
    "model_fields_set",
    "model_construct",
    "model_copy",
    "model_dump",
    "model_dump_json",
    "model_json_schema",
    "model_parametrized_name",
    "model_post_init",
    "model_rebuild",
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "copy",
    "dict",
    "json",
    "schema",
    "schema_json",
    "construct",
    "validate",
    "fields",
}
#: Module-level names the templates bind themselves (imports, functions, constants,
#: classes) and local names their functions use.  No spec name may take one of them.
TEMPLATE_NAMES = frozenset(
    {
        # client.py
        "enum", "os", "httpx", "typing", "datetime", "uuid", "decimal", "Mapping",
        "TracebackType", "Self", "BasicAuth", "BearerAuth", "HeaderAuth", "QueryAuth",
        "CookieAuth", "OAuth2ClientCredentials", "combine_auth", "DEFAULT_TIMEOUT",
        "NOT_GIVEN", "NotGiven", "AsyncTransport", "SyncTransport", "AsyncPager",
        "SyncPager", "async_with_raw_response", "with_raw_response", "render_server_url",
        "USER_AGENT", "Environment", "Client", "AsyncClient", "template", "defaults",
        "choices", "_models", "TYPE_CHECKING", "FileTypes", "FormBody", "MultipartBody",
        "RawBody", "functools", "importlib",
        # server/app.py, server/routes/ and server/interfaces/
        "Annotated", "APIRouter", "Body", "Cookie", "FastAPI", "Header", "Path", "Query",
        "Response", "runtime_server", "create_app", "Awaitable", "Protocol", "app",
        "implementation", "router", "_operations", "validate_responses", "fastapi",
        "add_routes", "error_bodies", "_ERROR_BODIES", "pydantic",
        # server/mock/
        "runtime_mock", "create_mock_app", "_answers",
    }
)  # fmt: skip
#: Names the generated methods and route builders use for themselves; builtins that
#: annotations name, which a method of the same name would shadow inside its class.
METHOD_RESERVED = (
    RESERVED
    | TEMPLATE_NAMES
    | {
        "extra_headers",
        "extra_query",
        "timeout",
        "max_retries",
        "with_raw_response",
        "fetch",
        "cursor",
        "page",
        "implementation",
        "router",
        "app",
        "typing",
        "datetime",
        "uuid",
        "httpx",
        "list",
        "dict",
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "type",
    }
)
#: What datamodel-code-generator's models module may import.
_MODEL_IMPORTS = frozenset(
    {
        "BaseModel", "ConfigDict", "Field", "RootModel", "Enum", "StrEnum", "IntEnum",
        "Any", "Literal", "Optional", "Union", "AnyUrl", "AwareDatetime", "NaiveDatetime",
        "EmailStr", "UUID", "Decimal", "SecretStr", "Base64Str", "IPvAnyAddress",
        "Json", "PastDate", "FutureDate", "HttpUrl",
    }
)  # fmt: skip
#: Field names a pydantic model must not use (its own attributes) or that shadow keywords.
FIELD_RESERVED = RESERVED | PYDANTIC_RESERVED
#: Class names that would shadow what generated modules import or use.
CLASS_RESERVED = frozenset(dir(builtins)) | TEMPLATE_NAMES | _MODEL_IMPORTS


class Code(str):
    """Text that is trusted to be printed as Python source.

    Only this module and the escaping filters create it; the renderer refuses
    to print a plain `str`.
    """

    __slots__ = ()


class Identifier(Code):
    """A snake_case Python identifier (function, parameter, attribute or module)."""

    __slots__ = ()

    def __new__(cls, value: str) -> Self:
        if not _IDENTIFIER.match(value) or keyword.iskeyword(value):
            raise ValueError(f"not a safe identifier: {value!r}")
        return super().__new__(cls, value)


class ClassName(Code):
    """A PascalCase Python class name."""

    __slots__ = ()

    def __new__(cls, value: str) -> Self:
        if (
            not _IDENTIFIER.match(value)
            or not value[0].isupper()
            or keyword.iskeyword(value)
        ):
            raise ValueError(f"not a safe class name: {value!r}")
        return super().__new__(cls, value)


def words(text: str) -> list[str]:
    """Split any spec string into ASCII words: camelCase, kebab, spaces, accents.
    The sign of a leading number is spelled out, so that `+1` and `-1` (GitHub's
    reactions, enums of signed numbers) stay apart: `plus_1`, `minus_1`."""
    text = _SIGN.sub(lambda sign: _SIGNS[sign.group()], text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _WORD.findall(ascii_text)


def snake(
    text: str, *, fallback: str = "value", reserved: Iterable[str] = RESERVED
) -> Identifier:
    """`getSeatEvents` -> `get_seat_events`; keywords get a trailing underscore."""
    name = "_".join(word.lower() for word in words(text)) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if name in reserved or keyword.iskeyword(name):
        name += "_"
    return Identifier(name)


def optional(annotation: Code) -> Code:
    """`annotation | None`, once: a nullable schema's annotation already ends so."""
    return annotation if annotation.endswith("| None") else Code(f"{annotation} | None")


#: Module names come from spec text (tags, schema names); a file name has at most
#: 255 bytes, so they are cut well below that (names are ASCII: one byte each).
MAX_MODULE_NAME = 100


def module_name(name: Identifier) -> Identifier:
    """`name` as a module's file name: at most `MAX_MODULE_NAME` characters.

    A cut name may collide with another; callers claim it from a `Namespace`,
    which suffixes `_2`, `_3`...
    """
    if len(name) <= MAX_MODULE_NAME:
        return name
    return Identifier(name[:MAX_MODULE_NAME].rstrip("_") or "module")


def chosen_name(value: object, reserved: Iterable[str]) -> Identifier | None:
    """An `x-oagen-name` value as a Python name; None unless it is a lower-case
    identifier outside ``reserved`` (a leading underscore would make a pydantic
    field private)."""
    if (
        not isinstance(value, str)
        or not _CHOSEN.match(value)
        or keyword.iskeyword(value)
        or value in reserved
    ):
        return None
    return Identifier(value)


def chosen_class_name(value: object, reserved: Iterable[str]) -> ClassName | None:
    """An `x-oagen-name` on a schema as a class name; None unless it is a PascalCase
    identifier outside ``reserved``."""
    if (
        not isinstance(value, str)
        or not _CHOSEN_CLASS.match(value)
        or keyword.iskeyword(value)
        or value in reserved
    ):
        return None
    return ClassName(value)


def chosen_members(values: object, enum: object) -> list[Identifier] | None:
    """An `x-enum-varnames` list as member names: one identifier per enum value,
    no keyword, none starting with an underscore (Enum keeps those); else None."""
    if (
        not isinstance(values, list)
        or not isinstance(enum, list)
        or len(values) != len(enum)
        or not all(
            isinstance(v, str) and _CHOSEN_MEMBER.match(v) and not keyword.iskeyword(v)
            for v in values
        )
    ):
        return None
    return [Identifier(value) for value in values]


def wire_identifier(
    wire: str,
    entry: Mapping[str, Any],
    *,
    scope: Iterable[str],
    reserved: Iterable[str] = RESERVED,
) -> Identifier:
    """The Python name of a parameter or property: its `x-oagen-name` when usable
    (not one of the names ``scope`` keeps for itself), else ``snake(wire)`` with
    ``reserved`` (validation reports an unusable override, so lowering never sees one).
    """
    chosen = chosen_name(entry.get(NAME_OVERRIDE), scope)
    return chosen or snake(wire, reserved=reserved)


def pascal(
    text: str, *, fallback: str = "Model", reserved: Iterable[str] = CLASS_RESERVED
) -> ClassName:
    """`seat-event list` -> `SeatEventList`; never empty, never a builtin."""
    name = "".join(_capitalise(word) for word in words(text)) or fallback
    if name[0].isdigit():
        name = f"{fallback}{name}"
    if name in reserved:
        name += "Model"
    return ClassName(name)


def constant(text: str, *, fallback: str = "VALUE") -> Identifier:
    """`2024-07-30` -> `V2024_07_30`; `Sandbox env` -> `SANDBOX_ENV` (enum members)."""
    name = "_".join(word.upper() for word in words(text)) or fallback
    if name[0].isdigit():
        name = f"{fallback[0]}{name}"
    if keyword.iskeyword(name):
        name += "_"
    return Identifier(name)


def _capitalise(word: str) -> str:
    """`HTTP` -> `Http`, `seat` -> `Seat`: one capital per word reads best."""
    return word.capitalize() if word.isupper() else word[:1].upper() + word[1:]


class Namespace:
    """Hands out distinct names in one scope, suffixing `_2`, `_3`... on collision.

    Deterministic as long as callers ask in a deterministic order.
    """

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = set(taken)

    def _claim(self, name: str, separator: str) -> str:
        candidate, counter = name, 2
        while candidate in self._taken:
            candidate = f"{name}{separator}{counter}"
            counter += 1
        self._taken.add(candidate)
        return candidate

    def identifier(self, name: Identifier) -> Identifier:
        """`limit` twice -> `limit`, then `limit_2`."""
        return Identifier(self._claim(name, "" if name.endswith("_") else "_"))

    def class_name(self, name: ClassName) -> ClassName:
        """`Pet` twice -> `Pet`, then `Pet2`."""
        return ClassName(self._claim(name, ""))

    def __contains__(self, name: object) -> bool:
        return name in self._taken


def import_order(name: str) -> tuple[int, list[tuple[int, int | str]], str]:
    """Sort key for imported names, as ruff's isort orders them.

    CONSTANTS first (two or more characters, none lower case), then Classes, then
    the rest; digits compare as numbers (`S2` before `S10`), case is ignored first.
    """
    return _name_kind(name), _natural(name.lower()), name


def export_order(name: str) -> tuple[int, list[tuple[int, int | str]]]:
    """Sort key for `__all__`, as ruff's RUF022 orders it: like `import_order`, but
    case-sensitive (`AgentTasks` before `Agents`)."""
    return _name_kind(name), _natural(name)


def _name_kind(name: str) -> int:
    if len(name) > 1 and not any(c.islower() for c in name):
        return 0
    return 1 if name[:1].isupper() else 2


def _natural(text: str) -> list[tuple[int, int | str]]:
    return [
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"(\d+)", text)
        if part
    ]
