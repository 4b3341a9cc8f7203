"""Commands, flags and exit codes; the work itself lives in `pipeline`, `emit` and `drift`."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import generator
from generator.config import KEYS, NO_SPEC, Config, find_pyproject
from generator.errors import Diagnostic, DiagnosticError

if TYPE_CHECKING:
    from generator.drift import Drift
    from generator.progress import Progress

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_INVALID = 2
EXIT_INTERNAL = 3

EXIT_CODES = f"""\
exit codes:
  {EXIT_OK}  success (for check: generated code is up to date)
  {EXIT_DRIFT}  check: the generated code differs from what the spec gives (a diff is printed);
     verify: files were edited by hand, or the spec changed since;
     diff --fail-on: a change at that level or above
  {EXIT_INVALID}  invalid spec, configuration or usage, or the output folder cannot be written;
     nothing is written
  {EXIT_INTERNAL}  internal error in oagen (please report it; --debug shows the traceback)
"""

#: `diff --fail-on` choices: `apidiff.report.FAIL_ON`'s keys (a test keeps them equal),
#: spelled out so that building the parser does not import apidiff (and YAML).
FAIL_ON_CHOICES = ("breaking", "non-breaking", "never")

_CONFIG_HELP = (
    "configuration, from [tool.oagen] in pyproject.toml (flags override it):\n"
    + "\n".join(f"  {key:<19} {meaning}" for key, meaning in KEYS.items())
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_INVALID
    try:
        if args.configured:
            return _run_targets(args)
        return int(args.run(None, args))
    except DiagnosticError as error:
        _report(error.diagnostics)
        return EXIT_INVALID
    except _UsageError as error:
        print(f"oagen: error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("oagen: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except Exception as error:  # noqa: BLE001  (a bug in oagen: say so plainly)
        if args.debug:
            traceback.print_exc()
        print(
            f"oagen: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in oagen, not in your spec; please report it (--debug shows the traceback).",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _run_targets(args: argparse.Namespace) -> int:
    """Run the command for every selected target; the exit code is the worst one."""
    configs = _configs(args)
    if args.command == "serve" and len(configs) > 1:
        raise _UsageError(
            "serve runs one target: choose it with --target NAME (known targets: "
            + ", ".join(config.target for config in configs)
            + ")"
        )
    args.several = len(configs) > 1
    worst = EXIT_OK
    for config in configs:
        args.current = config.target
        try:
            status = int(args.run(config, args))
        except DiagnosticError as error:
            _report(error.diagnostics)
            status = EXIT_INVALID
        except _UsageError as error:
            print(f"oagen: error: {error}", file=sys.stderr)
            status = EXIT_INVALID
        worst = max(worst, status)
    return worst


def _progress(args: argparse.Namespace, config: Config) -> Progress:
    """Phases on stderr: on a terminal, or with --verbose; never with --quiet or
    beside JSON on stdout unless --verbose asks."""
    from generator.progress import Progress, wants_progress

    quiet = args.quiet or getattr(args, "format", "text") == "json"
    enabled = wants_progress(sys.stderr, quiet=quiet, verbose=args.verbose)
    return Progress(enabled, config.target if args.several else "")


def run_validate(config: Config, args: argparse.Namespace) -> int:
    from generator.load import HTTP_METHODS
    from generator.pipeline import check_spec

    spec, diagnostics = check_spec(
        config, strict=args.strict, progress=_progress(args, config)
    )
    _report(diagnostics)
    paths = spec.root.data.get("paths") or {}
    operations = sum(
        1
        for item in paths.values()
        if isinstance(item, dict)
        for key in item
        if key in HTTP_METHODS
    )
    _say(
        args,
        f"{config.display(config.spec)}: valid OpenAPI {spec.root.data.get('openapi')}, {operations} operation(s)",
    )
    return EXIT_OK


def run_generate(config: Config, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if not (args.full or args.strict) and _up_to_date(config, args, started):
        return EXIT_OK
    from generator import build_log
    from generator.emit import EmitError, emit
    from generator.manifest import MANIFEST_NAME
    from generator.pipeline import build

    progress = _progress(args, config)
    result = build(config, strict=args.strict, progress=progress)
    _report(result.diagnostics)
    try:
        emit(result.files, config.package_dir)
    except (EmitError, OSError) as error:
        raise _UsageError(
            f"cannot write {config.display(config.package_dir)}: {error}"
        ) from None
    build_log.record(result.files[MANIFEST_NAME], result.diagnostics)
    progress.phase("write", f"{len(result.files)} file(s)")
    elapsed = time.perf_counter() - started
    _say(
        args,
        f"wrote {len(result.files)} files to {config.display(config.package_dir)} "
        f"in {elapsed:.2f}s, {_warnings(result.diagnostics)}",
    )
    if not args.quiet:
        _api_changes_since_head(config)
    return EXIT_OK


def _up_to_date(config: Config, args: argparse.Namespace, started: float) -> bool:
    """generate's fast path: when the package is what its inputs give (as `check`
    would say without regenerating) and the last build's warnings are known, print
    those again and write nothing.  False: build in full."""
    from generator import build_log
    from generator.fast_check import fast_check

    fast = fast_check(config)
    said = build_log.replay(fast.manifest) if fast.clean else None
    if said is None:
        if args.verbose:
            why = fast.reason or "the last build's warnings are not in the cache"
            print(f"regenerating in full: {why}", file=sys.stderr)
        return False
    _report(said)
    elapsed = time.perf_counter() - started
    _say(
        args,
        f"{config.display(config.package_dir)} is up to date (manifest and file "
        f"hashes match); nothing written in {elapsed:.2f}s, {_warnings(said)}",
    )
    if not args.quiet:
        _api_changes_since_head(config)
    return True


def _api_changes_since_head(config: Config) -> None:
    """When the spec differs from git HEAD, say what that does to the API (stderr)."""
    from generator.apidiff.baseline import changes_since_head
    from generator.apidiff.report import render_text

    changes = changes_since_head(config.spec, config.overlays)
    if changes:
        sys.stderr.write(render_text(changes, heading="API changes since HEAD: "))


def run_check(config: Config, args: argparse.Namespace) -> int:
    label = config.display(config.package_dir)
    reason = "--full" if args.full else "--strict" if args.strict else ""
    if not reason:
        from generator.fast_check import fast_check

        fast = fast_check(config)
        if fast.clean:
            return _report_check(args, None, label, fast_path=True, reason="")
        reason = fast.reason
    from generator.drift import compare
    from generator.pipeline import build

    result = build(config, strict=args.strict, progress=_progress(args, config))
    _report(result.diagnostics)
    drift = compare(result.files, config.package_dir, label)
    return _report_check(args, drift, label, fast_path=False, reason=reason)


def _report_check(
    args: argparse.Namespace,
    drift: Drift | None,
    label: str,
    *,
    fast_path: bool,
    reason: str,
) -> int:
    """JSON alone on stdout, or the diff on stdout and the summary on stderr."""
    clean = drift is None or drift.clean
    if args.format == "json":
        from generator.drift_report import as_json

        text = as_json(drift, fast_path=fast_path, package=label, reason=reason)
        if args.several:  # one object per line, each naming its target
            import json

            text = json.dumps({"target": args.current, **json.loads(text)}) + "\n"
        sys.stdout.write(text)
    elif drift is not None and not drift.clean:
        from generator.drift_report import colour, wants_colour

        sys.stdout.write(colour(drift.diff) if wants_colour(sys.stdout) else drift.diff)
    if clean:
        how = (
            "manifest and file hashes match, nothing regenerated"
            if fast_path
            else ("regenerated and compared")
        )
        _say(args, f"{label} is up to date ({how})")
        return EXIT_OK
    assert drift is not None
    print(f"{drift.summary(label)}\nrun `oagen generate` to update it", file=sys.stderr)
    return EXIT_DRIFT


def run_vendor(config: Config, args: argparse.Namespace) -> int:
    from generator.emit import EmitError, emit
    from generator.pipeline import build
    from generator.stamp import Vendoring
    from generator.vendor import VendorError, check_target

    into = Path.cwd() / args.into
    package_dir = into / config.package
    shown = config.display(package_dir)
    try:
        check_target(package_dir)
    except VendorError as error:
        raise _UsageError(str(error)) from None
    vendoring = Vendoring(into=config.display(into), only=args.only)
    result = build(
        config, strict=args.strict, vendor=vendoring, progress=_progress(args, config)
    )
    _report(result.diagnostics)
    try:
        emit(result.files, package_dir)
    except (EmitError, OSError) as error:
        raise _UsageError(f"cannot write {shown}: {error}") from None
    _say(args, f"vendored {len(result.files)} files into {shown}")
    return EXIT_OK


def run_verify(config: Config | None, args: argparse.Namespace) -> int:
    """One folder (DIR), or the package of every selected target when none is given."""
    cwd = Path.cwd()
    if args.folder is not None:
        spec, root = _verify_spec(args, cwd)
        return _verify_one(args, cwd / args.folder, spec, root)
    pyproject = _pyproject(args)
    if pyproject is None:
        raise _UsageError("verify needs DIR, or a [tool.oagen] configuration")
    worst = EXIT_OK
    for target in _load_targets(pyproject, {}, args.target):
        spec = cwd / args.spec if args.spec is not None else target.spec
        status = _verify_one(args, target.package_dir, spec, target.root)
        worst = max(worst, status)
    return worst


def _verify_one(
    args: argparse.Namespace, folder: Path, spec: Path | None, root: Path
) -> int:
    from generator.verify import VerifyError, find_package, render, verify

    cwd = Path.cwd()
    try:
        package_dir = find_package(folder)
        result = verify(package_dir, spec, root)
    except VerifyError as error:
        raise _UsageError(str(error)) from None
    report = render(result, _shown(package_dir, cwd))
    if not result.ok:
        sys.stdout.write(report)
        return EXIT_DRIFT
    if not args.quiet:
        sys.stdout.write(report)
    return EXIT_OK


def _verify_spec(args: argparse.Namespace, cwd: Path) -> tuple[Path | None, Path]:
    """The spec to check against (--spec, else the target's) and the project folder."""
    pyproject = _pyproject(args)
    if args.spec is not None:
        return cwd / args.spec, pyproject.parent if pyproject else cwd
    if pyproject is None:
        return None, cwd
    try:
        targets = _load_targets(pyproject, {}, args.target)
    except DiagnosticError as error:
        if all(d.message == NO_SPEC for d in error.diagnostics):
            return None, pyproject.parent  # nothing to check against: hand edits only
        raise
    if len(targets) > 1:
        raise _UsageError(
            "this configuration has several targets: name the spec of DIR with "
            "--target NAME or --spec"
        )
    return targets[0].spec, targets[0].root


def _pyproject(args: argparse.Namespace) -> Path | None:
    if args.config is not None and not args.config.is_file():
        raise _UsageError(f"--config {args.config}: no such file")
    return args.config or find_pyproject(Path.cwd())


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return str(path)


def run_serve(config: Config, args: argparse.Namespace) -> int:
    from generator.serve import serve_mock

    if not args.mock:
        raise _UsageError(
            "serve needs --mock: it answers from the spec's examples; to serve your "
            "own implementation, run an ASGI server on the generated create_app(...)"
        )
    _say(
        args,
        f"serving the mock of {config.display(config.spec)} on "
        f"http://{args.host}:{args.port} (Ctrl-C stops it)",
    )
    status, diagnostics = serve_mock(
        config,
        host=args.host,
        port=args.port,
        validate_responses=args.validate_responses,
        strict=args.strict,
    )
    _report(diagnostics)
    return status


def run_init(config: Config | None, args: argparse.Namespace) -> int:
    from generator.scaffold import InitError, scaffold

    try:
        steps = scaffold(Path.cwd() / args.dir)
    except InitError as error:
        raise _UsageError(str(error)) from None
    for step in steps:
        print(step, file=sys.stderr)
    return EXIT_OK


def run_diff(config: Config | None, args: argparse.Namespace) -> int:
    from generator.apidiff import diff
    from generator.apidiff.report import fails, render_json, render_text
    from generator.load import load_spec

    cwd = Path.cwd()
    changes = diff(load_spec(cwd / args.old), load_spec(cwd / args.new))
    render = render_json if args.format == "json" else render_text
    sys.stdout.write(render(changes))
    return EXIT_DRIFT if fails(changes, args.fail_on) else EXIT_OK


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oagen",
        description="Generate typed pydantic models, an httpx client and a FastAPI server stub "
        "from an OpenAPI 3.0/3.1 document.",
        epilog=f"{EXIT_CODES}\n{_CONFIG_HELP}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"oagen {generator.__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, run, summary in (
        (
            "generate",
            run_generate,
            "validate the spec and (re)write the generated package",
        ),
        (
            "check",
            run_check,
            "exit 1 with a diff when the generated package is not what the spec gives; writes nothing",
        ),
        ("validate", run_validate, "validate the spec only"),
        (
            "vendor",
            run_vendor,
            "write a self-contained, renamed copy of the package into another project",
        ),
        (
            "serve",
            run_serve,
            "serve the API with --mock: every operation answers from the spec's examples",
        ),
    ):
        command = _add_command(commands, name, summary, run, configured=True)
        _common_options(command, output=name != "vendor")
        if name == "serve":
            _serve_options(command)
        if name == "generate":
            _generate_options(command)
        if name == "check":
            _check_options(command)
        if name == "vendor":
            _vendor_options(command)
    _verify_command(commands)
    _diff_command(commands)
    _init_command(commands)
    return parser


def _add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    run: Callable[[Any, argparse.Namespace], int],
    *,
    configured: bool,
) -> argparse.ArgumentParser:
    """A subcommand with its one-line summary and the exit codes in its help.

    `configured` says whether it runs on the `[tool.oagen]` targets (`run` then
    takes a Config) or on its own arguments alone (`run` takes None).
    """
    command = commands.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.set_defaults(run=run, configured=configured)
    return command


def _init_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    summary = (
        "add oagen to an existing repository: [tool.oagen], a spec/ placeholder, a "
        "pre-commit hook and a CI job; never overwrites a file"
    )
    command = _add_command(commands, "init", summary, run_init, configured=False)
    command.add_argument(
        "dir",
        nargs="?",
        default=".",
        metavar="DIR",
        help="the repository's folder (default: the working directory)",
    )
    command.add_argument(
        "--debug", action="store_true", help="show a traceback on internal errors"
    )


def _generate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--full",
        action="store_true",
        help="build and write even when the manifest says the package is up to date",
    )


