"""Commands to the veille service (``cmd.veille.*``) and its queries (``svc.veille.*``)."""

from __future__ import annotations

import msgspec

from outsend_contracts import SCHEMA_VERSION
from outsend_contracts.veille.events import VeilleStatus

MIN_FREQUENCY_DAYS = 1
MAX_FREQUENCY_DAYS = 365
NAME_LENGTH = (2, 200)
SOURCE_ID_LENGTH = (8, 64)


class CreateVeille(msgspec.Struct, kw_only=True, frozen=True):
    request_id: str
    """Chosen by the gateway: the same request sent twice creates one veille."""
    user_id: int
    name: str
    frequency_days: int
    source_job_id: str | None = None
    source_pipeline_id: str | None = None
    schema_version: int = SCHEMA_VERSION


class UpdateVeille(msgspec.Struct, kw_only=True, frozen=True):
    """``PATCH`` (only the fields given) and ``DELETE`` (``status="deleted"``)."""

    veille_id: int
    user_id: int
    name: str | None = None
    frequency_days: int | None = None
    status: VeilleStatus | None = None
    schema_version: int = SCHEMA_VERSION


class RunVeilleNow(msgspec.Struct, kw_only=True, frozen=True):
    veille_id: int
    user_id: int
    schema_version: int = SCHEMA_VERSION


class GetVeille(msgspec.Struct, kw_only=True, frozen=True):
    veille_id: int
    user_id: int


class ListVeilles(msgspec.Struct, kw_only=True, frozen=True):
    user_id: int


class GetRun(msgspec.Struct, kw_only=True, frozen=True):
    """A run (``run_id``), a veille's runs (``run_id=None``) or a run's signals."""

    veille_id: int
    user_id: int
    run_id: int | None = None
