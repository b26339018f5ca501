"""Which searches follow a saturated one (pure decisions, no browser)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

import mercantile
import pytest

from outsend_scraper.geo.grid import MAX_ZOOM, Tile
from outsend_scraper.subdivision import (
    SATURATION,
    STRATEGIES,
    THRESHOLDS,
    WIDENED_PX,
    WINDOW_PX,
    Search,
    Spot,
    next_searches,
    replay,
    summarize,
    verdict,
)

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


def spots(places: list[tuple[float, float]]) -> list[Spot]:
    return [(f"p{n}", lat, lon) for n, (lat, lon) in enumerate(places)]


def after(search: Search, places: list[tuple[float, float]], mode: str = "ultra") -> list[Search]:
    return next_searches(search, summarize(search, spots(places)), mode, "density")


# --- the documented blind split --------------------------------------------------------------------
@pytest.mark.parametrize("mode", list(THRESHOLDS))
def test_a_saturated_tile_is_split_in_four_only_when_it_brought_the_modes_threshold_of_new_places(mode: str) -> None:
    answer = spots(spread(TILE, SATURATION + 10))
    threshold = THRESHOLDS[mode]
    known = [place for place, _, _ in answer]
    for new, expected in ((threshold - 1, []), (threshold, TILE.children())):
        search = Search.of(TILE, seen=frozenset(known[new:]))  # its ancestors listed all the others
        follow = next_searches(search, summarize(search, answer), mode, "quadrants")
        assert [child.area for child in follow] == expected and all(child.zoom == TILE.z + 1 for child in follow)
        assert all(child.seen == frozenset(known) for child in follow)  # the children know them all


def test_the_documented_thresholds() -> None:
    assert THRESHOLDS == {"fast": 15, "advanced": 7, "ultra": 1}


@pytest.mark.parametrize("strategy", ["quadrants", "density"])
def test_a_search_below_the_cap_is_never_followed(strategy: str) -> None:
    for search in (Search.of(TILE), Search(TILE, MAX_ZOOM)):
        facts = summarize(search, spots(spread(TILE, SATURATION - 1)))
        assert next_searches(search, facts, "ultra", strategy) == []
        assert verdict(search, facts, "ultra", strategy) == "covered"


def test_the_blind_split_stops_at_zoom_17() -> None:
    deepest = Search.of(Tile(MAX_ZOOM, 4201 * 16, 2922 * 16))
    facts = summarize(deepest, spots(spread(deepest.area, 200)))
    assert next_searches(deepest, facts, "ultra", "quadrants") == []


# --- what an answer proves ---------------------------------------------------------------------------
def test_the_window_holds_the_area_at_its_own_zoom_and_one_deeper() -> None:
    for search in (Search.of(TILE), Search(TILE, TILE.z + 1)):
        west, south, east, north = search.window()
        tile_west, tile_south, tile_east, tile_north = TILE.bounds
        assert west < tile_west and east > tile_east and south < tile_south and north > tile_north
    west, south, east, north = Search(TILE, TILE.z + 2).window()
    assert south > TILE.bounds[1] and north < TILE.bounds[3]  # two deeper, the area is taller than the window


def test_a_saturated_answer_that_stays_in_its_window_is_followed_by_each_quadrant_one_zoom_deeper() -> None:
    follow = after(Search.of(TILE), spread(TILE, 120))
    assert [(search.area, search.zoom) for search in follow] == [(child, TILE.z + 2) for child in TILE.children()]
    deepest = Search(Tile(16, 4201 * 8, 2922 * 8), MAX_ZOOM)
    assert after(deepest, spread(deepest.area, 120)) == []  # zoom 17: the bound


def test_a_saturated_answer_listing_places_far_beyond_its_window_has_exhausted_it() -> None:
    widened = disc(TILE, 5 * TILE.width_km, 120)  # 120 places over 5 tile widths around it (2560 px)
    search = Search(TILE, TILE.z + 1)
    facts = summarize(search, spots(widened))
    assert facts["farthest_px"] >= WIDENED_PX
    assert verdict(search, facts, "ultra", "density") == "widened" and after(search, widened) == []
    assert verdict(search, facts, "ultra", "quadrants") == "split"  # the blind split reads no more


def test_a_zoom_17_answer_below_the_cap_covers_its_window_only_and_so_is_never_searched_from_a_bigger_area() -> None:
    """The failure of the earlier strategy: one zoom-17 probe below the cap ended a zoom-13 tile.
    Now every search's window holds its area, so an answer below the cap covers the whole area."""
    searches = [Search.of(TILE)]
    while searches[-1].zoom < MAX_ZOOM:
        search = searches[-1]
        answer = [(f"{search.key}:{n}", lat, lon) for n, (lat, lon) in enumerate(spread(search.area, 120))]
        searches.append(next_searches(search, summarize(search, answer), "ultra", "density")[0])
    assert [search.zoom for search in searches] == [13, 15, 16, 17]
    for search in searches:
        west, south, east, north = search.window()
        area_west, area_south, area_east, area_north = search.area.bounds
        assert west <= area_west and east >= area_east and south <= area_south and north >= area_north


# --- determinism under concurrency ------------------------------------------------------------------
ROOTS = [Tile(13, 4201 + dx, 2922 + dy) for dx in range(2) for dy in range(2)]


def clustered_places(seed: int = 3) -> list[tuple[str, float, float, float]]:
    """``(id, lat, lon, prominence)``: a sparse background and tight pockets of 40–80 places over
    the root tiles and around them, the world where the blind split's old rule varied most."""
    rng = random.Random(seed)
    west, south = ROOTS[0].bounds[0] - 0.03, ROOTS[-1].bounds[1] - 0.03
    east, north = ROOTS[-1].bounds[2] + 0.03, ROOTS[0].bounds[3] + 0.03
    places = [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(600)]
    for _ in range(10):
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        places += [(rng.gauss(lat, 0.001), rng.gauss(lon, 0.0015)) for _ in range(rng.randint(40, 80))]
    return [(f"p{n}", lat, lon, rng.random()) for n, (lat, lon) in enumerate(places)]


def strict_window(places: Sequence[tuple[str, float, float, float]]) -> Callable[[Search], list[Spot]]:
    """Google as the independent world showed it: the window's 120 most prominent places, no widening."""

    def answer(search: Search) -> list[Spot]:
        lat, lon = search.centre
        x, y = mercantile.xy(lon, lat)
        metres = 2 * math.pi * 6_378_137 / (256 * 2**search.zoom)
        west, south = mercantile.lnglat(x - WINDOW_PX[0] / 2 * metres, y - WINDOW_PX[1] / 2 * metres)
        east, north = mercantile.lnglat(x + WINDOW_PX[0] / 2 * metres, y + WINDOW_PX[1] / 2 * metres)
        inside = [place for place in places if south <= place[1] <= north and west <= place[2] <= east]
        return [(place, lat, lon) for place, lat, lon, _ in sorted(inside, key=lambda p: -p[3])[:120]]

    return answer


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("mode", list(THRESHOLDS))
def test_the_same_answers_give_the_same_scrape_whatever_order_the_searches_finish_in(mode: str, strategy: str) -> None:
    answer = strict_window(clustered_places())
    roots = [Search.of(tile) for tile in ROOTS]
    first = replay(roots, answer, mode, strategy)
    assert len(first.searched) > len(roots)  # the pockets saturate: there is something to subdivide
    for seed in range(6):
        shuffled = replay(roots, answer, mode, strategy, order=random.Random(seed))
        assert shuffled == first
