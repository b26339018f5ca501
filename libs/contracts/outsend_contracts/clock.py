"""Time and identifiers, the same way everywhere (ruling 9: ISO 8601 UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

from ulid import ULID


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    """Render a timestamp as ISO 8601 UTC with a ``Z`` suffix, second precision."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def new_job_id() -> str:
    """Opaque, sortable job id (``j_`` + ULID)."""
    return f"j_{ULID()}"


def new_id(prefix: str) -> str:
    return f"{prefix}_{ULID()}"
