"""``make bench-scrape``: scrape modes and subdivision strategies on four models of Google Maps.

For every world model of the simulator (``tests/world/maps/search.py``: widening, strict-window
prominence, strict-window distance, clustered hot spots) × 3 zones (dense / medium / rural) ×
3 categories (clustered plumbers, spread pharmacies, rare cobblers) × 2 strategies × 3 modes, it
replays the scraper's own decisions (:func:`outsend_scraper.subdivision.replay`, zone
membership) over the model's answers, in the planned order and in :data:`SHUFFLES` shuffled
completion orders, and measures recall of the ground truth, searches, searches against a lower
bound and against blind Fast, and the spread between orders.

The lower bound (:func:`lower_bound`) is the fewest windows, each holding fewer places than the
saturation mark (so that it lists all of them), at zoom 13 to 17, that cover every ground-truth
place some such window can hold: the physical limit of this problem for an oracle that knew where
every place is. It is computed greedily (set cover), which can exceed the true minimum by a
logarithmic factor: the ratios against it are an upper estimate of how far a mode is from the
limit. Places that no such window holds (over 110 within a zoom-17 window) are out of reach of any
strategy within the zoom bound: their share is reported as *reachable*.

With ``--browser``, the browser itself is timed on a sample of searches through the real
Chromium, to project what each run costs through the browser. Results: ``bench/results/scrape_modes.json`` and
``docs/benchmarks/scrape-modes.md``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import heapq
import json
import math
import os
import platform
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from outsend_scraper.estimate import MODE_FACTORS
from outsend_scraper.geo.grid import BASE_ZOOM, MAX_ZOOM, Tile, ZoneMembership, build_grid
from outsend_scraper.geo.zones import ZoneResolver
from outsend_scraper.maps.browser import MapsBrowser
from outsend_scraper.settings import ScraperSettings
from outsend_scraper.subdivision import SATURATION, VERDICTS, WINDOW_PX, Search, Spot, replay
from outsend_web.proxies import ProxyPool
from tests.world.maps.places import Place, category_for
from tests.world.maps.search import MODELS, WINDOW_MARGIN
from tests.world.maps.server import MapsServer, MapsSimulator

ZONES = (("Lyon 6km", "dense"), ("Tours 10km", "medium"), ("Aurillac 12km", "rural"))
QUERIES = (("plombier", "clustered"), ("pharmacie", "spread"), ("cordonnier", "rare"))
MODES = ("fast", "advanced", "ultra")
STRATEGIES = ("quadrants", "density")
SEED = 7
SHUFFLES = 2
"""Shuffled completion orders replayed per run, besides the planned order."""
BROWSER_SAMPLE = 24
WORKERS = 2
"""World models run in parallel (the matrix must stay under 10 minutes on 2 cores)."""
GOALS = {"ultra": (0.98, 2.0), "advanced": (0.95, None)}
"""Per mode of the density strategy: recall of the ground truth, and searches at most this many
times the lower bound's; Fast must match blind Fast's recall for no more searches."""
CAMPAIGN: dict[tuple[str, str], float] = {
    ("dense", "clustered"): 0.068,
    ("medium", "clustered"): 0.21,
    ("rural", "clustered"): 0.01,
    ("dense", "spread"): 617 / 411 - 1,
    ("medium", "spread"): 364 / 253 - 1,
    ("dense", "rare"): 200 / 173 - 1,
    ("medium", "rare"): 0.03,
    ("rural", "rare"): 0.12,
}
"""Ultra's gain over Fast measured on Google Maps (scrape-modes page; rural pharmacies: noise)."""
HALF_WINDOW_TILES = (WINDOW_PX[0] / 512, WINDOW_PX[1] / 512)
"""The window's half-size in map tiles of its zoom (256 px each)."""
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "scrape_modes.json"
DOC = ROOT / "docs" / "benchmarks" / "scrape-modes.md"


