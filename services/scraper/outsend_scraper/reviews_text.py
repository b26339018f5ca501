"""Reviews as one readable cell (``derniers_avis`` of a scrap with ``include_reviews``)."""

from __future__ import annotations

from collections.abc import Iterable

from outsend_scraper.maps.payload import Review

SUMMARY_REVIEWS = 5
SUMMARY_TEXT = 140


def latest_reviews_summary(reviews: Iterable[Review], count: int = SUMMARY_REVIEWS) -> str:
    """``★5 Marie D. (il y a 2 jours) : Travail soigné. | ★3 …`` — the latest ``count`` reviews."""
    parts = []
    for review in list(reviews)[:count]:
        stars = f"★{review.rating} " if review.rating is not None else ""
        text = " ".join(review.text.split())
        if len(text) > SUMMARY_TEXT:
            text = text[: SUMMARY_TEXT - 1] + "…"
        when = f" ({review.when})" if review.when else ""
        parts.append(f"{stars}{review.author}{when}" + (f" : {text}" if text else ""))
    return " | ".join(parts)
