"""The modules this service runs, one file each; :mod:`outsend_scraper.main` serves ``MODULES``
with the resources they declare (``browser``: the Maps browser, ``zones``: the zone resolver)."""

from __future__ import annotations

from outsend_runner.module import Module
from outsend_scraper.modules.reviews import ReviewsModule
from outsend_scraper.modules.scrap import ScrapModule

MODULES: tuple[Module, ...] = (ScrapModule(), ReviewsModule())