def _check_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--full",
        action="store_true",
        help="regenerate and compare even when the manifest says nothing changed",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: a diff on stdout and a summary on stderr (default); json: one "
        "object on stdout",
    )


def _vendor_options(parser: argparse.ArgumentParser) -> None:
    from generator.parts import PARTS

    parser.add_argument(
        "--into",
        required=True,
        metavar="DIR",
        help="folder that receives the package (as DIR/PACKAGE)",
    )
    parser.add_argument(
        "--only",
        choices=tuple(PARTS),
        help="keep one part (with the models and the runtime it needs)",
    )


def _verify_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    summary = (
        "exit 1 when a generated or vendored package was edited by hand or its spec "
        "changed since"
    )
    command = _add_command(commands, "verify", summary, run_verify, configured=False)
    command.add_argument(
        "folder",
        metavar="DIR",
        nargs="?",
        help="the package folder (or the folder holding exactly one oagen package); "
        "default: the package of every target",
    )
    command.add_argument(
        "--target",
        metavar="NAME",
        help="the [[tool.oagen.targets]] entry to verify (default: all)",
    )
    command.add_argument(
        "--spec",
        help="the spec to check against (default: the one in [tool.oagen], if any)",
    )
    command.add_argument(
        "--config",
        type=Path,
        help="pyproject.toml to read [tool.oagen] from (default: nearest one)",
    )
    command.add_argument(
        "-q", "--quiet", action="store_true", help="print only problems"
    )
    command.add_argument(
        "--debug", action="store_true", help="show a traceback on internal errors"
    )


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mock",
        action="store_true",
        help="answer from the spec's examples, or data made from the schema",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8000, help="port to bind (default: 8000)"
    )
    parser.add_argument(
        "--validate-responses",
        action="store_true",
        help="check every response against the spec; a mismatch answers 500 with the reason",
    )


