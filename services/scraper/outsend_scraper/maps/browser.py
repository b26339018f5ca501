"""Google Maps through a real Chromium driven by Playwright: one browser per process, reused.

A search loads ``/maps/search/<query>/@lat,lon,<zoom>z?hl=fr``, passes the consent
interstitial once per browser context, reads the first results from
``window.APP_INITIALIZATION_STATE`` and the following ones from the ``/search?tbm=map``
answers the page fetches while its results feed (``div[role="feed"]``) is scrolled, until the
end-of-list marker appears. A search with a single result lands on that place's page.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from playwright.async_api import Browser, BrowserContext, Page, Playwright, Response, async_playwright

from outsend_platform.chromium import launch_options
from outsend_platform.logging import get_logger
from outsend_scraper.maps.payload import Place, parse_place_state, parse_search, state_payloads
from outsend_scraper.settings import ScraperSettings
from outsend_web.proxies import ProxyPool

log = get_logger(__name__)

END_OF_LIST = ("Vous êtes arrivé à la fin de la liste", "You've reached the end of the list")
FEED = 'div[role="feed"]'
CONSENT_BUTTON = 'form[action*="consent"] button, form[action$="/save"] button'
NO_GROWTH_LIMIT = 3
"""Scrolls in a row that load nothing new before the list is taken as complete."""
BLOCKED_RESOURCES = {"image", "media", "font"}


class MapsUnavailableError(Exception):
    """The page could not be read (timeout, block, unexpected markup)."""


@dataclass(frozen=True)
class SearchPage:
    places: list[Place]
    ended: bool
    """The end-of-list marker was shown (or there was one result, or none)."""


def playwright_proxy(url: str) -> dict[str, str]:
    """``http://user:pass@host:port`` → Playwright's proxy option (credentials percent-decoded)."""
    parts = urlsplit(url)
    proxy = {"server": f"{parts.scheme}://{parts.hostname}:{parts.port}"}
    if parts.username:
        proxy["username"] = unquote(parts.username)
        proxy["password"] = unquote(parts.password or "")
    return proxy


class MapsBrowser:
    def __init__(self, settings: ScraperSettings, proxies: ProxyPool) -> None:
        self._settings = settings
        self._proxies = proxies
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._contexts: dict[str | None, BrowserContext] = {}
        self._idle: dict[str | None, list[Page]] = {}
        """Search pages that finished cleanly, reused by the next search through the same proxy."""
        self._lock = asyncio.Lock()

    @property
    def pages(self) -> int:
        """Pages a job may keep busy at once (``OUTSEND_SCRAPER_PAGES``): the modules' concurrency."""
        return self._settings.pages

    @property
    def base_url(self) -> str:
        return self._settings.maps_base_url

    async def close(self) -> None:
        for context in self._contexts.values():
            with contextlib.suppress(Exception):
                await context.close()
        self._contexts.clear()
        self._idle.clear()
        if self._browser is not None:
            with contextlib.suppress(Exception):
                await self._browser.close()
        if self._playwright is not None:
            with contextlib.suppress(Exception):
                await self._playwright.stop()
        self._browser = self._playwright = None

    # --- searching ---------------------------------------------------------------------------------
    def search_url(self, query: str, lat: float, lon: float, zoom: int) -> str:
        return f"{self.base_url}/maps/search/{quote(query)}/@{lat:.7f},{lon:.7f},{zoom}z?hl=fr"

    async def search(self, query: str, lat: float, lon: float, zoom: int) -> SearchPage:
        """Every result of one search, as the page lists them."""
        proxy = self._proxies.pick()
        try:
            page = await self._search_page(proxy)
        except Exception as error:
            await self._reset()
            raise MapsUnavailableError(f"navigateur indisponible ({type(error).__name__})") from error
        answers: list[asyncio.Task[list[Place]]] = []

        def collect(response: Response) -> None:
            _collect(response, answers)

        page.on("response", collect)
        clean = False
        try:
            found = await asyncio.wait_for(
                self._read_search(page, query, lat, lon, zoom, answers), self._settings.tile_timeout
            )
            clean = True
            return found
        except Exception as error:
            self._proxies.failed(proxy)
            why = str(error) if isinstance(error, MapsUnavailableError) else type(error).__name__
            raise MapsUnavailableError(f"recherche Google Maps illisible ({why})") from error
        finally:
            page.remove_listener("response", collect)
            for task in answers:
                task.cancel()
            await self._release(proxy, page, clean)

    async def _read_search(
        self, page: Page, query: str, lat: float, lon: float, zoom: int, answers: list[asyncio.Task[list[Place]]]
    ) -> SearchPage:
        await self._open(page, self.search_url(query, lat, lon, zoom))
        if "/maps/place/" in page.url:  # a single result: Google shows its page directly
            place = await self._place_on(page)
            return SearchPage([place] if place else [], ended=True)
        places = _search_results(await _state_payloads(page))
        if await page.locator(FEED).count() == 0:
            return SearchPage(places, ended=True)  # "Google Maps ne parvient pas à trouver …"
        ended = await self._scroll_to_end(page)
        for task in answers:
            places = _merge(places, await task)
        return SearchPage(places, ended=ended)

    async def _scroll_to_end(self, page: Page) -> bool:
        stalled = 0
        while stalled < NO_GROWTH_LIMIT:
            before = await page.evaluate(_SCROLL_FEED, FEED)
            if before["ended"]:
                return True
            grown = await _wait_for_growth(page, before["cards"])
            stalled = 0 if grown else stalled + 1
        return bool((await page.evaluate(_SCROLL_FEED, FEED))["ended"])

    async def _search_page(self, proxy: str | None) -> Page:
        idle = self._idle.get(proxy)
        if idle:
            return idle.pop()
        return await (await self._context(proxy)).new_page()

    async def _release(self, proxy: str | None, page: Page, clean: bool) -> None:
        """Keep a page that finished cleanly for the next search (opening one costs more than the
        search's own navigation); close any other."""
        if clean and proxy in self._contexts and not page.is_closed():
            self._idle.setdefault(proxy, []).append(page)
            return
        with contextlib.suppress(Exception):
            await page.close()

    # --- place pages -----------------------------------------------------------------------------
    async def place(self, path: str) -> Place | None:
        """A place page (``/maps/place/…``) with its latest reviews."""
        proxy = self._proxies.pick()
        page = await (await self._context(proxy)).new_page()
        try:
            await asyncio.wait_for(self._open(page, f"{self.base_url}{path}"), self._settings.tile_timeout)
            return await self._place_on(page)
        except Exception as error:
            self._proxies.failed(proxy)
            raise MapsUnavailableError(f"fiche illisible ({type(error).__name__})") from error
        finally:
            with contextlib.suppress(Exception):
                await page.close()

    async def _place_on(self, page: Page) -> Place | None:
        for payload in await _state_payloads(page):
            with contextlib.suppress(ValueError):
                if (place := parse_place_state(payload)) is not None:
                    return place
        return None

    # --- plumbing --------------------------------------------------------------------------------
    async def _open(self, page: Page, url: str) -> None:
        response = await page.goto(url, wait_until="domcontentloaded")
        if await page.locator(CONSENT_BUTTON).count():
            async with page.expect_navigation(wait_until="domcontentloaded") as navigation:
                await page.locator(CONSENT_BUTTON).first.click()  # "Tout refuser"
            if "/consent" in page.url:
                raise MapsUnavailableError("consentement refusé")
            response = await navigation.value  # the page asked for, reached through the consent
        if response is not None and response.status >= 500:
            raise MapsUnavailableError(f"HTTP {response.status}")

    async def _context(self, proxy: str | None) -> BrowserContext:
        async with self._lock:
            if proxy in self._contexts:
                return self._contexts[proxy]
            browser = await self._launch()
            options: dict[str, Any] = {"locale": "fr-FR", "viewport": {"width": 1024, "height": 768}}
            if proxy is not None:
                options["proxy"] = playwright_proxy(proxy)
            context = await browser.new_context(**options)
            await context.route("**/*", _skip_heavy_resources)
            self._contexts[proxy] = context
            return context

    async def _launch(self) -> Browser:
        if self._browser is None or not self._browser.is_connected():
            if self._playwright is None:
                self._playwright = await async_playwright().start()
            self._browser = await self._playwright.chromium.launch(**launch_options())
            self._contexts.clear()
            self._idle.clear()
            log.info("browser.launched", version=self._browser.version)
        return self._browser

    async def _reset(self) -> None:
        async with self._lock:
            await self.close()


