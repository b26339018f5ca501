"""``/api/jobs``: create, list, inspect, control and export jobs (Jobs API page)."""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import APIRouter, Body, Query, Response
from fastapi.responses import Response as RawResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from outsend_contracts import errors, registry, subjects
from outsend_contracts.clock import new_job_id
from outsend_contracts.config_schema import FieldSpec
from outsend_contracts.jobs.commands import CancelJob, DeleteJob, ListJobs, ResumeJob
from outsend_contracts.jobs.state import JobState, JobStatus
from outsend_contracts.registry import ModuleSpec
from outsend_contracts.scrape import Estimate
from outsend_gateway import exports
from outsend_gateway.feedback_threads import request_on_demand
from outsend_gateway.job_requests import check_fields, create_job, ensure_launchable, estimate_scrape, module_options
from outsend_gateway.security import ActiveUser, GatewayDep, User, VerifiedUser

router = APIRouter(tags=["jobs"])

MAX_ITEMS_PAGE = 1000


def _public(state: JobState) -> dict[str, Any]:
    return msgspec.to_builtins(state.public())  # type: ignore[no-any-return]


# --- creation --------------------------------------------------------------------------------------
_PYTHON_TYPES: dict[str, Any] = {
    "string": str,
    "string[]": list[str] | str,
    "int": int | str,
    "float": float | str,
    "bool": bool | str,
    "enum": str,
    "object": dict[str, Any],
}


def body_model(spec: ModuleSpec) -> type[BaseModel]:
    """The request body of a typed endpoint, for OpenAPI; options are checked by the contracts."""
    fields: dict[str, Any] = {}
    if spec.items_driven:
        fields["items"] = (list[dict[str, Any]] | None, Field(None, min_length=1, max_length=registry.MAX_ITEMS))
        fields["source_job_id"] = (str | None, Field(None, max_length=64))
    for name, field_spec in spec.config_schema.items():
        fields[name] = (_PYTHON_TYPES[field_spec.type] | None, Field(None, description=_describe(field_spec)))
    return create_model(
        f"{spec.slug.title().replace('_', '')}JobRequest", __config__=ConfigDict(extra="allow"), **fields
    )


def _describe(spec: FieldSpec) -> str:
    parts = [spec.label]
    if spec.enum:
        parts.append("valeurs : " + " | ".join(value or '""' for value in spec.enum))
    if spec.default is not None:
        parts.append(f"défaut : {spec.default}")
    if spec.required:
        parts.append("requis")
    return " — ".join(part for part in parts if part)


def _typed_endpoint(spec: ModuleSpec) -> Any:
    model = body_model(spec)

    async def create(body: BaseModel, user: ActiveUser, gateway: GatewayDep) -> dict[str, Any]:
        launchable = await ensure_launchable(gateway, spec, spec.slug)
        raw = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        return msgspec.to_builtins(await create_job(gateway, user, launchable, raw))  # type: ignore[no-any-return]

    create.__annotations__["body"] = model  # the module's own body model, for validation and OpenAPI
    create.__name__ = f"create_{spec.slug}_job"
    create.__doc__ = f"Crée un job « {spec.label_fr} » ({spec.slug})."
    return create


ScrapBody = body_model(registry.REGISTRY["scrap"])


@router.post("/api/jobs", summary="Create a scrap job")
async def create_scrap_job(body: ScrapBody, user: VerifiedUser, gateway: GatewayDep) -> dict[str, Any]:  # type: ignore[valid-type]
    spec = await ensure_launchable(gateway, registry.REGISTRY["scrap"], "scrap")
    raw = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    return msgspec.to_builtins(await create_job(gateway, user, spec, raw))  # type: ignore[no-any-return]


@router.post("/api/estimate", summary="Estimate the EF cost of a scrap job")
async def estimate(body: ScrapBody, user: User, gateway: GatewayDep) -> dict[str, Any]:  # type: ignore[valid-type]
    raw = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    spec = registry.REGISTRY["scrap"]
    check_fields(spec, raw)
    if missing := _missing_terms(raw):
        return msgspec.to_builtins(_not_estimable(raw, missing))  # type: ignore[no-any-return]
    await ensure_launchable(gateway, spec, "scrap")
    result = await estimate_scrape(gateway, module_options(spec, raw))
    return msgspec.to_builtins(result)  # type: ignore[no-any-return]


def _missing_terms(raw: dict[str, Any]) -> list[str]:
    """What the page lets an estimate lack (queries, zones), as the errors a job would get."""
    missing = [errors.NO_QUERY] if not raw.get("queries") else []
    return missing + ([errors.NO_ZONE] if not raw.get("zones") else [])


def _not_estimable(raw: dict[str, Any], missing: list[str]) -> Estimate:
    queries = raw.get("queries") or []
    if isinstance(queries, str):  # one query a line, as the schema reads a text
        queries = [line for line in queries.splitlines() if line.strip()]
    return Estimate(
        valid=False,
        grid_points=0,
        total_requests=0,
        queries_count=len(queries),
        ef_cost=0.0,
        estimated_duration_seconds=0,
        errors=missing,
        warnings=[],
    )


for _spec in sorted(registry.REGISTRY.values(), key=lambda spec: spec.slug):
    if _spec.api_endpoint and _spec.slug != "scrap":
        router.post(_spec.api_endpoint, summary=f"Create a {_spec.slug} job", name=f"create_{_spec.slug}")(
            _typed_endpoint(_spec)
        )


