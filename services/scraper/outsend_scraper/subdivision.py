"""Adaptive subdivision: after a saturated search, which searches come next, and where.

Google Maps lists at most ~120 results for a search. A search that hit that cap (*saturated*)
may hide more places. A :class:`Search` is a viewport (a tile's centre at the tile's zoom) and the
*area* it answers for (a base tile, or a part of one); units of a scrape are searches.

Two strategies:

- ``quadrants`` — the documented blind split: a saturated search that brought at least the mode's
  threshold of *new* unique places (15 Fast, 7 Advanced, 1 Ultra) is followed by its four
  children, one zoom deeper, down to zoom 17.
- ``density`` (default) — reads where the returned places lie, relative to the browser window:

  * *window-bound* answer (most results inside the window): the window alone held more than the
    cap, and Google kept its most prominent places — the area's obscure places can be anywhere
    under the cut. The next search is a *probe*: one search at zoom 17 at the area's centre.
  * *widened* answer (most results outside the window): the window ran out of places and Google
    filled the list with the nearest ones around it, so the listing is complete within a disc —
    the *reach*, a quantile of the results' distances. The parts of the area beyond the reach
    are estimated at (density of the disc × uncovered surface) places; each quadrant of the area
    hiding at least the mode's hidden-place threshold (6 / 3 / 1) gets its own probe.

  A zoom-17 window is a few hundred metres: in a dense city a probe always widens, and lists
  every place within ~1–3 km at once, where the blind split needs dozens of intermediate tiles.

*New* places are those no ancestor of the search listed (its :attr:`Search.seen`), never those
the rest of the job has found so far: the searches of a job run concurrently, and a decision that
depended on which sibling finished first would give another scrape for the same answers.
:func:`replay` runs the decisions over an answer function, in any completion order.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import mercantile

from outsend_scraper.geo.grid import MAX_ZOOM, Tile

SATURATION = 110
"""A search listing at least this many results hit Google's ~120 cap."""
THRESHOLDS = {"fast": 15, "advanced": 7, "ultra": 1}
"""New unique places a saturated tile must bring to be subdivided (scrape-modes page); the density
strategy asks the same number of listed places in the area before it probes a window-bound answer."""
HIDDEN_THRESHOLDS = {"fast": 6.0, "advanced": 3.0, "ultra": 1.0}
"""Density strategy: places a quadrant must be expected to hide to be probed."""
STRATEGIES = ("density", "quadrants")
WINDOW_PX = (1024, 768)
"""The browser window: what Google Maps shows, and ranks first, at a zoom."""
WIDENED_SHARE = 0.5
"""An answer with at least this share of its places outside the window has widened beyond it."""
REACH_QUANTILE = 0.6
"""The reach is this quantile of a widened answer's distances: the farthest results are the most
prominent ones of a ring Google only began to list."""
MEASURABLE_SHARE = 0.1
"""Below this covered share, a quadrant's own density is not measured: the answer's is used."""
SAMPLES = 8
"""Sample points per side when measuring how much of a quadrant the reach covers."""
KM_PER_DEGREE = 111.32
EQUATOR_KM = 40_075.0


Spot = tuple[str, float, float]
"""A listed place: a stable id (see :func:`short_id`), its latitude and longitude."""


@dataclass(frozen=True)
class Search:
    tile: Tile
    """Where the browser looks: the tile's centre, at the tile's zoom."""
    area: Tile
    """The part of the map this search answers for (the tile itself, or a bigger one it probes)."""
    seen: frozenset[str] = frozenset()
    """The places its ancestors listed: the places it brings beyond them are its *new* ones."""

    @classmethod
    def of(cls, tile: Tile, seen: frozenset[str] = frozenset()) -> Search:
        return cls(tile, tile, seen)

    @classmethod
    def probe(cls, area: Tile, seen: frozenset[str] = frozenset()) -> Search:
        """A search at the deepest zoom, at the centre of ``area``."""
        lat, lon = area.centre
        deepest = mercantile.tile(lon, lat, MAX_ZOOM)
        return cls(Tile(deepest.z, deepest.x, deepest.y), area, seen)

    @property
    def key(self) -> str:
        """What tells two searches apart (the job's unit key, after the query)."""
        return self.tile.key if self.area == self.tile else f"{self.tile.key}>{self.area.key}"