def _diff_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    summary = (
        "list the API changes from OLD to NEW, each breaking or not, with its rule id"
    )
    command = _add_command(commands, "diff", summary, run_diff, configured=False)
    command.add_argument("old", metavar="OLD", help="the earlier OpenAPI document")
    command.add_argument("new", metavar="NEW", help="the later OpenAPI document")
    command.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), json for tools",
    )
    command.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="never",
        help="exit 1 when there is a change at this level (non-breaking includes "
        "breaking); default: never",
    )
    command.add_argument(
        "--debug", action="store_true", help="show a traceback on internal errors"
    )


def _common_options(parser: argparse.ArgumentParser, *, output: bool = True) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        help="pyproject.toml to read [tool.oagen] from (default: nearest one)",
    )
    parser.add_argument("--spec", help="OpenAPI document (YAML or JSON)")
    if output:
        parser.add_argument(
            "--output", help="folder that receives the generated package"
        )
    parser.add_argument("--package", help="name of the generated package")
    parser.add_argument(
        "--default-server",
        help="environment the client uses by default (server name or URL)",
    )
    parser.add_argument(
        "--overlay",
        action="append",
        metavar="FILE",
        help="OpenAPI Overlay 1.0 file to apply to the spec; repeat for several, applied "
        "in order; replaces the configured overlays",
    )
    parser.add_argument(
        "--templates",
        metavar="DIR",
        help="folder of template overrides (same relative names as the built-ins); "
        "replaces the configured one",
    )
    parser.add_argument(
        "--allow-remote-refs",
        action="store_true",
        default=None,
        help="fetch $refs to https:// documents (http:// only from a loopback "
        "address), each once, within a timeout and a 10 MiB cap; off by default",
    )
    parser.add_argument(
        "--remote-ref-timeout",
        type=_seconds,
        metavar="SECONDS",
        help="how long one remote $ref's fetch may take (default: 10)",
    )
    parser.add_argument(
        "--target",
        metavar="NAME",
        help="run only this [[tool.oagen.targets]] entry (default: all)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings as errors"
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument(
        "-q", "--quiet", action="store_true", help="print only problems"
    )
    verbosity.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print each phase with its counts, even when stderr is not a terminal",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback on internal errors"
    )


