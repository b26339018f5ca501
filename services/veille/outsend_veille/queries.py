"""What the gateway reads: a user's veilles, their runs, a run's samples and signals."""

from __future__ import annotations

from typing import Any

import msgspec

from outsend_contracts import errors
from outsend_contracts.clock import iso, parse_iso
from outsend_contracts.veille import commands as cmd
from outsend_contracts.veille.public import Items, RunPublic, VeillePublic
from outsend_veille.repository import VeilleRepository
from outsend_veille.veilles import Veilles


class VeilleQueries:
    def __init__(self, veilles: Veilles, repository: VeilleRepository) -> None:
        self._veilles = veilles
        self._repository = repository

    async def list_veilles(self, query: cmd.ListVeilles) -> Items:
        return Items(items=[state.public() for state in await self._repository.list_for_user(query.user_id)])

    async def get(self, query: cmd.GetVeille) -> VeillePublic:
        return (await self._veilles.owned(query.veille_id, query.user_id)).public()

    async def runs(self, query: cmd.GetRun) -> Items:
        await self._veilles.owned(query.veille_id, query.user_id)
        return Items(items=[run_public(row) for row in await self._repository.runs(query.veille_id)])

    async def run(self, query: cmd.GetRun) -> RunPublic:
        row = await self._owned_run(query)
        details = await self._repository.details(row["id"])
        public = run_public(row)
        public.samples = details["samples"] if details is not None else {}
        return public

    async def signals(self, query: cmd.GetRun) -> Items:
        row = await self._owned_run(query)
        details = await self._repository.details(row["id"])
        found: list[dict[str, Any]] = details["signals"] if details is not None else []
        return Items(items=found, total=len(found))

    async def export_user(self, user_id: int) -> list[dict[str, Any]]:
        """``veille.json`` of the account export: every veille with its runs and their signals."""
        exported = []
        for state in await self._repository.list_for_user(user_id, include_deleted=True):
            runs = []
            for row in await self._repository.runs(state.id):
                details = await self._repository.details(row["id"])
                entry: dict[str, Any] = {**_builtins(run_public(row))}
                if details is not None:
                    entry["samples"], entry["signals"] = details["samples"], details["signals"]
                runs.append(entry)
            exported.append({**_builtins(state.public()), "runs": runs})
        return exported

    async def _owned_run(self, query: cmd.GetRun) -> Any:
        await self._veilles.owned(query.veille_id, query.user_id)
        row = await self._repository.run(query.veille_id, query.run_id or 0)
        if row is None:
            raise errors.DomainError(404, errors.VEILLE_RUN_NOT_FOUND)
        return row


def _builtins(value: Any) -> dict[str, Any]:
    result: dict[str, Any] = msgspec.to_builtins(value)
    return result


def run_public(row: Any) -> RunPublic:
    summary: dict[str, Any] = row["summary"] or {}
    status = {"running": "running", "done": "done"}.get(row["status"], "failed")
    return RunPublic(
        id=row["id"],
        job_id=row["job_id"],
        prev_job_id=summary.get("prev_job_id"),
        is_baseline=bool(summary.get("is_baseline", False)),
        total_count=int(summary.get("total_count", 0)),
        prev_total_count=int(summary.get("prev_total_count", 0)),
        new_count=int(summary.get("new_count", 0)),
        removed_count=int(summary.get("removed_count", 0)),
        modified_count=int(summary.get("modified_count", 0)),
        unchanged_count=int(summary.get("unchanged_count", 0)),
        computed_at=iso(parse_iso(summary.get("at"))),
        job_status=status,
        job_completed_at=iso(parse_iso(summary.get("job_completed_at"))),
        manual=row["manual"],
        error_message=row["error_message"],
    )
