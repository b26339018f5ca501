"""Subject names: every NATS subject outsend uses is built here.

- ``cmd.<service>.<verb>``           commands, in stream ``COMMANDS`` (work queue, deduplicated)
- ``evt.<aggregate>.<id>.<event>``   events, in stream ``EVENTS`` (kept forever, replayable)
- ``work.<lane>.<module>``           one message per job to run, in stream ``WORK`` (work queue)
- ``svc.<service>.<query>``          request/reply reads and credential operations (core NATS)
"""

from __future__ import annotations

from typing import Final

# --- commands -----------------------------------------------------------------------------
CMD_JOBS_CREATE: Final = "cmd.jobs.create"
CMD_JOBS_CANCEL: Final = "cmd.jobs.cancel"
CMD_JOBS_DELETE: Final = "cmd.jobs.delete"
CMD_JOBS_RESUME: Final = "cmd.jobs.resume"
CMD_JOBS_PURGE_USER: Final = "cmd.jobs.purge_user"
CMD_JOBS_ALL: Final = "cmd.jobs.>"
CMD_PIPELINES_CREATE: Final = "cmd.coordinator.create"
CMD_PIPELINES_RESUME: Final = "cmd.coordinator.resume"
CMD_PIPELINES_CANCEL: Final = "cmd.coordinator.cancel"
CMD_PIPELINES_PURGE_USER: Final = "cmd.coordinator.purge_user"


def cmd_all(service: str) -> str:
    return f"cmd.{service}.>"


# --- events -------------------------------------------------------------------------------
EVT_ALL: Final = "evt.>"
EVT_JOB_ALL: Final = "evt.job.>"


def job_event(job_id: str, event: str) -> str:
    return f"evt.job.{job_id}.{event}"


def job_events(job_id: str) -> str:
    """Every event of one job (the aggregate's subject filter)."""
    return f"evt.job.{job_id}.>"


def job_id_from_subject(subject: str) -> str:
    return subject.split(".")[2]


def event_name_from_subject(subject: str) -> str:
    return subject.rsplit(".", 1)[1]


JOB_TERMINAL_EVENTS: Final = ("done", "failed", "cancelled")


def job_terminal_events(event: str) -> str:
    """``evt.job.*.done`` and friends, what the pipeline coordinator listens to."""
    return f"evt.job.*.{event}"


EVT_PIPELINE_ALL: Final = "evt.pipeline.>"


def pipeline_event(pipeline_id: str, event: str) -> str:
    return f"evt.pipeline.{pipeline_id}.{event}"


def pipeline_events(pipeline_id: str) -> str:
    """Every event of one pipeline (the aggregate's subject filter)."""
    return f"evt.pipeline.{pipeline_id}.>"


def pipeline_id_from_subject(subject: str) -> str:
    return subject.split(".")[2]


# --- work ---------------------------------------------------------------------------------
WORK_ALL: Final = "work.>"


def work(lane: str, module: str) -> str:
    return f"work.{lane}.{module}"


# --- request / reply ----------------------------------------------------------------------
SERVICES: Final = ("auth", "jobs", "enrichers", "scraper", "coordinator", "veille")
"""Services behind the gateway; each answers ``svc.<name>.health``."""


def svc(service: str, query: str) -> str:
    return f"svc.{service}.{query}"


def health(service: str) -> str:
    return f"svc.{service}.health"


JOBS_GET: Final = "svc.jobs.get"
JOBS_LIST: Final = "svc.jobs.list"
JOBS_ESTIMATE: Final = "svc.jobs.estimate"

PIPELINES_GET: Final = "svc.coordinator.get"
PIPELINES_LIST: Final = "svc.coordinator.list"
PIPELINES_INPUT_COLUMNS: Final = "svc.coordinator.input_columns"
PIPELINES_FILTER_PREVIEW: Final = "svc.coordinator.filter_preview"
ENRICHERS_FILTER_PREVIEW: Final = "svc.enrichers.filter_preview"

AUTH_SIGNUP: Final = "svc.auth.signup"
AUTH_LOGIN: Final = "svc.auth.login"
AUTH_LOGOUT: Final = "svc.auth.logout"
AUTH_RESOLVE: Final = "svc.auth.resolve"
AUTH_EMAIL_VERIFY: Final = "svc.auth.email_verify"
AUTH_EMAIL_RESEND: Final = "svc.auth.email_resend"

# --- key/value buckets and object stores --------------------------------------------------
KV_WORKERS: Final = "workers"
"""Key ``<module slug>`` → the service that runs it; written by workers at start-up."""
OBJ_INPUTS: Final = "job-inputs"
"""Items submitted with a job (``<job_id>.json``)."""
OBJ_RESULTS: Final = "job-results"
"""Canonical result CSV of a job (``<job_id>.csv``)."""
