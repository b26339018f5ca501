"""``legal_ids``: the business's SIREN and SIRET, read on its own site, with where they were read.

Needs ``site_web``; produces ``siren``, ``siret``, ``legal_ids_source_url`` (and
``fetch_error``). Reads the legal notice first, then the terms, the privacy page and the
homepage's footer; the first page that names the business's identifiers wins.
"""

from __future__ import annotations

from collections.abc import Mapping

from outsend_enrichers.extract.legal import choose_ids
from outsend_enrichers.webmodule import WebModule
from outsend_runner.table import Table
from outsend_web.site import PageKind, Site

READ_ORDER = (PageKind.LEGAL, PageKind.TERMS, PageKind.PRIVACY, PageKind.HOME, PageKind.CONTACT)


class LegalIdsModule(WebModule):
    slug = "legal_ids"
    kinds = (PageKind.LEGAL, PageKind.TERMS, PageKind.CONTACT)
    max_pages = 4

    def extract(self, site: Site, table: Table, row: dict[str, str]) -> dict[str, str]:
        for kind in READ_ORDER:
            for page in site.of_kind(kind):
                ids = choose_ids(page.document.text)
                if ids.siren:
                    return {"siren": ids.siren, "siret": ids.siret, "legal_ids_source_url": page.url}
        return {"siren": "", "siret": "", "legal_ids_source_url": ""}

    def counts_as_result(self, produced: Mapping[str, str]) -> bool:
        return bool(produced.get("siren"))