@dataclasses.dataclass
class Cell:
    """One zone × query of one world: its ground truth, the answers asked so far, the lower bound."""

    simulator: MapsSimulator
    zone: str
    query: str
    area: shapely.Geometry
    membership: ZoneMembership
    roots: list[Search]
    truth: set[str]
    answers: dict[str, list[Spot]] = dataclasses.field(default_factory=dict)

    def answer(self, search: Search) -> list[Spot]:
        if search.key not in self.answers:
            lat, lon = search.centre
            places = self.simulator.answer(self.query, lat, lon, search.zoom)
            self.answers[search.key] = [(place.data_id, place.lat, place.lon) for place in places]
        return self.answers[search.key]


def open_cell(simulator: MapsSimulator, resolver: ZoneResolver, zone: str, query: str) -> Cell:
    zones = [resolver.resolve(zone)]
    area = shapely.union_all(list(zones[0].areas))
    truth = {place.data_id for place in simulator.world.places_in(category_for(query), area)}
    roots = [Search.of(tile) for tile in build_grid(zones).tiles]
    return Cell(simulator, zone, query, area, ZoneMembership(zones), roots, truth)


def run(cell: Cell, mode: str, strategy: str) -> dict[str, Any]:
    """The scrape in the planned order and in shuffled ones: recall, searches, their spread."""
    keep: Callable[[Search], bool] = lambda search: cell.membership.covers(search.area)  # noqa: E731
    orders = [None, *(random.Random(seed) for seed in range(SHUFFLES))]
    started = time.perf_counter()
    replays = [replay(cell.roots, cell.answer, mode, strategy, order=order, keep=keep) for order in orders]
    seconds = (time.perf_counter() - started) / len(orders)
    recalls = [len(result.listed & cell.truth) / max(len(cell.truth), 1) for result in replays]
    searches = [len(result.searched) for result in replays]
    return {
        "found": len(replays[0].listed & cell.truth),
        "recall": round(recalls[0], 4),
        "searches": searches[0],
        "identical_across_orders": all(result == replays[0] for result in replays),
        "searches_spread": max(searches) - min(searches),
        "recall_spread": round(max(recalls) - min(recalls), 4),
        "verdicts": dict(replays[0].verdicts),
        "algorithm_seconds": round(seconds, 3),
    }


# --- the lower bound -----------------------------------------------------------------------------
def lower_bound(cell: Cell) -> dict[str, Any]:
    """Greedy set cover of the reachable ground truth by unsaturated windows (module docstring)."""
    west, south, east, north = cell.area.bounds
    margin = 0.15  # degrees: wider than half a zoom-13 window, so every window's count is complete
    region = shapely.box(west - margin, south - margin, east + margin, north + margin)
    places = cell.simulator.world.places_in(category_for(cell.query), region)
    truth = [place for place in places if place.data_id in cell.truth]
    windows: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for zoom in range(BASE_ZOOM, MAX_ZOOM + 1):
        everyone = _tile_coordinates(places, zoom)
        mine = _tile_coordinates(truth, zoom)
        candidates: dict[tuple[int, int], set[int]] = defaultdict(set)
        for index, (fx, fy) in enumerate(mine):
            for i in range(math.ceil(2 * (fx - HALF_WINDOW_TILES[0])), math.floor(2 * (fx + HALF_WINDOW_TILES[0])) + 1):
                for j in range(
                    math.ceil(2 * (fy - HALF_WINDOW_TILES[1])), math.floor(2 * (fy + HALF_WINDOW_TILES[1])) + 1
                ):
                    candidates[(i, j)].add(index)
        for (i, j), members in candidates.items():
            if _count(everyone, i / 2, j / 2) < SATURATION:
                windows[(zoom, i, j)] = members
    reachable = set().union(*windows.values()) if windows else set()
    chosen = _greedy_cover(windows, reachable)
    by_zoom: dict[int, int] = defaultdict(int)
    for zoom, _, _ in chosen:
        by_zoom[zoom] += 1
    return {
        "windows": len(chosen),
        "by_zoom": dict(sorted(by_zoom.items())),
        "reachable": round(len(reachable) / max(len(truth), 1), 4),
        "unreachable_places": len(truth) - len(reachable),
    }


