"""Wiring of the veille service."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from outsend_platform.service import Runtime, run_service


async def setup(runtime: Runtime) -> list[Coroutine[Any, Any, None]]:
    return []


def main() -> None:
    run_service("veille", setup, schema="veille")
