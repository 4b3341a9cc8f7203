"""`oagen vendor` and `oagen verify`: a renamed copy that runs without oagen, and its checks.

The vendored client runs in a fresh interpreter that cannot import oagen, against
the vendored mock server in another process.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.manifest import MANIFEST_NAME
from tests.conftest import REPO, SEED_SPEC
from tests.oagen_cli import oagen

PACKAGE = "acme_usage"

#: Runs a module with the given folders (`:`-separated) added to a path stripped of the
#: checkout, after making sure oagen cannot be imported: argv = folders, module, args...
ISOLATED = """\
import importlib.util, runpy, sys
from pathlib import Path

repo, vendor = Path({repo!r}), sys.argv[1]
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != repo]
assert importlib.util.find_spec("generator.cli") is None, "oagen is importable"
assert importlib.util.find_spec("generator.pipeline") is None, "oagen is importable"
sys.path[:0] = vendor.split(":")
sys.argv = sys.argv[2:]
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""

CLIENT = """\
import sys

import {package}
from {package} import Client
from {package}.client import USER_AGENT

assert {package}.__file__.startswith(sys.argv[2]), {package}.__file__
with Client(username="id", password="secret", base_url=sys.argv[1]) as client:
    page = client.seat_events.get_seat_events(limit=2)
    assert type(page).__module__ == "{package}.models", type(page)
    print(len(page.items), page.items[0].id, USER_AGENT)
leaked = sorted(
    name for name, module in sys.modules.items()
    if name.split(".")[0] in ("generator", "sequence_usage")
    and getattr(module, "__file__", None)
)
assert not leaked, leaked
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project oagen runs in: the seed spec and its [tool.oagen]."""
    (tmp_path / "spec").mkdir()
    shutil.copy(SEED_SPEC, tmp_path / "spec" / "seat-events.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec/seat-events.yaml"\npackage = "sequence_usage"\n'
        'default-server = "sandbox"\n',
        encoding="utf-8",
    )
    return tmp_path


def vendor(project: Path, *extra: str, into: str = "app/vendor") -> Path:
    done = oagen("vendor", "--into", into, "--package", PACKAGE, *extra, cwd=project)
    assert done.returncode == 0, done.stderr
    return project / into / PACKAGE


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def isolated(tmp_path: Path) -> Path:
    script = tmp_path / "isolated.py"
    script.write_text(ISOLATED.format(repo=str(REPO)), encoding="utf-8")
    return script


@pytest.fixture
def mock_server(project: Path, isolated: Path) -> Iterator[str]:
    vendored = vendor(project)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-I", str(isolated), str(vendored.parent)]
        + [f"{PACKAGE}.server", "--mock", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"the vendored server exited: {server.communicate()[0]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the vendored server did not start")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def test_the_vendored_client_runs_without_oagen(
    project: Path, mock_server: str, isolated: Path
) -> None:
    vendored = project / "app" / "vendor" / PACKAGE
    (project / "app" / "use_client.py").write_text(
        CLIENT.format(package=PACKAGE), encoding="utf-8"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-I",
            str(isolated),
            f"{vendored.parent}:{project / 'app'}",
            "use_client",
            mock_server,
            str(vendored),
        ],
        cwd=project / "app",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    count, _, user_agent = done.stdout.strip().split(maxsplit=2)
    assert count == "2"
    assert user_agent.startswith(f"{PACKAGE}/")


def test_the_copy_is_renamed_self_contained_and_documented(project: Path) -> None:
    vendored = vendor(project)
    files = tree(vendored)
    for required in (
        "__init__.py",
        "client.py",
        "models.py",
        "server/app.py",
        "_runtime/client.py",
        "py.typed",
        MANIFEST_NAME,
        "VENDORED.md",
    ):
        assert required in files, required
    for path, data in files.items():
        assert b"sequence_usage" not in data, f"the old name is left in {path}"
        if path.endswith(".py"):
            assert b"from generator" not in data and b"import generator" not in data
    assert f"python -m {PACKAGE}.server".encode() in files["server/__main__.py"]
    note = files["VENDORED.md"].decode("utf-8")
    assert note.startswith("<!-- Generated by oagen ")
    assert "spec/seat-events.yaml" in note
    update = (
        f"oagen vendor --into app/vendor --package {PACKAGE} "
        "--spec spec/seat-events.yaml --default-server sandbox"
    )
    assert update in note
    assert f"oagen verify app/vendor/{PACKAGE} --spec spec/seat-events.yaml" in note
    assert "run `oagen vendor`" in files["client.py"].decode("utf-8").splitlines()[2]


def test_the_commands_in_vendored_md_work(project: Path) -> None:
    vendored = vendor(project)
    before = tree(vendored)
    note = (vendored / "VENDORED.md").read_text(encoding="utf-8")
    commands = [line.strip() for line in note.splitlines() if line.startswith("    ")]
    assert [c.split()[:2] for c in commands] == [
        ["oagen", "vendor"],
        ["oagen", "verify"],
    ]
    for command in commands:
        done = oagen(*command.split()[1:], cwd=project)
        assert done.returncode == 0, command + "\n" + done.stdout + done.stderr
    assert tree(vendored) == before, "updating an unchanged copy changes nothing"


