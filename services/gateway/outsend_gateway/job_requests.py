"""Turning a job request into a ``CreateJob`` command: the checks the gateway owns.

Shape errors answer 422, business refusals 400, modules without a worker 503 — each with the
French ``detail`` the documentation gives.
"""

from __future__ import annotations

from typing import Any

import msgspec

from outsend_contracts import aliases, errors, subjects
from outsend_contracts.auth import UserPublic
from outsend_contracts.clock import new_job_id
from outsend_contracts.config_schema import ConfigFieldError
from outsend_contracts.jobs.commands import CREATE_TIMEOUT, ESTIMATE_TIMEOUT, CreateJob
from outsend_contracts.jobs.state import JobPublic, JobState
from outsend_contracts.module_options import read_options
from outsend_contracts.registry import ModuleSpec, Stage
from outsend_contracts.scrape import Estimate, EstimateQuery
from outsend_gateway.context import Gateway

SHARED_KEYS = ("items", "source_job_id")


async def ensure_launchable(gateway: Gateway, spec: ModuleSpec | None, requested: str) -> ModuleSpec:
    if spec is None:
        raise errors.DomainError(404, errors.UNKNOWN_MODULE.format(slug=requested))
    if spec.stage is Stage.ALPHA_UNAVAILABLE:
        raise errors.DomainError(503, errors.MODULE_ALPHA_FROZEN.format(slug=spec.slug))
    if spec.stage is not Stage.ACTIVE:
        raise errors.DomainError(400, errors.MODULE_NOT_LAUNCHABLE.format(slug=spec.slug, stage=spec.stage.value))
    if spec.slug not in await gateway.served_modules():
        raise errors.DomainError(503, errors.MODULE_NO_WORKER.format(slug=spec.slug))
    return spec


def module_options(spec: ModuleSpec, body: dict[str, Any]) -> dict[str, Any]:
    """A module's options, read at the top level of the body under their ``config_schema`` names."""
    check_fields(spec, body)
    try:
        return read_options(spec, {k: v for k, v in body.items() if k not in SHARED_KEYS})
    except ConfigFieldError as error:
        if error.field in spec.option_errors:
            detail = spec.option_errors[error.field].format_map({error.field: body.get(error.field)})
            raise errors.DomainError(400, detail) from error
        if error.misplaced:
            detail = errors.OPTION_INVALID.format(field=error.field, reason=error.reason)
            raise errors.DomainError(400, detail) from error
        raise errors.DomainError(
            422,
            {"message": errors.VALIDATION_FAILED, "errors": [{"field": error.field, "message": error.reason}]},
        ) from error


def check_fields(spec: ModuleSpec, body: dict[str, Any]) -> None:
    """Refuse a field the module does not read: dropped, it would leave the user believing it counted."""
    for field, refusal in spec.refused_fields.items():
        if field in body:
            raise errors.DomainError(400, refusal)
    allowed = [*(SHARED_KEYS if spec.items_driven else ()), *spec.config_schema, *spec.option_aliases]
    for field in body:
        if field not in allowed:
            raise errors.DomainError(400, errors.UNKNOWN_FIELD.format(field=field, allowed=", ".join(allowed)))


async def create_job(gateway: Gateway, user: UserPublic, spec: ModuleSpec, body: dict[str, Any]) -> JobPublic:
    """``POST /api/jobs/{type}`` for every launchable module: the jobs service prepares the job."""
    options = module_options(spec, body)
    if spec.items_driven:
        return await _create_items_job(gateway, user, spec, body, options)
    job_id = new_job_id()
    input_object = await _set_aside_inline_input(gateway, spec, job_id, options)
    command = CreateJob(job_id=job_id, user_id=user.id, job_type=spec.slug, params=options, input_object=input_object)
    return await _send(gateway, command)


async def _set_aside_inline_input(
    gateway: Gateway, spec: ModuleSpec, job_id: str, options: dict[str, Any]
) -> str | None:
    """Text pasted as an option becomes the job's input object: commands and events stay small
    and free of the rows people paste, whichever source the job reads."""
    choice = spec.source_choice
    if choice is None:
        return None
    chosen = choice.inline_option(options)
    inline = {source.option: options.pop(source.option, None) for source in choice.sources.values() if source.inline}
    if chosen is None:
        return None
    name = f"{job_id}{choice.inline_suffix}"
    await gateway.objects.put(subjects.OBJ_INPUTS, name, str(inline[chosen]).encode("utf-8"))
    return name


async def _create_items_job(
    gateway: Gateway, user: UserPublic, spec: ModuleSpec, body: dict[str, Any], options: dict[str, Any]
) -> JobPublic:
    items = body.get("items")
    source_job_id = body.get("source_job_id")
    if items is None and not source_job_id:
        raise errors.DomainError(422, errors.MODULE_NEEDS_ITEMS)
    job_id = new_job_id()
    input_object = None
    if items is not None:
        check_needs(spec, items)
        count = len(items)
        input_object = f"{job_id}.json"
        await gateway.objects.put(subjects.OBJ_INPUTS, input_object, msgspec.json.encode(items))
    else:
        count = await _source_rows_with_needs(gateway, user, spec, str(source_job_id))
    command = CreateJob(
        job_id=job_id,
        user_id=user.id,
        job_type=spec.slug,
        params=options,
        input_object=input_object,
        items_count=count,
        source_job_id=str(source_job_id) if source_job_id else None,
    )
    return await _send(gateway, command)


def check_needs(spec: ModuleSpec, items: list[dict[str, Any]]) -> None:
    """Refuse, at creation, a list in which no row has a column the module cannot do without."""
    if not spec.drops_rows_without_needs or not spec.needs:
        return
    headers: dict[str, None] = {}
    for item in items:
        headers.update(dict.fromkeys(item))
    mapping = aliases.map_columns(headers)
    for need in spec.needs:
        column = mapping.source(need)
        if column is None or not any(str(item.get(column) or "").strip() for item in items):
            raise errors.DomainError(400, aliases.missing_column_message(need))


async def _source_rows_with_needs(gateway: Gateway, user: UserPublic, spec: ModuleSpec, source_job_id: str) -> int:
    source = await gateway.job(source_job_id, user.id)
    result = await gateway.result_rows(source.id) if source.download_available else None
    if result is None:
        return source.results_count  # the jobs service refuses a source that is not done
    _, rows = result
    check_needs(spec, rows)
    return len(rows)


async def estimate_run(gateway: Gateway, spec: ModuleSpec, options: dict[str, Any]) -> Estimate:
    """``POST /api/estimate``: the module's estimator prices a run with these options."""
    assert spec.estimate_subject is not None
    return await gateway.call(spec.estimate_subject, EstimateQuery(options=options), Estimate, timeout=ESTIMATE_TIMEOUT)


async def _send(gateway: Gateway, command: CreateJob) -> JobPublic:
    try:
        state = await gateway.command(subjects.CMD_JOBS_CREATE, command, command.job_id, JobState, CREATE_TIMEOUT)
    except errors.DomainError:
        if command.input_object:  # refused: leave no orphan input behind
            await gateway.objects.delete(subjects.OBJ_INPUTS, command.input_object)
        raise
    return state.public()
