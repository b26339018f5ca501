"""``GET /api/health``: 200 once every service answers ready, 503 before."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from outsend_contracts import errors, subjects
from outsend_contracts.rpc import HealthReply
from outsend_gateway.security import GatewayDep

router = APIRouter(tags=["platform"])


@router.get("/api/health")
async def health(gateway: GatewayDep) -> JSONResponse:
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
    return JSONResponse({"ok": ready, "services": services}, status_code=200 if ready else 503)
