"""Cursor pagination (``_runtime/pagination.py``): lazy, sync and async, and
never looping forever on a misbehaving server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

import httpx
import pydantic
import pytest

from generator.runtime.pagination import AsyncPage, AsyncPager, SyncPage, SyncPager
from tests.runtime.helpers import async_transport, sync_transport


class Pagination(pydantic.BaseModel):
    after: str | None = None


class Page(pydantic.BaseModel):
    items: list[int] | None
    pagination: Pagination


class Server:
    """Pages by cursor: each cursor maps to its items and the next cursor."""

    def __init__(
        self, pages: Mapping[str | None, tuple[list[int] | None, str | None]]
    ) -> None:
        self.pages = pages
        self.fetched: list[str | None] = []

    def fetch(self, cursor: str | None) -> Page:
        self.fetched.append(cursor)
        items, after = self.pages[cursor]
        return Page(items=items, pagination=Pagination(after=after))

    async def afetch(self, cursor: str | None) -> Page:
        await asyncio.sleep(0)
        return self.fetch(cursor)


def items_of(page: Page) -> Sequence[int] | None:
    return page.items


def cursor_of(page: Page) -> str | None:
    return page.pagination.after


def chain(count: int, per_page: int = 3, last: str | None = None) -> Server:
    """``count`` pages c0 -> c1 -> ...; the last page's cursor is ``last``."""
    pages: dict[str | None, tuple[list[int] | None, str | None]] = {}
    for n in range(count):
        cursor = None if n == 0 else f"c{n}"
        after = f"c{n + 1}" if n < count - 1 else last
        pages[cursor] = (list(range(n * per_page, (n + 1) * per_page)), after)
    return Server(pages)


def sync_pager(server: Server, start: str | None = None) -> SyncPager[int, Page]:
    return SyncPager(server.fetch, items_of, cursor_of, start)


def async_pager(server: Server, start: str | None = None) -> AsyncPager[int, Page]:
    return AsyncPager(server.afetch, items_of, cursor_of, start)


async def collect(pager: AsyncPager[int, Page]) -> list[int]:
    return [item async for item in pager]


# --- across pages ----------------------------------------------------------------------


def test_sync_iterates_items_across_seven_pages() -> None:
    server = chain(7)
    assert list(sync_pager(server)) == list(range(21))
    assert server.fetched == [None, "c1", "c2", "c3", "c4", "c5", "c6"]


def test_async_iterates_items_across_seven_pages() -> None:
    server = chain(7)
    assert asyncio.run(collect(async_pager(server))) == list(range(21))
    assert server.fetched == [None, "c1", "c2", "c3", "c4", "c5", "c6"]


def test_sync_is_lazy() -> None:
    server = chain(5)
    pager = sync_pager(server)
    assert server.fetched == []
    iterator = iter(pager)
    assert server.fetched == []
    assert [next(iterator) for _ in range(3)] == [0, 1, 2]
    assert server.fetched == [None]
    assert next(iterator) == 3
    assert server.fetched == [None, "c1"]
    # Breaking out early fetches nothing more.
    for item in pager:
        if item == 4:
            break
    assert server.fetched == [None, "c1", None, "c1"]


def test_async_is_lazy() -> None:
    server = chain(5)

    async def run() -> None:
        pager = async_pager(server)
        assert server.fetched == []
        iterator = aiter(pager)
        assert server.fetched == []
        assert [await anext(iterator) for _ in range(4)] == [0, 1, 2, 3]
        assert server.fetched == [None, "c1"]

    asyncio.run(run())


def test_pages_and_page_objects() -> None:
    server = chain(5)
    pages = list(sync_pager(server).pages())
    assert len(pages) == 5
    assert all(isinstance(page, SyncPage) for page in pages)
    assert [page.next_cursor for page in pages] == ["c1", "c2", "c3", "c4", None]
    assert [page.has_next_page() for page in pages] == [True] * 4 + [False]
    assert list(pages[1]) == [3, 4, 5]  # one page's items only
    assert len(pages[1]) == 3
    assert isinstance(pages[0].response, Page)
    assert pages[4].get_next_page() is None


