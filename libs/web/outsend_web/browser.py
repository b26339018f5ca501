"""Pages rendered in Chromium, for addresses that only exist once the page's scripts have run.

The browser never touches the network itself: every request it makes is intercepted and
answered by the :class:`~outsend_web.fetch.Fetcher` (same SSRF guard, proxies,
``OUTSEND_CONNECT_TO``, CA bundle, politeness). Images, media, fonts and style sheets are not
loaded. Debian's ``chromium`` is used (``OUTSEND_CHROMIUM``, default ``/usr/bin/chromium``); if
it dies (a page can take it down), the next render starts a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from playwright.async_api import Browser, Playwright, Route, WebSocketRoute, async_playwright
from playwright.async_api import Error as PlaywrightError

from outsend_platform.chromium import launch_options
from outsend_platform.logging import get_logger
from outsend_web.fetch import USER_AGENT, Fetcher, FetchError

log = get_logger(__name__)

# The page talks only to the route handler (no QUIC to open); /dev/shm is small in containers.
EXTRA_FLAGS = ("--disable-quic", "--disable-dev-shm-usage")
SKIPPED_RESOURCES = frozenset({"image", "media", "font", "stylesheet", "manifest", "other"})
RENDER_TIMEOUT_MS = 15_000
SETTLE_MS = 400
"""Time left to scripts after ``load`` (timers that write an address a moment later)."""


class Renderer:
    def __init__(self, fetcher: Fetcher, *, proxied: bool, pages_at_once: int = 4) -> None:
        self._fetcher = fetcher
        self._proxied = proxied
        self._slots = asyncio.Semaphore(pages_at_once)
        self._launching = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    async def start(self) -> None:
        self._playwright = await async_playwright().start()
        await self._launch()

    async def _launch(self) -> Browser:
        assert self._playwright is not None, "start() first"
        self._browser = await self._playwright.chromium.launch(**launch_options(*EXTRA_FLAGS))
        return self._browser

    async def _live_browser(self) -> Browser:
        async with self._launching:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            log.warning("render.browser_restarted")
            return await self._launch()

    async def stop(self) -> None:
        if self._browser is not None:
            with contextlib.suppress(PlaywrightError):
                await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        self._browser = self._playwright = None

    async def render(self, url: str) -> str | None:
        """The page's DOM after its scripts ran, or ``None`` if it could not be rendered."""
        async with self._slots:
            for _ in range(2):
                browser = await self._live_browser()
                try:
                    return await self._render(browser, url)
                except PlaywrightError as error:
                    if browser.is_connected():  # the page's own failure (timeout, aborted load …)
                        log.info("render.failed", url=url, error=str(error).splitlines()[0])
                        return None
        return None

    async def _render(self, browser: Browser, url: str) -> str:
        context = await browser.new_context(user_agent=USER_AGENT, service_workers="block")
        try:
            await context.route("**/*", self._answer)
            await context.route_web_socket("**/*", _refuse)
            page = await context.new_page()
            await page.goto(url, wait_until="load", timeout=RENDER_TIMEOUT_MS)
            await page.wait_for_timeout(SETTLE_MS)
            return await page.content()
        finally:
            with contextlib.suppress(PlaywrightError):
                await context.close()

    async def _answer(self, route: Route) -> None:
        request = route.request
        if request.method != "GET" or request.resource_type in SKIPPED_RESOURCES:
            await route.abort()
            return
        try:
            page = await self._fetcher.get(request.url, proxied=self._proxied)
        except FetchError:
            await route.abort("addressunreachable")
            return
        headers: dict[str, Any] = {"content-type": page.content_type or "text/html"}
        await route.fulfill(status=page.status, headers=headers, body=page.content)


async def _refuse(websocket: WebSocketRoute) -> None:
    """A WebSocket cannot go through the fetcher, so none leaves the browser: the page sees it close."""
    await websocket.close(code=1008, reason="blocked")