_SCROLL_FEED = """(selector) => {
  const feed = document.querySelector(selector);
  if (!feed) return {cards: 0, ended: true};
  feed.scrollTop = feed.scrollHeight;
  const text = feed.innerText || '';
  const ended = %s.some((marker) => text.includes(marker));
  return {cards: feed.querySelectorAll('a[href*="/maps/place/"]').length, ended};
}""" % list(END_OF_LIST)  # noqa: UP031 - a JS literal, not a format string


async def _wait_for_growth(page: Page, cards: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        now = await page.evaluate(_SCROLL_FEED, FEED)
        if now["cards"] > cards or now["ended"]:
            return True
    return False


async def _state_payloads(page: Page) -> list[str]:
    state = await page.evaluate("() => window.APP_INITIALIZATION_STATE || null")
    return state_payloads(state)


def _collect(response: Response, answers: list[asyncio.Task[list[Place]]]) -> None:
    url = urlsplit(response.url)
    if url.path == "/search" and "tbm=map" in url.query:
        answers.append(asyncio.create_task(_read_answer(response)))


async def _read_answer(response: Response) -> list[Place]:
    try:
        return parse_search(await response.text())
    except Exception:  # a page torn down mid-read: what it listed is also in later answers
        return []


def _search_results(payloads: list[str]) -> list[Place]:
    """The places of the page's own search data; a page without any is not a search page we know.

    Reading such a page as "no results" would end a scrap ``done`` and empty whenever Google
    changes its markup: it is a failed search instead, counted and reported like a 503.
    """
    places: list[Place] = []
    readable = False
    for payload in payloads:
        with contextlib.suppress(ValueError):
            places = _merge(places, parse_search(payload))
            readable = True
    if not readable:
        raise MapsUnavailableError("page de résultats sans données connues")
    return places


def _merge(places: list[Place], more: list[Place]) -> list[Place]:
    seen = {place.data_id for place in places}
    merged = list(places)
    for place in more:
        if place.data_id not in seen:
            seen.add(place.data_id)
            merged.append(place)
    return merged


async def _skip_heavy_resources(route: Any) -> None:
    if route.request.resource_type in BLOCKED_RESOURCES:
        await route.abort()
    else:
        await route.continue_()
