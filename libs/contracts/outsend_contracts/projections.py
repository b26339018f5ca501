"""Events a read model could not apply: set aside (parked) so the view goes on, shown to admins."""

from __future__ import annotations

from typing import Final

import msgspec

from outsend_contracts import SCHEMA_VERSION, subjects

OWNERS: Final = ("jobs", subjects.PIPELINE_COORDINATOR, "veille")
"""Services whose read models are projections of the event log, each answering ``parked_events``."""


def parked_events_subject(service: str) -> str:
    return subjects.svc(service, "parked_events")


class ParkedEventsRequest(msgspec.Struct, frozen=True):
    schema_version: int = SCHEMA_VERSION


class ParkedEvent(msgspec.Struct, frozen=True):
    projection: str
    seq: int
    """The event's sequence in stream ``EVENTS``."""
    subject: str
    error: str
    parked_at: str
    """ISO 8601 UTC."""
