"""The FastAPI application: routes, error shapes, request checks (size, characters), tracing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from outsend_gateway.asyncapi_page import PublishedContract
from outsend_gateway.browser_guard import BrowserGuard
from outsend_gateway.context import Gateway
from outsend_gateway.errors import install_error_handlers
from outsend_gateway.request_guard import RequestGuard
from outsend_gateway.routes import (
    admin,
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
from outsend_platform import broker
from outsend_platform.settings import Settings

DESCRIPTION = "API REST + SSE d'outsend : jobs, pipelines, veille, registre des modules."


def create_app(settings: GatewaySettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        platform = Settings.from_env()
        connection = await broker.connect(platform.nats_url, "gateway")
        await broker.ensure_resources(connection.js)
        app.state.asyncapi = PublishedContract.generate(platform.nats_url)
        app.state.gateway = Gateway(broker=connection, settings=settings)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 5)

    app = FastAPI(title="outsend", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(app)
    for module in (
        health,
        auth,
        api_keys,
        registry,
        features,
        feedback,
        admin,
        streams,
        jobs,
        pipelines,
        veille,
        asyncapi,
        llms,
        web,
    ):
        app.include_router(module.router)
    app.mount("/static", web.static, name="static")
    app.add_middleware(RequestGuard, max_bytes=settings.max_body_bytes)
    app.add_middleware(BrowserGuard, public_url=settings.public_url)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="api/health")
    return app