@pytest.mark.parametrize(
    ("only", "present", "absent"),
    [
        (
            "client",
            ["client.py", "errors.py", "models.py", "_runtime/client.py"],
            ["server/app.py", "_runtime/server.py", "_runtime/mock.py"],
        ),
        (
            "models",
            ["models.py", "_runtime/serialization.py", "_runtime/__init__.py"],
            ["client.py", "errors.py", "server/app.py", "_runtime/client.py"],
        ),
        (
            "server",
            ["server/app.py", "models.py", "_runtime/server.py", "_runtime/mock.py"],
            ["client.py", "errors.py", "_runtime/client.py", "_runtime/auth.py"],
        ),
    ],
)
def test_only_keeps_one_part_that_imports(
    project: Path, only: str, present: list[str], absent: list[str]
) -> None:
    vendored = vendor(project, "--only", only)
    files = tree(vendored)
    for path in present:
        assert path in files, path
    for path in absent:
        assert path not in files, path
    recorded = json.loads(files[MANIFEST_NAME])
    assert recorded["inputs"]["config"]["vendor"] == {
        "into": "app/vendor",
        "only": only,
    }
    assert f"--only {only}" in files["VENDORED.md"].decode("utf-8")
    modules = sorted(
        f"{PACKAGE}." + p[: -len(".py")].replace("/", ".").removesuffix(".__init__")
        for p in files
        if p.endswith(".py") and not p.endswith("__main__.py")
    )
    probe = (
        "import importlib, sys\n"
        f"sys.path.insert(0, {str(vendored.parent)!r})\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted({'httpx', 'fastapi'} & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    expected = {"client": "['httpx']", "models": "[]", "server": "['fastapi']"}[only]
    assert done.stdout.strip() == expected


def test_vendor_refuses_a_folder_oagen_did_not_write(project: Path) -> None:
    target = project / "app" / "vendor" / PACKAGE
    target.mkdir(parents=True)
    (target / "mine.py").write_text("x = 1\n")
    done = oagen("vendor", "--into", "app/vendor", "--package", PACKAGE, cwd=project)
    assert done.returncode == 2
    assert "not written by oagen" in done.stderr
    assert tree(target) == {"mine.py": b"x = 1\n"}


def test_vendor_refuses_a_hand_added_file_in_its_copy(project: Path) -> None:
    vendored = vendor(project)
    (vendored / "mine.py").write_text("x = 1\n")
    done = oagen("vendor", "--into", "app/vendor", "--package", PACKAGE, cwd=project)
    assert done.returncode == 2 and "mine.py" in done.stderr
    assert (vendored / "mine.py").read_text() == "x = 1\n"


def test_verify_clean_edited_and_stale(project: Path) -> None:
    vendored = vendor(project)
    shown = f"app/vendor/{PACKAGE}"
    done = oagen("verify", shown, cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "up to date with the spec" in done.stdout
    assert oagen("verify", "app/vendor", cwd=project).returncode == 0  # the one package

    client = vendored / "client.py"
    original = client.read_bytes()
    client.write_bytes(original.replace(b"class Client", b"class Klient"))
    (vendored / "errors.py").unlink()
    done = oagen("verify", shown, cwd=project)
    assert done.returncode == 1
    assert f"{shown}: hand edit: client.py was changed" in done.stdout
    assert f"{shown}: hand edit: errors.py was deleted" in done.stdout
    vendor(project)  # updating restores the copy

    spec = project / "spec" / "seat-events.yaml"
    spec.write_text(spec.read_text().replace("Manage usage", "Manage all usage"))
    done = oagen("verify", shown, cwd=project)
    assert done.returncode == 1
    assert f"{shown}: stale: spec file seat-events.yaml changed" in done.stdout
    assert "hand edit" not in done.stdout


def test_verify_with_an_explicit_spec_from_another_project(
    project: Path, tmp_path: Path
) -> None:
    vendored = vendor(project)
    elsewhere = tmp_path / "consumer"
    shutil.copytree(vendored, elsewhere / PACKAGE)
    (elsewhere / "pyproject.toml").write_text('[project]\nname = "consumer"\n')
    done = oagen("verify", PACKAGE, cwd=elsewhere)
    assert done.returncode == 0
    assert "the spec was not checked" in done.stdout
    done = oagen("verify", PACKAGE, "--spec", str(SEED_SPEC), cwd=elsewhere)
    assert done.returncode == 0 and "up to date with the spec" in done.stdout
    other = tmp_path / "other.yaml"
    other.write_text(SEED_SPEC.read_text().replace("Manage usage", "Manage"))
    assert oagen("verify", PACKAGE, "--spec", str(other), cwd=elsewhere).returncode == 1


def test_verify_usage_errors_exit_2(project: Path) -> None:
    (project / "plain").mkdir()
    done = oagen("verify", "plain", cwd=project)
    assert done.returncode == 2 and "not a package oagen wrote" in done.stderr
    assert oagen("verify", "missing", cwd=project).returncode == 2


def test_verify_works_on_the_generated_package() -> None:
    done = oagen("verify", "generated/sequence_usage", cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_copy_can_be_narrowed_in_place(project: Path) -> None:
    vendored = vendor(project)
    assert (vendored / "server" / "app.py").is_file()
    vendor(project, "--only", "models")
    assert sorted(tree(vendored)) == [
        "VENDORED.md",
        "__init__.py",
        MANIFEST_NAME,
        "_runtime/__init__.py",
        "_runtime/serialization.py",
        "models.py",
        "py.typed",
    ]
    assert oagen("verify", str(vendored), cwd=project).returncode == 0
