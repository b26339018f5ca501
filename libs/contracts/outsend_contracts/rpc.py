"""The envelope of request/reply answers (``svc.*``) and command replies (``cmd.*``)."""

from __future__ import annotations

from typing import Any

import msgspec

from outsend_contracts import SCHEMA_VERSION


class RpcError(msgspec.Struct, frozen=True):
    status: int
    detail: Any
    headers: dict[str, str] = {}


class RpcReply(msgspec.Struct, frozen=True):
    """Either ``result`` (the handler's answer, any JSON value) or ``error``."""

    result: Any = None
    error: RpcError | None = None
    schema_version: int = SCHEMA_VERSION


class HealthReply(msgspec.Struct, frozen=True):
    service: str
    ready: bool
    version: str
    detail: str = ""
