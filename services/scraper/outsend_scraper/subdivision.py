"""Adaptive subdivision: after a saturated search, which searches come next, and where.

Google Maps lists at most ~120 results for a search. A search that hit that cap (*saturated*)
may hide more places. A :class:`Search` is a viewport (the centre of the *area* it answers for,
at a zoom, seen through the browser's 1024 × 768 window) and that area, a tile; units of a
scrape are searches. The window always holds the area: at the area's own zoom it spans 4 × 3
tiles of that size, one zoom deeper 2 × 1.5.

What an answer proves is read from the answer itself, never assumed from a model of Google:

- an answer below the cap listed every place of its window, so its area is *covered*;
- a saturated answer that lists places far outside its window (:data:`WIDENED_PX` from its
  centre) shows that Google ran out of window places before it ran out of room: the window, and
  so the area, is exhausted (*widened*). A saturated answer whose places stay in and around the
  window proves nothing: Google kept the ones it ranks first, anywhere in it;
- only a saturated answer that is neither is followed, if it brought at least the mode's
  threshold of *new* places (15 Fast, 7 Advanced, 1 Ultra), and if a deeper search can exist
  (zoom 17 is the bound: beyond it, the places a window holds over the cap are out of reach).

Two strategies follow such an answer:

- ``quadrants`` — the documented blind split: the four children of the tile, each searched at its
  own zoom, down to zoom-17 tiles (the widened reading is not used).
- ``density`` (default) — each quadrant of the area searched one zoom deeper than its own (its
  window 2 × 1.5 its size, where the blind split's spans 4 × 3 and repeats its neighbours'
  places), and a widened answer ends the branch. Its deepest searches are the blind split's
  deepest windows (zoom 17), reached with a quarter of its leaves.

*New* places are those no ancestor of the search listed (its :attr:`Search.seen`), never those
the rest of the job has found so far: the searches of a job run concurrently, and a decision that
depended on which sibling finished first would give another scrape for the same answers.
:func:`replay` runs the decisions over an answer function, in any completion order.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import mercantile

from outsend_scraper.geo.grid import MAX_ZOOM, Tile

SATURATION = 110
"""A search listing at least this many results hit Google's ~120 cap."""
THRESHOLDS = {"fast": 15, "advanced": 7, "ultra": 1}
"""New unique places a saturated search must bring to be followed (scrape-modes page)."""
STRATEGIES = ("density", "quadrants")
WINDOW_PX = (1024, 768)
"""The browser window: what Google Maps shows, and ranks first, at a zoom."""
WIDENED_PX = 2048
"""A listed place this far from the window's centre (2 windows wide) shows the window exhausted:
Google lists places around the window only below the window's own. Under the simulator's widening
model a place that far ranks below any place of the window, even an unreviewed one in a corner."""
VERDICTS = ("covered", "widened", "split", "below_threshold", "zoom_bound")
"""What a search's answer showed: below the cap; saturated but widened; followed by deeper
searches; saturated with too few new places for the mode; saturated at the deepest zoom."""
EARTH_CIRCUMFERENCE_M = 2 * math.pi * 6_378_137


Spot = tuple[str, float, float]
"""A listed place: a stable id (see :func:`short_id`), its latitude and longitude."""


