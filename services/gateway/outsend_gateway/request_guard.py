"""Every request is read (within the size limit) and checked before any route sees it.

Postgres stores neither the NUL character in text or ``jsonb`` nor a lone UTF-16 surrogate
(which no UTF-8 text can hold): one such character copied into an event would stop the read
models. So the path, the query parameters and every string of a JSON body (keys and values, at
any depth) are refused with 400 when they hold one, and so are ``NaN`` and ``Infinity``, which
JSON does not have. The body is read whole first, so a body over the limit answers 413 whether
or not it declared its length.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from outsend_contracts import errors

FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
"""NUL and the surrogate range: what a JSON ``\\u0000`` or a lone ``\\ud800`` escape decodes to."""


class RequestTooLargeError(Exception):
    pass


class RequestGuard:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse_too_large(send)
            return
        try:
            body = await read_body(receive, self.max_bytes)
        except RequestTooLargeError:
            await self._refuse_too_large(send)
            return
        if body is None:
            return  # the client left before sending its body
        problem = url_problem(scope) or (body_problem(body) if is_json(headers.get(b"content-type")) else None)
        if problem is not None:
            await respond(send, 400, problem)
            return
        await self.app(scope, replaying(body, receive), send)

    async def _refuse_too_large(self, send: Send) -> None:
        await respond(send, 413, errors.BODY_TOO_LARGE.format(max_mb=self.max_bytes // (1024 * 1024)))


async def read_body(receive: Receive, max_bytes: int) -> bytes | None:
    """The whole body, or ``None`` when the client disconnected; over ``max_bytes`` raises."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise RequestTooLargeError
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """Hand the body read here to the app, then whatever comes next (a disconnect)."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def is_json(content_type: bytes | None) -> bool:
    """Whether FastAPI reads this body as JSON (it does when no content type is given too)."""
    media_type = (content_type or b"").split(b";")[0].strip().lower()
    return media_type in {b"", b"application/json"} or (
        media_type.startswith(b"application/") and media_type.endswith(b"+json")
    )


def url_problem(scope: Scope) -> str | None:
    if FORBIDDEN.search(scope.get("path", "")):
        return errors.FORBIDDEN_CHARACTER.format(field="URL")
    for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
        if FORBIDDEN.search(name) or FORBIDDEN.search(value):
            return errors.FORBIDDEN_CHARACTER.format(field=readable(name))
    return None


class NonFiniteNumberError(ValueError):
    pass


def _refuse_constant(_: str) -> Any:
    raise NonFiniteNumberError


SUSPECTS = (b"\\u", b"NaN", b"Infinity", b"\x00", b"\xed")
"""What a refused body must hold: an escape (``\\u0000``, ``\\ud800``), a non-finite constant, a raw
NUL or the UTF-8 lead byte of the surrogate range. A body with none of them is only decoded."""


def body_problem(body: bytes) -> str | None:
    """Why a JSON body is refused here, or ``None`` (malformed JSON is left to FastAPI's 400)."""
    if not body or (not any(suspect in body for suspect in SUSPECTS) and _is_utf8(body)):
        return None  # most bodies: nothing to refuse, without parsing and walking every string
    try:
        document = json.loads(body, parse_constant=_refuse_constant)
    except NonFiniteNumberError:
        return errors.NON_FINITE_NUMBER
    except UnicodeDecodeError:
        return errors.BODY_NOT_UTF8
    except json.JSONDecodeError:
        return None
    field = forbidden_field(document)
    return None if field is None else errors.FORBIDDEN_CHARACTER.format(field=readable(field))


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def forbidden_field(document: Any) -> str | None:
    """The dotted path of the first key or string (in document order) holding a forbidden character."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and FORBIDDEN.search(value):
            return path or "corps"
        children: list[tuple[str, Any]] = []
        if isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else key
                if FORBIDDEN.search(key):
                    return child
                children.append((child, item))
        elif isinstance(value, list):
            children = [(f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value)]
        stack.extend(reversed(children))
    return None


def readable(field: str) -> str:
    """A field name fit to be shown (and encoded) in the answer."""
    return FORBIDDEN.sub("\ufffd", field)


async def respond(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
