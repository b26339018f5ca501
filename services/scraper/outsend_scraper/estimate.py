"""What a scrap will cost before it runs (``POST /api/estimate``), and what the job is charged.

1 EF is the whole of France scraped once in Fast mode: :data:`FRANCE_TILES` base tiles × one
query. Deeper modes multiply the cost by the factors the scrape-modes page documents (measured
averages of tiles processed vs Fast); ``include_reviews`` adds the place pages read for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from outsend_contracts import errors, registry
from outsend_contracts.scrape import Estimate, EstimateRequest
from outsend_scraper.geo.grid import Grid, build_grid
from outsend_scraper.geo.zones import ZoneError, ZoneResolver

FRANCE_TILES = 54_050
"""Base tiles (zoom 13) covering every French commune: the size of 1 EF (checked by a test)."""
MODE_FACTORS = {"fast": 1.0, "advanced": 2.0, "ultra": 6.0}
REVIEWS_FACTOR = 1.5
"""``include_reviews`` reads a place page for each new place: about half a tile's work more."""
SUPPORTED_COUNTRIES = ("FRA",)


@dataclass(frozen=True)
class Plan:
    """A scrap request resolved: its grid, its cost and what the user should be told."""

    grid: Grid
    queries: list[str]
    ef_cost: float
    notice: str | None


def ef_cost(tiles: int, queries: int, mode: str, include_reviews: bool) -> float:
    factor = MODE_FACTORS.get(mode, 1.0) * (REVIEWS_FACTOR if include_reviews else 1.0)
    return round(tiles * queries * factor / FRANCE_TILES, 6)


def clean_queries(queries: Sequence[str]) -> list[str]:
    """Trimmed, at most 200 characters, without duplicates (case-insensitive), in order."""
    seen: set[str] = set()
    cleaned = []
    for query in queries:
        text = " ".join(query.split())[:200]
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text)
    return cleaned


def plan_scrape(resolver: ZoneResolver, request: EstimateRequest) -> Plan:
    """Resolve zones and build the grid; raise ``DomainError`` (400) for what cannot run."""
    if request.country.upper() not in SUPPORTED_COUNTRIES:
        raise errors.DomainError(400, errors.COUNTRY_UNSUPPORTED.format(country=request.country))
    queries = clean_queries(request.queries)
    if not queries:
        raise errors.DomainError(400, errors.NO_QUERY)
    if not any(zone.strip() for zone in request.zones):
        raise errors.DomainError(400, errors.NO_ZONE)
    try:
        zones = [resolver.resolve(zone) for zone in dict.fromkeys(z.strip() for z in request.zones if z.strip())]
    except ZoneError as error:
        raise errors.DomainError(400, str(error)) from error
    grid = build_grid(zones)
    if not grid.tiles:
        raise errors.DomainError(400, errors.GRID_EMPTY)
    cost = ef_cost(len(grid), len(queries), request.mode, request.include_reviews)
    if cost > registry.MAX_EF_PER_JOB:
        raise errors.DomainError(400, errors.QUOTA_EXCEEDED.format(cost=cost, limit=registry.MAX_EF_PER_JOB))
    notices = [zone.notice for zone in zones if zone.notice]
    return Plan(grid=grid, queries=queries, ef_cost=cost, notice=" ".join(notices) or None)


def estimate(resolver: ZoneResolver, request: EstimateRequest, seconds_per_tile: float) -> Estimate:
    """The ``JobEstimateResponse``: refusals go to ``errors`` (``valid: false``), never raise."""
    queries = clean_queries(request.queries)
    factor = MODE_FACTORS.get(request.mode, 1.0) * (REVIEWS_FACTOR if request.include_reviews else 1.0)
    try:
        planned = plan_scrape(resolver, request)
    except errors.DomainError as error:
        grid_points = _grid_points_anyway(resolver, request)
        return Estimate(
            valid=False,
            grid_points=grid_points,
            total_requests=grid_points * len(queries),
            queries_count=len(queries),
            ef_cost=ef_cost(grid_points, len(queries), request.mode, request.include_reviews),
            estimated_duration_seconds=round(grid_points * len(queries) * factor * seconds_per_tile),
            errors=[str(error.detail)],
            warnings=[],
        )
    requests = len(planned.grid) * len(planned.queries)
    return Estimate(
        valid=True,
        grid_points=len(planned.grid),
        total_requests=requests,
        queries_count=len(planned.queries),
        ef_cost=planned.ef_cost,
        estimated_duration_seconds=round(requests * factor * seconds_per_tile),
        errors=[],
        warnings=[],
        notice=planned.notice,
    )


def _grid_points_anyway(resolver: ZoneResolver, request: EstimateRequest) -> int:
    """The grid size of a refused request when its zones can be read (an over-quota one)."""
    try:
        return len(build_grid([resolver.resolve(zone) for zone in request.zones if zone.strip()]))
    except ZoneError:
        return 0