@dataclass(frozen=True)
class Search:
    area: Tile
    """The tile this search answers for; the browser looks at its centre."""
    zoom: int
    """The map's zoom: the area's own, or one deeper."""
    seen: frozenset[str] = field(default=frozenset(), compare=False)
    """The places its ancestors listed: the places it brings beyond them are its *new* ones
    (determined by the search's lineage: two searches of one key always carry the same)."""

    @classmethod
    def of(cls, tile: Tile, seen: frozenset[str] = frozenset()) -> Search:
        return cls(tile, tile.z, seen)

    @property
    def key(self) -> str:
        """What tells two searches apart (the job's unit key, after the query)."""
        return self.area.key if self.zoom == self.area.z else f"{self.area.key}@{self.zoom}"

    @property
    def centre(self) -> tuple[float, float]:
        return self.area.centre

    def window(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of what the browser shows."""
        lat, lon = self.centre
        x, y = mercantile.xy(lon, lat)
        half_x, half_y = WINDOW_PX[0] / 2 * self.metres_per_px, WINDOW_PX[1] / 2 * self.metres_per_px
        west, south = mercantile.lnglat(x - half_x, y - half_y)
        east, north = mercantile.lnglat(x + half_x, y + half_y)
        return west, south, east, north

    @property
    def metres_per_px(self) -> float:
        """Web-Mercator metres per screen pixel (what the zoom sets)."""
        return EARTH_CIRCUMFERENCE_M / (256 * 2.0**self.zoom)


def short_id(text: str) -> str:
    """A compact id for a place (its Google Maps link): searches carry their ancestors' ones."""
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def summarize(search: Search, spots: Sequence[Spot]) -> dict[str, Any]:
    """The facts about a search's answer that the decision needs (kept with the unit)."""
    listed = sorted({place for place, _, _ in spots})
    west, south, east, north = search.window()
    x0, y0 = mercantile.xy(*reversed(search.centre))
    farthest = 0.0
    for _, lat, lon in spots:
        x, y = mercantile.xy(lon, lat)
        farthest = max(farthest, math.hypot(x - x0, y - y0) / search.metres_per_px)
    return {
        "returned": len(spots),
        "new": sum(place not in search.seen for place in listed),
        "listed": listed,
        "in_window": sum(west <= lon <= east and south <= lat <= north for _, lat, lon in spots),
        "farthest_px": round(farthest),
    }


def verdict(search: Search, facts: dict[str, Any], mode: str, strategy: str) -> str:
    """What the answer proved (one of :data:`VERDICTS`), from its own facts and the lineage."""
    if int(facts.get("returned", 0)) < SATURATION:
        return "covered"
    if strategy != "quadrants" and int(facts.get("farthest_px", 0)) >= WIDENED_PX:
        return "widened"
    deepest = search.area.z >= MAX_ZOOM if strategy == "quadrants" else search.zoom >= MAX_ZOOM
    if deepest:
        return "zoom_bound"
    if int(facts.get("new", 0)) < THRESHOLDS.get(mode, THRESHOLDS["fast"]):
        return "below_threshold"
    return "split"


def next_searches(search: Search, facts: dict[str, Any], mode: str, strategy: str) -> list[Search]:
    """The searches that follow ``search``, given the facts of its answer (and its ancestors')."""
    if verdict(search, facts, mode, strategy) != "split":
        return []
    seen = search.seen | frozenset(facts.get("listed", ()))
    if strategy == "quadrants":
        return [Search.of(child, seen) for child in search.area.children()]
    return [Search(child, min(child.z + 1, MAX_ZOOM), seen) for child in search.area.children()]


@dataclass(frozen=True)
class Replay:
    """What a scrape found and searched, whatever order its searches finished in."""

    listed: frozenset[str]
    searched: frozenset[str]
    """The keys of every search made."""
    verdicts: tuple[tuple[str, int], ...]
    """How many searches ended on each verdict, in :data:`VERDICTS` order."""


def replay(
    roots: Iterable[Search],
    answer: Callable[[Search], Sequence[Spot]],
    mode: str,
    strategy: str,
    *,
    order: random.Random | None = None,
    keep: Callable[[Search], bool] = lambda _: True,
) -> Replay:
    """The job's subdivision without a browser: ``answer`` plays Google Maps, ``order`` picks which
    pending search finishes next (first planned first without it), ``keep`` drops follow-ups as the
    job does (outside every zone); a search key is searched once, like a unit key."""
    pending = list(roots)
    planned = {search.key for search in pending}
    listed: set[str] = set()
    verdicts: Counter[str] = Counter()
    while pending:
        search = pending.pop(order.randrange(len(pending)) if order else 0)
        spots = answer(search)
        listed.update(place for place, _, _ in spots)
        facts = summarize(search, spots)
        verdicts[verdict(search, facts, mode, strategy)] += 1
        for follow in next_searches(search, facts, mode, strategy):
            if follow.key not in planned and keep(follow):
                planned.add(follow.key)
                pending.append(follow)
    return Replay(frozenset(listed), frozenset(planned), tuple((name, verdicts[name]) for name in VERDICTS))
