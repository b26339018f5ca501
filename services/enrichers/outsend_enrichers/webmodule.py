"""What every module that reads a business's website shares: reading the site, ``fetch_error``.

A subclass says which kinds of pages it wants and how many, and what it extracts from them.
A site that cannot be read fails its row (counted in ``error_count``) but keeps a
``fetch_error`` column saying why, in French; every other row has it empty.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from outsend_contracts.registry import Lane
from outsend_runner.module import JobContext, RowError, RowModule
from outsend_runner.table import Table
from outsend_web.fetch import Fetcher, FetchError
from outsend_web.site import PageKind, Site, SiteReader

FETCH_ERROR = "fetch_error"


class WebModule(RowModule):
    uses = frozenset({"fetcher"})
    concurrency = 96
    """Rows in flight; the fetcher caps requests in flight and per host."""
    kinds: ClassVar[tuple[PageKind, ...]]
    max_pages: ClassVar[int] = 4

    def reader(self, context: JobContext) -> SiteReader:
        return SiteReader(context.resource("fetcher", Fetcher), proxied=self.spec.lane is Lane.MULTI_PROXY)

    async def read_site(
        self,
        table: Table,
        row: dict[str, str],
        context: JobContext,
        kinds: tuple[PageKind, ...] | None = None,
        max_pages: int | None = None,
    ) -> Site:
        site_web = table.value(row, "site_web")
        try:
            return await self.reader(context).read(site_web, kinds or self.kinds, max_pages or self.max_pages)
        except FetchError as error:
            raise RowError(f"site illisible : {error}", {FETCH_ERROR: str(error)}) from error

    async def process(self, table: Table, row: dict[str, str], context: JobContext) -> list[dict[str, Any]]:
        site = await self.read_site(table, row, context)
        return [{**self.extract(site, table, row), FETCH_ERROR: ""}]

    @abstractmethod
    def extract(self, site: Site, table: Table, row: dict[str, str]) -> dict[str, str]:
        """The module's columns, from the pages read."""