def test_first_page_and_get_next_page() -> None:
    server = chain(6)
    page: SyncPage[int, Page] | None = sync_pager(server).first_page()
    seen: list[int] = []
    while page is not None:
        seen.extend(page.items)
        page = page.get_next_page()
    assert seen == list(range(18))
    # Asking one page twice for its successor is not a "repeated cursor".
    first = sync_pager(server).first_page()
    second = first.get_next_page()
    again = first.get_next_page()
    assert second is not None
    assert again is not None
    assert again.items == second.items
    assert again.has_next_page()


def test_async_pages_first_page_and_get_next_page() -> None:
    server = chain(5)

    async def run() -> None:
        pages = [page async for page in async_pager(server).pages()]
        assert [page.items[0] for page in pages] == [0, 3, 6, 9, 12]
        first = await async_pager(server).first_page()
        assert isinstance(first, AsyncPage)
        assert first.has_next_page()
        second = await first.get_next_page()
        assert second is not None
        assert list(second) == [3, 4, 5]
        assert await pages[-1].get_next_page() is None

    asyncio.run(run())


def test_start_cursor() -> None:
    server = chain(5)
    assert list(sync_pager(server, start="c3")) == list(range(9, 15))
    assert server.fetched == ["c3", "c4"]


# --- stopping ------------------------------------------------------------------------------


def test_empty_cursor_stops() -> None:
    server = chain(3, last="")
    assert list(sync_pager(server)) == list(range(9))
    assert asyncio.run(collect(async_pager(server))) == list(range(9))
    assert server.fetched.count("") == 0


def test_missing_items_are_an_empty_page() -> None:
    server = Server({None: (None, "a"), "a": ([], "b"), "b": ([1], None)})
    assert list(sync_pager(server)) == [1]


@pytest.mark.parametrize(
    ("pages", "expected", "fetched"),
    [
        # A -> B -> A: the cycle is caught when B points back to A.
        (
            {None: ([1], "a"), "a": ([2], "b"), "b": ([3], "a")},
            [1, 2, 3],
            [None, "a", "b"],
        ),
        # A page that points to itself.
        ({None: ([1], "a"), "a": ([2], "a")}, [1, 2], [None, "a"]),
    ],
)
def test_repeated_cursor_stops_with_a_warning(
    pages: dict[str | None, tuple[list[int], str]],
    expected: list[int],
    fetched: list[str | None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="generator.runtime.pagination")
    server = Server(pages)
    assert list(sync_pager(server)) == expected
    assert server.fetched == fetched
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "repeated cursor 'a'" in warnings[0].getMessage()

    caplog.clear()
    server.fetched.clear()
    assert asyncio.run(collect(async_pager(server))) == expected
    assert server.fetched == fetched
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_server_returning_the_start_cursor_stops() -> None:
    server = Server({"s": ([1], "s")})
    assert list(sync_pager(server, start="s")) == [1]


# --- through a transport ---------------------------------------------------------------------


def seat_events(request: httpx.Request) -> httpx.Response:
    """Five pages of two events; the cursor is the index of the next event."""
    after = int(request.url.params.get("after", "0"))
    events = [{"id": n} for n in range(after, min(after + 2, 10))]
    next_after = str(after + 2) if after + 2 < 10 else None
    return httpx.Response(
        200, json={"items": events, "pagination": {"after": next_after}}
    )


class Event(pydantic.BaseModel):
    id: int


class EventPage(pydantic.BaseModel):
    items: list[Event]
    pagination: Pagination


def test_sync_pager_over_a_transport() -> None:
    transport = sync_transport(seat_events)
    pager = SyncPager(
        lambda cursor: transport.request(
            "GET",
            "/seat-events",
            query={"after": cursor, "limit": 2},
            cast_to=EventPage,
        ),
        lambda page: page.items,
        lambda page: page.pagination.after,
    )
    assert [event.id for event in pager] == list(range(10))


def test_async_pager_over_a_transport() -> None:
    async def run() -> list[int]:
        transport = async_transport(seat_events)

        async def fetch(cursor: str | None) -> EventPage:
            return await transport.request(
                "GET", "/seat-events", query={"after": cursor}, cast_to=EventPage
            )

        pager = AsyncPager(
            fetch, lambda page: page.items, lambda page: page.pagination.after
        )
        return [event.id async for event in pager]

    assert asyncio.run(run()) == list(range(10))
