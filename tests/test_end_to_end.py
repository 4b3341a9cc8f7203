"""The generated client calls the generated server over real HTTP on 127.0.0.1.

The server runs a test implementation that records what it received (arguments
and headers), so these tests see both ends of every call.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi import HTTPException, Request

from tests.live_server import live_server

CREDENTIALS = "Basic " + base64.b64encode(b"client-id:s3cret").decode()


@pytest.fixture(scope="module")
def package(generated_on_path: object) -> ModuleType:
    return importlib.import_module("sequence_usage")


@pytest.fixture(scope="module")
def models(package: ModuleType) -> ModuleType:
    return importlib.import_module("sequence_usage.models")


class RecordingSeatEvents:
    """Answers like the real API would, and keeps every call's arguments and headers."""

    def __init__(self, models: ModuleType) -> None:
        self.models = models
        self.calls: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []

    async def get_seat_events(self, **arguments: Any) -> Any:
        self.calls.append(arguments)
        if arguments["authorization"] != CREDENTIALS:
            raise HTTPException(status_code=401, detail="bad credentials")
        if arguments["customer_alias"] == "unknown":
            raise HTTPException(status_code=400, detail={"message": "unknown customer"})
        event = self.models.SeatEvent(
            id="0184421a-8202-70ea-a729-30308a40bbf7",
            customer_event_id="event-1",
            customer_alias=arguments["customer_alias"] or "acme",
            seat_type="admin",
            sequence_account_id="0184421e-a9cc-711b-af93-bf0511d4d833",
            event_timestamp="2022-10-01T00:00:00Z",
            total=3,
        )
        return self.models.ListSeatEventsEndpointEndpointResponseModel(
            items=[event] * (arguments["limit"] or 1),
            pagination=self.models.PaginationMeta(
                after="next-cursor", total_result_size=10
            ),
        )


@pytest.fixture(scope="module")
def implementation(models: ModuleType) -> RecordingSeatEvents:
    return RecordingSeatEvents(models)


@pytest.fixture(scope="module")
def base_url(implementation: RecordingSeatEvents, package: ModuleType) -> Iterator[str]:
    server = importlib.import_module("sequence_usage.server")
    app = server.create_app(seat_events=implementation)

    @app.middleware("http")
    async def record_headers(request: Request, call_next: Any) -> Any:
        implementation.headers.append(dict(request.headers))
        return await call_next(request)

    with live_server(app) as url:
        yield url


@pytest.fixture
def calls(implementation: RecordingSeatEvents) -> list[dict[str, Any]]:
    implementation.calls.clear()
    implementation.headers.clear()
    return implementation.calls


@pytest.fixture
def headers(
    implementation: RecordingSeatEvents, calls: list[dict[str, Any]]
) -> list[dict[str, str]]:
    return implementation.headers


@pytest.fixture
def client(package: ModuleType, base_url: str) -> Iterator[Any]:
    with package.Client(
        base_url=base_url, username="client-id", password="s3cret"
    ) as client:
        yield client


def test_a_page_decodes_into_models(client: Any, models: ModuleType) -> None:
    page = client.seat_events.get_seat_events(limit=2)
    assert isinstance(page, models.ListSeatEventsEndpointEndpointResponseModel)
    assert len(page.items) == 2
    assert all(isinstance(item, models.SeatEvent) for item in page.items)
    assert page.items[0].customer_event_id == "event-1"
    assert page.items[0].total == 3
    assert page.items[0].event_timestamp == datetime.datetime(
        2022, 10, 1, tzinfo=datetime.UTC
    )  # a date-time by the overlay: parsed, with its offset
    assert isinstance(page.pagination, models.PaginationMeta)
    assert page.pagination.after == "next-cursor"
    assert page.pagination.total_result_size == 10


def test_parameters_arrive_as_typed_values(
    client: Any, models: ModuleType, calls: list[dict[str, Any]]
) -> None:
    client.seat_events.get_seat_events(
        after="cursor-1",
        limit=7,
        customer_alias="acme",
        seat_type="admin",
        event_timestamp_after=datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC),
    )
    (received,) = calls
    assert received["after"] == "cursor-1"
    assert received["limit"] == 7 and type(received["limit"]) is int
    assert received["customer_alias"] == "acme"
    assert received["seat_type"] == "admin"
    assert received["event_timestamp_after"] == datetime.datetime(
        2022, 1, 1, tzinfo=datetime.UTC
    )  # a date-time by the overlay
    assert (
        received["sequence_version"] is models.SequenceVersion.V2024_07_30
    )  # the client pins it
    assert received["before"] is None and received["customer_ids"] is None


