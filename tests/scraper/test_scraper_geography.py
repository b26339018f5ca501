"""Zones, grid and cost, as the scraper service computes them (no platform needed)."""

from __future__ import annotations

import random

import pytest
import shapely

from outsend_contracts import errors
from outsend_contracts.scrape import EstimateRequest
from outsend_scraper.estimate import FRANCE_TILES, MODE_FACTORS, estimate, plan_scrape
from outsend_scraper.geo.grid import BASE_ZOOM, Tile, ZoneMembership, build_grid, tiles_covering
from outsend_scraper.geo.zones import ZoneError, ZoneResolver


@pytest.fixture(scope="module")
def zones() -> ZoneResolver:
    return ZoneResolver()


class TestZones:
    @pytest.mark.parametrize(
        ("typed", "reading"),
        [
            ("Lyon 2e", "Lyon 2e Arrondissement (69382)"),
            ("Paris 15e", "Paris 15e Arrondissement (75115)"),
            ("paris 1er", "Paris 1er Arrondissement (75101)"),
            ("75015", "code postal 75015 (Paris 15e Arrondissement)"),
            ("69", "département 69 - Rhône"),
            ("2A", "département 2A - Corse-du-Sud"),
            ("Bretagne", "région Bretagne"),
            ("Rhône", "département 69 - Rhône"),
            ("saint-etienne", "Saint-Étienne (42)"),
            ("INSEE 69002", "Aigueperse (INSEE 69002)"),
            ("Valence (82)", "Valence (82)"),
            ("France", "France entière"),
            ("Lyon 30km", "30 km autour de Lyon (69)"),
        ],
    )
    def test_every_documented_form_is_read(self, zones: ZoneResolver, typed: str, reading: str) -> None:
        assert zones.resolve(typed).description == reading

    def test_a_shared_name_resolves_to_the_most_populous_commune_and_says_so(self, zones: ZoneResolver) -> None:
        zone = zones.resolve("Valence")
        assert zone.description == "Valence (26)"
        assert zone.notice is not None and "Valence (82)" in zone.notice and "3 communes" in zone.notice

    def test_a_postal_code_that_is_also_an_insee_code_is_read_as_postal_code_with_a_notice(
        self, zones: ZoneResolver
    ) -> None:
        zone = zones.resolve("69002")
        assert zone.description.startswith("code postal 69002")
        assert zone.notice is not None and "INSEE 69002" in zone.notice

    @pytest.mark.parametrize("typed", ["Atlantide", "99", "12345", "", "Lyon 99e"])
    def test_an_unreadable_zone_is_refused_with_the_documented_message(self, zones: ZoneResolver, typed: str) -> None:
        with pytest.raises(ZoneError) as refused:
            zones.resolve(typed)
        assert str(refused.value) == errors.ZONE_UNPARSEABLE.format(zone=typed)

    def test_a_radius_beyond_100_km_is_refused(self, zones: ZoneResolver) -> None:
        with pytest.raises(ZoneError, match="100 km maximum"):
            zones.resolve("Lyon 150km")


class TestGrid:
    def test_the_grid_follows_the_boundary_not_the_bounding_box(self, zones: ZoneResolver) -> None:
        rhone = zones.resolve("69")
        area = shapely.union_all(list(rhone.areas))
        west, south, east, north = area.bounds
        box_tiles = tiles_covering([shapely.box(west, south, east, north)])
        grid = build_grid([rhone])
        assert len(grid) < len(box_tiles)
        assert all(shapely.intersects(shapely.box(*tile.bounds), area) for tile in grid.tiles)

    @pytest.mark.parametrize("zone", ["69", "Lyon 2e", "Tours 10km", "2A"])
    def test_no_point_of_a_zone_is_left_outside_every_tile(self, zones: ZoneResolver, zone: str) -> None:
        area = shapely.union_all(list(zones.resolve(zone).areas))
        tiles = list(build_grid([zones.resolve(zone)]).tiles)
        boundary = area.boundary
        rng = random.Random(3)
        points = [boundary.interpolate(rng.random(), normalized=True) for _ in range(400)]
        west, south, east, north = area.bounds
        points += [
            p
            for p in (shapely.Point(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(400))
            if area.contains(p)
        ]
        for point in points:
            assert any(tile.contains(point.y, point.x) or shapely.box(*tile.bounds).intersects(point) for tile in tiles)

    def test_zones_overlapping_share_their_tiles_and_the_first_zone_labels_them(self, zones: ZoneResolver) -> None:
        grid = build_grid([zones.resolve("Lyon 2e"), zones.resolve("69")])
        alone = build_grid([zones.resolve("69")])
        assert len(grid) == len(alone)
        assert "Lyon 2e" in grid.tiles.values()

    def test_a_tile_has_four_children_one_zoom_deeper_inside_it(self) -> None:
        tile = Tile(BASE_ZOOM, 4201, 2922)
        children = tile.children()
        assert len(children) == 4 and {child.z for child in children} == {BASE_ZOOM + 1}
        for child in children:
            lat, lon = child.centre
            assert tile.contains(lat, lon)

    def test_places_are_assigned_to_the_first_zone_that_contains_them(self, zones: ZoneResolver) -> None:
        membership = ZoneMembership([zones.resolve("Lyon 2e"), zones.resolve("69")])
        assert membership.zone_of(45.750, 4.827) == "Lyon 2e"
        assert membership.zone_of(45.98, 4.72) == "69"
        assert membership.zone_of(48.853, 2.35) is None


class TestCost:
    def test_all_of_france_once_in_fast_mode_is_one_ef(self, zones: ZoneResolver) -> None:
        plan = plan_scrape(zones, EstimateRequest(queries=["plombier"], zones=["France"]))
        assert len(plan.grid) == FRANCE_TILES
        assert plan.ef_cost == 1.0

    def test_over_one_ef_is_refused_with_quota_exceeded(self, zones: ZoneResolver) -> None:
        with pytest.raises(errors.DomainError) as refused:
            plan_scrape(zones, EstimateRequest(queries=["plombier", "dentiste"], zones=["France"]))
        assert refused.value.status == 400 and str(refused.value.detail).startswith("Quota dépassé : 2.000 EF")

    def test_the_estimate_applies_the_mode_factors(self, zones: ZoneResolver) -> None:
        costs = {
            mode: estimate(zones, EstimateRequest(queries=["plombier"], zones=["69"], mode=mode), 30.0)
            for mode in MODE_FACTORS
        }
        fast = costs["fast"]
        assert fast.valid and fast.grid_points == len(build_grid([zones.resolve("69")]))
        assert fast.total_requests == fast.grid_points and fast.queries_count == 1
        assert fast.ef_cost == round(fast.grid_points / FRANCE_TILES, 6)
        for mode, factor in MODE_FACTORS.items():
            assert costs[mode].ef_cost == pytest.approx(fast.ef_cost * factor, rel=1e-4)
            assert costs[mode].estimated_duration_seconds == round(fast.grid_points * factor * 30.0)

    def test_a_refused_estimate_is_not_valid_and_says_why(self, zones: ZoneResolver) -> None:
        result = estimate(zones, EstimateRequest(queries=["plombier"], zones=["Atlantide"]), 30.0)
        assert result.valid is False and result.errors == [errors.ZONE_UNPARSEABLE.format(zone="Atlantide")]
        other = estimate(zones, EstimateRequest(queries=["plombier"], zones=["Lyon"], country="BEL"), 30.0)
        assert other.valid is False and other.errors == [errors.COUNTRY_UNSUPPORTED.format(country="BEL")]
