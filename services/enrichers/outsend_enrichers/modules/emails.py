"""``emails``: the best address to write to, from each place's website; never invented.

Needs ``site_web``; produces ``email`` (best-ranked), ``email_personal`` (the same, when it is
a person's mailbox rather than a role address) and ``fetch_error``.

- ``normal`` reads the homepage, the contact, legal-notice and about pages as served.
- ``deep`` (after a done ``normal`` run on the same source, checked at creation) reads up to
  ten pages and renders the main ones in Chromium so that addresses written by scripts appear;
  the address a row already has competes with what is found, so a deep run never loses one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from outsend_enrichers.extract.emails import Found, choose, find_emails
from outsend_enrichers.mailboxes import addresses
from outsend_enrichers.webmodule import FETCH_ERROR, WebModule
from outsend_runner.module import JobContext, RowError
from outsend_runner.table import Table
from outsend_web.fetch import Fetcher
from outsend_web.html import Document
from outsend_web.site import PageKind, Site

if TYPE_CHECKING:
    from outsend_web.browser import Renderer

DEEP_KINDS = (PageKind.CONTACT, PageKind.LEGAL, PageKind.ABOUT, PageKind.PRIVACY, PageKind.TERMS, PageKind.OTHER)
DEEP_MAX_PAGES = 10
RENDERED_KINDS = (PageKind.HOME, PageKind.CONTACT, PageKind.LEGAL, PageKind.ABOUT)
PAGES_RENDERED_AT_ONCE = 4
DEEP_ROWS_AT_ONCE = 8
"""Enough rows to keep the renderer's pages busy while others are fetched; more would only queue
for Chromium, each waiting row's clock running towards the runner's per-row timeout."""


class EmailsModule(WebModule):
    slug = "emails"
    kinds = (PageKind.CONTACT, PageKind.LEGAL, PageKind.ABOUT)
    max_pages = 4

    def __init__(self) -> None:
        self._renderers: dict[str, Renderer] = {}

    def rows_at_once(self, context: JobContext) -> int:
        return DEEP_ROWS_AT_ONCE if _deep(context) else self.concurrency

    async def open(self, context: JobContext) -> None:
        if _deep(context):
            from outsend_web.browser import Renderer  # Playwright only in processes that render

            fetcher = context.resource("fetcher", Fetcher)
            renderer = Renderer(fetcher, proxied=True, pages_at_once=PAGES_RENDERED_AT_ONCE)
            await renderer.start()
            self._renderers[context.job_id] = renderer

    async def close(self, context: JobContext) -> None:
        if renderer := self._renderers.pop(context.job_id, None):
            await renderer.stop()

    async def process(self, table: Table, row: dict[str, str], context: JobContext) -> list[dict[str, Any]]:
        if not _deep(context):
            return await super().process(table, row, context)
        previous = [Found(address, "previous", "") for address in addresses(table.value(row, "email"))]
        try:
            site = await self.read_site(table, row, context, DEEP_KINDS, DEEP_MAX_PAGES)
        except RowError as error:
            if not previous:
                raise
            # the site is down now: what the normal run found stays
            return [{"email": previous[0].address, "email_personal": row.get("email_personal", ""), **error.columns}]
        found = previous + self._found(site)
        renderer = self._renderers[context.job_id]
        for page in site.pages:
            if page.kind in RENDERED_KINDS and (html := await renderer.render(page.url)):
                found += find_emails(Document(page.url, html))
        choice = choose(found, site.domain)
        return [{"email": choice.email, "email_personal": choice.email_personal, FETCH_ERROR: ""}]

    def extract(self, site: Site, table: Table, row: dict[str, str]) -> dict[str, str]:
        choice = choose(self._found(site), site.domain)
        return {"email": choice.email, "email_personal": choice.email_personal}

    @staticmethod
    def _found(site: Site) -> list[Found]:
        return [found for page in site.pages for found in find_emails(page.document)]

    def counts_as_result(self, produced: Mapping[str, str]) -> bool:
        return bool(produced.get("email"))


def _deep(context: JobContext) -> bool:
    return context.options.get("mode") == "deep"
