"""``socials``: the social profiles a business operates, one canonical URL per network.

Needs ``site_web``; produces ``social_facebook``, ``social_instagram``, ``social_linkedin``,
``social_twitter``, ``social_tiktok``, ``social_youtube`` (and ``fetch_error``). Reads the
homepage, the contact and the about pages.
"""

from __future__ import annotations

from collections.abc import Mapping

from outsend_enrichers.extract.socials import choose_profiles
from outsend_enrichers.webmodule import WebModule
from outsend_runner.table import Table
from outsend_web.site import PageKind, Site


class SocialsModule(WebModule):
    slug = "socials"
    kinds = (PageKind.CONTACT, PageKind.ABOUT)
    max_pages = 3

    def extract(self, site: Site, table: Table, row: dict[str, str]) -> dict[str, str]:
        urls = [link.url for page in site.pages for link in page.document.links]
        urls += [frame for page in site.pages for frame in page.document.frames]
        name = table.value(row, "nom") or site.domain.split(".", 1)[0]
        return choose_profiles(urls, name).columns()

    def counts_as_result(self, produced: Mapping[str, str]) -> bool:
        return any(value for key, value in produced.items() if key.startswith("social_"))
