"""The modules this service runs, one file each."""

from __future__ import annotations

from outsend_runner.module import Module
from outsend_scraper.modules.reviews import ReviewsModule
from outsend_scraper.modules.scrap import ScrapModule


def modules(pages: int) -> tuple[Module, ...]:
    return (ScrapModule(pages), ReviewsModule(pages))
