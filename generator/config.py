"""One frozen configuration, read from `[tool.oagen]` in pyproject.toml.

Command-line flags override the file; paths in the file are relative to the
folder that holds it, so `oagen` behaves the same from any working directory.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Diagnostic, DiagnosticError, Location
from generator.naming import snake

#: Keys accepted in `[tool.oagen]`, with what each one means (also in the README).
KEYS: Mapping[str, str] = {
    "spec": "path of the OpenAPI document, relative to pyproject.toml",
    "output": "folder that receives the generated package",
    "package": "name of the generated Python package",
    "default-server": "environment the client uses unless told otherwise (a server's name or URL)",
    "env": "table: client constructor argument -> environment variable it falls back to",
    "overlays": "list of OpenAPI Overlay 1.0 files applied to the spec, in order "
    "(not to another spec given with --spec)",
    "allow-remote-refs": "true to fetch $refs to https:// documents (default false: "
    "a spec is untrusted input)",
    "remote-ref-timeout": "seconds one remote $ref's fetch may take (default 10)",
    "templates": "folder of template overrides inside the project (same relative "
    "names as the built-ins)",
    "names": "table: operationId, schema name or '#/json/pointer' -> Python name",
    "targets": "array of tables [[tool.oagen.targets]], one per spec (see README)",
}
#: The message when neither [tool.oagen] nor a flag names the spec.
NO_SPEC = "no spec given"
#: Keys whose value is a table of strings rather than a string.
TABLE_KEYS = frozenset({"env", "names"})
#: Keys whose value is a list of strings.
LIST_KEYS = frozenset({"overlays"})
#: Keys whose value is true or false.
BOOLEAN_KEYS = frozenset({"allow-remote-refs"})
#: Keys whose value is a positive number of seconds.
SECONDS_KEYS = frozenset({"remote-ref-timeout"})
#: Seconds a remote $ref's fetch may take unless configured (`remote-ref-timeout`).
DEFAULT_REMOTE_TIMEOUT = 10.0


@dataclass(frozen=True)
class Config:
    """Everything a run needs to know, fully resolved."""

    root: Path
    spec: Path
    output: Path
    package: str
    default_server: str | None
    env_vars: Mapping[str, str] = field(default_factory=dict)
    #: Overlay documents applied to the spec before validation, in order.
    overlays: tuple[Path, ...] = ()
    #: The user's opt-in to fetching remote `$ref`s, and the limit on each fetch.
    allow_remote_refs: bool = False
    remote_ref_timeout: float = DEFAULT_REMOTE_TIMEOUT
    #: A folder whose templates replace the built-ins of the same relative name.
    templates: Path | None = None
    #: `[tool.oagen.names]`: operationId, schema name or JSON pointer -> Python name.
    names: Mapping[str, str] = field(default_factory=dict)
    #: The target's name, from `[[tool.oagen.targets]]` (the package when there is one).
    target: str = ""
    #: The configuration file, for diagnostics that name a setting.
    pyproject: Path | None = None

    @property
    def package_dir(self) -> Path:
        return self.output / self.package

    def display(self, path: Path) -> str:
        """A path as users should read it: relative to the project root, never absolute."""
        try:
            return Path(os.path.relpath(path.resolve(), self.root.resolve())).as_posix()
        except ValueError:  # another drive: the name is all that is portable
            return path.name


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start`."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(pyproject: Path | None, overrides: Mapping[str, Any]) -> Config:
    """Read `[tool.oagen]` from `pyproject` (may be None) and apply `overrides` (flag values)."""
    settings: dict[str, Any] = {}
    root = Path.cwd()
    if pyproject is not None:
        root = pyproject.parent
        settings = read_table(pyproject)
        if "targets" in settings:
            raise config_error(
                pyproject,
                "[tool.oagen] lists [[tool.oagen.targets]]: load them with "
                "generator.targets.load_targets",
                "on the command line, every target runs, or the one named by "
                "--target NAME",
            )
    return resolve(pyproject, root, settings, overrides)


def resolve(
    pyproject: Path | None,
    root: Path,
    settings: dict[str, Any],
    overrides: Mapping[str, Any],
    target: str = "",
) -> Config:
    """One Config from the settings of one target, with flag values applied."""
    settings = dict(settings)
    configured_templates = settings.get("templates")
    configured_spec = settings.get("spec")
    for key, value in overrides.items():
        if value is not None:
            settings[key] = value
    if (
        overrides.get("overlays") is None
        and configured_spec is not None
        and not _same_file(root / str(configured_spec), root / str(settings["spec"]))
    ):
        settings.pop("overlays", None)  # they were written for the configured spec

    missing = [key for key in ("spec",) if key not in settings]
    if missing:
        raise config_error(
            pyproject,
            NO_SPEC,
            'set `spec = "spec/openapi.yaml"` under [tool.oagen] in pyproject.toml, or pass --spec',
        )
    spec = root / str(settings["spec"])
    package = str(settings.get("package") or snake(spec.stem, fallback="api"))
    if snake(package) != package:
        raise config_error(
            pyproject,
            f"package name {package!r} is not a valid Python package name",
            f"use a snake_case name such as {snake(package)!r}",
        )
    templates = _templates(pyproject, root, settings, configured_templates)
    return Config(
        root=root,
        spec=spec,
        output=root / str(settings.get("output", "generated")),
        package=package,
        default_server=settings.get("default-server"),
        env_vars=dict(settings.get("env", {})),
        overlays=tuple(root / str(path) for path in settings.get("overlays", ())),
        allow_remote_refs=bool(settings.get("allow-remote-refs", False)),
        remote_ref_timeout=float(
            settings.get("remote-ref-timeout", DEFAULT_REMOTE_TIMEOUT)
        ),
        templates=templates,
        names=dict(settings.get("names", {})),
        target=target or package,
        pyproject=pyproject,
    )


def _templates(
    pyproject: Path | None, root: Path, settings: Mapping[str, Any], configured: Any
) -> Path | None:
    """The override folder: a configured one must stay inside the project (a flag
    names its folder explicitly, anywhere); either must exist."""
    value = settings.get("templates")
    if value is None:
        return None
    folder = root / str(value)
    if value == configured and not _inside(folder, root):
        raise config_error(
            pyproject,
            f"templates folder {value!r} is outside the project",
            "keep template overrides inside the project, or pass --templates DIR",
        )
    if not folder.is_dir():
        raise config_error(
            pyproject,
            f"templates folder {value!r} does not exist",
            "create it with the templates to override (e.g. package/client.py.jinja), "
            "or remove the setting",
        )
    return folder


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except (OSError, RuntimeError, ValueError):
        return first == second


def read_table(pyproject: Path) -> dict[str, Any]:
    """`[tool.oagen]` of `pyproject`, each value checked for its type."""
    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise config_error(
            pyproject,
            f"cannot read pyproject.toml: {error}",
            "fix the TOML syntax at the place named, or pass --config another file",
        ) from None
    table = document.get("tool", {}).get("oagen", {})
    if not isinstance(table, dict):
        raise config_error(
            pyproject,
            "[tool.oagen] must be a table",
            'write it as a section: a line [tool.oagen], then key = "value" lines',
        )
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise config_error(
            pyproject,
            f"unknown key(s) in [tool.oagen]: {', '.join(unknown)}",
            f"known keys: {', '.join(KEYS)}",
        )
    for key, value in table.items():
        if key == "targets":
            continue  # checked by `generator.targets`
        check_value(pyproject, key, value)
    return dict(table)


def check_value(
    pyproject: Path | None, key: str, value: Any, table: str = "tool.oagen"
) -> None:
    """OAG101 unless `value` has the type `key` takes."""
    if key in TABLE_KEYS:
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise config_error(
                pyproject,
                f"[{table}.{key}] must be a table of strings",
                f'write one name = "VALUE" line per entry under [{table}.{key}]',
            )
    elif key in LIST_KEYS:
        if not isinstance(value, list) or not all(
            isinstance(item, str) for item in value
        ):
            raise config_error(
                pyproject,
                f"[{table}] {key} must be a list of strings",
                f'write it as {key} = ["first.yaml", "second.yaml"]',
            )
    elif key in BOOLEAN_KEYS:
        if not isinstance(value, bool):
            raise config_error(
                pyproject,
                f"[{table}] {key} must be true or false",
                f"write it unquoted: {key} = true",
            )
    elif key in SECONDS_KEYS:
        if not (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value > 0
        ):
            raise config_error(
                pyproject,
                f"[{table}] {key} must be a positive number of seconds",
                f"write it as a number: {key} = 10",
            )
    elif not isinstance(value, str):
        raise config_error(
            pyproject,
            f"[{table}] {key} must be a string",
            f'quote the value: {key} = "..."',
        )


def config_error(pyproject: Path | None, message: str, hint: str) -> DiagnosticError:
    where = Location(pyproject.name, None, None, "/tool/oagen") if pyproject else None
    return DiagnosticError([Diagnostic("error", "OAG101", message, where, hint)])
