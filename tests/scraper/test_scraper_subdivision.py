"""When a saturated tile is searched again, zoomed in (pure decisions, no browser)."""

from __future__ import annotations

import pytest

from outsend_scraper.geo.grid import MAX_ZOOM, Tile
from outsend_scraper.subdivision import SATURATION, THRESHOLDS, children_to_search, summarize

TILE = Tile(13, 4201, 2922)


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


@pytest.mark.parametrize("mode", list(THRESHOLDS))
@pytest.mark.parametrize("strategy", ["quadrants", "density"])
def test_a_saturated_tile_is_split_only_when_it_brought_the_modes_threshold_of_new_places(
    mode: str, strategy: str
) -> None:
    facts = summarize(TILE, spread(TILE, SATURATION + 10))
    threshold = THRESHOLDS[mode]
    assert children_to_search(TILE, facts, threshold - 1, mode, strategy) == []
    assert len(children_to_search(TILE, facts, threshold, mode, strategy)) == 4


def test_the_documented_thresholds() -> None:
    assert THRESHOLDS == {"fast": 15, "advanced": 7, "ultra": 1}


def test_a_tile_below_the_cap_is_never_split() -> None:
    facts = summarize(TILE, spread(TILE, SATURATION - 1))
    assert children_to_search(TILE, facts, 500, "ultra", "quadrants") == []


def test_subdivision_stops_at_zoom_17() -> None:
    deepest = Tile(MAX_ZOOM, 4201 * 16, 2922 * 16)
    facts = summarize(deepest, spread(deepest, 200))
    assert children_to_search(deepest, facts, 200, "ultra", "quadrants") == []


def test_density_subdivision_goes_only_where_the_places_are() -> None:
    crowded = spread(TILE, 120, corner=0)
    facts = summarize(TILE, crowded)
    blind = children_to_search(TILE, facts, 120, "ultra", "quadrants")
    chosen = children_to_search(TILE, facts, 120, "ultra", "density")
    assert len(blind) == 4
    assert chosen == [TILE.children()[0]]


def test_an_answer_that_reached_beyond_the_tile_is_not_split_by_density() -> None:
    lat, lon = TILE.centre
    west, south, east, north = TILE.bounds
    far = [
        (lat + (north - south) * 1.5 * (i % 7 - 3) / 3, lon + (east - west) * 1.5 * (i // 7 - 8) / 8)
        for i in range(120)
    ]
    facts = summarize(TILE, far)
    assert children_to_search(TILE, facts, 120, "ultra", "density") == []