def _tile_coordinates(places: list[Place], zoom: int) -> npt.NDArray[np.float64]:
    """Fractional Web-Mercator tile coordinates ``(x, y)`` of places at a zoom."""
    lat = np.radians(np.array([place.lat for place in places], dtype=np.float64))
    lon = np.array([place.lon for place in places], dtype=np.float64)
    x = (lon + 180.0) / 360.0 * 2**zoom
    y = (1.0 - np.log(np.tan(lat) + 1.0 / np.cos(lat)) / math.pi) / 2.0 * 2**zoom
    return np.stack([x, y], axis=1) if len(places) else np.zeros((0, 2))


def _count(coordinates: npt.NDArray[np.float64], u: float, v: float) -> int:
    """Places a strict answer at ``(u, v)`` would list: the window and its margin."""
    half_x, half_y = (half * (1 + WINDOW_MARGIN) for half in HALF_WINDOW_TILES)
    inside = (np.abs(coordinates[:, 0] - u) <= half_x) & (np.abs(coordinates[:, 1] - v) <= half_y)
    return int(inside.sum())


def _greedy_cover(windows: dict[tuple[int, int, int], set[int]], targets: set[int]) -> list[tuple[int, int, int]]:
    """The classic greedy set cover, with lazily updated gains."""
    uncovered = set(targets)
    heap = [(-len(members), key) for key, members in windows.items()]
    heapq.heapify(heap)
    chosen = []
    while uncovered and heap:
        _, key = heapq.heappop(heap)
        fresh = len(windows[key] & uncovered)
        if fresh == 0:
            continue
        if heap and fresh < -heap[0][0]:
            heapq.heappush(heap, (-fresh, key))
            continue
        chosen.append(key)
        uncovered -= windows[key]
    return chosen


# --- the browser ---------------------------------------------------------------------------------
async def browser_seconds_per_search(resolver: ZoneResolver) -> float:
    """Mean wall time of one search through the real Chromium against the simulator (3 pages at once)."""
    server = MapsServer(seed=SEED)
    server.start()
    settings = dataclasses.replace(ScraperSettings.from_env(), maps_base_url=server.base_url)
    browser = MapsBrowser(settings, ProxyPool.from_env())
    tiles = list(build_grid([resolver.resolve("Lyon 6km")]).tiles)
    sample = [tile for tile in tiles for _ in range(2)][:BROWSER_SAMPLE]
    try:
        await browser.search("plombier", *Tile(13, 0, 0).centre, 13)  # launch and consent outside the timing
        started = time.perf_counter()
        semaphore = asyncio.Semaphore(settings.pages)

        async def one(tile: Tile, query: str) -> None:
            async with semaphore:
                await browser.search(query, *tile.centre, tile.z)

        await asyncio.gather(*(one(tile, query) for tile in sample for query, _ in QUERIES))
        return (time.perf_counter() - started) / (len(sample) * len(QUERIES))
    finally:
        await browser.close()
        server.stop()


def world_runs(model: str) -> list[dict[str, Any]]:
    """Every run of one world model (one process per world: they share nothing), each cell stored
    as it completes (``bench/results/scrape_modes.<world>.json``)."""
    resolver = ZoneResolver()
    simulator = MapsSimulator(SEED, model=model)
    runs: list[dict[str, Any]] = []
    for zone, density in ZONES:
        for query, shape in QUERIES:
            cell = open_cell(simulator, resolver, zone, query)
            bound = lower_bound(cell)
            for strategy in STRATEGIES:
                for mode in MODES:
                    runs.append(
                        {
                            "world": model,
                            "zone": zone,
                            "density": density,
                            "query": query,
                            "category": shape,
                            "strategy": strategy,
                            "mode": mode,
                            "ground_truth": len(cell.truth),
                            "base_tiles": len(cell.roots),
                            "lower_bound": bound,
                            **run(cell, mode, strategy),
                        }
                    )
            _partial(model).write_text(json.dumps(runs, ensure_ascii=False) + "\n")
            print(f"{model} {zone} {query}: lower bound {bound['windows']}", flush=True)
    return runs


