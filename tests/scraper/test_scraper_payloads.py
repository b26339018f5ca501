"""The scraper reads real Google Maps payloads, and the simulator serves the same layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outsend_runner.module import RowError
from outsend_scraper.maps.payload import (
    at,
    parse_place_state,
    parse_review,
    parse_search,
    state_payloads,
    unwrap_website,
)
from outsend_scraper.modules.reviews import place_path
from tests.world.maps import payloads
from tests.world.maps.places import PlaceWorld, category_for

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "google-maps"
if not FIXTURES.exists():
    FIXTURES = Path("/work/shared/fixtures/google-maps")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def test_a_real_place_page_is_read_field_by_field() -> None:
    place = parse_place_state(")]}'\n" + fixture("raw.json"))
    assert place is not None
    assert (place.name, place.category, place.city, place.postal_code) == (
        "Kipriakon",
        "Restaurant",
        "Limassol",
        "3042",
    )
    assert (place.rating, place.reviews_count, place.phone) == (4.2, 396, "25 101555")
    assert place.lat == pytest.approx(34.6705954) and place.lon == pytest.approx(33.0424567)
    assert place.link.startswith("https://www.google.com/maps/place/Kipriakon/data=!4m2!3m1!1s0x14e732fd76f0d90d:")
    assert len(place.reviews) == 8 and place.reviews[0].author == "Cristina Dragoi" and place.reviews[0].rating == 5


def test_a_real_search_answer_lists_every_business() -> None:
    places = parse_search(fixture("output.json"))
    assert len(places) == 20
    first = places[0]
    assert (first.name, first.street, first.city, first.postal_code, first.country) == (
        "Dream Coffee",
        "Eakou 74",
        "Ilion",
        "131 22",
        "GR",
    )
    assert first.website.startswith("https://www.vrisko.gr/") and first.phone == "+30 21 0261 6578"


@pytest.mark.parametrize(
    ("name", "author", "rating", "has_text", "replied"),
    [
        ("review_native_with_reply.json", "E. Ö.", 1, True, True),
        ("review_native_no_text.json", "Lysann Lieblang", 5, False, False),
        ("review_native_no_translation.json", "Olena Kuzhel", 5, True, False),
        ("review_aggregator.json", "Tripadvisor User", 4, True, False),
    ],
)
def test_real_reviews_are_read(name: str, author: str, rating: int, has_text: bool, replied: bool) -> None:
    review = parse_review(json.loads(fixture(name))[0][0])
    assert review is not None
    assert (review.author, review.rating, bool(review.text), review.owner_replied) == (
        author,
        rating,
        has_text,
        replied,
    )


def test_google_redirect_websites_are_unwrapped() -> None:
    assert unwrap_website("/url?q=https%3A%2F%2Fexample.fr%2F&opi=1") == "https://example.fr/"
    assert unwrap_website("/url?q=javascript:alert(1)") == ""


def test_the_simulator_puts_every_field_where_google_does() -> None:
    world = PlaceWorld(seed=11)
    category = category_for("plombier")
    place = next(p for _, p in world.places_near(category, 45.76, 4.84, 2.0) if p.website and p.reviews_count > 3)
    real = json.loads(fixture("raw.json"))[6]
    simulated = payloads.place_array(place, on_place_page=True)
    for path in [
        (11,),
        (13, 0),
        (18,),
        (7, 0),
        (178, 0, 0),
        (4, 7),
        (4, 8),
        (9, 2),
        (9, 3),
        (27,),
        (78,),
        (10,),
        (34, 4, 4),
        (183, 1, 3),
        (183, 1, 4),
        (175, 9, 0, 0),
    ]:
        assert type(at(simulated, *path)) is type(at(real, *path)) or at(real, *path) is None, path
    state = json.loads(payloads.initialization_state(place.lat, place.lon, 17, place=payloads.place_state(place)))
    parsed = parse_place_state(state_payloads(state)[0])
    assert parsed is not None and parsed.name == place.name and parsed.phone == place.phone
    assert len(parsed.reviews) == len(place.reviews())
    search = json.loads(
        payloads.initialization_state(place.lat, place.lon, 13, search=payloads.search_response("plombier", [place]))
    )
    assert [p.data_id for p in parse_search(state_payloads(search)[0])] == [place.data_id]


@pytest.mark.parametrize(
    "link",
    [
        "http://169.254.169.254/maps/place/x",
        "https://evil.example/maps/place/x",
        "file:///etc/passwd",
        "https://www.google.com/search?q=x",
    ],
)
def test_the_reviews_module_follows_only_google_maps_place_links(link: str) -> None:
    with pytest.raises(RowError):
        place_path(link)
    assert (
        place_path("https://www.google.fr/maps/place/Plomberie+Martin/data=!4m2!3m1!1s0x1:0x2")
        == "/maps/place/Plomberie+Martin/data=!4m2!3m1!1s0x1:0x2"
    )
