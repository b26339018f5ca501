"""Settings of the jobs service (``OUTSEND_*`` environment variables)."""

from __future__ import annotations

from dataclasses import dataclass

from outsend_platform.settings import env_float


@dataclass(frozen=True)
class JobsSettings:
    retention_seconds: int
    """How long results are kept after a job ends (7 days)."""
    job_timeout_seconds: float
    """A running job older than this is failed (6 hours)."""
    cancel_grace_seconds: float
    """A cancellation no worker acknowledged within this delay is recorded by the jobs service."""
    sweep_interval_seconds: float

    @classmethod
    def from_env(cls) -> JobsSettings:
        return cls(
            retention_seconds=int(env_float("OUTSEND_RESULT_RETENTION_SECONDS", 7 * 24 * 3600)),
            job_timeout_seconds=env_float("OUTSEND_JOB_TIMEOUT_SECONDS", 6 * 3600),
            cancel_grace_seconds=env_float("OUTSEND_CANCEL_GRACE_SECONDS", 60),
            sweep_interval_seconds=env_float("OUTSEND_SWEEP_INTERVAL_SECONDS", 30),
        )
