"""An implementation of the generated Seat Events server, kept outside `generated/`.

Regenerating never touches this file.  Run it with:

    PYTHONPATH=generated uvicorn examples.seat_events_server:app

It serves a few events from memory, with the cursor pagination the spec describes.
"""

from __future__ import annotations

import base64
import datetime

from fastapi import HTTPException
from sequence_usage.models import (
    ListSeatEventsEndpointEndpointResponseModel,
    PaginationMeta,
    SeatEvent,
    SequenceVersion,
)
from sequence_usage.server import SeatEventsApi, create_app

EVENTS = [
    SeatEvent(
        id=f"0184421a-8202-70ea-a729-{index:012d}",
        customer_event_id=f"event-{index}",
        customer_alias="acme" if index % 2 else "globex",
        seat_type="admin" if index % 3 == 0 else "member",
        sequence_account_id="0184421e-a9cc-711b-af93-bf0511d4d833",
        event_timestamp=datetime.datetime(2024, 1, index + 1, tzinfo=datetime.UTC),
        total=index,
    )
    for index in range(25)
]


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(str(position).encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode())
    except ValueError:
        raise HTTPException(status_code=400, detail="invalid cursor") from None


class InMemorySeatEvents:
    """Answers `GET /seat-events` from `EVENTS`."""

    def get_seat_events(
        self,
        *,
        authorization: str,
        before: str | None,
        after: str | None,
        limit: int | None,
        sort_order: str | None,
        customer_alias: str | None,
        customer_ids: str | None,
        seat_type: str | None,
        customer_event_id: str | None,
        event_timestamp_before: datetime.datetime | None,
        event_timestamp_after: datetime.datetime | None,
        sort_by: str | None,
        sequence_version: SequenceVersion | None,
    ) -> ListSeatEventsEndpointEndpointResponseModel:
        if not authorization.startswith("Basic "):
            raise HTTPException(status_code=401, detail="Basic credentials required")
        page_size = limit or 10  # the app has already answered 400 outside 1..100
        events = [
            event
            for event in EVENTS
            if (customer_alias is None or event.customer_alias == customer_alias)
            and (seat_type is None or event.seat_type == seat_type)
            and (
                event_timestamp_before is None
                or event.event_timestamp < event_timestamp_before
            )
            and (
                event_timestamp_after is None
                or event.event_timestamp > event_timestamp_after
            )
        ]
        start = decode_cursor(after) if after else 0
        page = events[start : start + page_size]
        following = start + page_size
        return ListSeatEventsEndpointEndpointResponseModel(
            items=page,
            pagination=PaginationMeta(
                after=encode_cursor(following) if following < len(events) else None,
                before=encode_cursor(max(start - page_size, 0)) if start else None,
                total_result_size=len(events),
            ),
        )


implementation: SeatEventsApi = InMemorySeatEvents()
app = create_app(seat_events=implementation)
