"""Untrusted specs cannot inject code (issue 6, part 1).

Property-based: hostile strings go into every place a spec string can reach the
generated code, the real pipeline runs, and the output must
  1. parse (`ast`);
  2. have exactly the module-level statements, imports and AST shape of the same
     spec with benign strings (only names and literal values may differ; names stay
     plain identifiers, nothing is bound twice, no parameter shadows a module name);
  3. carry every literal with exactly the spec's value, and every word of the prose;
  4. import (`api`, `api.models`, `api.client`, `api.server`) in a fresh interpreter
     without running anything else: no new module, no audited side effect, no output,
     and no canary file written by a payload.
A spec the validator refuses is fine (a DiagnosticError with an OAG0xx code), but
most examples must reach generation.  Then one named test per published advisory.

`HOSTILE_CASES` counts the (example, place) pairs the property tests cover.
"""

from __future__ import annotations

import ast
import functools
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import traceback
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.emit import EmitError, emit
from tests.hostile import (
    CANARY,
    CANARY_DIR,
    COMPONENT_NAME,
    INTERFACES_MODULE,
    MOCK_MODULE,
    PAYLOADS,
    STRING_PLACES,
    TAG_FOLDERS,
    TAG_MODULE,
    Outcome,
    calls,
    check_literals,
    check_names_and_scopes,
    check_paths,
    check_prose,
    check_structure,
    class_values,
    client_code,
    component_name,
    distinct_enough,
    docstrings,
    generated_names,
    hostile_name,
    hostile_pattern,
    hostile_text,
    imported,
    item,
    keyword_values,
    make_spec,
    minimal_spec,
    operation,
    parse_all,
    path_segment,
    run_pipeline,
    server_code,
    squash,
)

EXAMPLES = 25
IMPORT_EXAMPLES = 12
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # shrinking a pipeline run takes minutes; failures print compact examples instead
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)

#: At most this share of the examples may be refused by the validator.
MAX_REFUSED = 0.25


# ------------------------------------------------------------------------------------------
# places, grouped by how a spec string reaches code

#: Prose: docstrings (and a few literals) of every file.
PROSE_PLACES = (
    "info.title",
    "info.description",
    "tag.description",
    "op.summary",
    "op.description",
    "op.extension",
    "path_param.description",
    "query_param.description",
    "header_param.description",
    "response.description",
    "body.description",
    "server.description",
    "schema.description",
    "schema.extension",
    "prop.description",
    "enum.description",
)
#: Values printed as Python literals.
LITERAL_PLACES = (
    "info.version",
    "server.url",
    "server.variable",
    "query_param.default",
    "query_param.pattern",
    "query_enum.value",
    "prop.default",
    "prop.example",
    "prop.pattern",
    "enum.value",
    "response.media",
    "error.media",
)
#: Strings that become Python names as well as literals.
NAME_PLACES = (
    "op.operationId",
    "tag.name",
    "path_param.name",
    "query_param.name",
    "header_param.name",
    "prop.name",
    "enum.value",
    "query_enum.value",
    "server.description",
)


def _strategy(place: str) -> st.SearchStrategy[Any]:
    if place == "op.path":
        return path_segment()
    if place == "path_param.name":
        return path_segment().filter(lambda s: "/" not in s)
    if place == "schema.name":
        return component_name()
    if place == "int_enum.values":
        return st.lists(
            st.one_of(
                st.integers(),
                st.sampled_from([0, -1, 2**63, -(2**63) - 1, 10**100, -(10**300)]),
            ),
            min_size=2,
            max_size=2,
            unique=True,
        ).map(tuple)
    if place in ("query_param.pattern", "prop.pattern"):
        return hostile_pattern()
    if place in ("response.media",):
        # still JSON, so the operation is generated: the hostile part is a parameter
        return hostile_text().map(lambda s: f"application/json; x={s}")
    if place in NAME_PLACES:
        return hostile_name()
    return hostile_text()


def places(*names: str) -> st.SearchStrategy[dict[str, Any]]:
    """Hostile values for all of `names` at once, distinct from the spec's fixed siblings."""
    return st.fixed_dictionaries({name: _strategy(name) for name in names}).filter(
        distinct_enough
    )


# ------------------------------------------------------------------------------------------
# running and checking one example


class Tally:
    """Runs the examples of one property test and keeps score.

    A failing example does not stop the run: every distinct failure (by the line that
    raised it) is kept with its first example, so one bug cannot hide another, and
    the test fails at the end with all of them.  Shrinking is off (a pipeline run is
    too slow for it); examples print compactly instead.
    """

    def __init__(self) -> None:
        self.generated = 0
        self.refused: dict[str, int] = {}
        self.failures: dict[str, tuple[str, str, int]] = {}

    def record(self, outcome: Outcome) -> None:
        if outcome.build is None:
            key = ",".join(sorted(set(outcome.rejected)))
            self.refused[key] = self.refused.get(key, 0) + 1
        else:
            self.generated += 1

    def attempt(self, example: Any, check: Callable[[], object]) -> None:
        try:
            check()
        except Exception as error:  # noqa: BLE001 - every failure is reported below
            frames = traceback.extract_tb(error.__traceback__)
            ours = [f for f in frames if "/hypothesis/" not in f.filename]
            where = ours[-1] if ours else frames[-1]
            key = (
                f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
            )
            message = f"{type(error).__name__}: {error}"
            if key in self.failures:
                first, shown, count = self.failures[key]
                self.failures[key] = (first, shown, count + 1)
                return
            else:
                self.failures[key] = (message[:1500], repr(example)[:1500], 1)

    def check(self, minimum: int) -> None:
        print(  # shown with -s, or under a failure
            f"{self.generated} example(s) generated, refused: {self.refused or 'none'}"
        )
        report = [
            f"--- {key} ({count} example(s)); first example:\n{shown}\n{message}"
            for key, (message, shown, count) in self.failures.items()
        ]
        assert not report, f"{len(report)} distinct failure(s):\n" + "\n".join(report)
        refused = sum(self.refused.values())
        total = refused + self.generated
        assert total >= minimum, f"only {total} examples ran"
        assert refused <= MAX_REFUSED * total, (
            f"the validator refused {refused} of {total} examples ({self.refused}): "
            "the strategies should keep hostile strings where OpenAPI allows them"
        )


