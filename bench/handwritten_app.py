"""The baseline for the stub benchmark: GET /seat-events written by hand in FastAPI.

It declares every parameter the spec gives the operation (as the stub does) and
serves what the generated mock serves (`python -m sequence_usage.server --mock`):
the spec's example event 25 times, pages of `limit` (default 10) with the same
opaque cursors, and no `null` for fields the spec does not allow to be null.
run.py checks that the two bodies are equal before loading.
"""

from __future__ import annotations

import base64
from typing import Annotated, Literal

from fastapi import FastAPI, Header, Query
from pydantic import BaseModel, ConfigDict, Field


class SeatEvent(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: str
    customer_event_id: str = Field(alias="customerEventId")
    customer_alias: str = Field(alias="customerAlias")
    seat_type: str = Field(alias="seatType")
    sequence_account_id: str = Field(alias="sequenceAccountId")
    event_timestamp: str = Field(alias="eventTimestamp")
    total: int


class PaginationMeta(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    after: str | None = None
    before: str | None = None
    total_result_size: int | None = Field(None, alias="totalResultSize")


class Page(BaseModel):
    items: list[SeatEvent]
    pagination: PaginationMeta


EXAMPLE = SeatEvent(
    id="0184421a-8202-70ea-a729-30308a40bbf7",
    customer_event_id="event-id-H4twuTWpYx1rkd8OMTki2hTUcZ",
    customer_alias="customer-id-2H4u5BBwBWsS5V2sroRFqJfTXpW",
    seat_type="admin",
    sequence_account_id="0184421e-a9cc-711b-af93-bf0511d4d833",
    event_timestamp="2022-10-01T00:00:00Z",
    total=1,
)
EVENTS = [EXAMPLE] * 25


def cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"mock-offset:{offset}".encode()).decode()


def offset(text: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(text.encode()).decode()
    except ValueError:
        return 0
    digits = decoded.removeprefix("mock-offset:")
    return min(int(digits), len(EVENTS)) if digits.isdigit() else 0


app = FastAPI()


@app.get("/seat-events", response_model=Page, response_model_exclude_none=True)
async def get_seat_events(
    authorization: Annotated[str, Header()],
    before: str | None = None,
    after: str | None = None,
    limit: int | None = None,
    sort_order: Annotated[str | None, Query(alias="sortOrder")] = None,
    customer_alias: Annotated[str | None, Query(alias="customerAlias")] = None,
    customer_ids: Annotated[str | None, Query(alias="customerIds")] = None,
    seat_type: Annotated[str | None, Query(alias="seatType")] = None,
    customer_event_id: Annotated[str | None, Query(alias="customerEventId")] = None,
    event_timestamp_before: Annotated[
        str | None, Query(alias="eventTimestampBefore")
    ] = None,
    event_timestamp_after: Annotated[
        str | None, Query(alias="eventTimestampAfter")
    ] = None,
    sort_by: Annotated[str | None, Query(alias="sortBy")] = None,
    sequence_version: Annotated[
        Literal["2024-07-30"] | None, Header(alias="Sequence-Version")
    ] = None,
) -> Page:
    size = max(1, limit if limit is not None else 10)
    if after is not None:
        start = offset(after)
        end = start + size
    elif before is not None:
        end = offset(before)
        start = max(0, end - size)
    else:
        start, end = 0, size
    end = min(end, len(EVENTS))
    return Page(
        items=EVENTS[start:end],
        pagination=PaginationMeta(
            after=cursor(end) if end < len(EVENTS) else None,
            before=cursor(start) if start else None,
            total_result_size=len(EVENTS),
        ),
    )
