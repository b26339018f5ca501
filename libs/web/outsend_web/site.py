"""Page discovery: from a ``site_web`` to the few pages of the site worth reading.

The homepage first (the URL given, after redirects and a ``<meta refresh>``), then, for each
kind of page a module wants — contact, legal notice, about, terms, privacy — the best link
found by its text and its URL, in French and English; ``/sitemap.xml`` when the homepage does
not link to a wanted kind (menus built by scripts). Pages stay on the site (same registrable
domain) and their number is bounded per module.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urljoin, urlsplit

from outsend_contracts import errors
from outsend_web.fetch import Fetcher, FetchError, Page
from outsend_web.html import Document, Link, host_of, plain, registrable_domain

MAX_SITEMAP_URLS = 2000
_SKIPPED_FILES = re.compile(r"\.(pdf|jpe?g|png|gif|webp|svg|zip|docx?|xlsx?|mp4|mp3|css|js|ico)$", re.IGNORECASE)
_LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>", re.IGNORECASE)


class PageKind(StrEnum):
    HOME = "home"
    CONTACT = "contact"
    LEGAL = "legal"
    ABOUT = "about"
    TERMS = "terms"
    PRIVACY = "privacy"
    OTHER = "other"


_TEXT_PATTERNS: dict[PageKind, re.Pattern[str]] = {
    PageKind.CONTACT: re.compile(
        r"\b(contact|contacts|contactez|nous contacter|nous ecrire|ecrivez|nous joindre|coordonnees|"
        r"get in touch|contact us|acces et contact|plan d acces)\b"
    ),
    PageKind.LEGAL: re.compile(
        r"\b(mentions legales|mention legale|informations legales|legal notice|legal|imprint|impressum|"
        r"editeur du site)\b"
    ),
    PageKind.ABOUT: re.compile(
        r"\b(a propos|qui sommes nous|notre equipe|l equipe|equipe|about|about us|our team|team|notre histoire|"
        r"le cabinet|l entreprise|la societe|presentation)\b"
    ),
    PageKind.TERMS: re.compile(
        r"\b(cgv|cgu|conditions generales|conditions de vente|terms|conditions d utilisation)\b"
    ),
    PageKind.PRIVACY: re.compile(
        r"\b(confidentialite|vie privee|privacy|donnees personnelles|rgpd|gdpr|politique de cookies)\b"
    ),
}
_PATH_PATTERNS: dict[PageKind, re.Pattern[str]] = {
    PageKind.CONTACT: re.compile(r"contact|nous-joindre|coordonnees|ecrire|acces"),
    PageKind.LEGAL: re.compile(r"mentions[-_]?legales|legal|impressum|imprint|informations-legales"),
    PageKind.ABOUT: re.compile(r"a-?propos|qui-sommes|about|equipe|team|histoire|cabinet|societe|entreprise"),
    PageKind.TERMS: re.compile(r"\bcg[uv]\b|conditions|terms"),
    PageKind.PRIVACY: re.compile(r"confidentialite|privacy|donnees-personnelles|rgpd|gdpr|cookies"),
}


def link_kind_score(link: Link, kind: PageKind) -> int:
    """How surely a link leads to a page of this kind: 3 by its text, 2 by its URL, 0 not at all."""
    text_pattern, path_pattern = _TEXT_PATTERNS.get(kind), _PATH_PATTERNS.get(kind)
    score = 0
    if text_pattern and len(link.text) <= 60 and text_pattern.search(plain(link.text)):
        score += 3
    path = plain(urlsplit(link.url).path).replace(" ", "-")
    if path_pattern and path_pattern.search(path):
        score += 2
    return score


def site_url(value: str) -> str:
    """What a user typed as a website, as a URL (``dupont.fr`` → ``https://dupont.fr``)."""
    value = value.strip()
    if not value:
        raise FetchError(errors.FETCH_INVALID_URL)
    if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        value = "https://" + value.lstrip("/")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- read for its check: a port out of range or not a number raises
    except ValueError as error:
        raise FetchError(errors.FETCH_INVALID_URL) from error
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in parts.netloc:
        raise FetchError(errors.FETCH_INVALID_URL)
    return parts._replace(path=parts.path or "/").geturl()


@dataclass(frozen=True)
class SitePage:
    kind: PageKind
    page: Page
    document: Document

    @property
    def url(self) -> str:
        return self.page.url


@dataclass
class Site:
    home: SitePage
    pages: list[SitePage] = field(default_factory=list)
    """Every page read, the homepage first."""

    @property
    def domain(self) -> str:
        return registrable_domain(host_of(self.home.url))

    def of_kind(self, kind: PageKind) -> list[SitePage]:
        return [page for page in self.pages if page.kind is kind]


class SiteReader:
    """Reads a site's pages through the fetcher; ``proxied`` for the modules of the proxy lane."""

    def __init__(self, fetcher: Fetcher, *, proxied: bool) -> None:
        self._fetcher = fetcher
        self._proxied = proxied

    async def read(self, site_web: str, kinds: Sequence[PageKind], max_pages: int) -> Site:
        home = await self._home(site_url(site_web), scheme_guessed="://" not in site_web)
        site = Site(home=home, pages=[home])
        wanted = self._choose(home.document, kinds, max_pages - 1)
        missing = [kind for kind in kinds if kind is not PageKind.OTHER and kind not in {k for k, _ in wanted}]
        if missing and len(wanted) < max_pages - 1:
            wanted += await self._from_sitemap(home, missing, max_pages - 1 - len(wanted), {u for _, u in wanted})
        pages = await asyncio.gather(*(self._page(kind, url) for kind, url in wanted))
        site.pages += [page for page in pages if page is not None]
        return site

    async def fetch_page(self, url: str) -> Page:
        return await self._fetcher.get(url, proxied=self._proxied)

    async def _home(self, url: str, *, scheme_guessed: bool) -> SitePage:
        try:
            page = await self.fetch_page(url)
        except FetchError as error:  # ``dupont.fr`` without HTTPS: try HTTP
            if not scheme_guessed or str(error) not in (errors.FETCH_CONNECT, errors.FETCH_TLS):
                raise
            page = await self.fetch_page("http://" + url.removeprefix("https://"))
        if not page.ok:
            raise FetchError(errors.FETCH_HTTP_STATUS.format(status=page.status))
        if not page.is_html:
            raise FetchError(errors.FETCH_NOT_HTML.format(content_type=page.content_type.split(";")[0] or "?"))
        document = Document(page.url, page.text)
        refresh = document.refresh
        if refresh and _same_site(refresh, page.url) and refresh != page.url:
            moved = await self.fetch_page(refresh)
            if moved.ok and moved.is_html:
                page, document = moved, Document(moved.url, moved.text)
        return SitePage(PageKind.HOME, page, document)

    def _choose(self, home: Document, kinds: Sequence[PageKind], budget: int) -> list[tuple[PageKind, str]]:
        """The best link for each wanted kind, then other pages of the site for ``OTHER``."""
        chosen: list[tuple[PageKind, str]] = []
        seen = {_without_fragment(home.url)}
        candidates = [link for link in home.links if _internal(link.url, home.url)]
        for kind in kinds:
            if len(chosen) >= budget:
                break
            if kind is PageKind.OTHER:
                for link in candidates:
                    url = _without_fragment(link.url)
                    if len(chosen) < budget and url not in seen:
                        seen.add(url)
                        chosen.append((PageKind.OTHER, url))
                continue
            scored = [(link_kind_score(link, kind), index, link) for index, link in enumerate(candidates)]
            best = max((item for item in scored if item[0] > 0), key=lambda item: (item[0], -item[1]), default=None)
            if best is not None and (url := _without_fragment(best[2].url)) not in seen:
                seen.add(url)
                chosen.append((kind, url))
        return chosen

    async def _from_sitemap(
        self, home: SitePage, kinds: Sequence[PageKind], budget: int, taken: set[str]
    ) -> list[tuple[PageKind, str]]:
        urls = await self._sitemap_urls(urljoin(home.url, "/sitemap.xml"), depth=1)
        chosen: list[tuple[PageKind, str]] = []
        for kind in kinds:
            matches = [
                u for u in urls if _internal(u, home.url) and u not in taken and link_kind_score(Link(u, ""), kind)
            ]
            if matches and len(chosen) < budget:
                chosen.append((kind, min(matches, key=len)))
                taken.add(chosen[-1][1])
        return chosen

    async def _sitemap_urls(self, url: str, depth: int) -> list[str]:
        try:
            page = await self.fetch_page(url)
        except FetchError:
            return []
        if not page.ok:
            return []
        urls = [match.decode("utf-8", "replace") for match in _LOC.findall(page.content)][:MAX_SITEMAP_URLS]
        if b"<sitemapindex" in page.content[:2048] and depth > 0:
            nested = await asyncio.gather(*(self._sitemap_urls(u, depth - 1) for u in urls[:3]))
            return [u for group in nested for u in group]
        return urls

    async def _page(self, kind: PageKind, url: str) -> SitePage | None:
        """A secondary page; one that cannot be read is skipped (the homepage was)."""
        try:
            page = await self.fetch_page(url)
        except FetchError:
            return None
        if not page.ok or not page.is_html:
            return None
        return SitePage(kind, page, Document(page.url, page.text))


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _same_site(url: str, home: str) -> bool:
    host = host_of(url)
    return bool(host) and registrable_domain(host) == registrable_domain(host_of(home))


def _internal(url: str, home: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and _same_site(url, home)
        and not _SKIPPED_FILES.search(parts.path)
        and _without_fragment(url) != _without_fragment(home)
    )
