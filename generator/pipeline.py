"""load -> validate -> lower -> render -> format, shared by every command.

Each stage is a function of the one before; nothing here touches the output
folder (that is `emit`'s job), so `check` and `generate` run exactly the same
code up to the point where one writes and the other compares.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import generator
from generator.config import Config
from generator.datamodels import render_models
from generator.errors import Diagnostic, DiagnosticError, has_errors
from generator.format import format_files
from generator.ir import Provenance
from generator.load import Spec, load_spec
from generator.lower import LowerOptions, lower
from generator.render import render_package
from generator.validation_cache import validate_cached

#: Where the generated package keeps its copy of `generator/runtime/`.
RUNTIME_PACKAGE = "_runtime"


@dataclass(frozen=True)
class Build:
    """The generated package in memory: `{path inside the package: text}`."""

    files: dict[str, str]
    diagnostics: tuple[Diagnostic, ...]


def template_dir() -> Path:
    """The built-in templates: inside the package when installed, beside it in a checkout."""
    installed = Path(generator.__file__).parent / "templates"
    return (
        installed
        if installed.is_dir()
        else Path(generator.__file__).parent.parent / "templates"
    )


def check_spec(
    config: Config, *, strict: bool = False
) -> tuple[Spec, tuple[Diagnostic, ...]]:
    """Load and validate; raise `DiagnosticError` when the spec cannot be generated from."""
    spec = load_spec(config.spec, config.overlays)
    diagnostics = tuple(validate_cached(spec))
    if has_errors(diagnostics) or (strict and diagnostics):
        raise DiagnosticError(diagnostics)
    return spec, diagnostics


def build(config: Config, *, strict: bool = False) -> Build:
    """Everything `generate` writes, computed without writing anything."""
    spec, diagnostics = check_spec(config, strict=strict)
    overlays = ", ".join(map(config.display, config.overlays))
    provenance = Provenance(
        generator_version=generator.__version__,
        spec_path=config.display(config.spec)
        + (f" with {overlays}" if overlays else ""),
        spec_sha256=spec.root.sha256,
    )
    options = LowerOptions(
        config.package, config.default_server, provenance, config.env_vars
    )
    api, lowering = lower(spec, options)
    diagnostics += tuple(lowering)
    if has_errors(diagnostics) or (strict and diagnostics):
        raise DiagnosticError(diagnostics)
    templates = template_dir()
    files = render_package(api, [templates])
    files["models.py"] = render_models(api, templates / "models")
    files.update(runtime_files())
    return Build(format_files(files, provenance), diagnostics)


def runtime_files() -> dict[str, str]:
    """The hand-written runtime, copied verbatim under `_runtime/`."""
    runtime = resources.files("generator.runtime")
    return {
        f"{RUNTIME_PACKAGE}/{entry.name}": entry.read_text(encoding="utf-8")
        for entry in sorted(runtime.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".py")
    }
