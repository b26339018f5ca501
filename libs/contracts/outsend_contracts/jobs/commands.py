"""Commands to the jobs service (``cmd.jobs.*``) and the work order it dispatches (``work.*``)."""

from __future__ import annotations

from typing import Any

import msgspec

from outsend_contracts import SCHEMA_VERSION

ESTIMATE_TIMEOUT = 20.0
"""Seconds a module's estimator has to price a run (a whole country's grid takes that long on a
busy machine)."""
CREATE_TIMEOUT = ESTIMATE_TIMEOUT + 15.0
"""Seconds a sender waits for the answer to a ``CreateJob``: the estimate, then the creation."""


class Command(msgspec.Struct, kw_only=True, frozen=True):
    schema_version: int = SCHEMA_VERSION


class CreateJob(Command, frozen=True):
    """Create a job; ``job_id`` is chosen by the sender so a retried command is a no-op.

    A plain request: the jobs service prepares the job from its module's spec (the source job an
    option names, the price an estimator gives). The sender only stores the input it was handed
    (``input_object``) and says how many usable rows it holds (``items_count``)."""

    job_id: str
    user_id: int
    job_type: str
    params: dict[str, Any]
    input_object: str | None = None
    items_count: int = 0
    source_job_id: str | None = None
    pipeline_id: str | None = None
    pipeline_node_id: str | None = None


class CancelJob(Command, frozen=True):
    job_id: str
    user_id: int | None
    """``None`` for internal callers (the pipeline coordinator) that act for the owner."""


class DeleteJob(Command, frozen=True):
    job_id: str
    user_id: int


class ResumeJob(Command, frozen=True):
    job_id: str
    """The cancelled or failed scrap to resume."""
    new_job_id: str
    user_id: int


class PurgeUserJobs(Command, frozen=True):
    """Account deletion: remove every job, input and result of a user."""

    user_id: int


class ForgetJob(Command, frozen=True):
    """To the worker service of a deleted job: drop the checkpoints it keeps of it (rows, units)."""

    job_id: str


class WorkOrder(msgspec.Struct, kw_only=True, frozen=True):
    """One job to run, published on ``work.<lane>.<module>``."""

    job_id: str
    job_type: str
    user_id: int
    attempt: int
    params: dict[str, Any]
    input_object: str | None = None
    source_job_id: str | None = None
    pipeline_id: str | None = None
    schema_version: int = SCHEMA_VERSION


class GetJob(msgspec.Struct, kw_only=True, frozen=True):
    job_id: str
    user_id: int | None = None
    """When set, a job of another user answers 403."""


class ListJobs(msgspec.Struct, kw_only=True, frozen=True):
    user_id: int
    limit: int = 100
    offset: int = 0
