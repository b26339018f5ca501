"""Subject names: every NATS subject outsend uses is built here.

- ``cmd.<service>.<verb>``           commands, in stream ``COMMANDS`` (work queue, deduplicated)
- ``evt.<aggregate>.<id>.<event>``   events, in stream ``EVENTS`` (kept forever, replayable)
- ``work.<lane>.<module>``           one message per job to run, in stream ``WORK`` (work queue)
- ``svc.<service>.<query>``          request/reply reads and credential operations (core NATS)
"""

from __future__ import annotations

from typing import Final

# --- services -----------------------------------------------------------------------------
PIPELINE_COORDINATOR: Final = "pipeline-coordinator"
"""The service that owns pipelines: its folder, its ``outsend-<name>`` script, its subjects, its logs."""
GATEWAY: Final = "gateway"

SERVICES: Final = ("auth", "jobs", "enrichers", "scraper", PIPELINE_COORDINATOR, "veille")
"""Services behind the gateway; each answers ``svc.<name>.health``.

The one list of services: each is the folder ``services/<name>``, whose package declares the console
script ``outsend-<name>``; ``outsend run`` starts these and the gateway, the Kubernetes manifests
deploy the same set (``tests/layout/test_service_list.py`` checks the Makefile, ruff's
first-party packages and ``deploy/k8s`` agree with it).
"""

# --- commands -----------------------------------------------------------------------------
CMD_JOBS_CREATE: Final = "cmd.jobs.create"
CMD_JOBS_CANCEL: Final = "cmd.jobs.cancel"
CMD_JOBS_DELETE: Final = "cmd.jobs.delete"
CMD_JOBS_RESUME: Final = "cmd.jobs.resume"
CMD_JOBS_PURGE_USER: Final = "cmd.jobs.purge_user"
CMD_JOBS_ALL: Final = "cmd.jobs.>"
CMD_PIPELINES_CREATE: Final = f"cmd.{PIPELINE_COORDINATOR}.create"
CMD_PIPELINES_RESUME: Final = f"cmd.{PIPELINE_COORDINATOR}.resume"
CMD_PIPELINES_CANCEL: Final = f"cmd.{PIPELINE_COORDINATOR}.cancel"
CMD_VEILLE_CREATE: Final = "cmd.veille.create"
CMD_VEILLE_UPDATE: Final = "cmd.veille.update"
CMD_VEILLE_RUN: Final = "cmd.veille.run"


def cmd_all(service: str) -> str:
    return f"cmd.{service}.>"


def cmd_forget_job(service: str) -> str:
    """``cmd.<worker service>.forget_job``: drop the checkpoints a worker keeps of a deleted job."""
    return f"cmd.{service}.forget_job"


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

ACCOUNT_DELETED_ALL: Final = "evt.account.*.deleted"
"""Every account deletion: each service that keeps data of users erases it on these events."""


def account_event(user_id: int | str, event: str) -> str:
    """``evt.account.<user_id>.<event>``: facts about an account, carrying its id only (a ``str``
    id is a pattern such as ``{user_id}``, as the event catalog writes it)."""
    return f"evt.account.{user_id}.{event}"


def job_terminal_events(event: str) -> str:
    """``evt.job.*.done`` and friends, what the pipeline coordinator listens to."""
    return f"evt.job.*.{event}"


EVT_PIPELINE_ALL: Final = "evt.pipeline.>"
PIPELINE_TERMINAL_EVENTS: Final = ("completed", "failed", "cancelled")


def pipeline_event(pipeline_id: str, event: str) -> str:
    return f"evt.pipeline.{pipeline_id}.{event}"


def pipeline_events(pipeline_id: str) -> str:
    """Every event of one pipeline (the aggregate's subject filter)."""
    return f"evt.pipeline.{pipeline_id}.>"


def pipeline_id_from_subject(subject: str) -> str:
    return subject.split(".")[2]


EVT_VEILLE_ALL: Final = "evt.veille.>"


def veille_event(veille_id: int | str, event: str) -> str:
    """``evt.veille.<veille_id>.<event>``: the life and runs of one veille (a ``str`` id is a pattern)."""
    return f"evt.veille.{veille_id}.{event}"


def veille_events(veille_id: int) -> str:
    """Every event of one veille (the aggregate's subject filter)."""
    return f"evt.veille.{veille_id}.>"


def veille_id_from_subject(subject: str) -> int:
    return int(subject.split(".")[2])


# --- work ---------------------------------------------------------------------------------
WORK_ALL: Final = "work.>"


def work(lane: str, module: str) -> str:
    return f"work.{lane}.{module}"


# --- request / reply ----------------------------------------------------------------------
def svc(service: str, query: str) -> str:
    return f"svc.{service}.{query}"