@cache
def _benign_trees(status: str) -> dict[str, ast.Module]:
    """The output of the spec with every place benign: what hostile output must match."""
    folder = Path(tempfile.mkdtemp(prefix="oagen-benign-"))
    try:
        outcome = run_pipeline(make_spec({}, status), folder, with_runtime=False)
        assert outcome.build is not None, outcome.rejected
        return parse_all(outcome.build)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def generate_and_check(
    values: Mapping[str, Any],
    folder: Path,
    tally: Tally,
    *,
    status: str = "200",
    compare_shape: bool = True,
) -> Outcome:
    """Run the pipeline on the spec with `values`; check everything but the import."""
    outcome = run_pipeline(make_spec(values, status), folder, with_runtime=False)
    tally.record(outcome)
    if outcome.build is None:
        return outcome
    check_paths(outcome.build)
    trees = parse_all(outcome.build)
    if compare_shape:
        check_structure(trees, _benign_trees(status))
    check_literals(values, trees, status)
    check_prose(values, trees)
    outcome.trees = trees
    return outcome


@pytest.fixture
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """A fresh folder per hypothesis example (a fixture's tmp_path is shared by all)."""
    counter = iter(range(10**9))
    base = tmp_path_factory.mktemp("hostile")

    def fresh() -> Path:
        return base / f"example-{next(counter)}"

    return fresh


@pytest.fixture(autouse=True)
def canary() -> Any:
    """No payload may ever create the canary file."""
    shutil.rmtree(CANARY_DIR, ignore_errors=True)
    CANARY_DIR.mkdir(parents=True)
    yield CANARY
    created = CANARY.exists()
    shutil.rmtree(CANARY_DIR, ignore_errors=True)
    assert not created, "a payload in the spec ran and created the canary file"


# ------------------------------------------------------------------------------------------
# importing generated packages in a fresh interpreter

_IMPORTER = textwrap.dedent(r"""
    import json, sys

    EVENTS = ("os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
              "os.forkpty", "subprocess.Popen", "socket.connect", "socket.getaddrinfo",
              "webbrowser.open", "urllib.Request", "ctypes.dlopen", "os.remove",
              "os.rename", "os.mkdir", "shutil.rmtree")
    seen = []

    def hook(event, args):
        if event.startswith(EVENTS):
            seen.append([event, repr(args)[:200]])
        elif event == "open" and args[1] and any(c in str(args[1]) for c in "wax+"):
            seen.append([event, repr(args)[:200]])

    folders = json.loads(sys.argv[1])
    import io, contextlib
    baseline = set()
    results = []
    sys.addaudithook(hook)
    for index, folder in enumerate(folders):
        for name in [m for m in sys.modules if m == "api" or m.startswith("api.")]:
            del sys.modules[name]
        sys.path.insert(0, folder)
        before = set(sys.modules)
        seen.clear()
        out = io.StringIO()
        error = None
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                import api, api.models, api.client, api.server, api.server.app
                import api.server.interfaces, api.server.mock
        except BaseException as exc:  # report, do not stop
            error = f"{type(exc).__name__}: {exc}"[:500]
        sys.path.remove(folder)
        new = sorted(m for m in set(sys.modules) - before
                     if m != "api" and not m.startswith("api."))
        if index == 0:
            baseline = set(new)  # the benign package: what importing needs
            new = []
        else:
            new = [m for m in new if m not in baseline]
        results.append({"folder": folder, "error": error, "output": out.getvalue()[:500],
                        "events": list(seen), "new_modules": new})
    print(json.dumps(results))
    """)