def test_credentials_and_version_headers_arrive_as_sent(
    package: ModuleType,
    base_url: str,
    calls: list[dict[str, Any]],
    headers: list[dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with package.Client(
        base_url=base_url, username="client-id", password="s3cret"
    ) as client:
        client.seat_events.get_seat_events()
    with package.Client(
        base_url=base_url, authorization=CREDENTIALS, sequence_version=None
    ) as client:
        client.seat_events.get_seat_events()
    monkeypatch.setenv("SEQUENCE_CLIENT_ID", "client-id")
    monkeypatch.setenv("SEQUENCE_CLIENT_SECRET", "s3cret")
    with package.Client(base_url=base_url) as client:
        client.seat_events.get_seat_events(extra_headers={"X-Trace": "t-1"})
    assert [call["authorization"] for call in calls] == [CREDENTIALS] * 3
    assert [h.get("sequence-version") for h in headers] == [
        "2024-07-30",
        None,
        "2024-07-30",
    ]
    assert headers[2]["x-trace"] == "t-1"
    assert all(h["user-agent"].startswith("sequence_usage/0.1 oagen/") for h in headers)


def test_a_400_raises_bad_request_error(client: Any, package: ModuleType) -> None:
    with pytest.raises(package.BadRequestError) as caught:
        client.seat_events.get_seat_events(customer_alias="unknown")
    error = caught.value
    assert error.status_code == 400
    assert error.body == {"detail": {"message": "unknown customer"}}
    assert error.headers["content-type"] == "application/json"
    assert error.request.url.path == "/seat-events"


def test_a_401_raises_authentication_error(package: ModuleType, base_url: str) -> None:
    with (
        package.Client(
            base_url=base_url, username="client-id", password="wrong"
        ) as client,
        pytest.raises(package.AuthenticationError) as caught,
    ):
        client.seat_events.get_seat_events()
    assert caught.value.status_code == 401
    assert caught.value.body == {"detail": "bad credentials"}
    assert isinstance(caught.value, package.APIStatusError)


def test_the_async_client_does_the_same(
    package: ModuleType, models: ModuleType, base_url: str, calls: list[dict[str, Any]]
) -> None:
    async def scenario() -> Any:
        async with package.AsyncClient(
            base_url=base_url, authorization=CREDENTIALS
        ) as client:
            page = await client.seat_events.get_seat_events(limit=3)
            async with package.AsyncClient(
                base_url=base_url, authorization="Basic nope"
            ) as bad:
                with pytest.raises(package.AuthenticationError):
                    await bad.seat_events.get_seat_events()
            return page

    page = asyncio.run(scenario())
    assert len(page.items) == 3 and isinstance(page.items[0], models.SeatEvent)
    assert [call["limit"] for call in calls] == [3, None]


def test_the_raw_response_is_available_beside_the_model(
    client: Any, models: ModuleType
) -> None:
    raw = client.seat_events.with_raw_response.get_seat_events(limit=1)
    assert raw.status_code == 200
    assert raw.headers["content-type"] == "application/json"
    page = raw.parse()
    assert isinstance(page, models.ListSeatEventsEndpointEndpointResponseModel)
    assert len(page.items) == 1


def test_the_server_rejects_bad_parameters_with_the_declared_400(
    base_url: str, calls: list[dict[str, Any]]
) -> None:
    response = httpx.get(
        f"{base_url}/seat-events",
        params={"limit": "many"},
        headers={"Authorization": CREDENTIALS},
    )
    assert response.status_code == 400
    (problem,) = response.json()["error"]["errors"]
    assert problem["location"] == "query" and problem["name"] == "limit"
    wrong_version = httpx.get(
        f"{base_url}/seat-events",
        headers={"Authorization": CREDENTIALS, "Sequence-Version": "1999-01-01"},
    )
    assert wrong_version.status_code == 400
    assert wrong_version.json()["error"]["errors"][0]["name"] == "Sequence-Version"
    assert calls == []  # the implementation never saw the invalid requests


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"customerIds": ",".join(f"c{n}" for n in range(26))},
        {"customerIds": "a,,b"},
        {"eventTimestampAfter": "last tuesday"},
    ],
)
def test_the_seed_overlay_constraints_answer_400(
    base_url: str, calls: list[dict[str, Any]], query: dict[str, str]
) -> None:
    """spec/seat-events.overlay.yaml: limit 1..100, at most 25 customer IDs, date-times."""
    response = httpx.get(
        f"{base_url}/seat-events", params=query, headers={"Authorization": CREDENTIALS}
    )
    assert response.status_code == 400, response.text
    (problem,) = response.json()["error"]["errors"]
    assert problem["location"] == "query" and problem["name"] == next(iter(query))
    assert calls == []


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "1"},
        {"limit": "100"},
        {"customerIds": ",".join(f"c{n}" for n in range(25))},
        {"eventTimestampAfter": "2022-10-01T00:00:00Z"},
    ],
)
def test_the_seed_overlay_bounds_are_inclusive(
    base_url: str, calls: list[dict[str, Any]], query: dict[str, str]
) -> None:
    response = httpx.get(
        f"{base_url}/seat-events", params=query, headers={"Authorization": CREDENTIALS}
    )
    assert response.status_code == 200, response.text
    assert len(calls) == 1


