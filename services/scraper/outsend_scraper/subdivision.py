"""Adaptive subdivision: which saturated tiles to search again, zoomed in.

Google Maps lists at most ~120 results for a search. A tile whose search hit that cap
(*saturated*) may hide more places, so it is split into its four children (one zoom level
deeper, down to zoom 17) — but only if it brought at least the mode's threshold of *new*
unique places (15 Fast, 7 Advanced, 1 Ultra): in sparse areas Google widens its radius and a
deeper search only returns the same places again.

Two strategies decide which children:

- ``quadrants`` — the documented blind split: all four children.
- ``density`` (default) — uses where the returned places lie. A saturated answer is roughly the
  places nearest the tile's centre: a disc whose radius (the *reach*) is a quantile of the
  results' distances (prominent places are listed from further away). Inside it the search
  already saw nearly everything; outside it, nothing. For each child the density measured in its covered part, times the
  area of its uncovered part, estimates the places the parent missed there; a child is searched
  only if that estimate reaches the mode's child threshold. Quadrants that lie inside the reach
  or hold no places are skipped, so depth goes only where the density is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from outsend_scraper.geo.grid import MAX_ZOOM, Tile

SATURATION = 110
"""A search listing at least this many results hit Google's ~120 cap."""
THRESHOLDS = {"fast": 15, "advanced": 7, "ultra": 1}
"""New unique places a saturated tile must bring to be subdivided (scrape-modes page)."""
CHILD_THRESHOLDS = {"fast": 6.0, "advanced": 3.0, "ultra": 1.0}
"""Density strategy: places a child must be expected to hide to be searched."""
STRATEGIES = ("density", "quadrants")
REACH_QUANTILE = 0.6
"""The reach is this quantile of the results' distances, not the farthest one: a prominent place
listed from afar does not mean everything nearer was listed too."""
SAMPLES = 8
"""Sample points per side when measuring how much of a child the reach covers."""
KM_PER_DEGREE = 111.32


def summarize(tile: Tile, returned: Sequence[tuple[float, float]]) -> dict[str, Any]:
    """The facts about a tile's answer that the decision needs (kept with the unit)."""
    lat0, lon0 = tile.centre
    distances = sorted(_km(lat0, lon0, lat, lon) for lat, lon in returned)
    reach = distances[int(len(distances) * REACH_QUANTILE)] if distances else 0.0
    quadrants = []
    for child in tile.children():
        inside = sum(child.contains(lat, lon) for lat, lon in returned)
        quadrants.append({"tile": child.key, "inside": inside, "covered": round(_covered(child, lat0, lon0, reach), 4)})
    return {"returned": len(returned), "reach_km": round(reach, 4), "quadrants": quadrants}


def children_to_search(tile: Tile, facts: dict[str, Any], new_rows: int, mode: str, strategy: str) -> list[Tile]:
    """The children of ``tile`` worth searching, given its answer and how many rows were new."""
    saturated = int(facts.get("returned", 0)) >= SATURATION
    if not saturated or tile.z >= MAX_ZOOM or new_rows < THRESHOLDS.get(mode, THRESHOLDS["fast"]):
        return []
    children = tile.children()
    if strategy == "quadrants":
        return children
    area = _area_km2(children[0])
    returned = int(facts["returned"])
    reach = float(facts.get("reach_km", 0.0))
    overall = returned / max(math.pi * reach**2, 1e-6)
    chosen = []
    for child, quadrant in zip(children, facts.get("quadrants", []), strict=False):
        covered = float(quadrant["covered"])
        density = quadrant["inside"] / (covered * area) if covered > 0.05 else overall
        if density * (1 - covered) * area >= CHILD_THRESHOLDS.get(mode, CHILD_THRESHOLDS["fast"]):
            chosen.append(child)
    return chosen


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