def _seconds(text: str) -> float:
    """A positive, finite number of seconds (argparse reports anything else)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return value


def _configs(args: argparse.Namespace) -> list[Config]:
    """The selected targets, with flag values applied."""
    pyproject = _pyproject(args)
    cwd = Path.cwd()
    overrides = {
        "spec": _absolute(args.spec, cwd),
        "output": _absolute(getattr(args, "output", None), cwd),
        "package": args.package,
        "default-server": args.default_server,
        "overlays": (
            None
            if args.overlay is None
            else [str(cwd / overlay) for overlay in args.overlay]
        ),
        "allow-remote-refs": args.allow_remote_refs,
        "remote-ref-timeout": args.remote_ref_timeout,
        "templates": _absolute(args.templates, cwd),
    }
    return _load_targets(pyproject, overrides, args.target)


def _load_targets(
    pyproject: Path | None, overrides: dict[str, Any], only: str | None
) -> list[Config]:
    from generator.targets import UnknownTarget, load_targets

    try:
        return load_targets(pyproject, overrides, only)
    except UnknownTarget as error:
        raise _UsageError(str(error)) from None


def _absolute(value: str | None, cwd: Path) -> str | None:
    """Flags are relative to where the user stands, not to pyproject.toml."""
    return None if value is None else str(cwd / value)


def _report(diagnostics: Sequence[Diagnostic] | tuple[Diagnostic, ...]) -> None:
    for diagnostic in sorted(diagnostics, key=lambda d: d.sort_key()):
        print(diagnostic.render(), file=sys.stderr)
    errors = sum(1 for d in diagnostics if d.level == "error")
    if errors:
        warnings = len(diagnostics) - errors
        print(
            f"{errors} error(s), {warnings} warning(s); nothing was written",
            file=sys.stderr,
        )


def _warnings(diagnostics: Sequence[Diagnostic]) -> str:
    count = sum(1 for d in diagnostics if d.level == "warning")
    return f"{count} warning{'' if count == 1 else 's'}"


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)