def main(browser: bool) -> None:
    per_search = asyncio.run(browser_seconds_per_search(ZoneResolver())) if browser else 0.0
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=WORKERS) as pool:
        runs = [run_ for runs_ in pool.map(world_runs, MODELS) for run_ in runs_]
    write(runs, per_search, round(time.perf_counter() - started, 1))


def write(runs: list[dict[str, Any]], per_search: float, seconds: float | None) -> None:
    for run_ in runs:
        run_["browser_seconds"] = round(run_["searches"] * per_search, 1) if per_search else None
    report = {
        "seed": SEED,
        "shuffles": SHUFFLES,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "workers": WORKERS},
        "matrix_seconds": seconds,
        "browser_seconds_per_search": round(per_search, 3),
        "runs": runs,
        "summary": summarize_runs(runs),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(render(report))
    print(render(report))


def _partial(model: str) -> Path:
    return RESULTS.with_name(f"scrape_modes.{model}.json")


# --- summary -------------------------------------------------------------------------------------
def summarize_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per world and strategy-mode: totals against the lower bound and blind Fast; the goals."""
    totals: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for run_ in runs:
        total = totals[run_["world"]].setdefault(
            f"{run_['strategy']}-{run_['mode']}",
            {"found": 0, "ground_truth": 0, "searches": 0, "lower_bound": 0, "base_tiles": 0, "reachable": 0.0},
        )
        total["cells"] = total.get("cells", 0) + 1
        total["found"] += run_["found"]
        total["ground_truth"] += run_["ground_truth"]
        total["searches"] += run_["searches"]
        total["lower_bound"] += run_["lower_bound"]["windows"]
        total["base_tiles"] += run_["base_tiles"]
        total["reachable"] += run_["ground_truth"] - run_["lower_bound"]["unreachable_places"]
        total.setdefault("identical", True)
        total["identical"] &= run_["identical_across_orders"]
        for name, count in run_["verdicts"].items():
            total.setdefault("verdicts", dict.fromkeys(VERDICTS, 0))[name] += count
    for world in totals.values():
        blind_fast = world["quadrants-fast"]
        for total in world.values():
            total["recall"] = round(total["found"] / max(total["ground_truth"], 1), 4)
            total["reachable_share"] = round(total["reachable"] / max(total["ground_truth"], 1), 4)
            total["vs_lower_bound"] = round(total["searches"] / max(total["lower_bound"], 1), 2)
            total["vs_blind_fast"] = round(total["searches"] / max(blind_fast["searches"], 1), 2)
            total["per_base_tile"] = round(total["searches"] / max(total["base_tiles"], 1), 2)
            total["grid_vs_lower_bound"] = round(total["base_tiles"] / max(total["lower_bound"], 1), 2)
            total["saturated_share"] = round(1 - total["verdicts"]["covered"] / max(total["searches"], 1), 4)
    goals = {world: _goals(figures) for world, figures in totals.items()}
    return {"totals": totals, "goals": goals, "campaign": _campaign(runs)}


def _goals(world: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    goals = {}
    blind_fast = world["quadrants-fast"]
    for mode in MODES:
        total = world[f"density-{mode}"]
        if mode == "fast":
            met = total["recall"] >= blind_fast["recall"] and total["searches"] <= blind_fast["searches"]
            rule = f"recall ≥ blind Fast's {blind_fast['recall']:.1%} for ≤ {blind_fast['searches']} searches"
        else:
            recall, times = GOALS[mode]
            met = total["recall"] >= recall and (times is None or total["vs_lower_bound"] <= times)
            rule = f"recall ≥ {recall:.0%}" + (f" within {times:.0f}× the lower bound" if times else "")
        goals[mode] = {"rule": rule, "met": bool(met and total["identical"]), "why": _why(total, blind_fast)}
    return goals


def _why(total: dict[str, Any], blind_fast: dict[str, Any]) -> str:
    """The figures that explain a goal out of reach: the grid's own cost, what was reachable, what
    the answers showed."""
    verdicts = total["verdicts"]
    return (
        f"the grid alone is {total['base_tiles']} searches, {total['grid_vs_lower_bound']:.2f}× the lower bound "
        f"(every zoom-13 tile is searched once); {total['reachable_share']:.1%} of the ground truth is reachable; "
        f"{total['saturated_share']:.1%} of the answers were saturated, {verdicts['widened']} proved their area by "
        f"their reach, {verdicts['below_threshold']} stopped under the mode's threshold, {verdicts['zoom_bound']} at "
        f"zoom 17; blind Fast: {blind_fast['recall']:.1%} for {blind_fast['searches']} searches"
    )


def _campaign(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The widening world's blind split against the campaign of the scrape-modes page."""
    by_key = {(r["world"], r["zone"], r["query"], r["strategy"], r["mode"]): r for r in runs}
    cells = []
    for zone, density in ZONES:
        for query, shape in QUERIES:
            if ("widening", zone, query, "quadrants", "ultra") not in by_key:
                continue
            fast, ultra = (by_key[("widening", zone, query, "quadrants", mode)] for mode in ("fast", "ultra"))
            cells.append(
                {
                    "zone": zone,
                    "query": query,
                    "ultra_vs_fast": round((ultra["found"] - fast["found"]) / max(fast["found"], 1), 4),
                    "campaign_ultra_vs_fast": CAMPAIGN.get((density, shape)),
                    "ultra_searches_vs_fast": round(ultra["searches"] / max(fast["searches"], 1), 2),
                }
            )
    return cells


