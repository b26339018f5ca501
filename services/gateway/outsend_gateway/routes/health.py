"""``GET /api/health``: 200 once every service answers ready, 503 before.

One probe of every service answers every health request that arrives while it runs and for
``FRESH_FOR`` seconds after: a load balancer or a monitor polling hard costs the services
one round of probes per tenth of a second, not one per request.
"""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from outsend_contracts import errors, subjects
from outsend_contracts.rpc import HealthReply
from outsend_gateway.context import Gateway
from outsend_gateway.security import GatewayDep

router = APIRouter(tags=["platform"])

FRESH_FOR = 0.1
Answer = tuple[dict[str, object], int]


@router.get("/api/health")
async def health(request: Request, gateway: GatewayDep) -> JSONResponse:
    state = request.app.state
    probe: tuple[float, asyncio.Task[Answer]] | None = getattr(state, "health_probe", None)
    if probe is None or (probe[1].done() and time.monotonic() - probe[0] > FRESH_FOR):
        probe = (time.monotonic(), asyncio.ensure_future(_probe_all(gateway)))
        state.health_probe = probe
    body, status = await asyncio.shield(probe[1])
    return JSONResponse(body, status_code=status)


async def _probe_all(gateway: Gateway) -> Answer:
    async def probe(service: str) -> dict[str, object]:
        try:
            reply = await gateway.call(subjects.health(service), {}, HealthReply, timeout=1.5)
            return {"ready": reply.ready, "version": reply.version}
        except errors.DomainError:
            return {"ready": False}

    answers = await asyncio.gather(*(probe(service) for service in subjects.SERVICES))
    services: dict[str, dict[str, object]] = {"gateway": {"ready": True}}
    services.update(zip(subjects.SERVICES, answers, strict=True))
    ready = all(answer["ready"] for answer in services.values())
    return {"ok": ready, "services": services}, 200 if ready else 503
