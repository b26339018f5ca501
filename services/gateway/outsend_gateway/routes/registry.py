"""``GET /api/modules-registry``: the module registry, straight from the contracts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from outsend_contracts.registry import registry_document

router = APIRouter(tags=["registry"])
_DOCUMENT = registry_document()


@router.get("/api/modules-registry")
async def modules_registry() -> dict[str, Any]:
    return _DOCUMENT
