"""``/api/pipelines``: the node schema, validation, creation, reading and inspection (Pipelines API).

The schema and the validation are answered here, from the contracts; creating, resuming and
cancelling are commands to the coordinator; reads are requests to it.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from fastapi import APIRouter, Body

from outsend_contracts import errors, subjects
from outsend_contracts.auth import UserPublic
from outsend_contracts.clock import new_id
from outsend_contracts.pipelines.commands import (
    CancelPipeline,
    CreatePipeline,
    GetPipeline,
    InspectNode,
    ListPipelines,
    PreviewNodeFilter,
    ResumePipeline,
)
from outsend_contracts.pipelines.definition import PipelineDefinition, PipelineDefinitionError, read_request
from outsend_contracts.pipelines.public import (
    FilterPreview,
    InputColumns,
    PipelineDetail,
    PipelineStarted,
    PipelineSummary,
)
from outsend_contracts.pipelines.schema import NODE_MODULES, pipeline_schema
from outsend_gateway.context import Gateway
from outsend_gateway.job_requests import ensure_launchable
from outsend_gateway.security import ActiveUser, GatewayDep, User

router = APIRouter(tags=["pipelines"])

MAX_DEFINITION_BYTES = 256 * 1024
"""A definition's size once pasted CSV is set aside (it travels as a command)."""


def _builtins(value: Any) -> Any:
    return msgspec.to_builtins(value)


@router.get("/api/pipelines/schema", summary="The canonical pipeline node schema (public)")
async def schema(gateway: GatewayDep) -> dict[str, Any]:
    return pipeline_schema(await gateway.served_modules())


@router.post("/api/pipelines/validate", summary="Normalise and validate a definition, without side effects")
async def validate(user: User, gateway: GatewayDep, body: Any = Body(None)) -> dict[str, Any]:
    try:
        request = read_request(body)
    except PipelineDefinitionError as error:
        return {"ok": False, "error": str(error)}
    if unserved := _unserved_module(request.definition, await gateway.served_modules()):
        return {"ok": False, "error": errors.MODULE_NO_WORKER.format(slug=unserved)}
    return {
        "ok": True,
        "name": request.name,
        "definition": _builtins(request.definition),
        "summary": request.definition.summary(),
    }


