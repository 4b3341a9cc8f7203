"""The baseline for the stub benchmark: GET /seat-events written by hand in FastAPI.

It declares every parameter the spec gives the operation (as the stub does), serves the same 25 events
with the same cursor paging and returns the same JSON as
examples/seat_events_server.py (run.py checks the bodies are equal before loading).
"""

from __future__ import annotations

import base64
from typing import Annotated, Literal

from fastapi import FastAPI, Header, HTTPException, Query
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


EVENTS = [
    SeatEvent(
        id=f"0184421a-8202-70ea-a729-{index:012d}",
        customer_event_id=f"event-{index}",
        customer_alias="acme" if index % 2 else "globex",
        seat_type="admin" if index % 3 == 0 else "member",
        sequence_account_id="0184421e-a9cc-711b-af93-bf0511d4d833",
        event_timestamp=f"2024-01-{index + 1:02d}T00:00:00Z",
        total=index,
    )
    for index in range(25)
]


def cursor(position: int) -> str:
    return base64.urlsafe_b64encode(str(position).encode()).decode()


app = FastAPI()


@app.get("/seat-events", response_model=Page)
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
    if not authorization.startswith("Basic "):
        raise HTTPException(status_code=401, detail="Basic credentials required")
    size = limit or 10
    if not 1 <= size <= 100:
        raise HTTPException(status_code=400, detail="limit must be between 1 and 100")
    events = [
        e
        for e in EVENTS
        if (customer_alias is None or e.customer_alias == customer_alias)
        and (seat_type is None or e.seat_type == seat_type)
    ]
    start = int(base64.urlsafe_b64decode(after).decode()) if after else 0
    following = start + size
    return Page(
        items=events[start:following],
        pagination=PaginationMeta(
            after=cursor(following) if following < len(events) else None,
            before=cursor(max(start - size, 0)) if start else None,
            total_result_size=len(events),
        ),
    )
