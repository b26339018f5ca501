"""Serving the generated sites by host name over HTTP and HTTPS (HTTP/2 where the client wants).

One Hypercorn server answers for every site: the ``Host`` header (``:authority`` in HTTP/2)
picks the site; a request on another host name or scheme than the site's canonical one is
redirected there, as real sites do. Any other ``.fr`` name (the website of a business in the
Maps world) is a site too, drawn from the name on first sight. Certificates come from a local CA made with ``trustme``,
one per group of sites, chosen by SNI; an HTTP-only site refuses the TLS handshake, and the
``bad_certificate`` sites present a certificate from a CA nobody trusts. Broken sites misbehave
as :mod:`tests.world.web.sites` says. With ``latency``, every response waits a seeded time
(50–400 ms, one in twenty 0.8–2.5 s), the way sites answer over the internet.
"""

from __future__ import annotations

import asyncio
import random
import socket
import ssl
import tempfile
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import trustme
from hypercorn.asyncio import serve
from hypercorn.config import Config, Sockets

from tests.world.web.pages import has_legal_page, page_html, sitemap
from tests.world.web.sites import SiteSpec, site_for_host

HUGE_BYTES = 6 * 1024 * 1024
SITES_PER_CERTIFICATE = 64
PRIVATE_TARGET = "http://127.0.0.1:9/admin"
REBIND_TARGET = "http://rebind.attaquant.net/"

NOT_BUSINESSES = frozenset({"pagesjaunes.fr"})
"""Directories a Maps listing may give as its website: nothing of the business is found there."""

