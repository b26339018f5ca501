"""What an account uses of the platform against its limits (``svc.jobs.usage``, ``GET /api/auth/me``)."""

from __future__ import annotations

import msgspec


class GetUsage(msgspec.Struct, kw_only=True, frozen=True):
    user_id: int


class AccountUsage(msgspec.Struct, kw_only=True):
    """``None`` quotas are unlimited (the operator set none)."""

    ef_month: float
    """EF charged this calendar month (UTC): each job's estimate, when it is created."""
    ef_monthly_quota: float | None
    storage_bytes: int
    """Input and result files of the account's jobs still stored."""
    storage_quota_bytes: int | None
    queued_jobs: int
    """Jobs waiting for a slot (``pending``)."""
    max_queued_jobs: int