@router.post("/api/pipelines", status_code=201, summary="Create a pipeline and start its root jobs")
async def create(user: ActiveUser, gateway: GatewayDep, body: Any = Body(None)) -> dict[str, Any]:
    try:
        request = read_request(body)
    except PipelineDefinitionError as error:
        raise errors.DomainError(400, str(error)) from error
    await _ensure_runnable(gateway, user, request.definition)
    pipeline_id = str(uuid.uuid4())
    definition, inputs = await _set_aside_pasted_csv(gateway, pipeline_id, request.definition)
    if len(msgspec.json.encode(definition)) > MAX_DEFINITION_BYTES:
        raise errors.DomainError(400, errors.PIPELINE_TOO_LARGE.format(max_kb=MAX_DEFINITION_BYTES // 1024))
    command = CreatePipeline(
        pipeline_id=pipeline_id, user_id=user.id, name=request.name, definition=definition, inputs=inputs
    )
    started = await gateway.command(subjects.CMD_PIPELINES_CREATE, command, pipeline_id, PipelineStarted)
    return _builtins(started)  # type: ignore[no-any-return]


def _unserved_module(definition: PipelineDefinition, served: frozenset[str]) -> str | None:
    """The first module of the definition that no running worker serves, if any."""
    slugs = (NODE_MODULES[node.type].slug for node in definition.nodes)
    return next((slug for slug in slugs if slug not in served), None)


async def _ensure_runnable(gateway: Gateway, user: UserPublic, definition: PipelineDefinition) -> None:
    """Every node's module has a worker (503 otherwise); scraping needs a verified address, as jobs do."""
    for node_type in dict.fromkeys(node.type for node in definition.nodes):
        spec = NODE_MODULES[node_type]
        await ensure_launchable(gateway, spec, spec.slug)
        if spec.needs_verified_email and not user.email_verified:
            raise errors.DomainError(403, errors.EMAIL_NOT_VERIFIED)


async def _set_aside_pasted_csv(
    gateway: Gateway, pipeline_id: str, definition: PipelineDefinition
) -> tuple[PipelineDefinition, dict[str, str]]:
    """Pasted CSV goes to the object store, like a job's items: commands and events stay small
    and free of the rows people paste."""
    inputs: dict[str, str] = {}
    nodes = []
    for index, node in enumerate(definition.nodes):
        choice = NODE_MODULES[node.type].source_choice
        option = choice.inline_option(node.config) if choice else None
        if choice and option:
            name = f"pipeline_{pipeline_id}_{index}{choice.inline_suffix}"
            await gateway.objects.put(subjects.OBJ_INPUTS, name, str(node.config[option]).encode("utf-8"))
            inputs[node.id] = name
            config = {key: value for key, value in node.config.items() if key != option}
            node = msgspec.structs.replace(node, config=config)
        nodes.append(node)
    return PipelineDefinition(nodes=nodes, edges=definition.edges), inputs


@router.get("/api/pipelines", summary="The caller's pipelines, newest first (50 at most)")
async def list_pipelines(user: User, gateway: GatewayDep) -> list[dict[str, Any]]:
    summaries = await gateway.call(subjects.PIPELINES_LIST, ListPipelines(user_id=user.id), list[PipelineSummary])
    return [_builtins(summary) for summary in summaries]


@router.get("/api/pipelines/{pipeline_id}", summary="A pipeline, its jobs and its output job")
async def get_pipeline(pipeline_id: str, user: User, gateway: GatewayDep) -> dict[str, Any]:
    query = GetPipeline(pipeline_id=pipeline_id, user_id=user.id)
    return _builtins(await gateway.call(subjects.PIPELINES_GET, query, PipelineDetail))  # type: ignore[no-any-return]


@router.patch("/api/pipelines/{pipeline_id}", status_code=405, summary="Not implemented: pipelines are immutable")
async def patch_pipeline(pipeline_id: str) -> None:
    raise errors.DomainError(405, errors.PIPELINE_NOT_MODIFIABLE, headers={"Allow": "GET"})


@router.delete("/api/pipelines/{pipeline_id}", status_code=405, summary="Not implemented yet")
async def delete_pipeline(pipeline_id: str) -> None:
    raise errors.DomainError(405, errors.PIPELINE_NOT_DELETABLE, headers={"Allow": "GET"})


@router.post("/api/pipelines/{pipeline_id}/run", status_code=405, summary="Not implemented: pipelines auto-start")
async def run_pipeline(pipeline_id: str) -> None:
    raise errors.DomainError(405, errors.PIPELINE_NO_RUN)


@router.post("/api/pipelines/{pipeline_id}/resume", summary="Run the failed or cancelled nodes again")
async def resume(pipeline_id: str, user: ActiveUser, gateway: GatewayDep) -> dict[str, Any]:
    command = ResumePipeline(pipeline_id=pipeline_id, user_id=user.id)
    started = await gateway.command(subjects.CMD_PIPELINES_RESUME, command, new_id("presume"), PipelineStarted)
    return _builtins(started)  # type: ignore[no-any-return]


@router.post("/api/pipelines/{pipeline_id}/cancel", summary="Stop a running pipeline and its jobs")
async def cancel(pipeline_id: str, user: ActiveUser, gateway: GatewayDep) -> dict[str, bool]:
    command = CancelPipeline(pipeline_id=pipeline_id, user_id=user.id)
    await gateway.command(subjects.CMD_PIPELINES_CANCEL, command, new_id("pcancel"), dict)
    return {"ok": True}


@router.get("/api/pipelines/{pipeline_id}/nodes/{node_id}/input-columns", summary="Profile of a node's input")
async def input_columns(pipeline_id: str, node_id: str, user: User, gateway: GatewayDep) -> dict[str, Any]:
    query = InspectNode(pipeline_id=pipeline_id, node_id=node_id, user_id=user.id)
    return _builtins(await gateway.call(subjects.PIPELINES_INPUT_COLUMNS, query, InputColumns, timeout=30))  # type: ignore[no-any-return]


@router.post(
    "/api/pipelines/{pipeline_id}/nodes/{node_id}/filter-preview", summary="Try filter rules on a node's input"
)
async def filter_preview(
    pipeline_id: str, node_id: str, user: User, gateway: GatewayDep, body: Any = Body(None)
) -> dict[str, Any]:
    if body is not None and not isinstance(body, dict):
        raise errors.DomainError(400, errors.PIPELINE_MALFORMED.format(reason="un objet JSON est attendu"))
    query = PreviewNodeFilter(pipeline_id=pipeline_id, node_id=node_id, user_id=user.id, config=body or {})
    return _builtins(await gateway.call(subjects.PIPELINES_FILTER_PREVIEW, query, FilterPreview, timeout=40))  # type: ignore[no-any-return]
