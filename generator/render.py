"""IR -> {relative path: source text}, through one Jinja environment.

The environment refuses to print a plain `str`: names arrive as `Identifier`
or `ClassName`, annotations as `Code`, and spec text must pass one of the
escaping filters below (`literal` for values, `docstring` for prose,
`comment` for header lines).  Templates mirror the output tree: the file
`templates/package/client.py.jinja` renders `<package>/client.py`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from generator.ir import Api
from generator.naming import Code

TEMPLATE_SUFFIX = ".jinja"
PACKAGE_TEMPLATES = "package"
_UNSAFE_PROSE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_ENCODING_COOKIE = re.compile(r"coding([:=])")


class UnsafeValueError(jinja2.TemplateError):
    """A template printed a value that did not pass an escaping filter."""


def literal(value: Any) -> Code:
    """A Python literal that evaluates to exactly `value` (the only path for spec values)."""
    if value is None or isinstance(value, bool):
        return Code(repr(value))
    if isinstance(value, int):
        return Code(
            int.__repr__(value)
        )  # the base repr: an IntEnum's own repr is not Python
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


def _finalize(value: Any) -> Any:
    if isinstance(value, Code) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        return value
    raise UnsafeValueError(
        f"template printed {type(value).__name__} {str(value)[:60]!r} without an escaping filter "
        "(use |literal, |docstring or |comment)"
    )


def environment(template_dirs: list[Path]) -> jinja2.Environment:
    """The one Jinja environment; earlier folders override later ones."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in template_dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters.update(literal=literal, docstring=docstring, comment=comment)
    return env


def render_package(api: Api, template_dirs: list[Path]) -> dict[str, str]:
    """Render every template under `package/` into `{path inside the package: text}`."""
    env = environment(template_dirs)
    names = sorted(
        name
        for name in env.list_templates()
        if name.startswith(f"{PACKAGE_TEMPLATES}/") and name.endswith(TEMPLATE_SUFFIX)
    )
    files = {}
    for name in names:
        relative = name[len(PACKAGE_TEMPLATES) + 1 : -len(TEMPLATE_SUFFIX)]
        files[relative] = env.get_template(name).render(api=api)
    return files
