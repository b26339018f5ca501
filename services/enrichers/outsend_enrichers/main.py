"""Wiring of the enrichers service."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from outsend_contracts import subjects
from outsend_contracts.pipelines.public import FilterPreviewRequest
from outsend_enrichers.modules import MODULES
from outsend_enrichers.preview import FilterPreviewer
from outsend_platform.objects import ObjectStorage
from outsend_platform.service import Runtime, run_service
from outsend_runner.worker import serve_modules
from outsend_web.fetch import Fetcher


async def setup(runtime: Runtime) -> list[Coroutine[Any, Any, None]]:
    fetcher = Fetcher.from_env()
    previewer = FilterPreviewer(ObjectStorage(runtime.broker.js))
    await runtime.rpc.route(subjects.ENRICHERS_FILTER_PREVIEW, FilterPreviewRequest, previewer.preview)

    async def close_fetcher() -> None:
        await runtime.stop.wait()
        await fetcher.close()

    return [*await serve_modules(runtime, MODULES, {"fetcher": fetcher}), close_fetcher()]


def main() -> None:
    run_service("enrichers", setup, schema="enrichers")
