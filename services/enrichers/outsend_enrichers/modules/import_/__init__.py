"""``import``: bring a CSV (pasted, a public spreadsheet URL, or a previous job) in as places.

A source (``source``: ``paste`` | ``url`` | ``from_job``): pasted ``text`` is read from the
job's input object, a ``url`` is downloaded through the fetch layer (a Google Sheets share link
through its CSV export), a ``from_job`` result is taken as it is. Pasted and downloaded files are
parsed by :mod:`.parsing` (encoding, delimiter, header or guessed columns), each step told in the
``notice``; more than ``MAX_ITEMS`` rows fail the job. See ``docs/modules/import.md``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from outsend_contracts import errors, registry, subjects
from outsend_contracts.resultfile import result_object
from outsend_enrichers.modules.import_.parsing import parse_table
from outsend_runner.module import JobContext, JobFailure, TableModule
from outsend_runner.table import Table, read_csv
from outsend_web.fetch import Fetcher, FetchError


class ImportModule(TableModule):
    slug = "import"
    uses = frozenset({"fetcher"})

    async def transform(self, table: Table | None, context: JobContext) -> Table:
        source = context.options.get("source", "paste")
        if source == "from_job":
            return await self._from_job(context)
        data = await (self._download(context) if source == "url" else self._pasted(context))
        imported, notices = parse_table(data)
        for notice in notices:
            context.note(notice)
        if len(imported.rows) > registry.MAX_ITEMS:
            raise JobFailure(errors.ROW_LIMIT.format(max_items=registry.MAX_ITEMS))
        await context.log(f"{len(imported.rows)} ligne(s) importée(s), {len(imported.columns)} colonne(s)")
        return imported

    async def _pasted(self, context: JobContext) -> bytes:
        data = await context.objects.get(subjects.OBJ_INPUTS, context.input_object or "")
        if data is None:
            raise JobFailure(errors.RESULT_GONE)
        return data

    async def _download(self, context: JobContext) -> bytes:
        url = spreadsheet_csv_url(str(context.options.get("url", "")))
        try:
            page = await context.resource("fetcher", Fetcher).get(url)
        except FetchError as error:
            raise JobFailure(f"Tableur inaccessible : {error}") from error
        if page.status != 200:
            raise JobFailure(f"Tableur inaccessible : HTTP {page.status} (le partage doit être public)")
        return page.content

    async def _from_job(self, context: JobContext) -> Table:
        data = await context.objects.get(subjects.OBJ_RESULTS, result_object(context.source_job_id or ""))
        if data is None:
            raise JobFailure(errors.RESULT_GONE)
        table = read_csv(data)
        context.note(f"Reprise des {len(table.rows)} lignes du job {context.source_job_id}.")
        return table


def spreadsheet_csv_url(url: str) -> str:
    """A Google Sheets share link becomes its CSV export link; other URLs are used as given."""
    parts = urlsplit(url)
    match = re.match(r"/spreadsheets/d/([\w-]+)", parts.path)
    if parts.hostname == "docs.google.com" and match:
        gid = parse_qs(parts.fragment).get("gid") or parse_qs(parts.query).get("gid") or ["0"]
        return f"https://docs.google.com/spreadsheets/d/{match.group(1)}/export?format=csv&gid={gid[0]}"
    return url
