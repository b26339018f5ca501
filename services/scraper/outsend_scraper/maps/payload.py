"""Reading Google Maps' own data arrays: the search response and the place page state.

Google Maps ships its data as positional JSON arrays behind a ``)]}'`` guard line. The indices
below are the ones public scrapers rely on (see the fixtures' README); every read is defensive,
since any index can be missing on a given place:

========================  =============================================================
name                      ``d[11]``
categories                ``d[13]`` (first = primary)
full address              ``d[18]``; parts ``d[183][1]``: street [1], city [3], postal code [4], country [6]
website                   ``d[7][0]`` (sometimes a ``/url?q=`` Google redirect)
phone                     ``d[178][0][0]``
rating / reviews          ``d[4][7]`` / ``d[4][8]``
latitude / longitude      ``d[9][2]`` / ``d[9][3]``
link / place id / data id ``d[27]`` / ``d[78]`` / ``d[10]``
business status           ``d[34][4][4]``
reviews                   ``d[175][9][0][0]`` (each item's ``[0]`` is one review)
========================  =============================================================

In a search response each business is ``data[0][1][i][14]`` for ``i ≥ 1``; a place page keeps
its data in ``window.APP_INITIALIZATION_STATE[3][*][6]`` (the place array is that JSON's ``[6]``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

GUARD = ")]}'"
MAPS_ORIGIN = "https://www.google.com"


def at(value: Any, *path: int) -> Any:
    """``value[p0][p1]…`` or ``None`` as soon as an index is missing."""
    for index in path:
        if not isinstance(value, list) or index >= len(value) or index < -len(value):
            return None
        value = value[index]
    return value


def text_at(value: Any, *path: int) -> str:
    found = at(value, *path)
    return found.strip() if isinstance(found, str) else ""


def number_at(value: Any, *path: int) -> float | None:
    found = at(value, *path)
    return float(found) if isinstance(found, int | float) and not isinstance(found, bool) else None


def strip_guard(text: str) -> str:
    """Drop the anti-JSON-hijacking first line (``)]}'``) Google puts before its JSON."""
    stripped = text.lstrip()
    if stripped.startswith(GUARD):
        stripped = stripped[len(GUARD) :]
    return stripped.strip()


@dataclass(frozen=True)
class Review:
    author: str
    rating: int | None
    when: str
    """Relative date as Google shows it (``il y a 2 mois``)."""
    text: str
    owner_replied: bool
    source: str = "Google"


@dataclass(frozen=True)
class Place:
    data_id: str
    name: str
    categories: tuple[str, ...] = ()
    address: str = ""
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""
    website: str = ""
    phone: str = ""
    rating: float | None = None
    reviews_count: int | None = None
    lat: float | None = None
    lon: float | None = None
    place_id: str = ""
    status: str = ""
    reviews: tuple[Review, ...] = field(default=(), compare=False)

    @property
    def link(self) -> str:
        """The canonical Google Maps URL of the listing: the dedup key of a scrape."""
        return place_link(self.name, self.data_id)

    @property
    def category(self) -> str:
        return self.categories[0] if self.categories else ""


def place_link(name: str, data_id: str) -> str:
    return f"{MAPS_ORIGIN}/maps/place/{quote(name.replace(' ', '+'), safe='+')}/data=!4m2!3m1!1s{data_id}"


def parse_place(d: Any) -> Place | None:
    """One place array (``d``) into a :class:`Place`; ``None`` when it has no name or id."""
    name = text_at(d, 11)
    data_id = text_at(d, 10)
    if not name or not data_id:
        return None
    categories = at(d, 13)
    full_address = text_at(d, 18)
    reviews_count = number_at(d, 4, 8)
    return Place(
        data_id=data_id,
        name=name,
        categories=tuple(c for c in categories if isinstance(c, str)) if isinstance(categories, list) else (),
        address=full_address.removeprefix(name).lstrip(", ").strip(),
        street=text_at(d, 183, 1, 1),
        city=text_at(d, 183, 1, 3),
        postal_code=text_at(d, 183, 1, 4),
        country=text_at(d, 183, 1, 6),
        website=unwrap_website(text_at(d, 7, 0)),
        phone=text_at(d, 178, 0, 0),
        rating=number_at(d, 4, 7),
        reviews_count=int(reviews_count) if reviews_count is not None else None,
        lat=number_at(d, 9, 2),
        lon=number_at(d, 9, 3),
        place_id=text_at(d, 78),
        status=text_at(d, 34, 4, 4),
        reviews=tuple(review for item in at(d, 175, 9, 0, 0) or [] if (review := parse_review(at(item, 0)))),
    )


def parse_search(body: str) -> list[Place]:
    """A ``/search?tbm=map`` answer (guard line included) or the search state string.

    Raises ``ValueError`` when the body is not a search answer this parser knows: an answer with
    no results still has its list of items, so a missing list means the layout changed.
    """
    data = json.loads(strip_guard(body))
    items = at(data, 0, 1)
    if not isinstance(items, list):
        raise ValueError("not a search answer")
    return [place for item in items[1:] if (place := parse_place(at(item, 14))) is not None]


def parse_place_state(body: str) -> Place | None:
    """The place page's ``APP_INITIALIZATION_STATE[3][*][6]`` string (guard line included)."""
    return parse_place(at(json.loads(strip_guard(body)), 6))


def parse_review(entry: Any) -> Review | None:
    """One review entry; both the current layout and the 2023 one are read."""
    author = text_at(entry, 1, 4, 5, 0) or text_at(entry, 1, 4, 0, 4)
    if not author:
        return None
    rating = number_at(entry, 2, 0, 0)
    text = text_at(entry, 2, 15, 0, 0) or text_at(entry, 2, 1, 0)
    source = text_at(entry, 1, 13, 0) or "Google"
    if rating is None and (out_of_ten := number_at(entry, 2, 8, 1)) is not None:
        rating = round(out_of_ten / 2)  # aggregators (Tripadvisor…) rate out of 10
    reply = at(entry, 3)
    replied = bool(at(reply, 1)) or bool(text_at(reply, 14, 0, 0))
    return Review(
        author=author,
        rating=int(rating) if rating is not None else None,
        when=text_at(entry, 1, 6),
        text=text,
        owner_replied=replied,
        source=source,
    )


def unwrap_website(url: str) -> str:
    """``/url?q=https://example.fr/&opi=…`` → ``https://example.fr/``."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.path == "/url" and (not parts.netloc or parts.netloc.endswith("google.com")):
        target = parse_qs(parts.query).get("q", [""])[0]
        return target if target.startswith(("http://", "https://")) else ""
    return url


def state_payloads(state: Any) -> list[str]:
    """The guarded JSON strings of ``window.APP_INITIALIZATION_STATE[3]`` (search or place data)."""
    found: list[str] = []
    for value in at(state, 3) or []:
        candidates = (
            [value] if isinstance(value, str) else [at(value, 6), at(value, 5)] if isinstance(value, list) else []
        )
        found.extend(c for c in candidates if isinstance(c, str) and c.lstrip().startswith(GUARD))
    return found
