"""The Maps world week after week: places open, close, lose their rating, gain reviews, change phone.

It is the world of a simulator started with ``timeline=True`` (the other tests keep the generated
world as it is). At week 0 a few places are not open yet; each later week draws, per place and per week, from a seed of
its own (``<data id>:<week>``), so the world at week N is the same whoever asks and in any order,
and a test can tell exactly what changed between two weeks. The rates are those of a lively
market (a few percent of places a week), enough for every bucket of a veille to be non-empty.
"""

from __future__ import annotations

import dataclasses
import random

from tests.world.maps.places import Place

LATE_OPENING_RATE = 0.3
"""Places not open yet at week 0, opening at week 1 or 2."""
CLOSING_RATE = 0.08
RATING_DROP_RATE = 0.10
REVIEW_SURGE_RATE = 0.12
PHONE_CHANGE_RATE = 0.03


def opening_week(place: Place) -> int:
    draw = random.Random(f"{place.data_id}:opening").random()
    return 1 + int(2 * draw / LATE_OPENING_RATE) % 2 if draw < LATE_OPENING_RATE else 0


def at_week(place: Place, week: int) -> Place | None:
    """The place as it is listed at ``week``, or ``None`` when it is not (not open yet, or closed)."""
    opens = opening_week(place)
    if week < opens:
        return None
    current = place
    for step in range(opens + 1, week + 1):
        changed = _week_change(current, step)
        if changed is None:
            return None
        current = changed
    return current


def _week_change(place: Place, week: int) -> Place | None:
    rng = random.Random(f"{place.data_id}:{week}")
    if rng.random() < CLOSING_RATE:
        return None
    changes: dict[str, object] = {}
    if rng.random() < RATING_DROP_RATE:
        changes["rating"] = max(1.0, round(place.rating - rng.choice((0.3, 0.4, 0.5, 0.8)), 1))
    if rng.random() < REVIEW_SURGE_RATE:
        changes["reviews_count"] = place.reviews_count + rng.randint(3, 15)
    if rng.random() < PHONE_CHANGE_RATE:
        changes["phone"] = place.phone[:3] + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
    return dataclasses.replace(place, **changes) if changes else place  # type: ignore[arg-type]


def listed(places: list[Place], week: int) -> list[Place]:
    """A search answer at ``week``: the places listed then, as they are then."""
    return [current for place in places if (current := at_week(place, week)) is not None]
