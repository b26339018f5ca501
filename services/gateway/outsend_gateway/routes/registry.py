"""``GET /api/modules-registry``: the declared registry, with what running workers serve laid over it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from outsend_contracts.registry import registry_document
from outsend_gateway.security import GatewayDep

router = APIRouter(tags=["registry"])


@router.get("/api/modules-registry")
async def modules_registry(gateway: GatewayDep) -> dict[str, Any]:
    return registry_document(await gateway.served_modules())