BROKEN_LINKS_HOST = "liens-casses.fr"
"""A site whose homepage links to addresses no client can open: a port out of range, a port that
is not a number, a broken IPv6 literal. Its address is on the homepage itself."""
BROKEN_LINKS_EMAIL = "contact@liens-casses.fr"
BROKEN_LINKS_HOME = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Atelier Lebrun</title>
</head><body><h1>Atelier Lebrun, encadreur</h1><p>Écrivez-nous : {BROKEN_LINKS_EMAIL}</p>
<nav><a href="http://liens-casses.fr:99999/contact">Contact</a>
<a href="http://liens-casses.fr:abc/mentions-legales">Mentions légales</a>
<a href="http://[liens-casses.fr/a-propos">Qui sommes-nous ?</a></nav></body></html>"""

Scope = dict[str, Any]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Latency:
    def __init__(self, seed: int) -> None:
        self._seed = seed

    def delay(self, host: str, path: str) -> float:
        rng = random.Random(f"{self._seed}:{host}:{path}")
        return rng.uniform(0.8, 2.5) if rng.random() < 0.05 else rng.uniform(0.05, 0.4)


class SiteCatalogue:
    """The generated sites by host name, and a site drawn on first sight for any other ``.fr`` name."""

    def __init__(self, sites: list[SiteSpec]) -> None:
        self._sites = {site.host: site for site in sites}

    def get(self, host: str) -> SiteSpec | None:
        name = host.split(":", 1)[0].lower().removeprefix("www.")
        site = self._sites.get(name)
        if site is None and name.endswith(".fr") and name not in NOT_BUSINESSES:
            site = self._sites.setdefault(name, site_for_host(name))
        return site

    def __getitem__(self, host: str) -> SiteSpec:
        site = self.get(host)
        if site is None:
            raise KeyError(host)
        return site


class WebApp:
    """The ASGI application answering for every site."""

    def __init__(self, sites: SiteCatalogue, latency: Latency | None = None, access_log: Path | None = None) -> None:
        self.sites = sites
        self.latency = latency
        self.requests = 0
        self.protocols: Counter[tuple[str, str]] = Counter()
        """(host, HTTP version) of every request served."""
        self._access_log = access_log.open("a", buffering=1) if access_log else None
        self.page = lru_cache(maxsize=4096)(lambda host, page: page_html(self.sites[host], page))
        self.extra_html: dict[str, str] = {}
        """Host → markup added at the end of its HTML pages (a test's own script)."""

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Any]], send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = (await receive())["type"]
                await send({"type": f"{message}.complete"})
                if message == "lifespan.shutdown":
                    return
        if scope["type"] != "http":
            return
        self.requests += 1
        headers = {key.decode().lower(): value.decode() for key, value in scope["headers"]}
        host = headers.get("host", "")
        site = self.sites.get(host)
        path = scope["path"]
        self.protocols[host.split(":", 1)[0].lower(), scope["http_version"]] += 1
        if self._access_log is not None:
            self._access_log.write(f"{scope['scheme']} {host} {path}\n")
        if self.latency is not None:
            await asyncio.sleep(self.latency.delay(host, path))
        if host.split(":", 1)[0].lower() == BROKEN_LINKS_HOST:
            await _respond(send, 200 if path == "/" else 404, BROKEN_LINKS_HOME.encode() if path == "/" else b"")
            return
        if site is None:
            await _respond(send, 404, b"<h1>Site inconnu</h1>")
            return
        await self._site(site, scope, host.split(":", 1)[0].lower(), path, send)

    async def _site(self, site: SiteSpec, scope: Scope, host: str, path: str, send: Send) -> None:
        scheme = scope["scheme"]
        canonical_scheme = "https" if site.https else "http"
        if host != site.canonical_host or scheme != canonical_scheme:
            await _redirect(send, f"{canonical_scheme}://{site.canonical_host}{path}", 301)
            return
        match site.broken:
            case "timeout":
                await asyncio.sleep(3600)
            case "server_error":
                await _respond(send, 503, b"<h1>Service Unavailable</h1>")
                return
            case "redirect_loop":
                await _redirect(send, "/boucle-b" if path == "/boucle-a" else "/boucle-a", 302)
                return
            case "redirect_private":
                await _redirect(send, PRIVATE_TARGET, 302)
                return
            case "redirect_rebind":
                await _redirect(send, REBIND_TARGET, 302)
                return
            case "non_html":
                await _respond(send, 200, b"%PDF-1.4\n% plaquette commerciale\n", "application/pdf")
                return
            case "empty":
                await _respond(send, 200, b"")
                return
        body, content_type = self._content(site, path)
        if body is None:
            await _respond(send, 404, b"<h1>Page introuvable</h1>")
            return
        if content_type.startswith("text/html") and site.host in self.extra_html:
            body = body.replace("</body>", self.extra_html[site.host] + "</body>")
        if site.broken == "wrong_charset":  # Windows-1252 bytes sent as UTF-8
            await _respond(send, 200, body.encode("cp1252", "replace"), "text/html; charset=utf-8")
            return
        if site.broken == "huge" and path == "/":
            await _respond_huge(send, body.encode())
            return
        await _respond(send, 200, body.encode(), content_type)

    def _content(self, site: SiteSpec, path: str) -> tuple[str | None, str]:
        html_type = "text/html; charset=utf-8"
        if path == "/sitemap.xml":
            return sitemap(site), "application/xml"
        if path == "/robots.txt":
            return f"User-agent: *\nAllow: /\nSitemap: {site.url}sitemap.xml\n", "text/plain"
        pages = {"/": "home", site.paths["contact"]: "contact", site.paths["about"]: "about"}
        if has_legal_page(site):
            pages[site.paths["legal"]] = "legal"
        page = pages.get(path)
        return (self.page(site.host, page), html_type) if page else (None, html_type)


