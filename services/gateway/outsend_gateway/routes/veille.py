"""``/api/veille``: recurring watches of a scrape or a pipeline, their runs, diffs and signals
(Veille API page). Bodies are read here; decisions are commands to the veille service and reads
are requests to it. Another user's veille answers 404, as a missing one does.
"""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import APIRouter, Body, Header, Query
from fastapi.responses import Response as RawResponse

from outsend_contracts import errors, subjects
from outsend_contracts.clock import new_id
from outsend_contracts.veille import commands as cmd
from outsend_contracts.veille.public import Items, RunPublic, VeillePublic
from outsend_contracts.veille.requests import create_command, update_command
from outsend_gateway import exports
from outsend_gateway.security import ActiveUser, GatewayDep

router = APIRouter(tags=["veille"])

SIGNAL_COLUMNS = (
    "nom", "adresse", "telephone", "site_web", "email", "lien_google_maps", "note_avant", "note_apres",
    "delta_note", "avis_avant", "avis_apres", "delta_avis", "score", "kind", "telephone_avant", "site_web_avant",
)  # fmt: skip
"""The export's columns: the page's, then the kind of signal and the contact before it changed."""


def _veille_id(value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise errors.DomainError(404, errors.VEILLE_NOT_FOUND)
    return int(value)


def _run_id(value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise errors.DomainError(404, errors.VEILLE_RUN_NOT_FOUND)
    return int(value)


def _builtins(value: Any) -> Any:
    return msgspec.to_builtins(value)


@router.get("/api/veille", summary="The caller's active and paused veilles")
async def list_veilles(user: ActiveUser, gateway: GatewayDep) -> dict[str, Any]:
    return _builtins(await gateway.call(subjects.VEILLE_LIST, cmd.ListVeilles(user_id=user.id), Items))  # type: ignore[no-any-return]


@router.post("/api/veille", summary="Watch a finished scrape or pipeline on a cadence")
async def create(
    user: ActiveUser,
    gateway: GatewayDep,
    body: Any = Body(None),
    idempotency_key: str | None = Header(None, max_length=128),
) -> dict[str, Any]:
    request_id = f"{user.id}:{idempotency_key}" if idempotency_key else new_id("veille")
    command = create_command(body, user_id=user.id, request_id=request_id)
    return _builtins(await gateway.command(subjects.CMD_VEILLE_CREATE, command, request_id, VeillePublic))  # type: ignore[no-any-return]


@router.get("/api/veille/{veille_id}", summary="One veille")
async def get(veille_id: str, user: ActiveUser, gateway: GatewayDep) -> dict[str, Any]:
    query = cmd.GetVeille(veille_id=_veille_id(veille_id), user_id=user.id)
    return _builtins(await gateway.call(subjects.VEILLE_GET, query, VeillePublic))  # type: ignore[no-any-return]


@router.patch("/api/veille/{veille_id}", summary="Rename, reschedule, pause, resume or delete a veille")
async def update(veille_id: str, user: ActiveUser, gateway: GatewayDep, body: Any = Body(None)) -> dict[str, Any]:
    command = update_command(body, veille_id=_veille_id(veille_id), user_id=user.id)
    return _builtins(await gateway.command(subjects.CMD_VEILLE_UPDATE, command, new_id("vupd"), VeillePublic))  # type: ignore[no-any-return]


@router.delete("/api/veille/{veille_id}", summary="Soft-delete a veille (kept for audit, never run again)")
async def delete(veille_id: str, user: ActiveUser, gateway: GatewayDep) -> dict[str, bool]:
    command = cmd.UpdateVeille(veille_id=_veille_id(veille_id), user_id=user.id, status="deleted")
    await gateway.command(subjects.CMD_VEILLE_UPDATE, command, new_id("vdel"), VeillePublic)
    return {"ok": True}


@router.post("/api/veille/{veille_id}/run", summary="Run a veille now, outside its cadence")
async def run_now(veille_id: str, user: ActiveUser, gateway: GatewayDep) -> dict[str, Any]:
    command = cmd.RunVeilleNow(veille_id=_veille_id(veille_id), user_id=user.id)
    started: dict[str, Any] = await gateway.command(subjects.CMD_VEILLE_RUN, command, new_id("vrun"), dict)
    return started


@router.get("/api/veille/{veille_id}/runs", summary="A veille's runs, newest first")
async def runs(veille_id: str, user: ActiveUser, gateway: GatewayDep) -> dict[str, Any]:
    query = cmd.GetRun(veille_id=_veille_id(veille_id), user_id=user.id)
    listed = _builtins(await gateway.call(subjects.VEILLE_RUNS, query, Items))
    return {"items": [_without_samples(run) for run in listed["items"]]}


def _without_samples(run: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in run.items() if key != "samples"}


@router.get("/api/veille/{veille_id}/runs/{run_id}", summary="One run, with capped samples of each bucket")
async def run(veille_id: str, run_id: str, user: ActiveUser, gateway: GatewayDep) -> dict[str, Any]:
    query = cmd.GetRun(veille_id=_veille_id(veille_id), user_id=user.id, run_id=_run_id(run_id))
    return _builtins(await gateway.call(subjects.VEILLE_RUN, query, RunPublic))  # type: ignore[no-any-return]


@router.get("/api/veille/{veille_id}/runs/{run_id}/signals", summary="A run's ranked reputation and contact signals")
async def signals(
    veille_id: str, run_id: str, user: ActiveUser, gateway: GatewayDep, format: str | None = Query(None)
) -> Any:
    found = await _signals(gateway, user.id, veille_id, run_id)
    if format is None:
        return {"items": found.items, "total": found.total}
    return await _export(found, format, veille_id, run_id)


@router.get("/api/veille/{veille_id}/runs/{run_id}/signals.{fmt}", summary="A run's signals as a file")
async def signals_file(veille_id: str, run_id: str, fmt: str, user: ActiveUser, gateway: GatewayDep) -> RawResponse:
    if fmt not in exports.MEDIA_TYPES:
        raise errors.DomainError(400, errors.UNSUPPORTED_FORMAT.format(format=fmt))
    return await _export(await _signals(gateway, user.id, veille_id, run_id), fmt, veille_id, run_id)


async def _signals(gateway: Any, user_id: int, veille_id: str, run_id: str) -> Items:
    query = cmd.GetRun(veille_id=_veille_id(veille_id), user_id=user_id, run_id=_run_id(run_id))
    result: Items = await gateway.call(subjects.VEILLE_SIGNALS, query, Items)
    return result


async def _export(found: Items, format: str, veille_id: str, run_id: str) -> RawResponse:
    if format not in exports.MEDIA_TYPES:
        raise errors.DomainError(400, errors.UNSUPPORTED_FORMAT.format(format=format))
    columns = list(SIGNAL_COLUMNS)
    rows = [{column: _cell(signal.get(column)) for column in columns} for signal in found.items]
    content = await exports.render(format, columns, rows)
    name = f"signaux-reputation-veille-{int(veille_id)}-run-{int(run_id)}.{format}"
    return RawResponse(
        content,
        media_type=exports.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
