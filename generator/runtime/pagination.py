"""Cursor pagination: lazy iterators over every item of every page.

Generated methods hand the pager three functions (fetch a page for a cursor,
read its items, read the next cursor), so this one module serves any spec.
A server that repeats a cursor would make a naive loop run forever; each
chain of pages remembers the cursors it used and stops on a repeat.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Generic, TypeVar

__all__ = ["AsyncPage", "AsyncPager", "SyncPage", "SyncPager"]

ItemT = TypeVar("ItemT")
ResponseT = TypeVar("ResponseT")

_logger = logging.getLogger(__name__)


class _Cursors:
    """Cursors used along one chain of pages, with the depth that used each.

    A depth rather than a plain set, so asking the same page twice for its
    next page is not mistaken for the server repeating a cursor.
    """

    def __init__(self, start: str | None) -> None:
        self._depth: dict[str, int] = {}
        if start:
            self._depth[start] = 0

    def repeated(self, cursor: str, depth: int) -> bool:
        used_at = self._depth.get(cursor)
        return used_at is not None and used_at <= depth

    def use(self, cursor: str, depth: int) -> None:
        self._depth.setdefault(cursor, depth)


class _Page(Generic[ItemT, ResponseT]):
    """What sync and async pages share: the data and the stop rule."""

    def __init__(
        self,
        response: ResponseT,
        items: Sequence[ItemT] | None,
        next_cursor: str | None,
        *,
        depth: int,
        cursors: _Cursors,
    ) -> None:
        self.response = response
        self.items: list[ItemT] = list(items or ())
        self.next_cursor = next_cursor or None  # "" means "no more" too
        self._depth = depth
        self._cursors = cursors
        self._warned = False

    def has_next_page(self) -> bool:
        """Whether a next page exists: a cursor this chain has not used yet."""
        if self.next_cursor is None:
            return False
        if self._cursors.repeated(self.next_cursor, self._depth):
            if not self._warned:
                self._warned = True
                _logger.warning(
                    "Stopping pagination: the server repeated cursor %r "
                    "(page %d); iterating further would loop forever",
                    self.next_cursor,
                    self._depth + 1,
                )
            return False
        return True

    def __iter__(self) -> Iterator[ItemT]:
        """This page's items only; iterate the pager for every page's."""
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} items={len(self.items)} "
            f"next_cursor={self.next_cursor!r}>"
        )


class SyncPage(_Page[ItemT, ResponseT]):
    """One page: ``response`` is the typed response model."""

    def __init__(
        self,
        pager: SyncPager[ItemT, ResponseT],
        response: ResponseT,
        *,
        depth: int,
        cursors: _Cursors,
    ) -> None:
        super().__init__(
            response,
            pager._items(response),
            pager._next_cursor(response),
            depth=depth,
            cursors=cursors,
        )
        self._pager = pager

    def get_next_page(self) -> SyncPage[ItemT, ResponseT] | None:
        """Fetch the next page, or None after the last one."""
        if not self.has_next_page() or self.next_cursor is None:
            return None
        return self._pager._fetch_page(self.next_cursor, self._depth + 1, self._cursors)


class SyncPager(Generic[ItemT, ResponseT]):
    """Every item of every page, fetched lazily as iteration reaches it."""

    def __init__(
        self,
        fetch: Callable[[str | None], ResponseT],
        items: Callable[[ResponseT], Sequence[ItemT] | None],
        next_cursor: Callable[[ResponseT], str | None],
        start: str | None = None,
    ) -> None:
        self._fetch = fetch
        self._items = items
        self._next_cursor = next_cursor
        self._start = start

    def _fetch_page(
        self, cursor: str | None, depth: int, cursors: _Cursors
    ) -> SyncPage[ItemT, ResponseT]:
        if cursor:
            cursors.use(cursor, depth)
        response = self._fetch(cursor)
        return SyncPage(self, response, depth=depth, cursors=cursors)

    def first_page(self) -> SyncPage[ItemT, ResponseT]:
        """Fetch the first page (from ``start``)."""
        return self._fetch_page(self._start, 0, _Cursors(self._start))

    def pages(self) -> Iterator[SyncPage[ItemT, ResponseT]]:
        """Each page in turn; nothing is fetched until the first is asked for."""
        page: SyncPage[ItemT, ResponseT] | None = self.first_page()
        while page is not None:
            yield page
            page = page.get_next_page()

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.pages():
            yield from page.items


class AsyncPage(_Page[ItemT, ResponseT]):
    """One page of an ``AsyncPager``; ``get_next_page`` is awaited."""

    def __init__(
        self,
        pager: AsyncPager[ItemT, ResponseT],
        response: ResponseT,
        *,
        depth: int,
        cursors: _Cursors,
    ) -> None:
        super().__init__(
            response,
            pager._items(response),
            pager._next_cursor(response),
            depth=depth,
            cursors=cursors,
        )
        self._pager = pager

    async def get_next_page(self) -> AsyncPage[ItemT, ResponseT] | None:
        """Fetch the next page, or None after the last one."""
        if not self.has_next_page() or self.next_cursor is None:
            return None
        return await self._pager._fetch_page(
            self.next_cursor, self._depth + 1, self._cursors
        )


class AsyncPager(Generic[ItemT, ResponseT]):
    """``SyncPager`` for async clients: ``async for item in pager``."""

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[ResponseT]],
        items: Callable[[ResponseT], Sequence[ItemT] | None],
        next_cursor: Callable[[ResponseT], str | None],
        start: str | None = None,
    ) -> None:
        self._fetch = fetch
        self._items = items
        self._next_cursor = next_cursor
        self._start = start

    async def _fetch_page(
        self, cursor: str | None, depth: int, cursors: _Cursors
    ) -> AsyncPage[ItemT, ResponseT]:
        if cursor:
            cursors.use(cursor, depth)
        response = await self._fetch(cursor)
        return AsyncPage(self, response, depth=depth, cursors=cursors)

    async def first_page(self) -> AsyncPage[ItemT, ResponseT]:
        """Fetch the first page (from ``start``)."""
        return await self._fetch_page(self._start, 0, _Cursors(self._start))

    async def pages(self) -> AsyncIterator[AsyncPage[ItemT, ResponseT]]:
        """Each page in turn; nothing is fetched until the first is asked for."""
        page: AsyncPage[ItemT, ResponseT] | None = await self.first_page()
        while page is not None:
            yield page
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.pages():
            for item in page.items:
                yield item