def health(service: str) -> str:
    return f"svc.{service}.health"


JOBS_GET: Final = "svc.jobs.get"
JOBS_LIST: Final = "svc.jobs.list"
JOBS_USAGE: Final = "svc.jobs.usage"
JOBS_ESTIMATE: Final = "svc.jobs.estimate"

PIPELINES_GET: Final = f"svc.{PIPELINE_COORDINATOR}.get"
PIPELINES_LIST: Final = f"svc.{PIPELINE_COORDINATOR}.list"
PIPELINES_INPUT_COLUMNS: Final = f"svc.{PIPELINE_COORDINATOR}.input_columns"
PIPELINES_FILTER_PREVIEW: Final = f"svc.{PIPELINE_COORDINATOR}.filter_preview"
VEILLE_GET: Final = "svc.veille.get"
VEILLE_LIST: Final = "svc.veille.list"
VEILLE_RUNS: Final = "svc.veille.runs"
VEILLE_RUN: Final = "svc.veille.run"
VEILLE_SIGNALS: Final = "svc.veille.signals"
ENRICHERS_FILTER_PREVIEW: Final = "svc.enrichers.filter_preview"

AUTH_SIGNUP: Final = "svc.auth.signup"
AUTH_LOGIN: Final = "svc.auth.login"
AUTH_LOGOUT: Final = "svc.auth.logout"
AUTH_RESOLVE: Final = "svc.auth.resolve"
AUTH_EMAIL_VERIFY: Final = "svc.auth.email_verify"
AUTH_EMAIL_RESEND: Final = "svc.auth.email_resend"
AUTH_RESOLVE_KEY: Final = "svc.auth.resolve_key"
AUTH_PASSWORD_RESET_REQUEST: Final = "svc.auth.password_reset_request"
AUTH_PASSWORD_RESET_CONFIRM: Final = "svc.auth.password_reset_confirm"
AUTH_PASSWORD_CHANGE: Final = "svc.auth.password_change"
AUTH_ACCOUNT_DELETE: Final = "svc.auth.account_delete"
AUTH_API_KEYS_LIST: Final = "svc.auth.api_keys_list"
AUTH_API_KEYS_CREATE: Final = "svc.auth.api_keys_create"
AUTH_API_KEYS_REVOKE: Final = "svc.auth.api_keys_revoke"
AUTH_ADMIN_USERS: Final = "svc.auth.admin_users"
AUTH_ADMIN_USER_STATUS: Final = "svc.auth.admin_user_status"
AUTH_ADMIN_INVITATIONS: Final = "svc.auth.admin_invitations"
AUTH_ADMIN_INVITATION_CREATE: Final = "svc.auth.admin_invitation_create"
AUTH_ADMIN_INVITATION_REVOKE: Final = "svc.auth.admin_invitation_revoke"

# Feedback threads and registry interest votes belong to the auth service (see docs/accounts.md).
FEEDBACK_CREATE: Final = "svc.auth.feedback_create"
FEEDBACK_POST: Final = "svc.auth.feedback_post"
FEEDBACK_LIST: Final = "svc.auth.feedback_list"
FEEDBACK_GET: Final = "svc.auth.feedback_get"
FEEDBACK_READ: Final = "svc.auth.feedback_read"
FEEDBACK_UNREAD: Final = "svc.auth.feedback_unread"
FEEDBACK_SET_STATUS: Final = "svc.auth.feedback_set_status"
FEEDBACK_ON_DEMAND: Final = "svc.auth.feedback_on_demand"
FEEDBACK_ON_DEMAND_SUMMARY: Final = "svc.auth.feedback_on_demand_summary"
FEATURES_LIST: Final = "svc.auth.features"
FEATURES_VOTE: Final = "svc.auth.feature_vote"


def account_export(service: str) -> str:
    """``svc.<service>.account_export``: what a service keeps of one user, for the GDPR export."""
    return f"svc.{service}.account_export"


# --- key/value buckets and object stores --------------------------------------------------
KV_WORKERS: Final = "workers"
"""Key ``<module slug>.<worker instance>`` → the service that runs it; kept alive by the worker's
heartbeat, gone when the worker stops or misses heartbeats for the bucket's TTL."""


def worker_key(slug: str, instance: str) -> str:
    """The ``workers`` key by which one worker instance says it serves a module."""
    return f"{slug}.{instance}"


def served_slug(worker_key: str) -> str:
    """The module a ``workers`` key is about (module slugs hold no dot)."""
    return worker_key.split(".", 1)[0]


OBJ_INPUTS: Final = "job-inputs"
"""Items submitted with a job (``<job_id>.json``)."""
OBJ_RESULTS: Final = "job-results"
"""Canonical result CSV of a job (``<job_id>.csv``)."""
