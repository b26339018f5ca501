"""What the gateway tells browsers and what it asks of them.

Every response carries the security headers: a Content-Security-Policy that fits the web UI
(its own scripts and styles only, no framing), ``X-Content-Type-Options: nosniff``,
``Referrer-Policy: same-origin`` and ``X-Frame-Options: DENY``.

A write (``POST``/``PUT``/``PATCH``/``DELETE``) authenticated by the session cookie must come
from one of the platform's own pages: its ``Origin`` (or, when a browser sends none, its
``Referer``) is ``OUTSEND_PUBLIC_URL`` or the request's own ``Host``; anything else is refused
with 403 before it reaches a route. The cookie is ``SameSite=Lax``, which already keeps it off
cross-site forms, but not off requests from a sibling subdomain or an older browser. A request
with an ``X-API-Key`` is not a browser's: the key is its credential, and it is not checked.

A pure ASGI middleware: one header lookup per request, the rest only for cookie writes.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from outsend_contracts import errors
from outsend_gateway.security import API_KEY_HEADER, COOKIE

API_KEY_FIELD = API_KEY_HEADER.lower()
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_PORTS = {"http": 80, "https": 443}

UI_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "worker-src blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
"""The interactive API pages (``/docs``, ``/redoc``) load Swagger UI and ReDoc from their CDN."""
DOCS_PATHS = ("/docs", "/redoc")

_COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
UI_HEADERS = [(b"content-security-policy", UI_POLICY.encode()), *_COMMON_HEADERS]
DOCS_HEADERS = [(b"content-security-policy", DOCS_POLICY.encode()), *_COMMON_HEADERS]


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` as a browser writes an ``Origin`` (default port left out), or ``None``."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    explicit = f":{port}" if port is not None and port != DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{host}{explicit}"


class BrowserGuard:
    def __init__(self, app: ASGIApp, public_url: str) -> None:
        self.app = app
        self.public_origin = origin_of(public_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = DOCS_HEADERS if scope["path"].startswith(DOCS_PATHS) else UI_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        foreign = self._foreign_origin(scope) if scope["method"] in WRITE_METHODS else None
        if foreign is not None:
            await _refuse(send_with_headers, foreign)
            return
        await self.app(scope, receive, send_with_headers)

    def _foreign_origin(self, scope: Scope) -> str | None:
        """The origin a cookie-authenticated write came from, when it is not the platform's own."""
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        if API_KEY_FIELD in headers or COOKIE not in cookie_parser(headers.get("cookie", "")):
            return None
        claimed = headers.get("origin") or headers.get("referer")
        if claimed is None:
            return None  # not sent from a browser page: nothing to compare
        origin = origin_of(claimed)
        if origin is not None and origin in self._own_origins(origin, headers.get("host", "")):
            return None
        return origin or claimed.strip()[:100]

    def _own_origins(self, origin: str, host: str) -> tuple[str | None, str | None]:
        """The public URL's origin, and the request's ``Host`` under the scheme the browser used
        (behind a TLS-terminating proxy the gateway itself only sees plain HTTP)."""
        scheme = origin.split("://", 1)[0]
        return self.public_origin, origin_of(f"{scheme}://{host}")


async def _refuse(send: Send, origin: str) -> None:
    body = json.dumps({"detail": errors.CROSS_ORIGIN_WRITE.format(origin=origin)}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
