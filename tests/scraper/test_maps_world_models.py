"""The simulator's world models answer as their names say (pure: no server, no browser)."""

from __future__ import annotations

import math

import pytest

from tests.world.maps.places import category_for
from tests.world.maps.search import RESULT_CAP, WINDOW_MARGIN, Viewport
from tests.world.maps.server import MapsSimulator

LYON = (45.7640, 4.8357)
AURILLAC = (44.9264, 2.4397)


def in_window(viewport: Viewport, lat: float, lon: float, margin: float = 0.0) -> bool:
    dy = abs(lat - viewport.lat) * 111.32
    dx = abs(lon - viewport.lon) * 111.32 * math.cos(math.radians(viewport.lat))
    return dx <= viewport.half_width_km * (1 + margin) and dy <= viewport.half_height_km * (1 + margin)


@pytest.mark.parametrize("model", ["strict-prominence", "strict-distance", "clustered"])
def test_a_strict_model_lists_only_the_window_and_just_around_it_even_where_it_is_sparse(model: str) -> None:
    simulator = MapsSimulator(7, model=model)
    for lat, lon in (LYON, AURILLAC):
        viewport = Viewport(lat, lon, 15)
        answer = simulator.answer("pharmacie", lat, lon, 15)
        assert answer and all(in_window(viewport, p.lat, p.lon, WINDOW_MARGIN + 1e-6) for p in answer)


def test_the_widening_model_fills_a_sparse_window_with_the_places_around_it() -> None:
    viewport = Viewport(*AURILLAC, 15)
    answer = MapsSimulator(7).answer("pharmacie", *AURILLAC, 15)
    assert sum(not in_window(viewport, p.lat, p.lon) for p in answer) > len(answer) / 2


@pytest.mark.parametrize(("model", "rank"), [("strict-prominence", "prominence"), ("strict-distance", "distance")])
def test_a_saturated_strict_answer_keeps_the_windows_first_places_by_its_ranking(model: str, rank: str) -> None:
    simulator = MapsSimulator(7, model=model)
    viewport = Viewport(*LYON, 14)
    answer = simulator.answer("pharmacie", *LYON, 14)
    assert len(answer) == RESULT_CAP
    listed = {place.data_id for place in answer}
    window = [
        (distance, place)
        for distance, place in simulator.world.places_near(category_for("pharmacie"), *LYON, viewport.radius_km * 1.2)
        if in_window(viewport, place.lat, place.lon, WINDOW_MARGIN)
    ]
    left_out = [(distance, place) for distance, place in window if place.data_id not in listed]
    kept = [(distance, place) for distance, place in window if place.data_id in listed]
    assert left_out
    if rank == "distance":
        assert max(distance for distance, _ in kept) <= min(distance for distance, _ in left_out)
    else:
        assert min(place.prominence for _, place in kept) >= max(place.prominence for _, place in left_out)


def test_the_clustered_world_puts_dozens_of_places_in_a_few_hundred_metres() -> None:
    simulator = MapsSimulator(7, model="clustered")
    places = [place for _, place in simulator.world.places_near(category_for("plombier"), *LYON, 6.0)]
    crowded = max(
        sum(math.hypot((p.lat - q.lat) * 111.32, (p.lon - q.lon) * 78.0) <= 0.15 for q in places) for p in places
    )
    assert crowded >= 40  # a mall or a shopping street of one trade


def test_an_unknown_world_model_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown world model"):
        MapsSimulator(7, model="ideal")
