"""The generated client calls the generated server over real HTTP on 127.0.0.1.

The server runs a test implementation that records what it received, so these
tests see both ends: what the client sent and what the implementation got.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from fastapi import HTTPException

from tests.live_server import live_server


@pytest.fixture(scope="module")
def package(generated_on_path: object) -> ModuleType:
    return importlib.import_module("sequence_usage")


@pytest.fixture(scope="module")
def models(package: ModuleType) -> ModuleType:
    return importlib.import_module("sequence_usage.models")


class RecordingSeatEvents:
    """Answers like the real API would, and keeps every call's arguments."""

    def __init__(self, models: ModuleType) -> None:
        self.models = models
        self.calls: list[dict[str, Any]] = []

    async def get_seat_events(self, **arguments: Any) -> Any:
        self.calls.append(arguments)
        if arguments["authorization"] != "Basic c2VjcmV0":
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
    with live_server(server.create_app(seat_events=implementation)) as url:
        yield url


@pytest.fixture
def calls(implementation: RecordingSeatEvents) -> list[dict[str, Any]]:
    implementation.calls.clear()
    return implementation.calls


def test_a_page_decodes_into_models(
    package: ModuleType, models: ModuleType, base_url: str
) -> None:
    with package.Client(base_url=base_url) as client:
        page = client.seat_events.get_seat_events(
            authorization="Basic c2VjcmV0", limit=2
        )
    assert isinstance(page, models.ListSeatEventsEndpointEndpointResponseModel)
    assert len(page.items) == 2
    assert all(isinstance(item, models.SeatEvent) for item in page.items)
    assert page.items[0].customer_event_id == "event-1"
    assert page.items[0].total == 3
    assert isinstance(page.pagination, models.PaginationMeta)
    assert page.pagination.after == "next-cursor"
    assert page.pagination.total_result_size == 10


def test_parameters_arrive_as_typed_values(
    package: ModuleType, models: ModuleType, base_url: str, calls: list[dict[str, Any]]
) -> None:
    with package.Client(base_url=base_url) as client:
        client.seat_events.get_seat_events(
            authorization="Basic c2VjcmV0",
            after="cursor-1",
            limit=7,
            customer_alias="acme",
            seat_type="admin",
            event_timestamp_after="2022-01-01T00:00:00Z",
            sequence_version=models.SequenceVersion.V2024_07_30,
        )
    (received,) = calls
    assert received["after"] == "cursor-1"
    assert received["limit"] == 7 and type(received["limit"]) is int
    assert received["customer_alias"] == "acme"
    assert received["seat_type"] == "admin"
    assert received["event_timestamp_after"] == "2022-01-01T00:00:00Z"
    assert received["sequence_version"] is models.SequenceVersion.V2024_07_30
    assert received["before"] is None and received["customer_ids"] is None


def test_a_400_raises_bad_request_error(package: ModuleType, base_url: str) -> None:
    with (
        package.Client(base_url=base_url) as client,
        pytest.raises(package.BadRequestError) as caught,
    ):
        client.seat_events.get_seat_events(
            authorization="Basic c2VjcmV0", customer_alias="unknown"
        )
    error = caught.value
    assert error.status_code == 400
    assert error.body == {"detail": {"message": "unknown customer"}}
    assert error.headers["content-type"] == "application/json"


def test_a_401_raises_authentication_error(package: ModuleType, base_url: str) -> None:
    with (
        package.Client(base_url=base_url) as client,
        pytest.raises(package.AuthenticationError) as caught,
    ):
        client.seat_events.get_seat_events(authorization="Basic wrong")
    assert caught.value.status_code == 401
    assert caught.value.body == {"detail": "bad credentials"}
    assert isinstance(caught.value, package.APIStatusError)


def test_the_async_client_does_the_same(
    package: ModuleType, models: ModuleType, base_url: str, calls: list[dict[str, Any]]
) -> None:
    async def scenario() -> Any:
        async with package.AsyncClient(base_url=base_url) as client:
            page = await client.seat_events.get_seat_events(
                authorization="Basic c2VjcmV0", limit=3
            )
            with pytest.raises(package.AuthenticationError):
                await client.seat_events.get_seat_events(authorization="Basic nope")
            return page

    page = asyncio.run(scenario())
    assert len(page.items) == 3 and isinstance(page.items[0], models.SeatEvent)
    assert [call["limit"] for call in calls] == [3, None]


def test_the_server_rejects_bad_parameters_with_the_declared_400(
    package: ModuleType, base_url: str, calls: list[dict[str, Any]]
) -> None:
    import httpx

    response = httpx.get(
        f"{base_url}/seat-events",
        params={"limit": "many"},
        headers={"Authorization": "Basic c2VjcmV0"},
    )
    assert response.status_code == 400
    (problem,) = response.json()["error"]["errors"]
    assert problem["location"] == "query" and problem["name"] == "limit"
    wrong_version = httpx.get(
        f"{base_url}/seat-events",
        headers={"Authorization": "Basic c2VjcmV0", "Sequence-Version": "1999-01-01"},
    )
    assert wrong_version.status_code == 400
    assert wrong_version.json()["error"]["errors"][0]["name"] == "Sequence-Version"
    assert calls == []  # the implementation never saw the invalid requests


def test_a_missing_authorization_header_answers_401(base_url: str) -> None:
    import httpx

    # The generated client cannot omit a required argument, so send the raw request.
    response = httpx.get(f"{base_url}/seat-events")
    assert response.status_code == 401
    assert response.json()["error"]["errors"][0]["name"] == "Authorization"


def test_an_operation_without_implementation_answers_501(package: ModuleType) -> None:
    server = importlib.import_module("sequence_usage.server")
    app = server.create_app(seat_events=object())
    with (
        live_server(app) as url,
        package.Client(base_url=url) as client,
        pytest.raises(package.APIStatusError) as caught,
    ):
        client.seat_events.get_seat_events(authorization="Basic c2VjcmV0")
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


def test_the_example_implementation_pages_through_events(package: ModuleType) -> None:
    example = importlib.import_module("examples.seat_events_server")
    with live_server(example.app) as url, package.Client(base_url=url) as client:
        seen, cursor = [], None
        while True:
            page = client.seat_events.get_seat_events(
                authorization="Basic x", limit=10, after=cursor
            )
            seen.extend(event.id for event in page.items)
            cursor = page.pagination.after
            if cursor is None:
                break
    assert len(seen) == len(set(seen)) == len(example.EVENTS)
