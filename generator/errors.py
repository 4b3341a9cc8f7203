"""Diagnostics: errors and warnings as values that know their place.

Every stage reports problems as :class:`Diagnostic` values.  A diagnostic has a
stable code (listed in :data:`CODES`), a one-line message, a hint saying how to fix
it (required: a problem without a way out is not reported well) and a
:class:`Location` (display path, 1-based line and column, and a JSON pointer inside
that file).  A stage that cannot go on raises :class:`DiagnosticError`, which carries
every diagnostic collected so far; nothing else should escape to the user.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any, Final, Literal

__all__ = [
    "CODES",
    "Diagnostic",
    "DiagnosticError",
    "Level",
    "Location",
    "display_path",
    "has_errors",
]

Level = Literal["error", "warning"]

#: The table of diagnostic codes.  Codes are stable: a code is never reused for a
#: different problem.  ``OAG0xx`` come from loading and validating the spec.
CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        # reading the file
        "OAG001": "spec file not found, not a regular file, or unreadable",
        "OAG002": "YAML/JSON syntax error (or text that is not UTF-8)",
        "OAG003": "not an OpenAPI 3.0/3.1 document (top level not a mapping, "
        "`openapi` field missing or of another version)",
        "OAG004": "duplicate mapping key; the last one wins (warning)",
        "OAG005": "spec file larger than the size limit (64 MiB)",
        "OAG006": "YAML aliases expand to a document that is too large or contains itself",
        # schema
        "OAG010": "schema violation reported by openapi-spec-validator",
        "OAG011": "openapi-spec-validator could not finish checking the document",
        "OAG012": "JSON Schema dialect oagen does not read (`jsonSchemaDialect` or a "
        "schema's `$schema`; it reads OpenAPI 3.1's, 2020-12, 2019-09, draft-07, -06, -04)",
        # references
        "OAG020": "unresolved $ref (missing file, missing target or unsupported fragment)",
        "OAG021": "$ref leaves the spec's folder (also through a symlink)",
        "OAG022": "remote, absolute or file:// $ref refused (remote https:// ones are "
        "fetched with --allow-remote-refs; a fetched document may not refer to local files)",
        "OAG023": "$ref cycle made only of references",
        # semantics the validator lacks
        "OAG030": "duplicate operationId",
        "OAG031": "path parameter in the path template but not declared",
        "OAG032": "declared path parameter not in the path template",
        "OAG033": "path parameter not `required: true`",
        "OAG034": "malformed path template (unbalanced or empty braces)",
        "OAG035": "response key that is not a status code, a range like 4XX, or default",
        "OAG036": "parameter declared twice in one list (same name and location; "
        "header names compared case-insensitively)",
        "OAG037": "`pattern` that is not a valid regular expression",
        "OAG038": "enum value that is not of the schema's declared type",
        "OAG039": "unknown `format`; the value is treated as its plain type (warning)",
        # generation
        "OAG040": "the configured default server is not one of the spec's servers",
        "OAG041": "[tool.oagen.env] names an argument the client does not have",
        "OAG042": "two operations, parameters, properties, classes or enum members "
        "that would get the same Python name",
        "OAG043": "`x-oagen-name` or `x-enum-varnames` that is not a usable Python name",
        "OAG050": "operation skipped: it uses something oagen cannot generate yet (warning)",
        "OAG051": "security scheme the generated client cannot apply (warning)",
        "OAG052": "x-oagen-pagination does not fit the operation (warning)",
        "OAG053": "a default its `format` rejects (e.g. `''` for a uri): left out of the "
        "generated model or client default (warning)",
        "OAG060": "datamodel-code-generator could not render the models",
        # overlays
        "OAG070": "malformed overlay document (version, info, actions, an action's "
        "fields, an unknown field)",
        "OAG071": "overlay target that is not an RFC 9535 JSONPath query",
        "OAG072": "overlay action that cannot apply: it selects a primitive or null, "
        "removes the whole document, or its update does not merge with the node",
        "OAG073": "overlay target that selects nothing (warning)",
        "OAG074": "overlays make the document too large (or too deeply nested) to process",
        # remote references (--allow-remote-refs)
        "OAG080": "remote $ref document could not be fetched (DNS, connection, TLS, "
        "timeout, HTTP status, or a redirect to a URL that is refused)",
        "OAG081": "remote $ref document larger than the size limit (10 MiB)",
        # configuration
        "OAG101": "invalid [tool.oagen] configuration or missing spec setting",
        "OAG102": "a template override failed to render (Jinja error, or a plain "
        "string printed without an escaping filter)",
    }
)


def display_path(path: str | os.PathLike[str]) -> str:
    """How a file is shown to the user: relative to the working directory when it
    lies under it, else as given; always with POSIX separators."""
    given = PurePath(path)
    try:
        absolute = Path(os.path.abspath(path))
        cwd = Path.cwd()
    except OSError:  # the working directory may have been removed
        return given.as_posix()
    if absolute.is_relative_to(cwd):
        return absolute.relative_to(cwd).as_posix()
    return given.as_posix()


@dataclass(frozen=True)
class Location:
    """A place in a spec file: display path, 1-based line/column, JSON pointer."""

    file: str
    line: int | None
    col: int | None
    pointer: str

    @property
    def position(self) -> str:
        """``file:line:col``, leaving out what is unknown."""
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.col is not None:
                text += f":{self.col}"
        return text

    def __str__(self) -> str:
        return f"{self.position} #{self.pointer}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the input, with where it is and how to fix it."""

    level: Level
    code: str
    message: str
    where: Location | None
    hint: str

    def render(self) -> str:
        """Human-readable text: one header line, then the pointer and the hint."""
        head = f"{self.level} {self.code}: {self.message}"
        lines = [f"{self.where.position}: {head}" if self.where else head]
        if self.where is not None and self.where.pointer:
            lines.append(f"  at #{self.where.pointer}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready form, read back by `from_json` (the caches keep these)."""
        where = self.where
        return {
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "where": (
                None
                if where is None
                else [where.file, where.line, where.col, where.pointer]
            ),
        }

    @classmethod
    def from_json(cls, entry: Mapping[str, Any]) -> Diagnostic:
        """The diagnostic `as_json` wrote; ValueError/KeyError/... for anything else."""
        where = entry["where"]
        location = (
            None
            if where is None
            else Location(str(where[0]), where[1], where[2], str(where[3]))
        )
        level = entry["level"]
        if level not in ("error", "warning"):
            raise ValueError(level)
        return cls(
            level, str(entry["code"]), str(entry["message"]), location, entry["hint"]
        )

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """Document order: file, line, column, pointer, then code and message."""
        where = self.where
        if where is None:
            return ("", 0, 0, "", self.code, self.message)
        return (
            where.file,
            where.line or 0,
            where.col or 0,
            where.pointer,
            self.code,
            self.message,
        )


class DiagnosticError(Exception):
    """Raised by a stage that cannot go on; carries every diagnostic collected so far."""

    diagnostics: tuple[Diagnostic, ...]

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__(self.diagnostics)

    def __str__(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when at least one diagnostic is an error (warnings alone are fine)."""
    return any(d.level == "error" for d in diagnostics)
