"""load -> validate -> lower -> render -> format -> manifest, shared by every command.

Each stage is a function of the one before; nothing here touches the output
folder (that is `emit`'s job), so `check` and `generate` run exactly the same
code up to the point where one writes and the other compares.  `vendor` runs it
too, with a `Vendoring` that keeps one part and adds VENDORED.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources

import jinja2

import generator
from generator.config import Config
from generator.config_names import apply_names
from generator.datamodels import render_model_files
from generator.errors import Diagnostic, DiagnosticError, has_errors
from generator.format import Formatter
from generator.ir import Provenance
from generator.load import Spec, load_spec
from generator.lower import LowerOptions, lower
from generator.manifest import add_manifest
from generator.overrides import (
    check_overrides,
    models_folder,
    render_failed,
    search_path,
)
from generator.parts import parts_of, select
from generator.progress import Progress
from generator.remote import RemotePolicy
from generator.render import UnsafeValueError, render_package
from generator.stamp import Vendoring, build_inputs, template_dir
from generator.validation_cache import validate_cached
from generator.vendor import VENDORED_NAME, vendored_readme

__all__ = ["RUNTIME_PACKAGE", "Build", "build", "check_spec", "template_dir"]

#: Where the generated package keeps its copy of `generator/runtime/`.
RUNTIME_PACKAGE = "_runtime"


@dataclass(frozen=True)
class Build:
    """The generated package in memory: `{path inside the package: text}`."""

    files: dict[str, str]
    diagnostics: tuple[Diagnostic, ...]


def check_spec(
    config: Config, *, strict: bool = False, progress: Progress | None = None
) -> tuple[Spec, tuple[Diagnostic, ...]]:
    """Load and validate; raise `DiagnosticError` when the spec cannot be generated from."""
    progress = progress or Progress()
    remote = (
        RemotePolicy(timeout=config.remote_ref_timeout)
        if config.allow_remote_refs
        else None
    )
    spec = load_spec(config.spec, config.overlays, remote)
    spec = apply_names(spec, config.names, config.pyproject)
    progress.phase("load", f"{len(spec.files)} file(s)")
    diagnostics = tuple(validate_cached(spec))
    progress.phase("validate", f"{len(diagnostics)} diagnostic(s)")
    if has_errors(diagnostics) or (strict and diagnostics):
        raise DiagnosticError(diagnostics)
    return spec, diagnostics


def build(
    config: Config,
    *,
    strict: bool = False,
    vendor: Vendoring | None = None,
    progress: Progress | None = None,
) -> Build:
    """Everything `generate` (or `vendor`) writes, computed without writing anything."""
    progress = progress or Progress()
    builtin = template_dir()
    if config.templates is not None:
        check_overrides(config.templates, builtin, config.display(config.templates))
    spec, diagnostics = check_spec(config, strict=strict, progress=progress)
    overlays = ", ".join(map(config.display, config.overlays))
    provenance = Provenance(
        generator_version=generator.__version__,
        spec_path=config.display(config.spec)
        + (f" with {overlays}" if overlays else ""),
        spec_sha256=spec.root.sha256,
        update_command="oagen generate" if vendor is None else "oagen vendor",
    )
    options = LowerOptions(
        config.package, config.default_server, provenance, config.env_vars
    )
    api, lowering = lower(spec, options)
    api = replace(api, parts=parts_of(vendor.only if vendor else None))
    diagnostics += tuple(lowering)
    progress.phase(
        "lower",
        f"{len(api.operations)} operation(s), {len(api.model_schemas)} schema(s)",
    )
    if has_errors(diagnostics) or (strict and diagnostics):
        raise DiagnosticError(diagnostics)
    templates = search_path(config.templates, builtin)
    with Formatter(provenance, preformatted=runtime_files()) as formatter:
        try:
            # The templates first: black formats them on the other cores while
            # datamodel-code-generator renders the models here.
            files = render_package(api, templates)
            formatter.add(files)
            with models_folder(config.templates, builtin) as models:
                model_files = render_model_files(api, models, templates)
            progress.phase("models", f"{len(api.model_schemas)} model(s)")
        except (UnsafeValueError, jinja2.TemplateError) as error:
            if config.templates is None:
                raise  # a built-in template failed: a bug in oagen
            raise render_failed(error, config.display(config.templates)) from None
        formatter.add(model_files)
        progress.phase("render", f"{len(files) + len(model_files)} file(s)")
        files = formatter.result()
    progress.phase("format", f"{len(files)} file(s)")
    if vendor is not None:
        files = select(files, vendor.only)
        files[VENDORED_NAME] = vendored_readme(config, vendor, spec.root.sha256)
    return Build(add_manifest(files, build_inputs(config, spec, vendor)), diagnostics)


def runtime_files() -> dict[str, str]:
    """The hand-written runtime, copied verbatim under `_runtime/`."""
    runtime = resources.files("generator.runtime")
    return {
        f"{RUNTIME_PACKAGE}/{entry.name}": entry.read_text(encoding="utf-8")
        for entry in sorted(runtime.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".py")
    }
