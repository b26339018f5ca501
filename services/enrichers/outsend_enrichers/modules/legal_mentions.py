"""``legal_mentions``: the legal notice (« mentions légales ») of a site, parsed into columns.

Needs ``site_web``; produces ``raison_sociale``, ``forme_juridique``, ``capital_social``,
``rcs``, ``adresse_postale``, ``dirigeant``, ``directeur_publication``, ``hebergeur``,
``tva_intracom``, ``mentions_legales_url`` (and ``fetch_error``). One row per site, found or
not; a site whose notice sits on its homepage is read there.
"""

from __future__ import annotations

from collections.abc import Mapping

from outsend_enrichers.extract.legal import COLUMNS, parse_legal_notice
from outsend_enrichers.webmodule import WebModule
from outsend_runner.table import Table
from outsend_web.site import PageKind, Site


class LegalMentionsModule(WebModule):
    slug = "legal_mentions"
    kinds = (PageKind.LEGAL, PageKind.TERMS)
    max_pages = 3

    def extract(self, site: Site, table: Table, row: dict[str, str]) -> dict[str, str]:
        for page in [*site.of_kind(PageKind.LEGAL), site.home, *site.of_kind(PageKind.TERMS)]:
            fields = parse_legal_notice(page.document.text)
            if sum(bool(value) for value in fields.values()) >= 2:
                return {**fields, "mentions_legales_url": page.url}
        return {**dict.fromkeys(COLUMNS, ""), "mentions_legales_url": ""}

    def counts_as_result(self, produced: Mapping[str, str]) -> bool:
        return bool(produced.get("mentions_legales_url"))