def test_a_missing_authorization_header_answers_401(
    package: ModuleType, base_url: str
) -> None:
    with (
        package.Client(base_url=base_url) as client,
        pytest.raises(package.AuthenticationError) as caught,
    ):
        client.seat_events.get_seat_events()  # no credentials given, none in the environment
    assert caught.value.body["error"]["errors"][0]["name"] == "Authorization"


def test_an_operation_without_implementation_answers_501(package: ModuleType) -> None:
    server = importlib.import_module("sequence_usage.server")
    app = server.create_app(seat_events=object())
    with (
        live_server(app) as url,
        package.Client(base_url=url, authorization=CREDENTIALS) as client,
        pytest.raises(package.APIStatusError) as caught,
    ):
        client.seat_events.get_seat_events()
    assert caught.value.status_code == 501
    assert caught.value.body["error"]["type"] == "not_implemented"


def test_environments_come_from_the_spec_servers(package: ModuleType) -> None:
    environment = package.Environment
    assert environment.PRODUCTION.value == "https://eu.sequencehq.com/api"
    assert environment.SANDBOX.value == "https://sandbox.sequencehq.com/api"
    assert environment.DEV.value == "https://dev.seqhq.io/api"
    with package.Client() as client:
        assert client.base_url == environment.PRODUCTION.value  # the configured default
    with package.Client(environment=environment.SANDBOX) as client:
        assert client.base_url == environment.SANDBOX.value
    with package.Client(
        environment=environment.SANDBOX, base_url="http://127.0.0.1:9"
    ) as client:
        assert client.base_url == "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def example_url() -> Iterator[str]:
    example = importlib.import_module("examples.seat_events_server")
    with live_server(example.app) as url:
        yield url


def test_the_pager_walks_five_pages_lazily(
    package: ModuleType, example_url: str
) -> None:
    example = importlib.import_module("examples.seat_events_server")
    with package.Client(base_url=example_url, authorization="Basic x") as client:
        pager = client.seat_events.iter_seat_events(limit=5)
        ids = [event.id for event in pager]
        pages = list(client.seat_events.iter_seat_events(limit=5).pages())
    assert ids == [event.id for event in example.EVENTS]
    assert len(pages) == 5
    assert [len(page.items) for page in pages] == [5] * 5
    assert pages[0].has_next_page() and not pages[-1].has_next_page()


def test_the_async_pager_walks_the_same_pages(
    package: ModuleType, example_url: str
) -> None:
    example = importlib.import_module("examples.seat_events_server")

    async def collect() -> tuple[list[str], int]:
        async with package.AsyncClient(
            base_url=example_url, authorization="Basic x"
        ) as client:
            ids = [
                event.id async for event in client.seat_events.iter_seat_events(limit=5)
            ]
            pages = [
                page
                async for page in client.seat_events.iter_seat_events(limit=5).pages()
            ]
            return ids, len(pages)

    ids, page_count = asyncio.run(collect())
    assert ids == [event.id for event in example.EVENTS]
    assert page_count == 5
