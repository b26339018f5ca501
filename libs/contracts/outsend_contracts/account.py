"""What every service owes an account: erasure when it is deleted, its data for the GDPR export.

Deleting an account is one fact, :class:`AccountDeleted`, appended by the auth service on
``evt.account.<user_id>.deleted`` (stream ``EVENTS``). It carries the user id and nothing else,
so the log never has to be rewritten to forget a person. Every service that keeps data of users
consumes it through :func:`outsend_contracts.streams.account_erasure_consumer` and erases what
it holds (``outsend_platform.accounts.serve_account_erasure``).

The export (``GET /api/auth/me/export``) asks each service over ``svc.<service>.account_export``
(:func:`outsend_contracts.subjects.account_export`) with an :class:`AccountExportRequest`; the
answer is the JSON value that goes into the archive (``pipelines.json``, ``veille.json`` …).
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from outsend_contracts import SCHEMA_VERSION, subjects

DELETED = "deleted"
"""The event name in ``evt.account.<user_id>.deleted``."""


class AccountDeleted(msgspec.Struct, kw_only=True, frozen=True):
    user_id: int
    at: datetime
    schema_version: int = SCHEMA_VERSION


class AccountExportRequest(msgspec.Struct, kw_only=True, frozen=True):
    user_id: int


class ExportEntry(msgspec.Struct, frozen=True, kw_only=True):
    """An entry of the export archive that another service fills."""

    filename: str
    service: str
    """Answers ``svc.<service>.account_export`` with the entry's JSON value."""
    shape: str
    """What the answer looks like, and the value used while the service keeps nothing of users."""


EXPORT_ENTRIES = (
    ExportEntry(filename="pipelines.json", service=subjects.PIPELINE_COORDINATOR, shape="[]"),
    ExportEntry(filename="veille.json", service="veille", shape='{"recurring_scraps": [], "runs": []}'),
)
