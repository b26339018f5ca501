"""Entry point of the gateway."""

from __future__ import annotations

import uvicorn

from outsend_gateway.app import create_app
from outsend_gateway.settings import GatewaySettings
from outsend_platform.logging import configure_logging
from outsend_platform.tracing import configure_tracing, shutdown_tracing


def main() -> None:
    configure_logging("gateway")
    configure_tracing("gateway")
    settings = GatewaySettings.from_env()
    try:
        uvicorn.run(
            create_app(settings),
            host=settings.http_host,
            port=settings.http_port,
            log_level="warning",
            access_log=False,
            proxy_headers=False,  # X-Forwarded-For is read by the app, from trusted proxies only
            timeout_graceful_shutdown=5,
        )
    finally:
        shutdown_tracing()