@router.post("/api/jobs/scrap", summary="Create a scrap job (typed form)")
async def create_scrap_job_typed(body: ScrapBody, user: VerifiedUser, gateway: GatewayDep) -> dict[str, Any]:  # type: ignore[valid-type]
    return await create_scrap_job(body, user, gateway)


@router.post("/api/jobs/{job_type}", summary="On-demand, unknown or non-launchable module")
async def create_other(job_type: str, user: ActiveUser, gateway: GatewayDep, body: Any = Body(None)) -> RawResponse:
    """An on-demand module opens a feedback thread (topic ``on_demand_<slug>``) instead of a job."""
    spec = registry.by_endpoint_slug(job_type)
    if spec is not None and spec.stage is registry.Stage.ON_DEMAND:
        return await request_on_demand(gateway, user, spec, body)
    await ensure_launchable(gateway, spec, job_type)
    raise errors.DomainError(404, errors.UNKNOWN_MODULE.format(slug=job_type))


# --- reading -------------------------------------------------------------------------------------
@router.get("/api/jobs")
async def list_jobs(
    user: User, gateway: GatewayDep, limit: int = Query(100), offset: int = Query(0)
) -> list[dict[str, Any]]:
    states = await gateway.call(
        subjects.JOBS_LIST,
        ListJobs(user_id=user.id, limit=min(max(limit, 1), 500), offset=max(offset, 0)),
        list[JobState],
    )
    return [_public(state) for state in states]


@router.get("/api/jobs/{job_id}")
async def get_job(job_id: str, user: User, gateway: GatewayDep) -> dict[str, Any]:
    return _public(await gateway.job(job_id, user.id))


@router.get("/api/jobs/{job_id}/items")
async def job_items(
    job_id: str,
    user: User,
    gateway: GatewayDep,
    offset: int = Query(0, ge=0),
    limit: int = Query(200, ge=1),
) -> dict[str, Any]:
    state = await gateway.job(job_id, user.id)
    if not registry.REGISTRY[state.job_type].reusable_output:
        raise errors.DomainError(400, errors.JOB_NO_REUSABLE_OUTPUT)
    if state.status is JobStatus.EXPIRED:
        raise errors.DomainError(410, errors.RESULT_GONE)
    if state.status is not JobStatus.DONE:
        raise errors.DomainError(400, _not_done_reason(state))
    result = await gateway.result_rows(state.id)
    if result is None:
        raise errors.DomainError(410, errors.RESULT_GONE)
    _, rows = result
    return {"count": len(rows), "items": rows[offset : offset + min(limit, MAX_ITEMS_PAGE)]}


def _not_done_reason(state: JobState) -> str:
    """Why ``/items`` has no rows for a job that is not ``done``: the page serves only those."""
    if state.status is JobStatus.CANCELLED:
        return errors.ITEMS_JOB_CANCELLED if state.download_available else errors.ITEMS_JOB_CANCELLED_EMPTY
    if state.status is JobStatus.FAILED:
        return errors.ITEMS_JOB_FAILED.format(reason=state.error_message or errors.REASON_UNKNOWN)
    return errors.JOB_NOT_DONE


@router.get("/api/jobs/{job_id}/download")
async def download(job_id: str, user: User, gateway: GatewayDep, format: str = Query("csv")) -> Response:
    if format not in exports.MEDIA_TYPES:
        raise errors.DomainError(400, errors.UNSUPPORTED_FORMAT.format(format=format))
    state = await gateway.job(job_id, user.id)
    if state.status in (JobStatus.PENDING, JobStatus.RUNNING):
        raise errors.DomainError(400, errors.JOB_NOT_DONE)
    result = await gateway.result_rows(state.id) if state.download_available else None
    if result is None:
        raise errors.DomainError(410, errors.RESULT_GONE)
    columns, rows = result
    filename = state.output_filename or f"results_{state.id}.csv"
    base = filename.rsplit(".", 1)[0]
    content, name = await _render(format, columns, rows, filename, base)
    return RawResponse(
        content,
        media_type=exports.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _render(
    format: str, columns: list[str], rows: list[dict[str, str]], filename: str, base: str
) -> tuple[bytes, str]:
    name = filename if format == "csv" else f"{base}.{format}"
    return await exports.render(format, columns, rows), name


# --- control ---------------------------------------------------------------------------------------
@router.post("/api/jobs/{job_id}/cancel")
async def cancel(job_id: str, user: ActiveUser, gateway: GatewayDep) -> dict[str, bool]:
    await gateway.command(subjects.CMD_JOBS_CANCEL, CancelJob(job_id=job_id, user_id=user.id), new_job_id(), dict)
    return {"ok": True}


@router.post("/api/jobs/{job_id}/resume")
async def resume(job_id: str, user: VerifiedUser, gateway: GatewayDep) -> dict[str, Any]:
    new_id = new_job_id()
    state = await gateway.command(
        subjects.CMD_JOBS_RESUME, ResumeJob(job_id=job_id, new_job_id=new_id, user_id=user.id), new_id, JobState
    )
    return _public(state)


@router.delete("/api/jobs/{job_id}", status_code=204)
async def delete(job_id: str, user: ActiveUser, gateway: GatewayDep) -> Response:
    await gateway.command(subjects.CMD_JOBS_DELETE, DeleteJob(job_id=job_id, user_id=user.id), new_job_id(), dict)
    gateway.forget_result(job_id)
    return Response(status_code=204)
