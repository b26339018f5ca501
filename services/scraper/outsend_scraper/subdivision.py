"""Adaptive subdivision: after a saturated search, which searches come next, and where.

Google Maps lists at most ~120 results for a search. A search that hit that cap (*saturated*)
may hide more places. A :class:`Search` is a viewport (the centre of the *area* it answers for,
at a zoom, seen through the browser's 1024 × 768 window) and that area, a tile; units of a
scrape are searches.

What an answer proves is read from the answer itself — a *claim*, a region where it listed every
place — never assumed from a model of Google:

- an answer below the cap listed every place of its window;
- an answer listing a place ``D`` pixels from its centre listed every place nearer than
  ``D -`` :data:`REACH_MARGIN_PX`: Google lists a place around the window only when it ranks
  above every place it leaves out, and distance costs rank — a farther place outranks a nearer
  one by at most what :data:`REACH_MARGIN_PX` of distance is worth. Where Google does not widen
  (places only in and just around the window), this claims nothing.

A search's area is done when its claims and its ancestors' cover it. Otherwise, if it was
saturated, it is followed only if it brought at least the mode's threshold of *new* places of its
area (15 Fast, 7 Advanced, 1 Ultra), and if its area can still be split (zoom-17 tiles, ~300 m,
are the bound: beyond, the places a window holds over the cap are out of reach); a search below
the cap whose window was smaller than its area is always followed where it did not look.

Two strategies follow a search:

- ``quadrants`` — the documented blind split: the four children of the tile, each searched at its
  own zoom, down to zoom-17 tiles; only a search below the cap ends a branch.
- ``density`` (default) — the quadrants of the area that the claims leave uncovered, each searched
  one zoom deeper than its own (its window 2 × 1.5 its size, where the blind split's spans 4 × 3
  and repeats its neighbours' places) — or, where the answer reached far beyond its window
  (Google widens there), probed at zoom 17, whose answer reaches farthest.

*New* places are those no ancestor of the search listed (its :attr:`Search.seen`), never those
the rest of the job has found so far: the searches of a job run concurrently, and a decision that
depended on which sibling finished first would give another scrape for the same answers. Claims
also come from the search and its ancestors only. :func:`replay` runs the decisions over an
answer function, in any completion order.
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
REACH_MARGIN_PX = 1280
"""What a lead in prominence can buy in distance: Google lists a place farther than an unlisted
one by at most this much (in screen pixels of the search's zoom; 3⅓ half-heights of the window).
The simulator's widening model costs 0.3 of a 0..1 prominence per half-height, hence 1 / 0.3."""
VERDICTS = ("covered", "widened", "split", "below_threshold", "zoom_bound")
"""What a search's answer showed: its area covered by an answer below the cap; covered by the
reach of a saturated answer (or its ancestors'); followed by deeper searches; saturated with too
few new places for the mode; saturated with an area that cannot be split (zoom 17)."""
EARTH_RADIUS_M = 6_378_137.0
EARTH_CIRCUMFERENCE_M = 2 * math.pi * EARTH_RADIUS_M


Spot = tuple[str, float, float]
"""A listed place: a stable id (see :func:`short_id`), its latitude and longitude."""
Claim = tuple[float, float, float, float]
"""A region where an answer listed every place, in Web-Mercator metres: ``(x, y, half_width,
half_height)`` a rectangle (a window), ``(x, y, radius, 0)`` a disc."""


@dataclass(frozen=True)
class Search:
    area: Tile
    """The tile this search answers for; the browser looks at its centre."""
    zoom: int
    """The map's zoom: the area's own, one deeper, or 17 (a probe)."""
    seen: frozenset[str] = field(default=frozenset(), compare=False)
    """Places its ancestors listed in its area (and around): the others it lists in its area are
    its *new* ones."""
    claims: tuple[Claim, ...] = field(default=(), compare=False)
    """Its ancestors' claims (both are fixed by the search's lineage: the same for one key)."""

    @classmethod
    def of(cls, tile: Tile) -> Search:
        return cls(tile, tile.z)

    @property
    def key(self) -> str:
        """What tells two searches apart (the job's unit key, after the query)."""
        return self.area.key if self.zoom == self.area.z else f"{self.area.key}@{self.zoom}"

    @property
    def centre(self) -> tuple[float, float]:
        return self.area.centre

    @property
    def metres_per_px(self) -> float:
        """Web-Mercator metres per screen pixel (what the zoom sets)."""
        return EARTH_CIRCUMFERENCE_M / (256 * 2.0**self.zoom)

    def window(self) -> Claim:
        """The browser window, as a rectangle claim."""
        x, y = _xy(*self.centre)
        return (x, y, WINDOW_PX[0] / 2 * self.metres_per_px, WINDOW_PX[1] / 2 * self.metres_per_px)


def short_id(text: str) -> str:
    """A compact id for a place (its Google Maps link): searches carry their ancestors' ones."""
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def summarize(search: Search, spots: Sequence[Spot]) -> dict[str, Any]:
    """The facts about a search's answer that the decision needs (kept with the unit)."""
    quadrants = {}
    for child in search.area.children():
        west, south, east, north = child.bounds  # Tile.contains, without recomputing the bounds per place
        quadrants[child.key] = sorted({p for p, lat, lon in spots if west <= lon < east and south < lat <= north})
    x0, y0 = _xy(*search.centre)
    farthest = max((math.hypot(x - x0, y - y0) for x, y in (_xy(lat, lon) for _, lat, lon in spots)), default=0.0)
    return {
        "returned": len(spots),
        "new": sum(place not in search.seen for places in quadrants.values() for place in places),
        "quadrants": quadrants,
        "farthest_px": round(farthest / search.metres_per_px),
    }


def claims_of(search: Search, facts: dict[str, Any]) -> tuple[Claim, ...]:
    """What the answer proved (module docstring), after its ancestors' claims."""
    own: list[Claim] = []
    if int(facts.get("returned", 0)) < SATURATION:
        own.append(search.window())
    reach = (int(facts.get("farthest_px", 0)) - REACH_MARGIN_PX) * search.metres_per_px
    if reach > 0:
        x, y = _xy(*search.centre)
        own.append((x, y, reach, 0.0))
    return search.claims + tuple(own)


def verdict(search: Search, facts: dict[str, Any], mode: str, strategy: str) -> str:
    """What the answer proved (one of :data:`VERDICTS`), from its own facts and the lineage."""
    saturated = int(facts.get("returned", 0)) >= SATURATION
    if strategy == "quadrants":
        if not saturated:
            return "covered"
    elif _covers(claims_of(search, facts), _box(search.area)):
        return "widened" if saturated else "covered"
    if search.area.z >= MAX_ZOOM:
        return "zoom_bound" if saturated else "covered"
    if saturated and int(facts.get("new", 0)) < THRESHOLDS.get(mode, THRESHOLDS["fast"]):
        return "below_threshold"
    return "split"


def next_searches(search: Search, facts: dict[str, Any], mode: str, strategy: str) -> list[Search]:
    """The searches that follow ``search``, given the facts of its answer (and its ancestors')."""
    if verdict(search, facts, mode, strategy) != "split":
        return []
    quadrants = facts.get("quadrants", {})

    def seen(child: Tile) -> frozenset[str]:  # what the lineage listed that the child could list again
        return search.seen | frozenset(quadrants.get(child.key, ()))

    if strategy == "quadrants":
        return [Search(child, child.z, seen(child)) for child in search.area.children()]
    claims = claims_of(search, facts)
    far = int(facts.get("farthest_px", 0)) > REACH_MARGIN_PX
    return [
        Search(child, MAX_ZOOM if far else min(child.z + 1, MAX_ZOOM), seen(child), claims)
        for child in search.area.children()
        if not _covers(claims, _box(child))
    ]


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


Box = tuple[float, float, float, float]


def _xy(lat: float, lon: float) -> tuple[float, float]:
    """Web-Mercator metres (``mercantile.xy``, inlined: it runs for every listed place)."""
    return EARTH_RADIUS_M * math.radians(lon), EARTH_RADIUS_M * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _box(tile: Tile) -> Box:
    left, bottom, right, top = mercantile.xy_bounds(tile.x, tile.y, tile.z)
    return float(left), float(bottom), float(right), float(top)


def _covers(claims: Sequence[Claim], box: Box, depth: int = 3) -> bool:
    """Whether the claims' union holds the box: one claim holds it, or each of its quarters is held
    (down to ``depth`` halvings; beyond, it is not, which errs on the side of searching)."""
    if any(_holds(claim, box) for claim in claims):
        return True
    if depth == 0 or not claims:
        return False
    left, bottom, right, top = box
    mx, my = (left + right) / 2, (bottom + top) / 2
    quarters = ((left, bottom, mx, my), (mx, bottom, right, my), (left, my, mx, top), (mx, my, right, top))
    return all(_covers(claims, quarter, depth - 1) for quarter in quarters)


def _holds(claim: Claim, box: Box) -> bool:
    x, y, a, b = claim
    left, bottom, right, top = box
    if b > 0:  # a window
        return x - a <= left and right <= x + a and y - b <= bottom and top <= y + b
    return all(math.hypot(cx - x, cy - y) <= a for cx in (left, right) for cy in (bottom, top))
