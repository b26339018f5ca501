"""``scrap``: every query over every tile of the zones' grid, with adaptive subdivision.

Needs: nothing (a source). Produces: the place columns (ruling 10), ``aggregator_flag``,
``query``, ``zone``, then the requested ``extra_columns`` (``gps``, ``departement``,
``region``) and, with ``include_reviews``, ``derniers_avis``. A unit is one (query, search): a
grid tile, or a part of one searched deeper (``data["zoom"]``, see ``subdivision.py``); rows
are deduplicated by their Google Maps link; places outside every requested zone are left out.
See ``docs/modules/scrap.md``.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from typing import Any

from outsend_contracts import errors
from outsend_contracts.aggregators import is_aggregator_url
from outsend_contracts.registry import PLACE_COLUMNS
from outsend_contracts.scrape import EstimateRequest
from outsend_runner.module import JobContext, JobFailure, SourceModule, Unit, UnitError, UnitOutcome, UnitResult
from outsend_scraper.estimate import Plan, plan_scrape
from outsend_scraper.geo.grid import Tile, ZoneMembership
from outsend_scraper.geo.zones import ZoneResolver
from outsend_scraper.maps.browser import MapsBrowser, MapsUnavailableError
from outsend_scraper.maps.payload import Place
from outsend_scraper.reviews_text import latest_reviews_summary
from outsend_scraper.subdivision import VERDICTS, Search, next_searches, short_id, summarize, verdict

EXTRA_COLUMNS = ("gps", "departement", "region")
REVIEWS_COLUMN = "derniers_avis"
ATTEMPTS = 3
RETRY_PAUSE = 1.0


@dataclass
class _Job:
    plan: Plan
    membership: ZoneMembership
    queries: list[str]


class ScrapModule(SourceModule):
    slug = "scrap"
    uses = frozenset({"browser", "zones"})
    tallied = ("query", "zone")

    def __init__(self) -> None:
        self._jobs: dict[str, _Job] = {}

    def units_at_once(self, context: JobContext) -> int:
        return context.resource("browser", MapsBrowser).pages  # one search per browser page

    # --- planning ----------------------------------------------------------------------------------
    async def plan(self, context: JobContext) -> list[Unit]:
        request = EstimateRequest.from_options(context.options)
        try:
            plan = await asyncio.to_thread(plan_scrape, self._zones(context), request)
        except errors.DomainError as error:
            raise JobFailure(str(error.detail)) from error
        membership = await asyncio.to_thread(ZoneMembership, plan.grid.zones)
        self._jobs[context.job_id] = _Job(plan, membership, plan.queries)
        if plan.notice and plan.notice not in context.notices:
            context.note(plan.notice)
        return [
            Unit(_key(index, Search.of(tile)), {"query": query, "tile": tile.key, "zone": zone})
            for index, query in enumerate(plan.queries)
            for tile, zone in plan.grid.tiles.items()
        ]

    async def close(self, context: JobContext) -> None:
        self._jobs.pop(context.job_id, None)

    # --- exploring ---------------------------------------------------------------------------------
    async def explore(self, unit: Unit, context: JobContext, known: Set[str]) -> UnitResult:
        job = self._jobs[context.job_id]
        search = _search(unit)
        query = unit.data["query"]
        browser = context.resource("browser", MapsBrowser)
        lat, lon = search.centre
        for attempt in range(1, ATTEMPTS + 1):
            try:
                page = await browser.search(query, lat, lon, search.zoom)
                break
            except MapsUnavailableError as error:
                if attempt == ATTEMPTS:
                    raise UnitError(str(error), attempts=attempt) from error  # the tile is in the unit's facts
                await asyncio.sleep(RETRY_PAUSE * attempt)
        located = [place for place in page.places if place.lat is not None and place.lon is not None]
        rows = []
        for place in located:
            zone = job.membership.zone_of(place.lat, place.lon)  # type: ignore[arg-type]
            if zone is not None:
                rows.append(self._row(place, query, zone, context))
        if context.options.get("include_reviews"):
            await self._add_reviews(rows, known, browser)
        spots = [(short_id(place.link), place.lat, place.lon) for place in located]
        facts = summarize(search, spots)  # type: ignore[arg-type]
        facts.update(query=query, zone=unit.data["zone"], ended=page.ended)
        return UnitResult(rows=rows, attempts=attempt, facts=facts)

    def follow_ups(self, unit: Unit, result: UnitResult, new_rows: int, context: JobContext) -> list[Unit]:
        """From the unit's own answer and its ancestors' (``seen``), never from ``new_rows``: that
        count depends on which concurrent unit finished first. A unit key is one search: two
        parents never plan the same one (the areas form a tree)."""
        job = self._jobs[context.job_id]
        mode = str(context.options.get("mode") or "fast")
        strategy = str(context.options.get("subdivision") or "density")
        index = job.queries.index(unit.data["query"])
        return [
            Unit(_key(index, search), {**unit.data, **_search_data(search)}, unit.key)
            for search in next_searches(_search(unit), result.facts, mode, strategy)
            if job.membership.covers(search.area)
        ]

    def row_key(self, row: Mapping[str, Any]) -> str:
        return str(row["lien_google_maps"])

    def columns(self, context: JobContext) -> list[str]:
        extras = [column for column in EXTRA_COLUMNS if column in (context.options.get("extra_columns") or [])]
        reviews = [REVIEWS_COLUMN] if context.options.get("include_reviews") else []
        return [*PLACE_COLUMNS, "aggregator_flag", "query", "zone", *extras, *reviews]

    # --- statistics --------------------------------------------------------------------------------
    def statistics(
        self, outcomes: Iterable[UnitOutcome], tallies: Mapping[str, Counter[str]], context: JobContext
    ) -> dict[str, Any]:
        tiles: Counter[str] = Counter()
        with_results: Counter[str] = Counter()
        verdicts: dict[str, Counter[str]] = defaultdict(Counter)
        mode = str(context.options.get("mode") or "fast")
        strategy = str(context.options.get("subdivision") or "density")
        flagged = attempts = 0
        for outcome in outcomes:
            query = str(outcome.data.get("query", ""))
            tiles[query] += 1
            with_results[query] += outcome.found > 0
            flagged += outcome.flagged
            attempts += outcome.attempts
            if "returned" in outcome.facts:  # a flagged search has no answer to read
                verdicts[query][verdict(_search_of(outcome.data), outcome.facts, mode, strategy)] += 1
        by_query = tallies.get("query", Counter())
        job = self._jobs.get(context.job_id)
        queries = job.queries if job else list(tiles)
        query_stats: dict[str, Any] = defaultdict(dict)
        for query in queries:
            query_stats[query] = {
                "tiles": tiles[query],
                "with_results": with_results[query],
                "results": by_query[query],
                "saturated": sum(verdicts[query].values()) - verdicts[query]["covered"],
                **{name: verdicts[query][name] for name in VERDICTS},
            }
        return {
            "query_stats": dict(query_stats),
            "breakdown": {"by_query": dict(by_query), "by_zone": dict(tallies.get("zone", Counter()))},
            "dead_queries": [query for query in queries if tiles[query] and not by_query[query]],
            "flagged_tiles_count": flagged,
            "total_attempts_count": attempts,
        }

    # --- rows --------------------------------------------------------------------------------------
    def _row(self, place: Place, query: str, zone: str, context: JobContext) -> dict[str, Any]:
        row: dict[str, Any] = {
            "nom": place.name,
            "adresse": place.street or place.address,
            "ville": place.city,
            "code_postal": place.postal_code,
            "telephone": place.phone,
            "site_web": place.website,
            "note": place.rating,
            "nb_avis": place.reviews_count,
            "categorie": place.category,
            "lien_google_maps": place.link,
            "lat": place.lat,
            "lon": place.lon,
            "aggregator_flag": is_aggregator_url(place.website),
            "query": query,
            "zone": zone,
        }
        extras = context.options.get("extra_columns") or []
        if "gps" in extras:
            row["gps"] = f"{place.lat},{place.lon}"
        if "departement" in extras or "region" in extras:
            commune = self._zones(context).communes.at(place.lat, place.lon)  # type: ignore[arg-type]
            if "departement" in extras:
                row["departement"] = commune.departement.label if commune else ""
            if "region" in extras:
                row["region"] = commune.departement.region.name if commune else ""
        return row

    async def _add_reviews(self, rows: list[dict[str, Any]], known: Set[str], browser: MapsBrowser) -> None:
        for row in rows:
            link = str(row["lien_google_maps"])
            if link in known:
                continue  # already found (and read) by another tile
            try:
                place = await browser.place(link.removeprefix("https://www.google.com"))
            except MapsUnavailableError:
                continue
            row[REVIEWS_COLUMN] = latest_reviews_summary(place.reviews if place else ())

    @staticmethod
    def _zones(context: JobContext) -> ZoneResolver:
        return context.resource("zones", ZoneResolver)


def _search(unit: Unit) -> Search:
    return _search_of(unit.data)


def _search_of(data: Mapping[str, Any]) -> Search:
    """A unit's search: its tile (the area it answers for), at its ``zoom`` (the tile's own for a
    grid tile), knowing the places its ancestors listed (``seen``) and what they proved (``claims``)."""
    tile = Tile.parse(data["tile"])
    claims = tuple((float(x), float(y), float(a), float(b)) for x, y, a, b in data.get("claims", ()))
    return Search(tile, int(data.get("zoom", tile.z)), frozenset(data.get("seen", ())), claims)


def _search_data(search: Search) -> dict[str, Any]:
    return {
        "tile": search.area.key,
        "zoom": search.zoom,
        "seen": sorted(search.seen),
        "claims": [list(claim) for claim in search.claims],
    }


def _key(query_index: int, search: Search) -> str:
    return f"{query_index}:{search.key}"
