"""Scraper settings from ``OUTSEND_*`` environment variables."""

from __future__ import annotations

from dataclasses import dataclass

from outsend_platform.settings import env_float, env_str


@dataclass(frozen=True)
class ScraperSettings:
    maps_base_url: str
    """Where Google Maps is (``OUTSEND_MAPS_BASE_URL``; the simulator in tests and demos)."""
    pages: int
    """Browser pages searching at once within a job."""
    tile_timeout: float
    """Seconds one attempt at a tile may take (page load, consent, scrolling)."""
    seconds_per_tile: float
    """Average wall time of a tile on the real site, for ``estimated_duration_seconds``."""

    @classmethod
    def from_env(cls) -> ScraperSettings:
        return cls(
            maps_base_url=env_str("OUTSEND_MAPS_BASE_URL", "https://www.google.com").rstrip("/"),
            pages=max(1, int(env_float("OUTSEND_SCRAPER_PAGES", 3))),
            tile_timeout=env_float("OUTSEND_SCRAPER_TILE_TIMEOUT", 60.0),
            seconds_per_tile=env_float("OUTSEND_SCRAPER_SECONDS_PER_TILE", 30.0),
        )
