"""``make bench-scrape``: scrape modes and subdivision strategies on the Maps simulator.

For 3 zones (dense / medium / rural) × 3 categories (clustered plumbers, spread pharmacies,
rare cobblers) × 3 modes × 2 subdivision strategies, it runs the scraper's own planning and
subdivision code (zones, grid, :func:`summarize`, :func:`children_to_search`, zone membership)
against the simulator's answers, and measures unique places found, the share of the ground
truth, the tiles requested and the wall time. The browser itself is timed on a sample of tiles
through the real Chromium, to project what each run costs through the browser.

Results: ``bench/results/scrape_modes.json`` and the table in ``docs/benchmarks/scrape-modes.md``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import platform
import time
from collections import deque
from pathlib import Path
from typing import Any

import shapely

from outsend_scraper.geo.grid import Tile, ZoneMembership, build_grid
from outsend_scraper.geo.zones import ZoneResolver
from outsend_scraper.maps.browser import MapsBrowser
from outsend_scraper.settings import ScraperSettings
from outsend_scraper.subdivision import children_to_search, summarize
from tests.world.maps.places import category_for
from tests.world.maps.server import MapsServer, MapsSimulator

ZONES = (("Lyon 6km", "dense"), ("Tours 10km", "medium"), ("Aurillac 12km", "rural"))
QUERIES = (("plombier", "clustered"), ("pharmacie", "spread"), ("cordonnier", "rare"))
MODES = ("fast", "advanced", "ultra")
STRATEGIES = ("quadrants", "density")
SEED = 7
BROWSER_SAMPLE = 24
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "scrape_modes.json"
DOC = ROOT / "docs" / "benchmarks" / "scrape-modes.md"


def scrape(
    simulator: MapsSimulator, resolver: ZoneResolver, zone: str, query: str, mode: str, strategy: str
) -> dict[str, Any]:
    """The scraper's subdivision over the simulator's answers: what a job would find and request."""
    zones = [resolver.resolve(zone)]
    grid = build_grid(zones)
    membership = ZoneMembership(zones)
    queue = deque(grid.tiles)
    found: set[str] = set()
    tiles = 0
    started = time.perf_counter()
    while queue:
        tile = queue.popleft()
        tiles += 1
        lat, lon = tile.centre
        answer = simulator.answer(query, lat, lon, tile.z)
        in_zone = [place.data_id for place in answer if membership.zone_of(place.lat, place.lon) is not None]
        new = len(set(in_zone) - found)
        found.update(in_zone)
        facts = summarize(tile, [(place.lat, place.lon) for place in answer])
        queue.extend(
            child for child in children_to_search(tile, facts, new, mode, strategy) if membership.covers(child)
        )
    return {"found": found, "tiles": tiles, "base_tiles": len(grid.tiles), "seconds": time.perf_counter() - started}


def truth(simulator: MapsSimulator, resolver: ZoneResolver, zone: str, query: str) -> set[str]:
    area = shapely.union_all(list(resolver.resolve(zone).areas))
    return {place.data_id for place in simulator.world.places_in(category_for(query), area)}


async def browser_seconds_per_tile(resolver: ZoneResolver) -> float:
    """Mean wall time of one tile through the real Chromium against the simulator (3 pages at once)."""
    server = MapsServer(seed=SEED)
    server.start()
    settings = dataclasses.replace(ScraperSettings.from_env(), maps_base_url=server.base_url)
    browser = MapsBrowser(settings)
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


def main() -> None:
    resolver = ZoneResolver()
    simulator = MapsSimulator(SEED)
    per_tile = asyncio.run(browser_seconds_per_tile(resolver))
    runs = []
    for zone, density in ZONES:
        for query, shape in QUERIES:
            expected = truth(simulator, resolver, zone, query)
            reference: dict[str, int] = {}
            for strategy in STRATEGIES:
                for mode in MODES:
                    result = scrape(simulator, resolver, zone, query, mode, strategy)
                    runs.append(
                        {
                            "zone": zone,
                            "density": density,
                            "query": query,
                            "category": shape,
                            "mode": mode,
                            "strategy": strategy,
                            "places": len(result["found"]),
                            "ground_truth": len(expected),
                            "recall": round(len(result["found"] & expected) / max(len(expected), 1), 4),
                            "tiles": result["tiles"],
                            "base_tiles": result["base_tiles"],
                            "algorithm_seconds": round(result["seconds"], 3),
                            "browser_seconds": round(result["tiles"] * per_tile, 1),
                        }
                    )
                    reference.setdefault(f"{strategy}-{mode}", len(result["found"]))
    summary = summarize_runs(runs)
    report = {
        "seed": SEED,
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "browser_seconds_per_tile": round(per_tile, 3),
        "runs": runs,
        "summary": summary,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(render(report))
    print(render(report))


def summarize_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals per (strategy, mode), and the target: ≥ 98 % of Ultra's places for ≤ 1.5 × Fast's tiles."""
    totals: dict[str, dict[str, int]] = {}
    for run in runs:
        key = f"{run['strategy']}-{run['mode']}"
        total = totals.setdefault(key, {"places": 0, "tiles": 0, "ground_truth": 0})
        total["places"] += run["places"]
        total["tiles"] += run["tiles"]
        total["ground_truth"] += run["ground_truth"]
    ultra = totals["quadrants-ultra"]
    fast = totals["quadrants-fast"]
    for total in totals.values():
        total["share_of_ultra_places"] = round(total["places"] / max(ultra["places"], 1), 4)
        total["tiles_vs_fast"] = round(total["tiles"] / max(fast["tiles"], 1), 3)
    best = totals["density-ultra"]
    return {
        "totals": totals,
        "target": {
            "rule": "density subdivision: ≥ 98 % of quadrant Ultra's places for ≤ 1.5 × quadrant Fast's tiles",
            "share_of_ultra_places": best["share_of_ultra_places"],
            "tiles_vs_fast": best["tiles_vs_fast"],
            "met": best["share_of_ultra_places"] >= 0.98 and best["tiles_vs_fast"] <= 1.5,
        },
    }


