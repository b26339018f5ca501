"""The web UI: a static single-page app over the same API."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEB = Path(__file__).resolve().parent.parent / "web"

router = APIRouter(include_in_schema=False)
static = StaticFiles(directory=WEB)


@router.get("/")
@router.get("/verify-email")
@router.get("/reset-password")
async def index() -> FileResponse:
    return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})
