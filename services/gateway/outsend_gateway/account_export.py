"""``GET /api/auth/me/export``: every record an account owns, as a ZIP streamed while it is built.

Layout (Authentication page)::

    account.json           the account, its API keys (no secret), votes and feedback threads
    jobs.json              every job with its metadata and options
    jobs/<job_id>/<name>   the CSV and JSON outputs of every ``done`` job
    pipelines.json         pipeline definitions (the coordinator's answer)
    veille.json            recurring scraps and their runs (the veille service's answer)
    manifest.txt           a human-readable summary

Records are gathered before the first byte is sent, so a service that cannot answer gives a
clean 503 instead of a truncated archive; result files are then read one at a time, so memory
holds one job's output at most.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError

from outsend_contracts import errors, subjects
from outsend_contracts.account import EXPORT_ENTRIES, AccountExportRequest, ExportEntry
from outsend_contracts.auth import AccountExport, UserPublic
from outsend_contracts.clock import iso, utc_now
from outsend_contracts.jobs.commands import ListJobs
from outsend_contracts.jobs.state import JobState, JobStatus
from outsend_contracts.rpc import HealthReply
from outsend_gateway import exports
from outsend_gateway.context import Gateway
from outsend_platform import rpc
from outsend_platform.logging import get_logger

log = get_logger(__name__)

JOBS_PAGE = 500
EXPORT_TIMEOUT = 30.0


@dataclass
class _Records:
    account: AccountExport
    jobs: list[JobState]
    by_service: dict[str, Any] = field(default_factory=dict)


async def export_archive(gateway: Gateway, user: UserPublic) -> tuple[AsyncIterator[bytes], str]:
    """The archive's chunks and its file name."""
    records = await _gather(gateway, user)
    filename = f"outsend-export-{user.id}-{utc_now().strftime('%Y%m%d-%H%M%S')}.zip"
    return _archive(gateway, records), filename


async def _gather(gateway: Gateway, user: UserPublic) -> _Records:
    request = AccountExportRequest(user_id=user.id)
    account = await gateway.call(subjects.account_export("auth"), request, AccountExport, timeout=EXPORT_TIMEOUT)
    records = _Records(account=account, jobs=await _all_jobs(gateway, user.id))
    for entry in EXPORT_ENTRIES:
        records.by_service[entry.filename] = await _service_export(gateway, entry, request)
    return records


async def _all_jobs(gateway: Gateway, user_id: int) -> list[JobState]:
    jobs: list[JobState] = []
    while True:
        page = await gateway.call(
            subjects.JOBS_LIST, ListJobs(user_id=user_id, limit=JOBS_PAGE, offset=len(jobs)), list[JobState]
        )
        jobs += page
        if len(page) < JOBS_PAGE:
            return jobs


async def _service_export(gateway: Gateway, entry: ExportEntry, request: AccountExportRequest) -> Any:
    """A service's records of the user; a running service that has no export keeps nothing of users."""
    try:
        message = await gateway.broker.stream.request(
            rpc.encode(request), subjects.account_export(entry.service), timeout=EXPORT_TIMEOUT
        )
    except NoRespondersError:
        if await _answers_health(gateway, entry.service):
            return msgspec.json.decode(entry.shape)
        raise errors.DomainError(503, errors.SERVICE_UNAVAILABLE) from None
    except (NatsTimeoutError, TimeoutError) as error:
        raise errors.DomainError(503, errors.SERVICE_UNAVAILABLE) from error
    return rpc.decode_reply(message.body, Any)  # type: ignore[arg-type]


async def _answers_health(gateway: Gateway, service: str) -> bool:
    try:
        await gateway.call(subjects.health(service), {}, HealthReply, timeout=2)
    except errors.DomainError:
        return False
    return True


class _Sink(io.RawIOBase):
    """A write-only file: what the ZIP writer produced since the last :meth:`take`."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


def _json(value: Any) -> bytes:
    return msgspec.json.format(msgspec.json.encode(value), indent=2)


async def _archive(gateway: Gateway, records: _Records) -> AsyncIterator[bytes]:
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED)
    archive.writestr("account.json", _json(records.account))
    archive.writestr("jobs.json", _json([_job_record(state) for state in records.jobs]))
    yield sink.take()
    outputs: list[tuple[str, str]] = []
    missing: list[str] = []
    for state in records.jobs:
        if state.status is not JobStatus.DONE:
            continue
        result = await gateway.result_rows(state.id)
        if result is None:
            missing.append(state.id)
            continue
        columns, rows = result
        base = (state.output_filename or f"results_{state.id}.csv").rsplit(".", 1)[0]
        archive.writestr(f"jobs/{state.id}/{base}.csv", exports.write_csv(columns, rows))
        archive.writestr(f"jobs/{state.id}/{base}.json", exports.write_json(columns, rows))
        outputs.append((state.id, base))
        yield sink.take()
    for entry in EXPORT_ENTRIES:
        archive.writestr(entry.filename, _json(records.by_service[entry.filename]))
    archive.writestr("manifest.txt", _manifest(records, outputs, missing).encode())
    archive.close()
    yield sink.take()


def _job_record(state: JobState) -> dict[str, Any]:
    record: dict[str, Any] = msgspec.to_builtins(state.public())
    record["params"] = state.params
    return record


def _manifest(records: _Records, outputs: list[tuple[str, str]], missing: list[str]) -> str:
    user = records.account.user
    by_status: dict[str, int] = {}
    for state in records.jobs:
        by_status[state.status.value] = by_status.get(state.status.value, 0) + 1
    lines = [
        "Export outsend — données du compte",
        f"Compte : {user.email} (id {user.id}), créé le {user.created_at}",
        f"Exporté le : {iso(utc_now())}",
        "",
        "account.json    le compte, ses clés API (sans secret), ses votes et ses conversations",
        f"                {len(records.account.api_keys)} clé(s) API, {len(records.account.feature_votes)} vote(s), "
        f"{len(records.account.feedback_threads)} conversation(s)",
        f"jobs.json       {len(records.jobs)} job(s)"
        + (" : " + ", ".join(f"{count} {status}" for status, count in sorted(by_status.items())) if by_status else ""),
        f"jobs/           résultats (CSV et JSON) de {len(outputs)} job(s) terminé(s)",
    ]
    lines += [f"                jobs/{job_id}/{base}.csv, .json" for job_id, base in outputs]
    if missing:
        lines.append(f"                résultat indisponible pour : {', '.join(missing)}")
    lines += [
        f"pipelines.json  {_count(records.by_service['pipelines.json'])} pipeline(s)",
        "veille.json     veilles (recurring_scraps) et historique de leurs exécutions",
        "",
    ]
    return "\n".join(lines)


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list | dict) else 0