async def _respond(send: Send, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _respond_huge(send: Send, page: bytes) -> None:
    """A page of 6 MB (more than the fetcher reads): the real content first, then generated markup."""
    start, end = page.split(b"</footer>", 1)
    chunk = b"<div class='produit'>" + b"x" * 1000 + b"</div>\n"
    repeats = (HUGE_BYTES - len(page)) // len(chunk)
    length = len(start) + len(b"</footer>") + repeats * len(chunk) + len(end)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(length).encode())],
        }
    )
    await send({"type": "http.response.body", "body": start + b"</footer>", "more_body": True})
    for _ in range(repeats // 256):
        await send({"type": "http.response.body", "body": chunk * 256, "more_body": True})
    await send({"type": "http.response.body", "body": chunk * (repeats % 256) + end})


async def _redirect(send: Send, location: str, status: int) -> None:
    headers = [(b"location", location.encode()), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


class Certificates:
    """A local CA, its PEM file, and server certificates chosen by SNI: one per group of catalogue
    sites, one per site drawn on first sight."""

    def __init__(self, catalogue: SiteCatalogue, sites: list[SiteSpec], directory: Path) -> None:
        self.ca = trustme.CA(organization_name="outsend test world")
        self.ca_file = directory / "world-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self._catalogue = catalogue
        self._rogue_ca = trustme.CA()
        self._groups: dict[str, int] = {}
        self._contexts: dict[int, ssl.SSLContext] = {}
        self._own: dict[str, ssl.SSLContext] = {}
        self._sites = [site for site in sites if site.https and site.broken != "bad_certificate"]
        for index, site in enumerate(self._sites):
            self._groups[site.host] = index // SITES_PER_CERTIFICATE

    def _context(self, leaf: trustme.LeafCert) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.set_alpn_protocols(["h2", "http/1.1"])
        leaf.configure_cert(context)
        return context

    def group_context(self, group: int) -> ssl.SSLContext:
        if group not in self._contexts:
            hosts = self._sites[group * SITES_PER_CERTIFICATE : (group + 1) * SITES_PER_CERTIFICATE]
            names = [name for site in hosts for name in (site.host, f"www.{site.host}")]
            self._contexts[group] = self._context(self.ca.issue_cert(*names or ["default.invalid"]))
        return self._contexts[group]

    def site_context(self, site: SiteSpec) -> ssl.SSLContext:
        if site.host in self._groups:
            return self.group_context(self._groups[site.host])
        if site.host not in self._own:
            ca = self._rogue_ca if site.broken == "bad_certificate" else self.ca
            self._own[site.host] = self._context(ca.issue_cert(site.host, f"www.{site.host}"))
        return self._own[site.host]

    def server_context(self) -> ssl.SSLContext:
        context = self.group_context(0)

        def choose(connection: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> int | None:
            site = self._catalogue.get(name or "")
            if site is None:
                return None
            if not site.https:
                return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME  # nothing listens for HTTPS on this site
            connection.context = self.site_context(site)
            return None

        context.sni_callback = choose  # type: ignore[assignment]
        return context


class _WorldConfig(Config):
    """Hypercorn's config with our TLS context (SNI) and sockets bound beforehand (free ports)."""

    def __init__(self, tls: ssl.SSLContext, secure: socket.socket, insecure: socket.socket) -> None:
        super().__init__()
        self._tls = tls
        self._secure, self._insecure = secure, insecure
        self.certfile = self.keyfile = "in-memory"  # makes hypercorn see TLS as enabled
        self.graceful_timeout = 0.5
        self.keep_alive_timeout = 60  # as real servers: longer than the fetcher keeps idle connections
        self.accesslog = self.errorlog = None

    def create_ssl_context(self) -> ssl.SSLContext:
        return self._tls

    def create_sockets(self) -> Sockets:
        return Sockets([self._secure], [self._insecure], [])


def _listening() -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and without it
    # every keep-alive response stalls 40 ms (Nagle's algorithm against delayed acknowledgements).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def _quiet(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Clients that hang up mid-answer (timeouts, size caps) are the point here, not news."""


class WebServer:
    """The sites on two loopback ports (HTTP and HTTPS), served from a thread of their own."""

    def __init__(self, sites: list[SiteSpec], latency_seed: int | None = None, access_log: Path | None = None) -> None:
        catalogue = SiteCatalogue(sites)
        self.app = WebApp(catalogue, Latency(latency_seed) if latency_seed is not None else None, access_log)
        self._directory = Path(tempfile.mkdtemp(prefix="outsend-web-"))
        self.certificates = Certificates(catalogue, sites, self._directory)
        self._secure, self._insecure = _listening(), _listening()
        self.https_port = self._secure.getsockname()[1]
        self.http_port = self._insecure.getsockname()[1]
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    def connect_to(self, suffix: str = "*.fr") -> str:
        return f"{suffix}:80:127.0.0.1:{self.http_port},{suffix}:443:127.0.0.1:{self.https_port}"

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.set_exception_handler(_quiet)
            self._stopped = asyncio.Event()
            config = _WorldConfig(self.certificates.server_context(), self._secure, self._insecure)
            self._loop.call_soon(ready.set)
            self._loop.run_until_complete(serve(self.app, config, shutdown_trigger=self._stopped.wait))  # type: ignore[arg-type]

        self._thread = threading.Thread(target=run, name="world-web", daemon=True)
        self._thread.start()
        ready.wait(10)

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the standalone command)."""
        config = _WorldConfig(self.certificates.server_context(), self._secure, self._insecure)

        async def run() -> None:
            asyncio.get_running_loop().set_exception_handler(_quiet)
            await serve(self.app, config)  # type: ignore[arg-type]

        asyncio.run(run())

    def stop(self) -> None:
        if self._loop is not None and self._stopped is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
        if self._thread is not None:
            self._thread.join(5)
