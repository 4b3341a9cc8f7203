"""The generated package is first-class code: typed, linted, formatted, self-contained."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GENERATED, REPO

PACKAGE = GENERATED / "sequence_usage"


def run(*command: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: PLW1510 (exit codes are asserted)
        [sys.executable, "-m", *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_mypy_strict_passes() -> None:
    done = run("mypy", "--strict", "--no-incremental", "sequence_usage", cwd=GENERATED)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_check_passes() -> None:
    done = run("ruff", "check", "--no-cache", str(PACKAGE))
    assert done.returncode == 0, done.stdout + done.stderr


def test_black_check_passes() -> None:
    done = run("black", "--check", "--quiet", str(PACKAGE))
    assert done.returncode == 0, done.stdout + done.stderr


def test_ships_py_typed() -> None:
    assert (PACKAGE / "py.typed").is_file()


def test_nothing_imports_the_generator() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            else:
                continue
            assert not any(
                m == "generator" or m.startswith("generator.") for m in modules
            ), path


BLOCKER = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"fastapi", "starlette", "uvicorn", "generator"}:
            raise ImportError(f"{name} is blocked")
        return None
sys.meta_path.insert(0, Block())
"""


def test_the_client_imports_without_fastapi_or_oagen(tmp_path: Path) -> None:
    script = BLOCKER + (
        "import sequence_usage, sequence_usage.models, sequence_usage.errors\n"
        "client = sequence_usage.Client()\n"
        "print(client.base_url)\n"
    )
    done = subprocess.run(  # noqa: PLW1510 (exit codes are asserted)
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(GENERATED)!r})\n{script}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "https://eu.sequencehq.com/api"


@pytest.fixture
def typecheck(tmp_path: Path):  # type: ignore[no-untyped-def]
    def check(source: str) -> subprocess.CompletedProcess[str]:
        (tmp_path / "user_code.py").write_text(source)
        return subprocess.run(  # noqa: PLW1510 (exit codes are asserted)
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--no-incremental",
                "user_code.py",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={"MYPYPATH": str(GENERATED), "PATH": ""},
            timeout=300,
        )

    return check


def test_a_type_checker_flags_an_implementation_that_lacks_an_operation(typecheck) -> None:  # type: ignore[no-untyped-def]
    complete = typecheck((REPO / "examples" / "seat_events_server.py").read_text())
    assert complete.returncode == 0, complete.stdout
    incomplete = typecheck(
        "from sequence_usage.server import create_app\n"
        "class Misspelt:\n"
        "    def get_seat_event(self) -> None: ...\n"
        "app = create_app(seat_events=Misspelt())\n"
    )
    assert incomplete.returncode == 1
    assert 'expected "SeatEventsApi"' in incomplete.stdout


def test_the_client_surface_is_typed_for_users(typecheck) -> None:  # type: ignore[no-untyped-def]
    good = typecheck(
        "import asyncio\n"
        "from sequence_usage import AsyncClient, Client\n"
        "from sequence_usage.models import SeatEvent\n"
        "with Client(username='id', password='secret') as client:\n"
        "    page = client.seat_events.get_seat_events(limit=5)\n"
        "    events: list[SeatEvent] = page.items\n"
        "    for event in client.seat_events.iter_seat_events(limit=5):\n"
        "        one: SeatEvent = event\n"
        "    raw = client.seat_events.with_raw_response.get_seat_events(limit=5)\n"
        "    status: int = raw.status_code\n"
        "    same: list[SeatEvent] = raw.parse().items\n"
        "async def main() -> None:\n"
        "    async with AsyncClient(authorization='Basic x') as client:\n"
        "        async for event in client.seat_events.iter_seat_events():\n"
        "            another: SeatEvent = event\n"
        "asyncio.run(main())\n"
    )
    assert good.returncode == 0, good.stdout
    bad = typecheck(
        "from sequence_usage import Client\n"
        "Client().seat_events.get_seat_events(limit='five')\n"
        "Client().seat_events.get_seat_events(authorization='Basic x')\n"
    )
    assert bad.returncode == 1
    assert '"limit"' in bad.stdout
    assert (
        'Unexpected keyword argument "authorization"' in bad.stdout
    )  # hoisted to the client
