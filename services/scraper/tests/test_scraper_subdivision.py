"""Which searches follow a saturated one (pure decisions, no browser)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

import mercantile
import pytest

from outsend_scraper.geo.grid import MAX_ZOOM, Tile
from outsend_scraper.subdivision import (
    REACH_MARGIN_PX,
    SATURATION,
    STRATEGIES,
    THRESHOLDS,
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
        search = Search(TILE, TILE.z, seen=frozenset(known[new:]))  # its ancestors listed all the others
        follow = next_searches(search, summarize(search, answer), mode, "quadrants")
        assert [child.area for child in follow] == expected and all(child.zoom == TILE.z + 1 for child in follow)
        for child in follow:  # each child knows what its lineage listed in its area
            assert child.seen >= {place for place, lat, lon in answer if child.area.contains(lat, lon)}


def test_the_documented_thresholds() -> None:
    assert THRESHOLDS == {"fast": 15, "advanced": 7, "ultra": 1}


@pytest.mark.parametrize("strategy", ["quadrants", "density"])
def test_a_search_below_the_cap_is_never_followed(strategy: str) -> None:
    for search in (Search.of(TILE), Search(TILE, TILE.z + 1)):
        facts = summarize(search, spots(spread(TILE, SATURATION - 1)))
        assert next_searches(search, facts, "ultra", strategy) == []
        assert verdict(search, facts, "ultra", strategy) == "covered"


def test_the_blind_split_stops_at_zoom_17() -> None:
    deepest = Search.of(Tile(MAX_ZOOM, 4201 * 16, 2922 * 16))
    facts = summarize(deepest, spots(spread(deepest.area, 200)))
    assert next_searches(deepest, facts, "ultra", "quadrants") == []


# --- what an answer proves ---------------------------------------------------------------------------
def holds_area(search: Search) -> bool:
    x, y, half_width, half_height = search.window()
    left, bottom, right, top = mercantile.xy_bounds(search.area.x, search.area.y, search.area.z)
    return x - half_width <= left and right <= x + half_width and y - half_height <= bottom and top <= y + half_height


def test_the_window_holds_the_area_at_its_own_zoom_and_one_deeper_not_two() -> None:
    assert holds_area(Search.of(TILE)) and holds_area(Search(TILE, TILE.z + 1))
    assert not holds_area(Search(TILE, TILE.z + 2))


def test_a_saturated_answer_that_stays_in_its_window_is_followed_by_each_quadrant_one_zoom_deeper() -> None:
    follow = after(Search.of(TILE), spread(TILE, 120))
    assert [(search.area, search.zoom) for search in follow] == [(child, TILE.z + 2) for child in TILE.children()]
    deepest = Search.of(Tile(MAX_ZOOM, 4201 * 16, 2922 * 16))
    facts = summarize(deepest, spots(spread(deepest.area, 120)))
    assert (
        verdict(deepest, facts, "ultra", "density") == "zoom_bound" and after(deepest, spread(deepest.area, 120)) == []
    )


def test_a_saturated_answer_listing_places_far_beyond_its_window_has_exhausted_it() -> None:
    widened = disc(TILE, 5 * TILE.width_km, 120)  # 120 places over 5 tile widths around it (2560 px)
    search = Search(TILE, TILE.z + 1)
    facts = summarize(search, spots(widened))
    assert facts["farthest_px"] >= REACH_MARGIN_PX + 362  # its reach holds the tile (512 px, half-diagonal 362)
    assert verdict(search, facts, "ultra", "density") == "widened" and after(search, widened) == []
    assert verdict(search, facts, "ultra", "quadrants") == "split"  # the blind split reads no more


def test_a_zoom_17_probe_below_the_cap_covers_its_window_not_the_tile_around_it() -> None:
    """The failure of the earlier strategy: one zoom-17 probe below the cap ended a zoom-13 tile."""
    probe = Search(TILE, MAX_ZOOM)
    around = spread(probe.area.children()[0].children()[3].children()[0], 40)  # 40 places in a corner of the window
    facts = summarize(probe, spots(around))
    assert verdict(probe, facts, "fast", "density") == "split"
    assert [search.area for search in after(probe, around, "fast")] == TILE.children()  # its window holds none


def test_an_answer_below_the_cap_that_reached_far_beyond_its_window_covers_its_reach() -> None:
    probe = Search(TILE, MAX_ZOOM)
    facts = summarize(probe, spots(disc(TILE, 2 * TILE.width_km, 60)))  # Google widened over two tiles around
    assert verdict(probe, facts, "ultra", "density") == "covered"


def test_each_search_sees_its_area_deeper_until_zoom_17() -> None:
    searches = [Search.of(TILE)]
    while searches[-1].zoom < MAX_ZOOM:
        search = searches[-1]
        answer = [(f"{search.key}:{n}", lat, lon) for n, (lat, lon) in enumerate(spread(search.area, 120))]
        searches.append(next_searches(search, summarize(search, answer), "ultra", "density")[0])
    assert [search.zoom for search in searches] == [13, 15, 16, 17]
    assert all(holds_area(search) for search in searches)


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
