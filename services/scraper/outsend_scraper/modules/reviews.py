"""``reviews``: the latest reviews of each place, one row per review.

Needs ``lien_google_maps`` (rows without it are dropped). Each input row is repeated on every
review row, followed by ``reviewer_name``, ``rating`` (1–5), ``date`` (relative, as Google
shows it), ``review_text`` and ``owner_replied``. Only Google Maps links are followed, on the
configured Maps host (``OUTSEND_MAPS_BASE_URL``): a user-supplied link never sends the browser
anywhere else. See ``docs/modules/reviews.md``.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlsplit

from outsend_contracts import errors
from outsend_runner.module import JobContext, RowError, RowModule
from outsend_runner.table import Table
from outsend_scraper.maps.browser import MapsBrowser, MapsUnavailableError

MAPS_HOSTS = re.compile(r"^(www\.|maps\.)?google\.[a-z]{2,3}(\.[a-z]{2})?$")
PLACE_PATH = re.compile(r"^/maps/place/[^?#]*$")
DEFAULT_MAX_REVIEWS = 10
ATTEMPTS = 2


def place_path(link: str) -> str:
    """The ``/maps/place/…`` path of a Google Maps link; ``RowError`` for anything else."""
    parts = urlsplit(link.strip())
    if (
        parts.scheme not in ("http", "https")
        or not MAPS_HOSTS.match(parts.hostname or "")
        or not PLACE_PATH.match(parts.path)
    ):
        raise RowError(errors.MAPS_LINK_INVALID)
    return parts.path


class ReviewsModule(RowModule):
    slug = "reviews"
    uses = frozenset({"browser"})

    def rows_at_once(self, context: JobContext) -> int:
        return context.resource("browser", MapsBrowser).pages  # one place page per browser page

    async def process(self, table: Table, row: dict[str, str], context: JobContext) -> list[dict[str, Any]]:
        path = place_path(table.value(row, "lien_google_maps"))
        browser = context.resource("browser", MapsBrowser)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                place = await browser.place(path)
                break
            except MapsUnavailableError as error:
                if attempt == ATTEMPTS:
                    raise RowError(f"fiche Google Maps illisible ({error})") from error
                await asyncio.sleep(attempt)
        if place is None:
            raise RowError("fiche Google Maps introuvable")
        limit = int(context.options.get("max_reviews") or DEFAULT_MAX_REVIEWS)
        return [
            {
                "reviewer_name": review.author,
                "rating": review.rating if review.rating is not None else "",
                "date": review.when,
                "review_text": review.text,
                "owner_replied": review.owner_replied,
            }
            for review in place.reviews[:limit]
        ]
