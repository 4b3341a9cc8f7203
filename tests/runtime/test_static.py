"""Static guarantees of the runtime: it is copied verbatim into generated
packages, so it must type-check strictly, lint clean, stand alone, and keep
server-only dependencies out of the client modules."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNTIME_DIR = REPO_ROOT / "generator" / "runtime"
RUNTIME_FILES = sorted(RUNTIME_DIR.glob("*.py"))
SERVER_ONLY = {"server.py", "server_errors.py", "server_routes.py"}
CLIENT_THIRD_PARTY = {"httpx", "pydantic", "pydantic_core", "typing_extensions"}


def run(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def imported_roots(path: Path) -> list[tuple[int, str]]:
    """(relative level, module) for every import anywhere in the file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_expected_modules_exist() -> None:
    names = {path.name for path in RUNTIME_FILES}
    assert {
        "__init__.py",
        "auth.py",
        "client.py",
        "errors.py",
        "pagination.py",
        "raw.py",
        "retries.py",
        "server.py",
    } <= names


@pytest.mark.parametrize("path", RUNTIME_FILES, ids=lambda p: p.name)
def test_files_stay_small(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= 400, path.name


def test_mypy_strict(tmp_path: Path) -> None:
    result = run(
        "-m", "mypy", "--strict", "--cache-dir", str(tmp_path), str(RUNTIME_DIR)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_and_black() -> None:
    ruff = run("-m", "ruff", "check", str(RUNTIME_DIR))
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    black = run("-m", "black", "--check", "--quiet", str(RUNTIME_DIR))
    assert black.returncode == 0, black.stdout + black.stderr


@pytest.mark.parametrize("path", RUNTIME_FILES, ids=lambda p: p.name)
def test_imports_are_relative_or_allowed(path: Path) -> None:
    allowed = set(sys.stdlib_module_names) | CLIENT_THIRD_PARTY
    if path.name in SERVER_ONLY:
        allowed |= {"fastapi", "starlette"}
    siblings = {p.stem for p in RUNTIME_FILES}
    for level, module in imported_roots(path):
        if level:
            # Only siblings: ".." would escape the copied _runtime package.
            assert level == 1, f"{path.name}: import from {'.' * level}{module}"
            assert module.split(".")[0] in siblings, f"{path.name}: .{module}"
        else:
            root = module.split(".")[0]
            assert root in allowed, f"{path.name} imports {module}"


def test_only_server_imports_fastapi_or_starlette() -> None:
    for path in RUNTIME_FILES:
        roots = {m.split(".")[0] for level, m in imported_roots(path) if not level}
        uses_server_stack = bool(roots & {"fastapi", "starlette"})
        assert uses_server_stack == (path.name in SERVER_ONLY), path.name


def test_init_is_a_docstring_only() -> None:
    tree = ast.parse((RUNTIME_DIR / "__init__.py").read_text())
    assert len(tree.body) == 1
    assert isinstance(tree.body[0], ast.Expr)
    assert isinstance(tree.body[0].value, ast.Constant)


# --- as the generator will use it: copied into a package ---------------------


GENERATED_API = """
from __future__ import annotations

import enum

import pydantic
from fastapi import FastAPI, Query
from starlette.responses import Response
from typing import Annotated

from ._runtime.auth import BasicAuth, HeaderAuth, OAuth2ClientCredentials, combine_auth
from ._runtime.client import AsyncTransport, SyncTransport
from ._runtime.pagination import AsyncPager, SyncPager
from ._runtime.raw import RawResponse, async_with_raw_response, with_raw_response
from ._runtime.retries import RetryPolicy
from ._runtime.server import OperationInfo, OperationTable, install_error_handlers


class Version(enum.Enum):
    V1 = "2024-07-30"


class Seat(pydantic.BaseModel):
    seat_id: int = pydantic.Field(alias="seatId")


class SeatList(pydantic.BaseModel):
    data: list[Seat]
    after: str | None = None


class Problem(pydantic.BaseModel):
    message: str


ERRORS: dict[int | str, object] = {404: Problem, "5XX": Problem}


class Seats:
    def __init__(self, transport: SyncTransport) -> None:
        self._transport = transport

    def page(self, after: str | None = None) -> SeatList:
        return self._transport.request(
            "GET",
            "/x",
            query={"after": after},
            cast_to=SeatList,
            error_types=ERRORS,
            extra_headers={"X-A": "1"},
            extra_query={"b": 2},
            timeout=3.0,
            max_retries=0,
        )

    def pages(self) -> SyncPager[Seat, SeatList]:
        return SyncPager(self.page, lambda r: r.data, lambda r: r.after)

    def all(self, limit: int | None = None) -> list[Seat]:
        return self._transport.request(
            "GET", "/seats", query={"limit": limit}, cast_to=list[Seat]
        )

    def delete(self, seat_id: int) -> None:
        return self._transport.request(
            "DELETE", "/seats/{id}", path_params={"id": seat_id}, cast_to=None
        )


class SeatsWithRawResponse:
    def __init__(self, seats: Seats) -> None:
        self.page = with_raw_response(seats.page)


def use(transport: SyncTransport) -> int:
    seats = Seats(transport)
    ids = [seat.seat_id for seat in seats.pages()]
    raw: RawResponse[SeatList] = SeatsWithRawResponse(seats).page(after="c")
    first = seats.pages().first_page()
    following = first.get_next_page()
    return len(ids) + raw.status_code + len(raw.parse().data) + (following is None)


def make_transport() -> SyncTransport:
    auth = combine_auth(
        BasicAuth("u", "p"),
        HeaderAuth("Authorization", "Basic x"),
        OAuth2ClientCredentials("/token", "id", "secret", scopes=["a"]),
        None,
    )
    return SyncTransport(
        base_url="https://h",
        timeout=60.0,
        headers={"Sequence-Version": Version.V1, "X-None": None},
        auth=auth,
        max_retries=3,
        retry_policy=RetryPolicy(max_retries=3),
        user_agent="pkg/1",
    )


class AsyncSeats:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def get(self, seat: Seat) -> Seat:
        return await self._transport.request(
            "POST", "/seats", json_body=seat, cast_to=Seat
        )

    async def page(self, after: str | None = None) -> SeatList:
        return await self._transport.request(
            "GET", "/x", query={"after": after}, cast_to=SeatList
        )


async def ause(seats: AsyncSeats, seat: Seat) -> list[int]:
    raw: RawResponse[Seat] = await async_with_raw_response(seats.get)(seat)
    pager: AsyncPager[Seat, SeatList] = AsyncPager(
        seats.page, lambda r: r.data, lambda r: r.after
    )
    first = await pager.first_page()
    nxt = await first.get_next_page()
    ids = [item.seat_id async for item in pager]
    async for page in pager.pages():
        ids.extend(s.seat_id for s in page)
    return ids + [raw.parse().seat_id, len(nxt.items) if nxt else 0]


def create_app(impl: object) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    table = OperationTable(
        impl, {"list_seats": OperationInfo("listSeats", 200, list[Seat])}
    )

    @app.get("/seats", responses={400: {"description": "Bad request"}})
    async def list_seats(
        limit: Annotated[int | None, Query(alias="limit", ge=1)] = None,
    ) -> Response:
        return await table.call("list_seats", {"limit": limit})

    return app
"""

WRONG_TYPES = """
from __future__ import annotations

from ._runtime.client import SyncTransport
from ._runtime.raw import with_raw_response
from .api import Seat, Seats


def wrong(transport: SyncTransport) -> int:
    return transport.request("GET", "/x", cast_to=Seat)


def wrong_none(transport: SyncTransport) -> Seat:
    return transport.request("GET", "/x", cast_to=None)


def wrong_item(seats: Seats) -> str:
    for seat in seats.pages():
        return seat
    return ""


def wrong_raw(seats: Seats) -> Seat:
    return with_raw_response(seats.page)(after="x").parse()


def wrong_argument(seats: Seats) -> None:
    with_raw_response(seats.page)(after=1)
"""


@pytest.fixture()
def generated_pkg(tmp_path: Path) -> Path:
    package = tmp_path / "sample_pkg"
    runtime = package / "_runtime"
    runtime.mkdir(parents=True)
    for path in RUNTIME_FILES:
        shutil.copy(path, runtime / path.name)
    (package / "__init__.py").write_text('"""Generated."""\n')
    (package / "api.py").write_text(textwrap.dedent(GENERATED_API))
    return package


def test_generated_usage_type_checks(generated_pkg: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / ".mypy_cache")
    args = ("-m", "mypy", "--strict", "--cache-dir", cache, "sample_pkg")
    result = run(*args, cwd=generated_pkg.parent)
    assert result.returncode == 0, result.stdout + result.stderr

    # The overloads must be precise, not Any: wrong return types are caught.
    (generated_pkg / "wrong.py").write_text(WRONG_TYPES)
    result = run(*args, cwd=generated_pkg.parent)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.count("Incompatible return value type") == 4, result.stdout
    assert (
        'Argument "after" has incompatible type "int"' in result.stdout
    ), result.stdout
    assert result.stdout.count("error:") == 5, result.stdout


CLIENT_ONLY_SCRIPT = """
import importlib.abc
import sys

BLOCKED = {"fastapi", "starlette", "generator"}


class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"blocked {name}")
        return None


sys.meta_path.insert(0, Block())

import httpx
from sample_pkg._runtime.client import SyncTransport
from sample_pkg._runtime.errors import NotFoundError

handler = lambda request: httpx.Response(404, json={"path": request.url.path})
client = httpx.Client(transport=httpx.MockTransport(handler))
transport = SyncTransport(base_url="https://h/api", http_client=client)
try:
    transport.request("GET", "/seats/{id}", path_params={"id": 1}, cast_to=None)
except NotFoundError as exc:
    print("client ok", exc.body)
try:
    import sample_pkg._runtime.server
except ImportError:
    print("server blocked")
"""


def test_client_works_without_server_packages(generated_pkg: Path) -> None:
    result = run("-c", CLIENT_ONLY_SCRIPT, cwd=generated_pkg.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == [
        "client ok {'path': '/api/seats/1'}",
        "server blocked",
    ]
