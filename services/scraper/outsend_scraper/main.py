"""Wiring of the scraper service."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from outsend_contracts.scrape import SCRAPER_ESTIMATE, Estimate, EstimateQuery, EstimateRequest
from outsend_platform.service import Runtime, run_service
from outsend_runner.worker import serve_modules
from outsend_scraper.estimate import estimate
from outsend_scraper.geo.zones import ZoneResolver
from outsend_scraper.maps.browser import MapsBrowser
from outsend_scraper.modules import MODULES
from outsend_scraper.settings import ScraperSettings
from outsend_web.proxies import ProxyPool


async def setup(runtime: Runtime) -> list[Coroutine[Any, Any, None]]:
    settings = ScraperSettings.from_env()
    zones = await asyncio.to_thread(ZoneResolver)
    browser = MapsBrowser(settings, ProxyPool.from_env())

    async def handle_estimate(query: EstimateQuery) -> Estimate:
        request = EstimateRequest.from_options(query.options)
        return await asyncio.to_thread(estimate, zones, request, settings.seconds_per_tile)

    await runtime.rpc.route(SCRAPER_ESTIMATE, EstimateQuery, handle_estimate)

    async def close_browser() -> None:
        await runtime.stop.wait()
        await browser.close()

    loops = await serve_modules(runtime, MODULES, {"browser": browser, "zones": zones})
    return [*loops, close_browser()]


def main() -> None:
    run_service("scraper", setup, schema="scraper")
