"""The generated mock server, over real HTTP on 127.0.0.1.

The generated clients call every operation of the seed and of the feature
spec against it, schemathesis checks it against the specs (status codes,
content types, response schemas, no 5xx), and both ways of starting it
(`python -m <package>.server --mock` and `oagen serve --mock`) serve.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import GENERATED, REPO, SEED_SPEC
from tests.live_server import live_server
from tests.packages import generate, imported

PETSTORE_SPEC = REPO / "tests" / "features" / "petstore" / "openapi.yaml"
CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    not_a_server_error,
]
AUTH = {"Authorization": "Basic dXNlcjpwYXNz"}


@pytest.fixture(scope="module")
def seed(generated_on_path: Path) -> ModuleType:
    import sequence_usage

    return sequence_usage


@pytest.fixture(scope="module")
def seed_url(seed: ModuleType) -> Iterator[str]:
    from sequence_usage.server.mock import create_mock_app

    with live_server(create_mock_app(validate_responses=True)) as url:
        yield url


@pytest.fixture(scope="module")
def petstore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    output = tmp_path_factory.mktemp("mock-petstore")
    generate(PETSTORE_SPEC, output, "mock_petstore")
    with imported(output, "mock_petstore") as package:
        yield package


@pytest.fixture(scope="module")
def petstore_url(petstore: ModuleType) -> Iterator[str]:
    from mock_petstore.server.mock import create_mock_app

    with live_server(create_mock_app(validate_responses=True)) as url:
        yield url


# --- the generated clients against the mock ---------------------------------


def test_the_seed_client_pages_through_the_mocked_collection(
    seed: ModuleType, seed_url: str
) -> None:
    with seed.Client(base_url=seed_url, username="u", password="p") as client:
        first = client.seat_events.get_seat_events(limit=10)
        events = list(client.seat_events.iter_seat_events(limit=10))
        pages = list(client.seat_events.iter_seat_events(limit=10).pages())
        middle = client.seat_events.get_seat_events(
            limit=4, after=first.pagination.after
        )
        back = client.seat_events.get_seat_events(
            limit=4, before=middle.pagination.before
        )
    assert len(first.items) == 10 and first.pagination.total_result_size == 25
    assert first.pagination.before is None  # the first page has no previous one
    assert len(events) == 25 and [len(p.items) for p in pages] == [10, 10, 5]
    assert pages[-1].response.pagination.after is None and not pages[-1].has_next_page()
    # The spec's example event is what the mock serves.
    assert events[0].customer_alias == "customer-id-2H4u5BBwBWsS5V2sroRFqJfTXpW"
    assert len(middle.items) == 4 and len(back.items) == 4
    assert back.pagination.before is not None  # 6 events lie before it


def test_the_async_client_sees_the_same_collection(
    seed: ModuleType, seed_url: str
) -> None:
    async def collect() -> int:
        async with seed.AsyncClient(base_url=seed_url, username="u", password="p") as c:
            return len(
                [event async for event in c.seat_events.iter_seat_events(limit=7)]
            )

    assert asyncio.run(collect()) == 25


def test_the_mock_still_validates_requests(seed_url: str) -> None:
    missing = httpx.get(f"{seed_url}/seat-events")
    assert missing.status_code == 401
    bad = httpx.get(f"{seed_url}/seat-events", params={"limit": "ten"}, headers=AUTH)
    assert bad.status_code == 400
    assert "'limit'" in bad.json()["error"]["message"]


def test_every_petstore_operation_answers_through_the_client(
    petstore: ModuleType, petstore_url: str
) -> None:
    models = sys.modules["mock_petstore.models"]
    with petstore.Client(base_url=petstore_url, api_key="k") as client:
        pets = list(client.pets.iter_pets(page_size=10))
        created = client.pets.create_pet(
            body=models.NewPet(name="rex", species=models.Species.DOG)
        )
        fetched = client.pets.get_pet(pet_id=created.id)
        deleted = client.pets.delete_pet(pet_id=created.id)
        health = client.default.health()
    assert len(pets) == 25 and all(isinstance(p, models.Pet) for p in pets)
    assert isinstance(created, models.Pet) and isinstance(fetched, models.Pet)
    assert deleted is None
    assert isinstance(health.status, str)


def test_petstore_errors_take_the_declared_error_schema(petstore_url: str) -> None:
    response = httpx.get(f"{petstore_url}/pets", params={"pageSize": 500})
    assert response.status_code == 422  # no 400 declared; `default` is Error
    assert set(response.json()) == {"code", "message"}


# --- schemathesis -----------------------------------------------------------


def _conformance_test(spec: Path, url: Callable[[], str]) -> Callable[..., None]:
    schema = schemathesis.openapi.from_path(spec)

    @schema.parametrize()
    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        checks = list(CHECKS)
        negative = (
            case.meta is not None and case.meta.generation.mode.name == "NEGATIVE"
        )
        if negative and not _declares_bad_input_status(case.operation.definition.raw):
            # No status in the spec fits bad input: any 4xx is undocumented.
            checks.remove(status_code_conformance)
        case.call_and_validate(base_url=url(), checks=checks, headers=AUTH)

    return check


def _declares_bad_input_status(operation: dict[str, Any]) -> bool:
    keys = {str(key).upper() for key in operation.get("responses", {})}
    return bool(keys & {"400", "422", "4XX", "DEFAULT"})


_urls: dict[str, str] = {}


@pytest.fixture()
def remember_urls(seed_url: str, petstore_url: str) -> None:
    _urls.update(seed=seed_url, petstore=petstore_url)


test_schemathesis_finds_nothing_in_the_seed_mock = pytest.mark.usefixtures(
    "remember_urls"
)(_conformance_test(SEED_SPEC, lambda: _urls["seed"]))
test_schemathesis_finds_nothing_in_the_petstore_mock = pytest.mark.usefixtures(
    "remember_urls"
)(_conformance_test(PETSTORE_SPEC, lambda: _urls["petstore"]))


# --- starting it --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _running(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get_when_up(url: str, process: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, headers=AUTH, timeout=5)
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                raise AssertionError(f"the server did not come up:\n{output}") from None
            time.sleep(0.2)


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "sequence_usage.server", "--mock"],
        [sys.executable, "-m", "generator", "serve", "--mock"],
    ],
    ids=["python -m package.server", "oagen serve"],
)
def test_the_mock_serves_from_the_command_line(command: list[str]) -> None:
    port = _free_port()
    env = {**__import__("os").environ, "PYTHONPATH": str(GENERATED)}
    with _running([*command, "--port", str(port)], REPO, env) as process:
        response = _get_when_up(f"http://127.0.0.1:{port}/seat-events?limit=3", process)
    assert response.status_code == 200
    assert len(response.json()["items"]) == 3


def test_serve_without_mock_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "serve"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--mock" in done.stderr and "Traceback" not in done.stderr
    module = subprocess.run(
        [sys.executable, "-m", "sequence_usage.server"],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert module.returncode == 2 and "--mock" in module.stderr