def render(report: dict[str, Any]) -> str:
    lines = [
        "# Benchmark: scrape modes and subdivision strategies",
        "",
        "Generated by `make bench-scrape` (`bench/scrape_modes.py`) on the Google Maps simulator, seed "
        f"{report['seed']}; raw figures in `bench/results/scrape_modes.json`. *Places* are unique places found "
        "inside the zone, *recall* their share of the simulator's ground truth, *tiles* the searches requested "
        "(≈ cost). *Browser time* projects the tiles at the measured "
        f"{report['browser_seconds_per_tile']} s per tile through the real Chromium against the simulator "
        "(3 pages at once); the real site is far slower (≈ 30 s per tile).",
        "",
        "| Zone | Query | Strategy | Mode | Places | Recall | Tiles | Browser time (s) | vs quadrant Fast |",
        "|---|---|---|---|---:|---:|---:|---:|---:|",
    ]
    fast: dict[tuple[str, str], int] = {}
    for run in report["runs"]:
        if run["strategy"] == "quadrants" and run["mode"] == "fast":
            fast[(run["zone"], run["query"])] = run["places"]
    for run in report["runs"]:
        base = fast.get((run["zone"], run["query"]), 0)
        delta = (
            "—"
            if run["strategy"] == "quadrants" and run["mode"] == "fast"
            else f"{(run['places'] - base) / max(base, 1):+.1%}"
        )
        lines.append(
            f"| {run['zone']} ({run['density']}) | {run['query']} ({run['category']}) "
            f"| {run['strategy']} | {run['mode']} | {run['places']} | {run['recall']:.1%} "
            f"| {run['tiles']} | {run['browser_seconds']} | {delta} |"
        )
    lines += [
        "",
        "## Totals",
        "",
        "| Strategy-mode | Places | Tiles | Share of quadrant-Ultra places | Tiles vs quadrant Fast |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, total in report["summary"]["totals"].items():
        lines.append(
            f"| {key} | {total['places']} | {total['tiles']} "
            f"| {total['share_of_ultra_places']:.1%} | {total['tiles_vs_fast']:.2f}× |"
        )
    target = report["summary"]["target"]
    lines += [
        "",
        f"**Target** ({target['rule']}): density-ultra reaches {target['share_of_ultra_places']:.1%} of quadrant "
        f"Ultra's places for {target['tiles_vs_fast']:.2f}× quadrant Fast's tiles — "
        + ("met." if target["met"] else "not met."),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
