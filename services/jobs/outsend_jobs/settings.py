"""Settings of the jobs service (``OUTSEND_*`` environment variables)."""

from __future__ import annotations

from dataclasses import dataclass

from outsend_platform.settings import env_float, env_str

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class JobsSettings:
    retention_seconds: int
    """How long results are kept after a job ends (7 days)."""
    job_timeout_seconds: float
    """A running job older than this is failed (6 hours)."""
    cancel_grace_seconds: float
    """A cancellation no worker acknowledged within this delay is recorded by the jobs service."""
    sweep_interval_seconds: float
    max_queued_jobs_per_user: int
    """Pending jobs one account may have; creating one more answers 429."""
    ef_monthly_quota: float | None
    """EF one account may be charged per calendar month (UTC); ``None``: unlimited."""
    storage_quota_bytes: int | None
    """Input and result bytes one account may keep stored; ``None``: unlimited."""

    @classmethod
    def from_env(cls) -> JobsSettings:
        storage_mb = _optional_float("OUTSEND_STORAGE_QUOTA_MB")
        return cls(
            retention_seconds=int(env_float("OUTSEND_RESULT_RETENTION_SECONDS", 7 * 24 * 3600)),
            job_timeout_seconds=env_float("OUTSEND_JOB_TIMEOUT_SECONDS", 6 * 3600),
            cancel_grace_seconds=env_float("OUTSEND_CANCEL_GRACE_SECONDS", 60),
            sweep_interval_seconds=env_float("OUTSEND_SWEEP_INTERVAL_SECONDS", 30),
            max_queued_jobs_per_user=int(env_float("OUTSEND_MAX_QUEUED_JOBS_PER_USER", 20)),
            ef_monthly_quota=_optional_float("OUTSEND_EF_MONTHLY_QUOTA"),
            storage_quota_bytes=None if storage_mb is None else int(storage_mb * MEGABYTE),
        )


def _optional_float(name: str) -> float | None:
    value = env_str(name)
    return float(value) if value else None
