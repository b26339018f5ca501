"""The web UI's files under ``/static/``, read once at start and answered from memory.

They are a handful of small files that only change with a release, so nothing is looked up
on disk per request: each answer is prepared with its type, length and ``ETag`` (a
``If-None-Match`` that matches gets ``304``). Any other path, or a name that is not one of
the files, goes on to the application (and its ``404``).
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

PREFIX = "/static/"
READ_METHODS = frozenset({"GET", "HEAD"})


class Asset:
    def __init__(self, path: Path) -> None:
        self.body = path.read_bytes()
        self.etag = f'"{hashlib.sha256(self.body).hexdigest()[:32]}"'.encode()
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media_type.startswith("text/") or media_type == "application/javascript":
            media_type += "; charset=utf-8"
        self.headers = [
            (b"content-type", media_type.encode()),
            (b"etag", self.etag),
            (b"cache-control", b"no-cache"),  # revalidated by ETag: a release is seen at once
        ]


class StaticAssets:
    def __init__(self, app: ASGIApp, directory: Path) -> None:
        self.app = app
        self.assets = {PREFIX + path.name: Asset(path) for path in directory.iterdir() if path.is_file()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asset = self.assets.get(scope["path"]) if scope["type"] == "http" else None
        if asset is None or scope["method"] not in READ_METHODS:
            await self.app(scope, receive, send)
            return
        unchanged = any(name == b"if-none-match" and asset.etag in value for name, value in scope["headers"])
        body = b"" if unchanged or scope["method"] == "HEAD" else asset.body
        length = [] if unchanged else [(b"content-length", str(len(asset.body)).encode())]
        headers = [*asset.headers, *length]
        await send({"type": "http.response.start", "status": 304 if unchanged else 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