# --- the page ------------------------------------------------------------------------------------
def render(report: dict[str, Any]) -> str:
    summary = report["summary"]
    lines = [
        "# Benchmark: scrape modes and subdivision strategies on four models of Google Maps",
        "",
        f"Generated by `make bench-scrape` (`bench/scrape_modes.py`), seed {report['seed']}"
        + (
            f", in {report['matrix_seconds']} s for the matrix ({report['machine']['workers']} processes, "
            f"{report['machine']['cpus']} CPUs shared)"
            if report["matrix_seconds"]
            else ", one process per world model (`--world`), then `--render`"
        )
        + "; raw figures in "
        "`bench/results/scrape_modes.json`. Each run replays the scraper's own decisions "
        "(`subdivision.replay`) over a world model's answers, in the planned order and in "
        f"{report['shuffles']} shuffled completion orders. *Recall* is the share of the ground truth found "
        "inside the zone; *searches* the searches made (≈ cost); *LB* the lower bound — the fewest windows "
        "(zoom 13–17), each holding fewer than 110 places so that it lists them all, covering every place "
        "such a window can hold, by greedy set cover (an upper estimate of the true minimum); *reachable* the "
        "share of the ground truth some such window holds (the rest sit over 110 to a zoom-17 window: out of "
        "reach within the zoom bound, for any strategy). `quadrants` is the documented blind split, `density` "
        "the default ([scraping](../scraping.md))."
        + (
            f" Browser time (`--browser`) projects the searches at {report['browser_seconds_per_search']} s per "
            "search through the real Chromium against the simulator."
            if report["browser_seconds_per_search"]
            else ""
        ),
        "",
        "World models (`tests/world/maps/search.py`, the simulator's `--world`): `widening` — window first, "
        "then widening to the nearest places; `strict-prominence` — only the window (and 10 % around it), most "
        "prominent first; `strict-distance` — the same window, nearest first; `clustered` — strict-prominence "
        "over hot spots (streets, malls of 40–80 places) on a sparse background.",
        "",
        "## Totals per world model",
        "",
        "| World | Strategy-mode | Recall | Reachable | Searches | LB | vs LB | grid vs LB | vs blind Fast "
        "| per base tile | covered / widened / split / below threshold / zoom bound | same in every order |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for world, totals in summary["totals"].items():
        for key, total in totals.items():
            verdicts = " / ".join(str(total["verdicts"][name]) for name in VERDICTS)
            lines.append(
                f"| {world} | {key} | {total['recall']:.1%} | {total['reachable_share']:.1%} | {total['searches']} "
                f"| {total['lower_bound']} | {total['vs_lower_bound']:.2f}× | {total['grid_vs_lower_bound']:.2f}× "
                f"| {total['vs_blind_fast']:.2f}× "
                f"| {total['per_base_tile']:.2f} | {verdicts} | {'yes' if total['identical'] else 'no'} |"
            )
    lines += ["", "## Goals (density strategy)", ""]
    for world, goals in summary["goals"].items():
        figures = summary["totals"][world]
        parts = [
            f"{mode} {'met' if goal['met'] else 'not met'} ({goal['rule']}: "
            f"{figures[f'density-{mode}']['recall']:.1%}, {figures[f'density-{mode}']['searches']} searches, "
            f"{figures[f'density-{mode}']['vs_lower_bound']:.2f}× LB)"
            for mode, goal in goals.items()
        ]
        cells = figures["density-ultra"]["cells"]
        lines.append(f"- **{world}** ({cells} of {len(ZONES) * len(QUERIES)} cells): " + "; ".join(parts) + ".")
        for mode, goal in goals.items():
            if not goal["met"]:
                lines.append(f"  - {mode}, why: {goal['why']}.")
    factors = ", ".join(f"{mode} {factor:g}" for mode, factor in MODE_FACTORS.items())
    lines += [
        "",
        f"The estimate charges base tiles × queries × the mode's factor ({factors}); *per base tile* above is "
        "what each mode searched per base tile.",
        "",
        "## Every run",
        "",
        "| World | Zone | Query | Strategy | Mode | Truth | Recall | Reachable | Searches | LB | vs LB "
        "| vs blind Fast | Spread (searches, recall) |",
        "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    blind_fast = {
        (r["world"], r["zone"], r["query"]): r["searches"]
        for r in report["runs"]
        if r["strategy"] == "quadrants" and r["mode"] == "fast"
    }
    for r in report["runs"]:
        bound = r["lower_bound"]
        lines.append(
            f"| {r['world']} | {r['zone']} ({r['density']}) | {r['query']} ({r['category']}) | {r['strategy']} "
            f"| {r['mode']} | {r['ground_truth']} | {r['recall']:.1%} | {bound['reachable']:.1%} | {r['searches']} "
            f"| {bound['windows']} | {r['searches'] / max(bound['windows'], 1):.2f}× "
            f"| {r['searches'] / max(blind_fast[(r['world'], r['zone'], r['query'])], 1):.2f}× "
            f"| {r['searches_spread']}, {r['recall_spread']:.1%} |"
        )
    lines += [
        "",
        "## The widening world against the campaign of the scrape-modes page",
        "",
        "Blind split, the campaign's method: Ultra's gain over Fast (campaign: 2026-06-05 measurements on "
        "Google Maps; — where the page gives none).",
        "",
        "| Zone | Query | Ultra vs Fast: campaign | simulator | Ultra searches vs Fast |",
        "|---|---|---:|---:|---:|",
    ]
    for cell in summary["campaign"]:
        campaign = cell["campaign_ultra_vs_fast"]
        lines.append(
            f"| {cell['zone']} | {cell['query']} | {'—' if campaign is None else f'{campaign:+.1%}'} "
            f"| {cell['ultra_vs_fast']:+.1%} | {cell['ultra_searches_vs_fast']:.1f}× |"
        )
    lines.append("")
    return "\n".join(lines)


def rerender() -> None:
    """``python -m bench.scrape_modes --render``: the page from the cells stored so far (one world
    per process, ``--world NAME``, when the matrix is run by hand)."""
    runs = [run_ for model in MODELS if _partial(model).exists() for run_ in json.loads(_partial(model).read_text())]
    write(runs, 0.0, None)


if __name__ == "__main__":
    if "--render" in sys.argv:
        rerender()
    elif "--world" in sys.argv:
        world_runs(sys.argv[sys.argv.index("--world") + 1])
    else:
        main(browser="--browser" in sys.argv)
