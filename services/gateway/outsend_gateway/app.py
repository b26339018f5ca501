"""The FastAPI application: routes, error shapes, request checks (size, characters), tracing, the UI's files."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig

from outsend_contracts import subjects
from outsend_gateway.asyncapi_page import PublishedContract
from outsend_gateway.browser_guard import BrowserGuard
from outsend_gateway.context import Gateway
from outsend_gateway.errors import install_error_handlers
from outsend_gateway.request_guard import RequestGuard
from outsend_gateway.routes import (
    admin,
    ai,
    api_keys,
    asyncapi,
    auth,
    features,
    feedback,
    health,
    jobs,
    llms,
    pipelines,
    registry,
    streams,
    veille,
    web,
)
from outsend_gateway.settings import GatewaySettings
from outsend_gateway.static_assets import PREFIX as STATIC_PREFIX
from outsend_gateway.static_assets import StaticAssets
from outsend_platform import broker
from outsend_platform.settings import Settings

DESCRIPTION = "API REST + SSE d'outsend : jobs, pipelines, veille, registre des modules."


UNTRACED = ("/api/health", STATIC_PREFIX)
TELEMETRY: TelemetryConfig = {
    "operation_spans": False,
    "metrics": False,
    "logs": False,
    "exclude": lambda scope: str(scope.get("path", "")).startswith(UNTRACED),
}
"""FastAPI's own tracing: one server span per request, ``<METHOD> <route>`` (the route the
router matched, not matched again), continuing the caller's ``traceparent``; it is the parent
of the request's NATS calls. No spans per dependency or serialisation step, none for health
checks and static files. Sampling follows the standard ``OTEL_TRACES_SAMPLER`` variables."""


def create_app(settings: GatewaySettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        platform = Settings.from_env()
        connection = await broker.connect(platform.nats_url, "gateway")
        await broker.ensure_resources(connection.js)
        app.state.asyncapi = PublishedContract.generate(platform.nats_url)
        app.state.gateway = gateway = Gateway(broker=connection, settings=settings)
        await connection.nc.subscribe(subjects.CREDENTIALS_CHANGED, cb=gateway.credentials.on_changed)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 5)

    app = FastAPI(title="outsend", version="0.1.0", description=DESCRIPTION, lifespan=lifespan, telemetry=TELEMETRY)
    install_error_handlers(app)
    # Jobs first: their reads are most of the traffic, and routers are tried in this order.
    for module in (
        jobs,
        streams,
        health,
        auth,
        api_keys,
        ai,
        registry,
        features,
        feedback,
        admin,
        pipelines,
        veille,
        asyncapi,
        llms,
        web,
    ):
        app.include_router(module.router)
    # Pure ASGI layers, outermost last: headers for browsers, the UI's files from memory, then
    # the size and character checks.
    app.add_middleware(RequestGuard, max_bytes=settings.max_body_bytes)
    app.add_middleware(StaticAssets, directory=web.WEB)
    app.add_middleware(BrowserGuard, public_url=settings.public_url)
    return app
