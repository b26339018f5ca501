"""Reading the bodies of ``POST /api/veille`` and ``PATCH /api/veille/{id}`` (400 on anything wrong)."""

from __future__ import annotations

from typing import Any

from outsend_contracts import errors
from outsend_contracts.veille.commands import (
    MAX_FREQUENCY_DAYS,
    MIN_FREQUENCY_DAYS,
    NAME_LENGTH,
    SOURCE_ID_LENGTH,
    CreateVeille,
    UpdateVeille,
)

CREATE_FIELDS = ("name", "source_job_id", "source_pipeline_id", "frequency_days")
UPDATE_FIELDS = ("name", "frequency_days", "status")
STATUSES = ("active", "paused", "deleted")


def _refuse(message: str) -> errors.DomainError:
    return errors.DomainError(400, message)


def _known(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for field in body:
        if field not in allowed:
            raise _refuse(errors.UNKNOWN_FIELD.format(field=field, allowed=", ".join(allowed)))


def _name(value: Any) -> str:
    low, high = NAME_LENGTH
    if not isinstance(value, str) or not low <= len(value.strip()) <= high:
        raise _refuse(errors.VEILLE_BAD_NAME.format(min=low, max=high))
    return value.strip()


def _frequency(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_FREQUENCY_DAYS <= value <= MAX_FREQUENCY_DAYS:
        raise _refuse(errors.VEILLE_BAD_FREQUENCY.format(min=MIN_FREQUENCY_DAYS, max=MAX_FREQUENCY_DAYS))
    return value


def _source_id(field: str, value: Any) -> str | None:
    if value is None:
        return None
    low, high = SOURCE_ID_LENGTH
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise _refuse(errors.VEILLE_BAD_SOURCE_ID.format(field=field, min=low, max=high))
    return value


def create_command(body: Any, *, user_id: int, request_id: str) -> CreateVeille:
    if not isinstance(body, dict):
        raise _refuse(errors.VALIDATION_FAILED)
    _known(body, CREATE_FIELDS)
    job = _source_id("source_job_id", body.get("source_job_id"))
    pipeline = _source_id("source_pipeline_id", body.get("source_pipeline_id"))
    if (job is None) == (pipeline is None):
        raise _refuse(errors.VEILLE_ONE_SOURCE)
    return CreateVeille(
        request_id=request_id,
        user_id=user_id,
        name=_name(body.get("name")),
        frequency_days=_frequency(body.get("frequency_days")),
        source_job_id=job,
        source_pipeline_id=pipeline,
    )


def update_command(body: Any, *, veille_id: int, user_id: int) -> UpdateVeille:
    if not isinstance(body, dict):
        raise _refuse(errors.VALIDATION_FAILED)
    _known(body, UPDATE_FIELDS)
    status = body.get("status")
    if status is not None and status not in STATUSES:
        raise _refuse(errors.VEILLE_BAD_STATUS)
    return UpdateVeille(
        veille_id=veille_id,
        user_id=user_id,
        name=_name(body["name"]) if "name" in body else None,
        frequency_days=_frequency(body["frequency_days"]) if "frequency_days" in body else None,
        status=status,
    )
