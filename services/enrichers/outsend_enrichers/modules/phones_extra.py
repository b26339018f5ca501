"""``phones_extra``: the other numbers a business publishes on its own site.

Needs ``site_web`` (``telephone`` is the number to leave out, ``adresse`` the country to read
national numbers in); produces ``phone_secondary``, ``mobile``, ``fax`` in E.164 (and
``fetch_error``). Reads the homepage, the contact, legal-notice and about pages.
"""

from __future__ import annotations

from collections.abc import Mapping

from outsend_enrichers.extract.phones import classify, e164, find_phones, region_for
from outsend_enrichers.webmodule import WebModule
from outsend_runner.table import Table
from outsend_web.site import PageKind, Site


class PhonesExtraModule(WebModule):
    slug = "phones_extra"
    kinds = (PageKind.CONTACT, PageKind.LEGAL, PageKind.ABOUT)
    max_pages = 4

    def extract(self, site: Site, table: Table, row: dict[str, str]) -> dict[str, str]:
        region = region_for(table.value(row, "adresse"))
        primary = e164(table.value(row, "telephone"), region)
        found = [phone for page in site.pages for phone in find_phones(page.document, region)]
        extra = classify(found, primary)
        return {"phone_secondary": extra.phone_secondary, "mobile": extra.mobile, "fax": extra.fax}

    def counts_as_result(self, produced: Mapping[str, str]) -> bool:
        return any(produced.get(key) for key in ("phone_secondary", "mobile", "fax"))