def short_id(text: str) -> str:
    """A compact id for a place (its Google Maps link): searches carry their ancestors' ones."""
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def summarize(search: Search, spots: Sequence[Spot]) -> dict[str, Any]:
    """The facts about a search's answer that the decision needs (kept with the unit)."""
    returned = [(lat, lon) for _, lat, lon in spots]
    listed = sorted({place for place, _, _ in spots})
    lat0, lon0 = search.tile.centre
    distances = sorted(_km(lat0, lon0, lat, lon) for lat, lon in returned)
    reach = distances[int(len(distances) * REACH_QUANTILE)] if distances else 0.0
    outside = sum(_outside_window(search.tile, lat, lon) for lat, lon in returned)
    quadrants = []
    for quadrant in search.area.children():
        inside = [(lat, lon) for lat, lon in returned if quadrant.contains(lat, lon)]
        quadrants.append(
            {
                "tile": quadrant.key,
                "inside": len(inside),
                "within_reach": sum(_km(lat0, lon0, lat, lon) <= reach for lat, lon in inside),
                "covered": round(_covered(quadrant, lat0, lon0, reach), 4),
            }
        )
    return {
        "returned": len(returned),
        "new": sum(place not in search.seen for place in listed),
        "listed": listed,
        "outside_window": round(outside / max(len(returned), 1), 4),
        "reach_km": round(reach, 4),
        "within_reach": sum(distance <= reach for distance in distances),
        "quadrants": quadrants,
    }


def next_searches(search: Search, facts: dict[str, Any], mode: str, strategy: str) -> list[Search]:
    """The searches that follow ``search``, given the facts of its answer (and its ancestors')."""
    if int(facts.get("returned", 0)) < SATURATION:
        return []
    seen = search.seen | frozenset(facts.get("listed", ()))
    if strategy == "quadrants":
        if search.tile.z >= MAX_ZOOM or int(facts.get("new", 0)) < THRESHOLDS.get(mode, THRESHOLDS["fast"]):
            return []
        return [Search.of(child, seen) for child in search.tile.children()]
    return [Search(follow.tile, follow.area, seen) for follow in _density(search, facts, mode)]


@dataclass(frozen=True)
class Replay:
    """What a scrape found and searched, whatever order its searches finished in."""

    listed: frozenset[str]
    searched: frozenset[str]
    """The keys of every search made."""


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
    while pending:
        search = pending.pop(order.randrange(len(pending)) if order else 0)
        spots = answer(search)
        listed.update(place for place, _, _ in spots)
        for follow in next_searches(search, summarize(search, spots), mode, strategy):
            if follow.key not in planned and keep(follow):
                planned.add(follow.key)
                pending.append(follow)
    return Replay(frozenset(listed), frozenset(planned))


def _density(search: Search, facts: dict[str, Any], mode: str) -> list[Search]:
    area = search.area
    quadrants = facts.get("quadrants", [])
    if float(facts.get("outside_window", 0.0)) < WIDENED_SHARE:  # window-bound: truncated by prominence
        if sum(int(quadrant["inside"]) for quadrant in quadrants) < THRESHOLDS.get(mode, THRESHOLDS["fast"]):
            return []
        if search.tile.z < MAX_ZOOM:
            return [Search.probe(area)]
        return [Search.probe(child) for child in area.children()] if area.z < MAX_ZOOM else []
    if area.z >= MAX_ZOOM:
        return []
    reach = float(facts.get("reach_km", 0.0))
    overall = int(facts.get("within_reach", 0)) / max(math.pi * reach**2, 1e-6)
    threshold = HIDDEN_THRESHOLDS.get(mode, HIDDEN_THRESHOLDS["fast"])
    return [
        Search.probe(child)
        for child, quadrant in zip(area.children(), quadrants, strict=False)
        if _hidden(quadrant, _area_km2(child), overall) >= threshold
    ]


def _hidden(quadrant: dict[str, Any], area_km2: float, overall_density: float) -> float:
    """Places a quadrant is expected to hide beyond the reach: the density the answer shows in its
    covered part (the whole answer's, when the reach barely touches it) over its uncovered part."""
    covered = float(quadrant["covered"])
    if covered >= 1:
        return 0.0
    if covered < MEASURABLE_SHARE:
        return overall_density * area_km2
    return int(quadrant["within_reach"]) * (1 - covered) / covered


def _outside_window(tile: Tile, lat: float, lon: float) -> bool:
    lat0, lon0 = tile.centre
    km_per_px = EQUATOR_KM * math.cos(math.radians(lat0)) / (256 * 2**tile.z)
    dx = abs(lon - lon0) * KM_PER_DEGREE * math.cos(math.radians(lat0))
    dy = abs(lat - lat0) * KM_PER_DEGREE
    return bool(dx > WINDOW_PX[0] / 2 * km_per_px or dy > WINDOW_PX[1] / 2 * km_per_px)


def _covered(tile: Tile, lat0: float, lon0: float, reach: float) -> float:
    west, south, east, north = tile.bounds
    inside = 0
    for i in range(SAMPLES):
        for j in range(SAMPLES):
            lat = south + (north - south) * (i + 0.5) / SAMPLES
            lon = west + (east - west) * (j + 0.5) / SAMPLES
            inside += _km(lat0, lon0, lat, lon) <= reach
    return inside / SAMPLES**2


def _area_km2(tile: Tile) -> float:
    _, south, _, north = tile.bounds
    return (north - south) * KM_PER_DEGREE * tile.width_km


def _km(lat0: float, lon0: float, lat: float, lon: float) -> float:
    return math.hypot((lat - lat0) * KM_PER_DEGREE, (lon - lon0) * KM_PER_DEGREE * math.cos(math.radians(lat0)))
