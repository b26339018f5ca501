"""The Google Maps simulator as an HTTP server on loopback.

Routes (the real site's):

- ``GET /maps/search/<query>/@<lat>,<lon>,<zoom>z?hl=fr`` — the search page: results feed
  (``div[role="feed"]``), first 20 results in the DOM and in ``APP_INITIALIZATION_STATE[3][2]``;
  one result redirects to its place page, none shows the "can't find" message; a query with the
  word ``panne`` answers 503, one with the word ``refonte`` answers 200 with a page of another
  layout (no ``APP_INITIALIZATION_STATE``), as after a redesign of the site.
- ``GET /search?tbm=map&q=…&pb=…!2d<lon>!3d<lat>…!4f<zoom>!7i<count>!8i<offset>`` — the next
  page of results, fetched by the page's own script when the feed is scrolled to its bottom.
- ``GET /maps/place/<name>/data=!4m2!3m1!1s<data id>`` — the place page (reviews included).
- Without the consent cookie (``SOCS``), every page redirects to ``/consent/ml?continue=…``;
  ``POST /consent/save`` sets the cookie and goes back.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter, OrderedDict
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tests.world.maps import evolution, pages, payloads
from tests.world.maps.places import Place, PlaceWorld, category_for
from tests.world.maps.search import LAYOUTS, MODELS, PAGE_SIZE, Viewport, answer

CONSENT_COOKIE = "SOCS"
UNAVAILABLE_WORD = "panne"
"""A search whose query contains this word is answered 503, as by a Maps that is down or blocks us."""
REDESIGN_WORD = "refonte"
"""A search whose query contains this word gets a 200 page whose markup no parser knows."""
_SEARCH = re.compile(r"^/maps/search/(?P<query>[^/]+)/@(?P<lat>-?[\d.]+),(?P<lon>-?[\d.]+),(?P<zoom>[\d.]+)z/?$")
_PLACE = re.compile(r"^/maps/place/[^/]*/data=[^?]*?!1s(?P<data_id>0x[0-9a-f]+:0x[0-9a-f]+)")
_PB_FIELD = re.compile(r"!(\d+)([a-z])([^!]*)")


class MapsSimulator:
    """The state shared by every request: the world, a cache of answers, request counters.
    ``model`` is how Google answers (one of ``search.MODELS``), which also sets where places are."""

    def __init__(self, seed: int = 7, latency: float = 0.0, model: str = "widening", timeline: bool = False) -> None:
        if model not in MODELS:
            raise ValueError(f"unknown world model {model!r}: {', '.join(MODELS)}")
        self.model = model
        self.world = PlaceWorld(seed, layout=LAYOUTS[model])
        self.timeline = timeline
        self.latency = latency
        self.requests: Counter[str] = Counter()
        self.proxied: Counter[str] = Counter()
        """Requests that came through an HTTP proxy (they carry a ``Via`` header), by kind."""
        self.week = 0
        """With ``timeline``, the world's week (``evolution``): a test moves it to make places open,
        close and change. Without, the world is the generated one, whatever the week."""
        self._answers: OrderedDict[tuple[str, float, float, float, int], list[Place]] = OrderedDict()
        self._lock = threading.Lock()

    def count(self, kind: str, *, proxied: bool) -> None:
        with self._lock:
            self.requests[kind] += 1
            if proxied:
                self.proxied[kind] += 1

    def answer(self, query: str, lat: float, lon: float, zoom: float) -> list[Place]:
        key = (query.strip().lower(), round(lat, 6), round(lon, 6), zoom, self.week if self.timeline else -1)
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        found = answer(self.world, category_for(query), Viewport(lat, lon, zoom), self.model)
        if self.timeline:
            found = evolution.listed(found, self.week)
        with self._lock:
            self._answers[key] = found
            if len(self._answers) > 4096:
                self._answers.popitem(last=False)
        return found


def make_handler(simulator: MapsSimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = {key: values[0] for key, values in parse_qs(url.query).items()}
            hl = params.get("hl", "fr")
            if url.path == "/consent/ml":
                self._send(200, pages.consent_page(params.get("continue", "/"), hl))
                return
            if url.path == "/search" and params.get("tbm") == "map":
                self._search_page_data(params)
                return
            if not self._consented():
                target = f"/consent/ml?continue={quote(self.path, safe='')}&hl={hl}"
                self._redirect(302, target)
                return
            if match := _SEARCH.match(url.path):
                self._search(
                    unquote(match["query"]).replace("+", " "),
                    float(match["lat"]),
                    float(match["lon"]),
                    float(match["zoom"]),
                    hl,
                )
            elif match := _PLACE.match(url.path):
                self._place(match["data_id"], hl)
            else:
                self._send(404, "<!DOCTYPE html><title>404</title><p>Introuvable</p>")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path != "/consent/save":
                self._send(404, "")
                return
            self._count("consent")
            target = form.get("continue", "/")
            if not target.startswith("/") or target.startswith("//"):
                target = "/"
            self.send_response(303)
            self.send_header("Location", target)
            self.send_header(
                "Set-Cookie", f"{CONSENT_COOKIE}=CAESHAgBEhJnd3NfMjAyNjA1MjctMF9SQzEaAmZyIAEaBgiA; Path=/; SameSite=Lax"
            )
            self.send_header("Content-Length", "0")
            self.end_headers()

        # --- pages ---------------------------------------------------------------------------
        def _search(self, query: str, lat: float, lon: float, zoom: float, hl: str) -> None:
            self._count("search")
            if UNAVAILABLE_WORD in query.lower():
                self._send(503, "<!DOCTYPE html><title>Service Unavailable</title><p>Service Unavailable</p>")
                return
            if REDESIGN_WORD in query.lower():
                self._send(200, pages.redesigned_search_page(query, hl))
                return
            if simulator.latency:
                time.sleep(simulator.latency)
            found = simulator.answer(query, lat, lon, zoom)
            if len(found) == 1:
                self._redirect(302, payloads.maps_link(found[0]).removeprefix("https://www.google.com") + f"?hl={hl}")
                return
            first = found[:PAGE_SIZE]
            state = payloads.initialization_state(lat, lon, zoom, search=payloads.search_response(query, first))
            self._send(200, pages.search_page(query, lat, lon, zoom, hl, state, first, len(found)))

        def _search_page_data(self, params: dict[str, str]) -> None:
            self._count("search_page")
            fields = {f"{number}{kind}": value for number, kind, value in _PB_FIELD.findall(params.get("pb", ""))}
            try:
                lon, lat, zoom = float(fields["2d"]), float(fields["3d"]), float(fields["4f"])
                count, offset = int(fields.get("7i", PAGE_SIZE)), int(fields.get("8i", 0))
            except (KeyError, ValueError):
                self._send(400, "bad pb", "text/plain")
                return
            query = params.get("q", "")
            found = simulator.answer(query, lat, lon, zoom)
            self._send(
                200,
                payloads.search_response(query, found[offset : offset + min(count, PAGE_SIZE)]),
                "application/json; charset=UTF-8",
            )

        def _place(self, data_id: str, hl: str) -> None:
            self._count("place")
            place = simulator.world.place(data_id)
            if place is not None and simulator.timeline:
                place = evolution.at_week(place, simulator.week)
            if place is None:
                self._send(404, "<!DOCTYPE html><title>404</title><p>Lieu introuvable</p>")
                return
            state = payloads.initialization_state(place.lat, place.lon, 17, place=payloads.place_state(place))
            self._send(200, pages.place_page(place, hl, state))

        # --- plumbing ------------------------------------------------------------------------
        def _count(self, kind: str) -> None:
            simulator.count(kind, proxied=bool(self.headers.get("Via")))

        def _consented(self) -> bool:
            cookies: SimpleCookie[Any] = SimpleCookie(self.headers.get("Cookie") or "")
            return CONSENT_COOKIE in cookies

        def _redirect(self, status: int, location: str) -> None:
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, body: str, content_type: str = "text/html; charset=utf-8") -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: object) -> None:
            pass

    return Handler


class MapsServer:
    """The simulator as a world server: it tells the platform ``OUTSEND_MAPS_BASE_URL``."""

    def __init__(
        self, seed: int = 7, port: int = 0, latency: float = 0.0, model: str = "widening", timeline: bool = False
    ) -> None:
        self.simulator = MapsSimulator(seed, latency, model, timeline)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(self.simulator))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def world(self) -> PlaceWorld:
        return self.simulator.world

    def start(self) -> dict[str, str]:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return {"OUTSEND_MAPS_BASE_URL": self.base_url}

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
