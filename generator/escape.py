"""The one escaping path from spec text to Python source.

`literal` turns a value into a Python literal that evaluates to exactly that
value (`bytes_literal` a bytes value); `docstring` makes prose safe inside triple
quotes; `comment` makes text safe on a `#` line.  Templates reach them as filters,
lowering calls them when it assembles code such as a credential expression.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import jinja2

from generator.naming import Code

_UNSAFE_PROSE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_ENCODING_COOKIE = re.compile(r"coding([:=])")


class UnsafeValueError(jinja2.TemplateError):
    """A template printed a value that did not pass an escaping filter."""


def literal(value: Any) -> Code:
    """A Python literal that evaluates to exactly `value` (the only path for spec values)."""
    if value is None or isinstance(value, bool):
        return Code(repr(value))
    if isinstance(value, int):
        # The base class's repr: an IntEnum's own repr is not Python.
        return Code(int.__repr__(value))
    if isinstance(value, str):
        return Code(str.__repr__(value))
    if isinstance(value, float):
        if math.isfinite(value):
            return Code(float.__repr__(value))
        return Code(f"float({float.__repr__(value)!r})")
    if isinstance(value, (list, tuple)):
        return Code("[" + ", ".join(literal(item) for item in value) + "]")
    if isinstance(value, Mapping):
        return Code(
            "{"
            + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items())
            + "}"
        )
    raise UnsafeValueError(f"cannot print a {type(value).__name__} as a literal")


def bytes_literal(value: bytes) -> Code:
    """A bytes literal that evaluates to exactly `value` (`literal` prints no bytes:
    spec values are JSON; this is for a `format: binary` default, read as UTF-8)."""
    if not isinstance(value, bytes):
        raise UnsafeValueError(f"not bytes: a {type(value).__name__}")
    return Code(bytes.__repr__(value))


def docstring(text: str | None, indent: int = 0) -> Code:
    """Prose made safe inside a triple-quoted docstring, indented to `indent` spaces."""
    if not text:
        return Code("")
    cleaned = _UNSAFE_PROSE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    cleaned = cleaned.replace("\\", "\\\\").rstrip()
    if cleaned.endswith('"'):
        cleaned = (
            cleaned[:-1] + '\\"'
        )  # a quote right before the closing quotes would end early
    cleaned = cleaned.replace('"""', '\\"\\"\\"')
    pad = " " * indent
    lines = [line.rstrip() for line in cleaned.split("\n")]
    body = [lines[0]] + [pad + line if line else "" for line in lines[1:]]
    if len(lines) > 1:
        body.append(
            pad
        )  # PEP 257: closing quotes of a multi-line docstring on their own line
    return Code("\n".join(body))


def comment(text: str) -> Code:
    """Text made safe for one `#` comment line.

    `coding:` is broken up so that text on a file's first lines can never become
    a PEP 263 encoding declaration.
    """
    flat = _UNSAFE_PROSE.sub(" ", text.replace("\r", " ").replace("\n", " "))
    return Code(_ENCODING_COOKIE.sub(r"coding \1", flat))