def import_packages(folders: list[Path]) -> list[dict[str, Any]]:
    """Import each generated package (the first one benign) in one fresh interpreter."""
    completed = subprocess.run(
        [
            sys.executable,
            "-I",
            "-B",
            "-c",
            _IMPORTER,
            json.dumps([str(f) for f in folders]),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=CANARY_DIR,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stderr == "", completed.stderr[-2000:]
    results: list[dict[str, Any]] = json.loads(completed.stdout)
    return results


@cache
def _runtime_copy() -> dict[str, str]:
    """`_runtime/` as the full pipeline writes it (the same for every spec but for the
    provenance header), so that examples can be built without it and still import."""
    folder = Path(tempfile.mkdtemp(prefix="oagen-runtime-"))
    try:
        outcome = run_pipeline(minimal_spec(), folder, with_runtime=True)
        assert outcome.build is not None, outcome.rejected
        return {
            path: text
            for path, text in outcome.build.files.items()
            if path.startswith("_runtime/")
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def emit_package(outcome: Outcome, folder: Path) -> Path:
    """Write a build with the real emitter; return the folder that holds the package."""
    assert outcome.build is not None
    output = folder / "emitted"
    emit({**_runtime_copy(), **outcome.build.files}, output / "api")
    return output


# ------------------------------------------------------------------------------------------
# the property tests


def test_hostile_prose_stays_prose(workdir: Callable[[], Path]) -> None:
    tally = Tally()

    @SETTINGS
    @given(places(*PROSE_PLACES))
    def run(values: dict[str, Any]) -> None:
        tally.attempt(values, lambda: generate_and_check(values, workdir(), tally))

    run()
    tally.check(EXAMPLES)


def test_hostile_literals_keep_their_values(workdir: Callable[[], Path]) -> None:
    tally = Tally()

    @SETTINGS
    @given(places(*LITERAL_PLACES))
    def run(values: dict[str, Any]) -> None:
        tally.attempt(values, lambda: generate_and_check(values, workdir(), tally))

    run()
    tally.check(EXAMPLES)


def test_hostile_names_become_plain_identifiers(workdir: Callable[[], Path]) -> None:
    tally = Tally()

    @SETTINGS
    @given(places(*NAME_PLACES))
    def run(values: dict[str, Any]) -> None:
        tally.attempt(values, lambda: generate_and_check(values, workdir(), tally))

    run()
    tally.check(EXAMPLES)


def test_hostile_path_templates(workdir: Callable[[], Path]) -> None:
    tally = Tally()

    @SETTINGS
    @given(places("op.path", "path_param.name"))
    def run(values: dict[str, Any]) -> None:
        tally.attempt(values, lambda: generate_and_check(values, workdir(), tally))

    run()
    tally.check(EXAMPLES)


def test_hostile_schema_names_and_integer_enums(workdir: Callable[[], Path]) -> None:
    tally = Tally()

    @SETTINGS
    @given(places("schema.name", "int_enum.values"))
    def run(values: dict[str, Any]) -> None:
        tally.attempt(values, lambda: generate_and_check(values, workdir(), tally))

    run()
    tally.check(EXAMPLES)


#: Response keys: what OpenAPI allows, including Unicode digits that `\d` accepts.
#: Valid keys only: non-ASCII digits are refused (OAG035), see the advisory test below.
STATUS_KEYS = ("200", "201", "299", "2XX", "default", "1XX", "5XX")


def _check_status_codes(app: ast.Module) -> None:
    for node in ast.walk(app):
        if isinstance(node, ast.keyword) and node.arg == "status_code":
            assert isinstance(node.value, ast.Constant), ast.dump(node)
            assert type(node.value.value) is int and 100 <= node.value.value <= 599
        if isinstance(node, ast.keyword) and node.arg == "responses":
            assert isinstance(node.value, ast.Dict), ast.dump(node)
            codes = []
            for key in node.value.keys:
                assert isinstance(key, ast.Constant), ast.dump(node.value)
                assert type(key.value) is int and 100 <= key.value <= 599
                codes.append(key.value)
            assert len(codes) == len(set(codes)), (
                f"responses={{...}} repeats a status code, so one response silently "
                f"replaces another: {codes}"
            )


def test_hostile_status_keys(workdir: Callable[[], Path]) -> None:
    tally = Tally()

    def check(status: str, values: dict[str, Any]) -> None:
        outcome = generate_and_check(
            values, workdir(), tally, status=status, compare_shape=False
        )
        if outcome.build is not None:
            _check_status_codes(server_code(outcome.trees))

    @SETTINGS
    @given(st.sampled_from(STATUS_KEYS), places("response.description"))
    def run(status: str, values: dict[str, Any]) -> None:
        tally.attempt((status, values), lambda: check(status, values))

    run()
    tally.check(EXAMPLES)


def test_importing_hostile_output_runs_nothing(workdir: Callable[[], Path]) -> None:
    """Every place hostile at once, emitted with the real emitter, imported in a fresh
    interpreter: no error, no output, no new module, no audited side effect, no canary.
    """
    tally = Tally()
    benign = workdir()
    packages: list[tuple[Any, Path]] = [
        (
            {},
            emit_package(
                run_pipeline(make_spec({}), benign, with_runtime=False), benign
            ),
        )
    ]
    strings = [p for p in STRING_PLACES if p not in ("op.path", "path_param.name")]

    def generate(values: dict[str, Any]) -> None:
        folder = workdir()
        outcome = run_pipeline(make_spec(values), folder, with_runtime=False)
        tally.record(outcome)
        if outcome.build is not None:
            packages.append((values, emit_package(outcome, folder)))

    @settings(SETTINGS, max_examples=IMPORT_EXAMPLES)
    @given(places(*strings), st.sampled_from(PAYLOADS))
    def run(values: dict[str, Any], payload: str) -> None:
        values = {**values, "op.path": payload.replace("{", "(").replace("}", ")")}
        tally.attempt(values, lambda: generate(values))

    run()
    for (values, _), result in zip(
        packages, import_packages([folder for _, folder in packages]), strict=True
    ):
        tally.attempt(values, functools.partial(_check_import, result))
    tally.check(IMPORT_EXAMPLES)
    assert not CANARY.exists()


def _check_import(result: Mapping[str, Any]) -> None:
    assert result["error"] is None, f"import failed: {result['error']}"
    assert result["output"] == "", f"importing printed {result['output']!r}"
    assert not result["events"], f"importing did {result['events']}"
    assert not result[
        "new_modules"
    ], f"importing loaded modules the benign package does not: {result['new_modules']}"


# ------------------------------------------------------------------------------------------
# spec names equal to the names the generated code uses itself


def _own_name() -> st.SearchStrategy[str]:
    """A name of the benign output, or the spec name that would produce it
    (`AsyncTransport` <- tag `transport`, `PetsApi` <- tag `pets`)."""
    names = st.deferred(lambda: st.sampled_from(generated_names()))
    return st.one_of(
        names,
        names.map(lambda n: n.removeprefix("Async").removesuffix("Api") or n),
    )


OWN_NAME_PLACES = (
    "tag.name",
    "op.operationId",
    "path_param.name",
    "query_param.name",
    "header_param.name",
    "prop.name",
    "schema.name",
)


def test_spec_names_equal_to_the_generated_code_own_names(
    workdir: Callable[[], Path],
) -> None:
    tally = Tally()
    strategy = st.fixed_dictionaries(
        {place: _own_name() for place in OWN_NAME_PLACES}
    ).filter(distinct_enough)

    @SETTINGS
    @given(strategy)
    def run(values: dict[str, Any]) -> None:
        tally.attempt(values, lambda: generate_and_check(values, workdir(), tally))

    run()
    tally.check(EXAMPLES)


#: (example, place) pairs the property tests put a hostile value in.
HOSTILE_CASES = {
    "prose": EXAMPLES * len(PROSE_PLACES),
    "literals": EXAMPLES * len(LITERAL_PLACES),
    "names": EXAMPLES * len(NAME_PLACES),
    "path templates": EXAMPLES * 2,
    "schema names and integer enums": EXAMPLES * 2,
    "status keys": EXAMPLES * 2,
    "the generated code's own names": EXAMPLES * len(OWN_NAME_PLACES),
    "everything at once, imported": IMPORT_EXAMPLES * (len(STRING_PLACES) - 1),
}


# ------------------------------------------------------------------------------------------
# helpers of the regression tests


def _built(spec: Mapping[str, Any], folder: Path) -> Outcome:
    outcome = run_pipeline(spec, folder, with_runtime=False)
    assert outcome.build is not None, f"refused: {outcome.rejected}"
    check_paths(outcome.build)
    outcome.trees = parse_all(outcome.build)
    return outcome


def _same_code(
    hostile: Mapping[str, Any], benign: Mapping[str, Any], folder: Path
) -> Outcome:
    """Build both; the hostile output has the benign one's statements, imports, shape."""
    outcome = _built(hostile, folder / "hostile")
    check_structure(outcome.trees, _built(benign, folder / "benign").trees)
    return outcome


def _imports_cleanly(outcomes: list[Outcome], folder: Path) -> None:
    """Emit each build and import it, after the minimal benign spec's package."""
    folders = [
        emit_package(_built(minimal_spec(), folder / "import-0"), folder / "import-0")
    ]
    for index, outcome in enumerate(outcomes, start=1):
        folders.append(emit_package(outcome, folder / f"import-{index}"))
    failures = []
    for result in import_packages(folders)[1:]:
        try:
            _check_import(result)
        except AssertionError as error:
            failures.append(f"{result['folder']}: {error}")
    assert not failures, "\n".join(failures)
    assert not CANARY.exists(), "a payload ran"


def _field_names(models: ast.Module) -> dict[str, list[str]]:
    """Model class -> its field names, in order."""
    return {
        node.name: [
            s.target.id
            for s in node.body
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
        ]
        for node in models.body
        if isinstance(node, ast.ClassDef)
    }


# ------------------------------------------------------------------------------------------
# the advisories, one named regression test each

TRAVERSAL_NAMES = (
    "../../evil",
    "../../../../tmp/evil",
    "/etc/passwd",
    "..\\..\\evil",
    "C:\\evil",
    "c:evil",
    "CON",
    "NUL",
    "aux.py",
    "__init__",
    "_runtime",
    "models",
)


def test_cve_2020_15141_path_traversal_through_names(tmp_path: Path) -> None:
    """openapi-python-client wrote `models/<schema name>.py`, so `../../evil` escaped the
    package.  Here the only files named from the spec are a tag's modules (client and
    routes), named by the naming layer (a plain lower-case identifier, no separator);
    otherwise the files are the benign spec's files, and emitting writes nothing
    outside the package."""
    benign = _built(minimal_spec(), tmp_path / "benign").build
    assert benign is not None
    for index, name in enumerate(TRAVERSAL_NAMES):
        spec = minimal_spec()
        operation(spec)["tags"] = [name]
        operation(spec)["operationId"] = name
        spec["tags"] = [{"name": name, "description": name}]
        item(spec)["properties"] = {name: {"type": "string"}}
        schema_name = name if COMPONENT_NAME.match(name) else ".."
        spec["components"]["schemas"] = {schema_name: item(spec)}
        operation(spec)["responses"]["200"]["content"]["application/json"]["schema"] = {
            "$ref": f"#/components/schemas/{schema_name}"
        }
        folder = tmp_path / f"case-{index}"
        outcome = _built(spec, folder)
        assert outcome.build is not None
        files = set(outcome.build.files)
        for per_tag, _ in TAG_FOLDERS:
            tag_modules = [
                path
                for path in files
                if path.startswith(per_tag) and path != f"{per_tag}__init__.py"
            ]
            assert len(tag_modules) == 1, tag_modules
            assert re.fullmatch(
                re.escape(per_tag) + r"[a-z_][a-z0-9_]{0,110}\.py", tag_modules[0]
            )
            files = files - set(tag_modules) | {f"{per_tag}items.py"}
        assert files == set(benign.files), sorted(files ^ set(benign.files))
        before = set(tmp_path.rglob("*"))
        emit({**_runtime_copy(), **outcome.build.files}, folder / "out" / "api")
        written = set(tmp_path.rglob("*")) - before
        package = (folder / "out").resolve()
        outside = sorted(
            str(p) for p in written if not p.resolve().is_relative_to(package)
        )
        assert not outside, f"{name!r}: emit wrote outside the package: {outside}"


@pytest.mark.parametrize(
    "path",
    [
        "../evil.py",
        "a/../../evil.py",
        "/tmp/evil.py",
        "C:\\evil.py",
        "c:evil.py",
        "a\\..\\b.py",
        "",
    ],
)
def test_cve_2020_15141_emit_refuses_paths_outside_the_package(
    tmp_path: Path, path: str
) -> None:
    with pytest.raises(EmitError):
        emit({"__init__.py": "", path: "x = 1\n"}, tmp_path / "out" / "api")
    assert not (tmp_path / "out" / "api").exists()
    assert not (tmp_path / "evil.py").exists()


#: Prose that closes its docstring and runs a payload (openapi-python-client 0.5.2 put
#: descriptions into docstrings unescaped).
DOCSTRING_BREAKERS = (
    f'"""\nopen({str(CANARY)!r}, "w")\n"""',
    f"'''\nopen({str(CANARY)!r}, 'w')\n'''",
    f'x"""; open({str(CANARY)!r}, "w"); """',
    'ends with a quote"',
    'ends with two quotes""',
    "ends with a backslash\\",
    "\\",
    '\\"""',
    "\\N{BULLET} \\x00 \\u0041",
    f"\r\nopen({str(CANARY)!r}, 'w')\r\n",
    f"\u2028open({str(CANARY)!r}, 'w')\u2029",
)


def _with_descriptions(spec: dict[str, Any], text: str) -> dict[str, Any]:
    spec["info"]["description"] = text
    spec["info"]["title"] = text
    spec["tags"] = [{"name": "items", "description": text}]
    operation(spec)["description"] = text
    operation(spec)["summary"] = text
    operation(spec)["responses"]["200"]["description"] = text
    operation(spec)["parameters"] = [
        {"name": "q", "in": "query", "description": text, "schema": {"type": "string"}}
    ]
    item(spec)["description"] = text
    item(spec)["properties"]["name"]["description"] = text
    item(spec)["properties"]["kind"] = {
        "type": "string",
        "enum": ["a", "b"],
        "description": text,
    }
    return spec


def test_cve_2020_15142_code_execution_through_descriptions(tmp_path: Path) -> None:
    """Descriptions become docstrings: they stay docstrings, keep their words, and
    importing the package runs none of them."""
    benign = _with_descriptions(minimal_spec(), "Plain words.")
    outcomes = []
    for index, text in enumerate(DOCSTRING_BREAKERS):
        spec = _with_descriptions(minimal_spec(), text)
        outcome = _same_code(spec, benign, tmp_path / f"case-{index}")
        words = squash(text)
        for path in ("__init__.py", TAG_MODULE, "models.py", INTERFACES_MODULE):
            assert words in squash(docstrings(outcome.trees[path])), (path, text)
        outcomes.append(outcome)
    _imports_cleanly(outcomes, tmp_path)


def test_ghsa_5293_mq8x_g3xj_code_execution_through_enums_and_defaults(
    tmp_path: Path,
) -> None:
    """Enum values (which also name the members) and defaults are printed as literals
    with exactly their values; importing runs none of them."""
    outcomes = []
    for index, payload in enumerate(PAYLOADS):
        spec = minimal_spec()
        item(spec)["properties"] = {
            "name": {"type": "string", "default": payload, "example": payload},
            "kind": {"type": "string", "enum": [payload, "b"], "default": payload},
        }
        outcome = _built(spec, tmp_path / f"case-{index}")
        models = outcome.trees["models.py"]
        assert sorted(class_values(models)["Kind"]) == sorted([payload, "b"])
        defaults = [
            node.value
            for node in ast.walk(models)
            if isinstance(node, ast.AnnAssign) and node.value is not None
        ]
        # both defaults: the string itself, or (for the enum) the member that has it
        assert len(defaults) == 2, [ast.unparse(d) for d in defaults]
        for default in defaults:
            assert (isinstance(default, ast.Constant) and default.value == payload) or (
                isinstance(default, ast.Attribute) and default.attr.isidentifier()
            ), ast.unparse(default)
        outcomes.append(outcome)
    _imports_cleanly(outcomes, tmp_path)


def test_a_client_default_that_spells_a_model_name_stays_text(tmp_path: Path) -> None:
    """The client reaches models in the defaults it evaluates as `_models.Name`; the
    text of a string default is no expression, even where it spells a class."""
    text = "an Item, 'Item' and \"Item\""
    spec = minimal_spec()
    spec["paths"]["/items"]["get"]["parameters"] = [
        {
            "name": "X-Note",
            "in": "header",
            "schema": {"type": "string", "default": text},
        }
    ]
    client = _built(spec, tmp_path).trees["client.py"]
    defaults = [
        default
        for node in ast.walk(client)
        if isinstance(node, ast.arguments)
        for argument, default in zip(node.kwonlyargs, node.kw_defaults, strict=True)
        if argument.arg == "x_note"
    ]
    assert len(defaults) == 2  # Client and AsyncClient
    for default in defaults:
        assert isinstance(default, ast.Constant) and default.value == text


#: Defaults of every JSON type, with payloads in keys and values.
HOSTILE_DEFAULTS = (
    ("string", PAYLOADS[0]),
    ("string", "\x00\r\n\u2028\\"),
    (
        "object",
        {PAYLOADS[0]: PAYLOADS[1], "nested": {PAYLOADS[2]: [PAYLOADS[3], None]}},
    ),
    ("array", [PAYLOADS[4], 1, 2.5, True, None, {"k": PAYLOADS[0]}]),
    ("number", float("nan")),
    ("number", float("-inf")),
    ("number", 1e308),
    ("integer", 10**100),
    ("integer", -(2**63)),
    ("boolean", False),
)


def test_datamodel_code_generator_2026_malicious_default(tmp_path: Path) -> None:
    """A default (or example) is printed as a literal equal to the spec's value."""
    outcomes = []
    for index, (type_, default) in enumerate(HOSTILE_DEFAULTS):
        spec = minimal_spec()
        item(spec)["properties"] = {
            "value": {"type": type_, "default": default, "example": default}
        }
        outcome = _built(spec, tmp_path / f"case-{index}")
        models = outcome.trees["models.py"]
        (value,) = [
            n.value
            for n in ast.walk(models)
            if isinstance(n, ast.AnnAssign) and n.value is not None
        ]
        printed = _evaluate(value)
        assert _same_value(printed, default), (printed, default)
        examples = keyword_values(models, "Field", "examples")
        assert any(_same_value(e, [default]) for e in examples if e is not None) or any(
            _evaluate_examples(models, default)
        ), examples
        outcomes.append(outcome)
    _imports_cleanly(outcomes, tmp_path)


def _evaluate(node: ast.expr) -> Any:
    """A literal, or `float("nan")`-style non-finite floats nested anywhere."""
    code = compile(ast.Expression(node), "<literal>", "eval")
    names = set(code.co_names)
    assert names <= {"float"}, f"not a literal: {ast.unparse(node)[:200]}"
    return eval(
        code, {"__builtins__": {}, "float": float}
    )  # the names were checked above


def _evaluate_examples(models: ast.Module, default: Any) -> list[bool]:
    return [
        _same_value(_evaluate(k.value), [default])
        for call in calls(models, "Field")
        for k in call.keywords
        if k.arg == "examples"
    ]


def _same_value(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to NaN and keeps bool, int and float apart."""
    if (
        isinstance(a, float)
        and isinstance(b, float)
        and math.isnan(a)
        and math.isnan(b)
    ):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same_value, a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same_value(a[k], b[k]) for k in a)
    return bool(a == b)


LOCAL_FILE_REFS = (
    ("/etc/passwd", "OAG022"),
    ("file:///etc/passwd", "OAG022"),
    ("file://localhost/etc/passwd#/x", "OAG022"),
    ("../../../../../../../../etc/passwd", "OAG021"),
    ("..%2F..%2F..%2F..%2Fetc%2Fpasswd", None),
    ("link.json", "OAG021"),
)


@pytest.mark.parametrize(("ref", "code"), LOCAL_FILE_REFS)
def test_datamodel_code_generator_2026_ref_to_local_file_is_refused(
    tmp_path: Path, ref: str, code: str | None
) -> None:
    """A `$ref` never reads a file outside the spec's folder (here `/etc/passwd`,
    directly, as a file URL, through `..`, or through a symlink)."""
    folder = tmp_path / "spec"
    folder.mkdir()
    (folder / "link.json").symlink_to("/etc/passwd")
    spec = minimal_spec()
    item(spec)["properties"]["name"] = {"$ref": ref}
    outcome = run_pipeline(spec, folder)
    assert outcome.build is None, "a $ref outside the spec folder was followed"
    if code is not None:
        assert code in outcome.rejected, outcome.rejected
    else:
        assert set(outcome.rejected) & {"OAG020", "OAG021", "OAG022"}, outcome.rejected


def test_datamodel_code_generator_2026_remote_ref_is_not_fetched(
    tmp_path: Path,
) -> None:
    """`http://` refs are refused (OAG022) without any request being made."""
    import http.server
    import threading

    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = json.dumps({"type": "string"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        for index, ref in enumerate(
            [
                f"http://127.0.0.1:{port}/schema.json",
                f"http://127.0.0.1:{port}/schema.json#/type",
                f"//127.0.0.1:{port}/schema.json",
            ]
        ):
            spec = minimal_spec()
            item(spec)["properties"]["name"] = {"$ref": ref}
            outcome = run_pipeline(spec, tmp_path / f"case-{index}")
            assert outcome.build is None and "OAG022" in outcome.rejected, (
                ref,
                outcome.rejected,
            )
    finally:
        server.shutdown()
        server.server_close()
    assert requests == [], f"the generator fetched {requests}"


def test_datamodel_code_generator_2026_import_path_through_x_python_type(
    tmp_path: Path,
) -> None:
    """datamodel-code-generator turns `x-python-type: this.s` into `from this import s`:
    a spec must not choose what the generated package imports (importing `this` prints,
    `antigravity` opens a browser, any installed module's top level runs)."""
    benign = _built(minimal_spec(), tmp_path / "benign").trees["models.py"]
    for index, type_ in enumerate(["this.s", "antigravity.geohash", "os.system"]):
        spec = minimal_spec()
        item(spec)["properties"]["name"] = {"type": "string", "x-python-type": type_}
        models = _built(spec, tmp_path / f"case-{index}").trees["models.py"]
        assert imported(models) == imported(benign), (
            f"x-python-type {type_!r} made models.py import "
            f"{sorted((imported(models) - imported(benign)).elements())}"
        )


DCG_EXTENSIONS = (
    ("x-python-type", PAYLOADS[0]),
    ("x-python-import", {"module": "this", "name": "s"}),
    ("x-python-import", PAYLOADS[0]),
    ("x-enum-field-as-literal", "all"),
    ("x-datamodel-code-generator-field-name", PAYLOADS[0]),
    ("x-enum-varnames", [PAYLOADS[0], PAYLOADS[1]]),
    ("x-enumNames", [PAYLOADS[0], PAYLOADS[1]]),
    ("x-enum-descriptions", [PAYLOADS[0], '"""']),
    ("x-is-classvar", True),
    ("x-is-base-class", True),
    ("x-python-union-branch", PAYLOADS[0]),
)


@pytest.mark.parametrize(("key", "value"), DCG_EXTENSIONS, ids=lambda v: str(v)[:30])
def test_extensions_that_datamodel_code_generator_reads_cannot_break_generation(
    tmp_path: Path, key: str, value: Any
) -> None:
    """`x-` values are data: on the model, on a property and on an enum they give a
    diagnostic or the usual output, never an internal error or a new import."""
    benign = _built(minimal_spec(), tmp_path / "benign").trees["models.py"]
    for where in ("model", "property", "enum"):
        spec = minimal_spec()
        item(spec)["properties"]["kind"] = {"type": "string", "enum": ["a", "b"]}
        target = {
            "model": item(spec),
            "property": item(spec)["properties"]["name"],
            "enum": item(spec)["properties"]["kind"],
        }[where]
        target[key] = value
        try:
            outcome = run_pipeline(spec, tmp_path / where, with_runtime=False)
        except Exception as error:  # noqa: BLE001
            raise AssertionError(
                f"{key} on the {where}: internal error {type(error).__name__}: {error}"
            ) from None
        if outcome.build is None:
            continue
        models = parse_all(outcome.build)["models.py"]
        modules = {module for module, _ in imported(models)}
        assert modules <= {module for module, _ in imported(benign)} | {
            "enum",
            "typing",
        }, f"{key} on the {where} made models.py import {sorted(modules)}"


ROUTE_PATHS = (
    "/items')\nimport os\n@router.get('/x",
    '/items")\nimport os\n@router.get("/x',
    "/items'''\"\"\"",
    "/items\\",
    "/items/\\') #",
    f"/items'); open({str(CANARY)!r}, 'w') #",
    "/items/\u2028/\x00/\r",
)


def test_fastapi_code_generator_2026_route_path_in_decorator(tmp_path: Path) -> None:
    """The path template is printed as the literal argument of `@router.get(...)` and of
    the client's `request(...)`, with exactly its value."""
    benign = minimal_spec()
    outcomes = []
    for index, path in enumerate(ROUTE_PATHS):
        spec = minimal_spec()
        spec["paths"] = {path: spec["paths"]["/items"]}
        outcome = _same_code(spec, benign, tmp_path / f"case-{index}")
        trees = outcome.trees
        routes = [
            _evaluate(node.args[0])
            for node in calls(server_code(trees), "get")
            if node.args
        ]
        assert routes == [path], routes
        requests = [
            _evaluate(node.args[1])
            for node in calls(client_code(trees), "request")
            if len(node.args) > 1
        ]
        assert set(requests) == {path}, requests
        outcomes.append(outcome)
    _imports_cleanly(outcomes, tmp_path)


STATUS_KEY_INJECTIONS = (
    "200: None}, **{__import__('os').system('x'): 1",
    "200}; import os #",
    "200\n",
    " 200",
    "2e2",
    "0x0C8",
    "200_0",
    "-200",
    "²⁰⁰",
    "2٠٠",  # Arabic-Indic digits: Python's `\d` (the validator's) accepts them
    "2００",  # fullwidth digits
    "2XX",
)


@pytest.mark.parametrize("key", STATUS_KEY_INJECTIONS)
def test_fastapi_code_generator_2026_status_code_key_in_responses(
    tmp_path: Path, key: str
) -> None:
    """A response key reaches `responses={...}` and `status_code=` only as an int in
    100-599; any other key is refused, by the validator (OAG010) or by oagen's own
    check for what the validator lets through, such as non-ASCII digits (OAG035)."""
    spec = minimal_spec()
    operation(spec)["responses"][key] = {"description": "injected"}
    outcome = run_pipeline(spec, tmp_path, with_runtime=False)
    if outcome.build is None:
        assert set(outcome.rejected) <= {"OAG010", "OAG035"}, outcome.rejected
        assert outcome.rejected, "refused without a diagnostic"
        return
    _check_status_codes(server_code(parse_all(outcome.build)))


SUMMARIES = (
    '"""\nimport os\nos.system("x")\n"""',
    f'x"""\nopen({str(CANARY)!r}, "w")\n"""',
    'a summary ending in a quote"',
    "a summary ending in a backslash\\",
    "'''",
    '"',
    "\\",
    "\n\n\n",
)


def test_fastapi_code_generator_2026_summary_closing_docstring(tmp_path: Path) -> None:
    """A summary is one docstring (client, interfaces) and one `summary=` literal."""
    benign = minimal_spec()
    operation(benign)["summary"] = "Get the item"
    outcomes = []
    for index, summary in enumerate(SUMMARIES):
        spec = minimal_spec()
        operation(spec)["summary"] = summary
        outcome = _same_code(spec, benign, tmp_path / f"case-{index}")
        trees = outcome.trees
        if summary.strip():  # (an empty summary may default to `GET /items`)
            assert keyword_values(server_code(trees), "get", "summary") == [
                summary.strip()
            ]
        for path in (TAG_MODULE, INTERFACES_MODULE, MOCK_MODULE):
            assert squash(summary) in squash(docstrings(trees[path])), path
        outcomes.append(outcome)
    _imports_cleanly(outcomes, tmp_path)


# ------------------------------------------------------------------------------------------
# what fuzzing found: names that collide with the generated code's own names


NAME_COLLISIONS = (
    ("tag", "transport"),  # resource class AsyncTransport shadows the runtime's
    ("tag", "SyncTransport"),
    ("tag", "app"),  # create_app(app=...) is overwritten by `app = FastAPI(...)`
    ("tag", "install_error_handlers"),  # shadows the function create_app calls
    ("tag", "Self"),
    ("tag", "TracebackType"),
    ("schema", "Path"),  # app.py imports Path from fastapi and from ..models
    ("schema", "Query"),
    ("schema", "Response"),
    ("schema", "SyncTransport"),
    ("schema", "AsyncItems"),  # the async resource class of tag `items`
    ("schema", "ItemsApi"),
    (
        "tags",
        "asyncItems,items",
    ),  # AsyncItems for `asyncItems`, and for `items`'s async class
    ("query", "call_operation"),  # the route handler's parameter shadows the function
    ("header", "call_operation"),
)


@pytest.mark.parametrize(
    ("place", "name"), NAME_COLLISIONS, ids=[f"{p}-{n}" for p, n in NAME_COLLISIONS]
)
def test_spec_names_do_not_shadow_generated_names(
    tmp_path: Path, place: str, name: str
) -> None:
    spec = minimal_spec()
    if place == "tag":
        operation(spec)["tags"] = [name]
    elif place in ("query", "header"):
        operation(spec)["parameters"] = [
            {"name": name, "in": place, "schema": {"type": "string"}}
        ]
    elif place == "tags":
        first, second = name.split(",")
        operation(spec)["tags"] = [first]
        spec["paths"]["/other"] = {
            "get": {**operation(spec), "operationId": "other", "tags": [second]}
        }
    else:
        # parameters, so that app.py imports the FastAPI markers Path and Query
        spec["paths"] = {"/items/{itemId}": spec["paths"]["/items"]}
        operation_ = spec["paths"]["/items/{itemId}"]["get"]
        operation_["parameters"] = [
            {
                "name": "itemId",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
            },
            {"name": "q", "in": "query", "schema": {"type": "string"}},
        ]
        spec["components"]["schemas"] = {name: item(spec)}
        operation_["responses"]["200"]["content"]["application/json"]["schema"] = {
            "$ref": f"#/components/schemas/{name}"
        }
    trees = _built(spec, tmp_path).trees
    for path, tree in trees.items():
        check_names_and_scopes(path, tree)


def test_property_names_that_normalise_alike_are_refused_not_merged(
    tmp_path: Path,
) -> None:
    """Python reads identifiers NFKC-normalised: a field `ﬁ` IS the field `fi`.  Two
    properties `ﬁ` and `fi` must never become one field; no readable pair of names
    exists, so the spec is refused (OAG042, both places named) rather than numbered."""
    spec = minimal_spec()
    item(spec)["properties"] = {
        "ﬁ": {"type": "string"},
        "fi": {"type": "integer"},
        "ｘ": {"type": "string"},
        "x": {"type": "integer"},
    }
    outcome = run_pipeline(spec, tmp_path, with_runtime=False)
    assert outcome.build is None
    assert set(outcome.rejected) == {"OAG042"}
    # With an override the two stay two fields, each with its own wire name.
    item(spec)["properties"]["ﬁ"]["x-oagen-name"] = "fi_ligature"
    item(spec)["properties"]["ｘ"]["x-oagen-name"] = "x_fullwidth"
    models = _built(spec, tmp_path / "renamed").trees["models.py"]
    fields = _field_names(models)["Item"]
    assert sorted(fields) == ["fi", "fi_ligature", "x", "x_fullwidth"]
    wire = set(keyword_values(models, "Field", "alias")) | set(fields)
    assert {"ﬁ", "fi", "ｘ", "x"} <= wire, wire


def test_lone_surrogate_is_a_diagnostic_not_an_internal_error(tmp_path: Path) -> None:
    """JSON can carry `"\\ud800"`; the text cannot be written as UTF-8.  The spec must be
    refused with a diagnostic (or the string escaped), never crash the generator."""
    failures = []
    for index, place in enumerate(
        ("info.title", "op.summary", "enum.value", "prop.description")
    ):
        try:
            run_pipeline(make_spec({place: "a\ud800b"}), tmp_path / f"case-{index}")
        except Exception as error:  # noqa: BLE001
            failures.append(f"{place}: {type(error).__name__}: {str(error)[:120]}")
    assert not failures, "\n".join(failures)


def test_spec_without_operations_generates(tmp_path: Path) -> None:
    """`paths: {}` is valid OpenAPI: the package is generated (models only), it is not an
    internal error because `server/__init__.py` imports nothing from `.interfaces`."""
    spec = minimal_spec()
    spec["paths"] = {}
    _built(spec, tmp_path)


def test_the_import_check_sees_an_injection(tmp_path: Path) -> None:
    """The import harness is not vacuous: a package whose models module opens the canary
    and imports `this` is reported on every count."""
    outcome = _built(minimal_spec(), tmp_path / "benign")
    assert outcome.build is not None
    benign = emit_package(outcome, tmp_path / "benign")
    files = dict(outcome.build.files)
    files["models.py"] += f"\nimport this\nopen({str(CANARY)!r}, 'w').close()\n"
    injected = tmp_path / "injected" / "emitted"
    emit({**_runtime_copy(), **files}, injected / "api")
    _, result = import_packages([benign, injected])
    assert result["error"] is None, result
    assert "Zen of Python" in result["output"], result
    assert "this" in result["new_modules"], result
    assert any(event == "open" for event, _ in result["events"]), result
    assert CANARY.exists()
    CANARY.unlink()


# ------------------------------------------------------------------------------------------
# media types and multipart part names: spec strings the body and response code prints


def _media_spec(media: str, part: str) -> dict[str, Any]:
    """Text in and out, binary in, and a multipart part, with `media` and `part` in them."""
    spec = minimal_spec()
    text = {"schema": {"type": "string"}}
    operation(spec)["responses"]["200"]["content"] = {f"text/plain; x={media}": text}
    spec["paths"]["/raw"] = {
        "put": {
            "operationId": "putRaw",
            "requestBody": {
                "required": True,
                "content": {f"application/octet-stream; x={media}": {}},
            },
            "responses": {"204": {"description": "Stored."}},
        },
        "post": {
            "operationId": "upload",
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                part: {"type": "string", "format": "binary"},
                                "note": {"type": "string", "pattern": "^a$"},
                            },
                        }
                    }
                }
            },
            "responses": {"204": {"description": "Stored."}},
        },
    }
    return spec


