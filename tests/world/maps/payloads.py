"""Google Maps' data arrays, built the way the real site lays them out (see the fixtures).

The index positions are those of ``fixtures/google-maps`` (``raw.json``, ``output.json``,
``review_*.json``); ``tests/scraper`` checks that a simulated payload and a captured one put
every field at the same place.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from tests.world.maps.places import Place, Review

GUARD = ")]}'\n"
PLACE_ARRAY_LENGTH = 250
"""Real place arrays run to ~244 entries and more; the tail is left empty."""


def maps_link(place: Place) -> str:
    return f"https://www.google.com/maps/place/{quote(place.name.replace(' ', '+'), safe='+')}/data=!4m2!3m1!1s{place.data_id}"


def place_array(place: Place, *, on_place_page: bool) -> list[Any]:
    d: list[Any] = [None] * PLACE_ARRAY_LENGTH
    d[4] = [None, None, None, [f"https://search.google.com/local/reviews?placeid={place.place_id}", f"{place.reviews_count} avis"],
            None, None, None, place.rating or None, place.reviews_count]  # fmt: skip
    if place.website:
        website = place.website
        if place.reviews_count % 3 == 0:  # Google wraps some websites in its redirector
            website = f"/url?q={quote(place.website, safe='')}&opi=79508299&sa=U&ved=0ahUKEwi"
        d[7] = [website, place.website.split("/")[2].removeprefix("www."), None, "0ahUKEwi"]
    d[9] = [None, None, place.lat, place.lon]
    d[10] = place.data_id
    d[11] = place.name
    d[13] = [place.category]
    d[18] = f"{place.name}, {place.address}"
    d[30] = "Europe/Paris"
    d[34] = [None, None, None, None, [None, None, None, None, "Ouvert ⋅ Ferme à 19:00"]]
    d[78] = place.place_id
    d[178] = [[place.phone, [[place.phone, 1], [f"+33 {place.phone[1:]}", 2]]]]
    d[183] = [None, [None, place.street, place.street, place.city, place.postal_code, None, "FR"]]
    if on_place_page:
        d[27] = maps_link(place)
        reviews = place.reviews()
        counts = [sum(review.rating == stars for review in reviews) for stars in range(1, 6)]
        d[175] = [
            None,
            None,
            None,
            counts,
            None,
            None,
            None,
            None,
            None,
            [[[[review_entry(place, r, n)] for n, r in enumerate(reviews)]]],
        ]
    return d


def review_entry(place: Place, review: Review, position: int) -> list[Any]:
    """One review in the current layout (``review_native_*.json``)."""
    timestamp = 1_772_000_000_000_000 - position * 86_400_000_000 * 30
    author = [None, None, ["https://www.google.com/maps/contrib/1/reviews?hl=fr"], None, None,
              [review.author, "https://lh3.googleusercontent.com/a/photo", ["https://www.google.com/maps/contrib/1?hl=fr"], "1"]]  # fmt: skip
    meta = [f"0x0:{place.data_id.split(':')[1]}", None, timestamp, timestamp, author, None, review.when,
            None, None, None, None, None, None, ["Google", "https://www.gstatic.com/images/branding/product/1x/googleg_48dp.png", None, None, 5]]  # fmt: skip
    body: list[Any] = [[review.rating]] + [None] * 13 + [["fr"]]
    if review.text:
        body.append([[review.text, None, [0, len(review.text)]]])
    reply: list[Any] = []
    if review.owner_reply:
        reply = (
            [None, timestamp + 86_400_000_000, timestamp + 86_400_000_000, review.when]
            + [None] * 9
            + [["fr"], [[review.owner_reply, None, [0, 10]]]]
        )
    return [f"Ci9{place.data_id[-12:]}{position:04d}", meta, body, reply, None, "0ahUKEwj"]


def search_response(query: str, places: list[Place]) -> str:
    """A ``/search?tbm=map`` answer: guard line, then businesses at ``data[0][1][i][14]``."""
    items: list[Any] = [[None] * 8 + ["vWFdZ", "0ahUKEwi", [query, 0]]]
    for place in places:
        item: list[Any] = [None] * 14 + [place_array(place, on_place_page=False)]
        items.append(item)
    data: list[Any] = [[query, items] + [None] * 10]
    return GUARD + json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def place_state(place: Place) -> str:
    """The place page's data string (``APP_INITIALIZATION_STATE[3][*][6]``): the place at ``[6]``."""
    data: list[Any] = [None, [], None, None, [[3000.0, place.lon, place.lat], [0, 0, 0], [1024, 768], 17.0], None,
                       place_array(place, on_place_page=True)]  # fmt: skip
    return GUARD + json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def initialization_state(
    lat: float, lon: float, zoom: float, *, search: str | None = None, place: str | None = None
) -> str:
    """``window.APP_INITIALIZATION_STATE``: the search data at ``[3][2]``, a place's at ``[3][0][6]``."""
    slot: list[Any] = [None, None, None]
    if search is not None:
        slot[2] = search
    if place is not None:
        slot[0] = [None, None, None, None, None, None, place]
    state = [[[1000.0, lon, lat], [0, 0, 0], [1024, 768], zoom], None, None, slot, None, "fr"]
    return json.dumps(state, ensure_ascii=False).replace("</", "<\\/")
