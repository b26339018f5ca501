"""A veille's state, folded from its events (the writer decides on it, the projection stores it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from outsend_contracts.clock import iso
from outsend_contracts.veille import events as ev
from outsend_contracts.veille.public import VeillePublic


@dataclass
class VeilleState:
    id: int
    user_id: int
    name: str
    frequency_days: int
    status: str
    next_run_at: datetime
    template: ev.VeilleTemplate
    source_job_id: str | None
    source_pipeline_id: str | None
    created_at: datetime
    version: int = 0
    run_count: int = 0
    last_run_at: datetime | None = None
    last_run_job_id: str | None = None
    last_result_job_id: str | None = None
    last_completed_run_id: int | None = None
    """The last completed run: the next run is compared with its snapshot."""
    running: dict[int, str] = field(default_factory=dict)
    """Run id → job id of the runs started and not yet ended."""
    last_run_id: int = 0

    @classmethod
    def created(cls, event: ev.VeilleCreated, seq: int) -> VeilleState:
        return cls(
            id=event.veille_id,
            user_id=event.user_id,
            name=event.name,
            frequency_days=event.frequency_days,
            status="active",
            next_run_at=event.next_run_at,
            template=event.template,
            source_job_id=event.source_job_id,
            source_pipeline_id=event.source_pipeline_id,
            created_at=event.at,
            version=seq,
        )

    def apply(self, event: ev.AnyVeilleEvent, seq: int) -> None:
        self.version = seq
        if isinstance(event, ev.VeilleUpdated):
            self.name = event.name or self.name
            self.frequency_days = event.frequency_days or self.frequency_days
            self.next_run_at = event.next_run_at or self.next_run_at
            self.status = event.status or self.status
        elif isinstance(event, ev.VeilleRunStarted):
            self.running[event.run_id] = event.job_id
            self.next_run_at = event.next_run_at
            self.last_run_id = max(self.last_run_id, event.run_id)
        elif isinstance(event, ev.VeilleRunCompleted):
            self.running.pop(event.run_id, None)
            self.run_count += 1
            self.last_run_at = event.at
            self.last_run_job_id = event.job_id
            self.last_result_job_id = event.result_job_id
            self.last_completed_run_id = event.run_id
        elif isinstance(event, ev.VeilleRunFailed):
            self.running.pop(event.run_id, None)

    def due(self, now: datetime) -> bool:
        return self.status == "active" and not self.running and self.next_run_at <= now

    def following_run_at(self, due_at: datetime, now: datetime) -> datetime:
        """The next due time on the veille's cadence after ``now``: a veille due while nothing
        ran (a service down for three weeks) runs once, then keeps its rhythm."""
        step = timedelta(days=self.frequency_days)
        missed = max(0, int((now - due_at) / step))
        return due_at + step * (missed + 1)

    def public(self) -> VeillePublic:
        return VeillePublic(
            id=self.id,
            name=self.name,
            source_job_id=self.source_job_id,
            source_pipeline_id=self.source_pipeline_id,
            frequency_days=self.frequency_days,
            status=self.status,
            next_run_at=iso(self.next_run_at) or "",
            last_run_at=iso(self.last_run_at),
            last_run_job_id=self.last_run_job_id,
            run_count=self.run_count,
            created_at=iso(self.created_at) or "",
        )