def test_hostile_media_types_and_part_names_stay_literals(tmp_path: Path) -> None:
    """A media type reaches `OperationInfo`, `RawBody`, `responses=` and
    `openapi_extra=`, a part name `alias=` and the client's `files={...}`: each only
    as a literal equal to the spec's string."""
    benign = _media_spec("y", "file")
    outcomes = []
    for index, payload in enumerate(PAYLOADS):
        outcome = _same_code(
            _media_spec(payload, payload), benign, tmp_path / f"case-{index}"
        )
        app, client = server_code(outcome.trees), client_code(outcome.trees)
        text, binary = (
            f"text/plain; x={payload}",
            f"application/octet-stream; x={payload}",
        )
        info = [_literal(node.args[-1]) for node in calls(app, "OperationInfo")]
        assert text in info, info
        raw = [_literal(node.args[1]) for node in calls(client, "RawBody")]
        assert raw == [binary, binary], raw  # sync and async
        assert {200: {"description": "The item.", "content": {text: {}}}} in [
            _literal(v) for v in _keyword_nodes(app, "get", "responses")
        ]
        assert {
            "requestBody": {
                "required": True,
                "content": {binary: {"schema": {"type": "string", "format": "binary"}}},
            }
        } in [_literal(v) for v in _keyword_nodes(app, "put", "openapi_extra")]
        assert payload in [
            _literal(k.value)
            for node in calls(app, "File")
            for k in node.keywords
            if k.arg == "alias"
        ]
        files = [
            _literal(k.value)
            for node in calls(client, "MultipartBody")
            for k in node.keywords
            if k.arg == "files"
        ]
        assert files == [{payload: None}] * 2, files  # sync and async
        outcomes.append(outcome)
    _imports_cleanly(outcomes[:4], tmp_path)


def _keyword_nodes(tree: ast.AST, call: str, name: str) -> list[ast.expr]:
    return [
        k.value for node in calls(tree, call) for k in node.keywords if k.arg == name
    ]


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:  # a dict whose values are names: keep the literal keys
        assert isinstance(node, ast.Dict), ast.dump(node)
        return {ast.literal_eval(k): None for k in node.keys if k is not None}
