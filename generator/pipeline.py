"""load -> validate -> lower -> render -> format -> manifest, shared by every command.

Each stage is a function of the one before; nothing here touches the output
folder (that is `emit`'s job), so `check` and `generate` run exactly the same
code up to the point where one writes and the other compares.  `vendor` runs it
too, with a `Vendoring` that keeps one part and adds VENDORED.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import jinja2

import generator
from generator.config import Config
from generator.config_names import apply_names
from generator.datamodels import render_model_files
from generator.errors import Diagnostic, DiagnosticError, has_errors
from generator.format import Formatter
from generator.ir import Api, Provenance
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
from generator.validation_cache import validate_cached, validated_before
from generator.vendor import VENDORED_NAME, vendored_readme
from generator.workers import stop, validation, worker_pool

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
    spec = load(config, progress)
    return spec, validated(spec, strict=strict, progress=progress)


def load(config: Config, progress: Progress) -> Spec:
    """The spec and the files it refers to, overlays applied and names configured."""
    remote = (
        RemotePolicy(timeout=config.remote_ref_timeout)
        if config.allow_remote_refs
        else None
    )
    spec = load_spec(config.spec, config.overlays, remote)
    spec = apply_names(spec, config.names, config.pyproject)
    progress.phase("load", f"{len(spec.files)} file(s)")
    return spec


def validated(
    spec: Spec, *, strict: bool, progress: Progress
) -> tuple[Diagnostic, ...]:
    """The spec's diagnostics; raise `DiagnosticError` when it cannot be generated from."""
    diagnostics = tuple(validate_cached(spec))
    progress.phase("validate", f"{len(diagnostics)} diagnostic(s)")
    if has_errors(diagnostics) or (strict and diagnostics):
        raise DiagnosticError(diagnostics)
    return diagnostics


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
    spec = load(config, progress)
    # A spec validated before was most likely generated before: its models and
    # files are in the cache, and starting workers would only cost time.
    # Otherwise the workers import datamodel-code-generator and black, and one
    # validates the spec, while this process lowers and renders it (see
    # `generator.workers`).
    with worker_pool(start=not validated_before(spec), spec=spec) as pool:
        verdict = _Verdict(spec, validation(pool), strict=strict, progress=progress)
        if pool is not None:
            verdict.on_failure(lambda: stop(pool))
        try:
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
            api, lowered = lower(spec, options)
            api = replace(api, parts=parts_of(vendor.only if vendor else None))
            lowering = tuple(lowered)
            progress.phase(
                "lower",
                f"{len(api.operations)} operation(s), {len(api.model_schemas)} schema(s)",
            )
            if has_errors(lowering) or (strict and lowering):
                raise DiagnosticError(verdict.diagnostics() + lowering)
            files = _render_and_format(api, config, builtin, provenance, pool, progress)
        except Exception:
            # The stages after validation trust it: when the spec is invalid,
            # its diagnostics explain whatever failed while it was being checked.
            verdict.diagnostics()
            raise
        diagnostics = verdict.diagnostics() + lowering
    if vendor is not None:
        files = select(files, vendor.only)
        files[VENDORED_NAME] = vendored_readme(config, vendor, spec.root.sha256)
    return Build(add_manifest(files, build_inputs(config, spec, vendor)), diagnostics)


class _Verdict:
    """The spec's validation, in this process at once or from the worker that runs it.

    With a worker, lowering and rendering go ahead before the verdict is known
    (nothing is written before `build` returns); `diagnostics` waits for it and,
    like `validated`, raises when the spec cannot be generated from.
    """

    def __init__(
        self,
        spec: Spec,
        validating: Future[list[Diagnostic]] | None,
        *,
        strict: bool,
        progress: Progress,
    ) -> None:
        self._validating = validating
        self._strict = strict
        self._progress = progress
        self._found: tuple[Diagnostic, ...] | None = None
        if validating is None:
            self._found = validated(spec, strict=strict, progress=progress)

    def on_failure(self, act: Callable[[], None]) -> None:
        """Call `act` as soon as the worker finds the spec unusable (from its thread)."""
        if self._validating is None:
            return

        def check(done: Future[list[Diagnostic]]) -> None:
            if done.exception() is None and self._stops(done.result()):
                act()

        self._validating.add_done_callback(check)

    def diagnostics(self) -> tuple[Diagnostic, ...]:
        if self._found is None:
            assert self._validating is not None
            self._found = tuple(self._validating.result())
            self._progress.phase("validate", f"{len(self._found)} diagnostic(s)")
        if self._stops(self._found):
            raise DiagnosticError(self._found)
        return self._found

    def _stops(self, found: Sequence[Diagnostic]) -> bool:
        return has_errors(found) or (self._strict and bool(found))


def _render_and_format(
    api: Api,
    config: Config,
    builtin: Path,
    provenance: Provenance,
    pool: ProcessPoolExecutor | None,
    progress: Progress,
) -> dict[str, str]:
    """The package's files, formatted: the models render in a worker (when there
    is one) while the templates render here and black formats them."""
    templates = search_path(config.templates, builtin)
    shown = config.display(config.templates) if config.templates else None
    with (
        Formatter(provenance, preformatted=runtime_files(), pool=pool) as formatter,
        models_folder(config.templates, builtin) as models,
    ):
        models_job = (
            pool.submit(_model_files, api, models, templates, shown)
            if pool is not None
            else None
        )
        try:
            files = render_package(api, templates)
        except (UnsafeValueError, jinja2.TemplateError) as error:
            raise _template_failure(error, shown) from None
        formatter.add(files)
        model_files = (
            models_job.result()
            if models_job is not None
            else _model_files(api, models, templates, shown)
        )
        progress.phase("models", f"{len(api.model_schemas)} model(s)")
        formatter.add(model_files)
        progress.phase("render", f"{len(files) + len(model_files)} file(s)")
        files = formatter.result()
    progress.phase("format", f"{len(files)} file(s)")
    return files


def _model_files(
    api: Api, models: Path, templates: list[Path], shown: str | None
) -> dict[str, str]:
    """`render_model_files`, with template failures as values a worker can return."""
    try:
        return render_model_files(api, models, templates)
    except (UnsafeValueError, jinja2.TemplateError) as error:
        raise _template_failure(error, shown) from None


def _template_failure(error: Exception, shown: str | None) -> Exception:
    """OAG102 when the user's templates failed; a built-in template failing is a bug."""
    return error if shown is None else render_failed(error, shown)


def runtime_files() -> dict[str, str]:
    """The hand-written runtime, copied verbatim under `_runtime/`."""
    runtime = resources.files("generator.runtime")
    return {
        f"{RUNTIME_PACKAGE}/{entry.name}": entry.read_text(encoding="utf-8")
        for entry in sorted(runtime.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".py")
    }
