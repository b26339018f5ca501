"""Which searches follow a saturated one (pure decisions, no browser)."""

from __future__ import annotations

import math

import pytest

from outsend_scraper.geo.grid import MAX_ZOOM, Tile
from outsend_scraper.subdivision import SATURATION, THRESHOLDS, Search, next_searches, summarize

TILE = Tile(13, 4201, 2922)
KM_PER_DEGREE = 111.32


def spread(tile: Tile, count: int, *, corner: int | None = None) -> list[tuple[float, float]]:
    """``count`` places on a regular lattice over the tile (or over one of its quadrants)."""
    target = tile.children()[corner] if corner is not None else tile
    west, south, east, north = target.bounds
    side = int(count**0.5) + 1
    points = [
        (south + (north - south) * (i + 0.5) / side, west + (east - west) * (j + 0.5) / side)
        for i in range(side)
        for j in range(side)
    ]
    return points[:count]


def disc(tile: Tile, radius_km: float, count: int, *, west_only: bool = False) -> list[tuple[float, float]]:
    """``count`` places evenly over a disc around the tile's centre (or its western half)."""
    lat0, lon0 = tile.centre
    points = []
    for n in range(count):
        radius = radius_km * math.sqrt((n + 0.5) / count)
        angle = n * math.pi * (3 - math.sqrt(5))  # a sunflower: even density
        dx, dy = radius * math.cos(angle), radius * math.sin(angle)
        if west_only:
            dx = -abs(dx)
        points.append((lat0 + dy / KM_PER_DEGREE, lon0 + dx / (KM_PER_DEGREE * math.cos(math.radians(lat0)))))
    return points


def after(search: Search, places: list[tuple[float, float]], mode: str = "ultra", new: int = 120) -> list[Search]:
    return next_searches(search, summarize(search, places), new, mode, "density")


# --- the documented blind split --------------------------------------------------------------------
@pytest.mark.parametrize("mode", list(THRESHOLDS))
def test_a_saturated_tile_is_split_in_four_only_when_it_brought_the_modes_threshold_of_new_places(mode: str) -> None:
    search = Search.of(TILE)
    facts = summarize(search, spread(TILE, SATURATION + 10))
    threshold = THRESHOLDS[mode]
    assert next_searches(search, facts, threshold - 1, mode, "quadrants") == []
    assert next_searches(search, facts, threshold, mode, "quadrants") == [Search.of(c) for c in TILE.children()]


def test_the_documented_thresholds() -> None:
    assert THRESHOLDS == {"fast": 15, "advanced": 7, "ultra": 1}


@pytest.mark.parametrize("strategy", ["quadrants", "density"])
def test_a_search_below_the_cap_is_never_followed(strategy: str) -> None:
    for search in (Search.of(TILE), Search.probe(TILE)):
        facts = summarize(search, spread(TILE, SATURATION - 1))
        assert next_searches(search, facts, 500, "ultra", strategy) == []


def test_the_blind_split_stops_at_zoom_17() -> None:
    deepest = Search.of(Tile(MAX_ZOOM, 4201 * 16, 2922 * 16))
    facts = summarize(deepest, spread(deepest.tile, 200))
    assert next_searches(deepest, facts, 200, "ultra", "quadrants") == []


# --- density-aware subdivision ----------------------------------------------------------------------
def test_a_window_bound_answer_is_followed_by_one_probe_at_zoom_17_at_the_centre_of_the_tile() -> None:
    (probe,) = after(Search.of(TILE), spread(TILE, 120))
    assert probe.area == TILE and probe.tile.z == MAX_ZOOM
    west, south, east, north = probe.tile.bounds
    lat, lon = TILE.centre
    assert west - 1e-9 <= lon <= east + 1e-9 and south - 1e-9 <= lat <= north + 1e-9


def test_a_window_bound_answer_with_too_few_places_in_the_tile_is_left_in_fast() -> None:
    neighbour = Tile(TILE.z, TILE.x + 1, TILE.y)
    places = spread(neighbour, 110) + spread(TILE, THRESHOLDS["fast"] - 5)  # all within the window
    assert after(Search.of(TILE), places, "fast") == []
    assert after(Search.of(TILE), places, "ultra") == [Search.probe(TILE)]


def test_a_widened_answer_whose_reach_covers_the_tile_ends_there() -> None:
    assert after(Search.probe(TILE), disc(TILE, 3 * TILE.width_km, 120)) == []


def test_a_widened_answer_is_followed_where_places_lie_beyond_its_reach() -> None:
    places = disc(TILE, 0.5 * TILE.width_km, 120, west_only=True)
    follow = after(Search.probe(TILE), places)
    west = [quadrant for quadrant in TILE.children() if quadrant.centre[1] < TILE.centre[1]]
    assert sorted(search.area.key for search in follow) == sorted(quadrant.key for quadrant in west)
    assert all(search == Search.probe(search.area) for search in follow)


def test_a_probe_that_fills_its_own_window_splits_the_tile_it_probes() -> None:
    probe = Search.probe(TILE)
    follow = after(probe, spread(probe.tile, 120))
    assert follow == [Search.probe(quadrant) for quadrant in TILE.children()]


def test_a_probe_of_a_tile_at_zoom_17_goes_no_deeper() -> None:
    deepest = Search.probe(Tile(MAX_ZOOM, 4201 * 16, 2922 * 16))
    assert after(deepest, spread(deepest.tile, 120)) == []
    assert after(deepest, disc(deepest.tile, 0.05, 120)) == []
