"""The veille service's decisions: create, change and run a watch, and read a run's outcome.

Every decision is taken on the veille's current state and appended conditionally on its version
(the one aggregate writer), so two replicas that find the same veille due start one run, and a
run's outcome is recorded once however often its job's ``done`` is delivered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import msgspec

from outsend_contracts import errors, registry
from outsend_contracts.clock import parse_iso
from outsend_contracts.jobs import events as job_events
from outsend_contracts.jobs.state import JobStatus
from outsend_contracts.pipelines.schema import NODE_MODULES
from outsend_contracts.veille import commands as cmd
from outsend_contracts.veille import events as ev
from outsend_contracts.veille.public import VeillePublic
from outsend_contracts.veille.state import VeilleState
from outsend_platform.aggregate import AggregateWriter
from outsend_platform.logging import get_logger
from outsend_veille.outcomes import RunOutcomes
from outsend_veille.platform_client import PlatformClient, new_run_id, result_job_of
from outsend_veille.repository import VeilleRepository

log = get_logger(__name__)

Writer = AggregateWriter[VeilleState, ev.VeilleEvent]
LOST_JOB_AFTER = timedelta(seconds=30)
"""A started run whose job still does not exist after this long had its creation interrupted."""


class Veilles:
    def __init__(
        self,
        writer: Writer,
        repository: VeilleRepository,
        platform: PlatformClient,
        outcomes: RunOutcomes,
        now: Callable[[], datetime],
    ) -> None:
        self._writer = writer
        self._repository = repository
        self._platform = platform
        self._outcomes = outcomes
        self._now = now

    # --- commands ----------------------------------------------------------------------------------
    async def create(self, command: cmd.CreateVeille) -> VeillePublic:
        template = await self._template(command)
        veille_id, chosen = await self._repository.veille_id_for(command.request_id)
        if chosen:
            now = self._now()
            event = ev.VeilleCreated(
                at=now,
                veille_id=veille_id,
                user_id=command.user_id,
                name=command.name,
                frequency_days=command.frequency_days,
                next_run_at=now + timedelta(days=command.frequency_days),
                template=template,
                source_job_id=command.source_job_id,
                source_pipeline_id=command.source_pipeline_id,
            )
            await self._writer.create(str(veille_id), event)
        return (await self._owned(veille_id, command.user_id)).public()

    async def _template(self, command: cmd.CreateVeille) -> ev.VeilleTemplate:
        """A copy of what the source ran, checked: the caller's, finished, replayable."""
        if command.source_job_id is not None:
            job = await self._platform.job(command.source_job_id, command.user_id)
            if job is None:
                raise errors.DomainError(400, errors.VEILLE_SOURCE_NOT_FOUND.format(source=command.source_job_id))
            if job.job_type != registry.SOURCE_ACQUISITION:  # a veille re-acquires a market
                raise errors.DomainError(400, errors.VEILLE_SOURCE_NOT_SCRAP.format(job_type=job.job_type))
            if job.status is not JobStatus.DONE:
                raise errors.DomainError(400, errors.SOURCE_JOB_NOT_DONE)
            return ev.VeilleTemplate(job_type=job.job_type, params=dict(job.params))
        assert command.source_pipeline_id is not None
        pipeline = await self._platform.pipeline(command.source_pipeline_id, command.user_id)
        if pipeline is None:
            raise errors.DomainError(400, errors.VEILLE_SOURCE_NOT_FOUND.format(source=command.source_pipeline_id))
        if pipeline.status != "done":
            raise errors.DomainError(400, errors.VEILLE_SOURCE_PIPELINE_NOT_DONE)
        if any(_pasted(node.type, node.config) for node in pipeline.definition.nodes):
            raise errors.DomainError(400, errors.VEILLE_PIPELINE_PASTED)
        return ev.VeilleTemplate(
            pipeline_name=pipeline.name, pipeline_definition=msgspec.to_builtins(pipeline.definition)
        )

    async def update(self, command: cmd.UpdateVeille) -> VeillePublic:
        await self._owned(command.veille_id, command.user_id)
        now = self._now()

        def decide(state: VeilleState) -> ev.VeilleEvent | None:
            if state.status == "deleted":
                raise errors.DomainError(404, errors.VEILLE_NOT_FOUND)
            changed_frequency = command.frequency_days not in (None, state.frequency_days)
            event = ev.VeilleUpdated(
                at=now,
                name=command.name if command.name not in (None, state.name) else None,
                frequency_days=command.frequency_days if changed_frequency else None,
                next_run_at=_rescheduled(state, command.frequency_days, now) if changed_frequency else None,
                status=command.status if command.status not in (None, state.status) else None,
            )
            return event if any((event.name, event.frequency_days, event.status)) else None

        state, _ = await self._writer.decide_applied(str(command.veille_id), decide, not_found=errors.VEILLE_NOT_FOUND)
        return state.public()

    async def run_now(self, command: cmd.RunVeilleNow) -> dict[str, Any]:
        """``POST /api/veille/{id}/run``: a run today, outside the cadence (which stays as it is)."""
        state = await self._owned(command.veille_id, command.user_id)
        if state.running:
            raise errors.DomainError(409, errors.VEILLE_ALREADY_RUNNING)
        started = await self._start_run(state.id, manual=True)
        if started is None:
            raise errors.DomainError(409, errors.VEILLE_ALREADY_RUNNING)
        return {"run_id": started.run_id, "job_id": started.job_id}

    # --- scheduling --------------------------------------------------------------------------------
    async def start_due_runs(self) -> int:
        """Start a run of every active veille whose time has come; returns how many started."""
        started = 0
        for veille_id in await self._repository.due(self._now()):
            if await self._start_run(veille_id, manual=False) is not None:
                started += 1
        return started

    async def _start_run(self, veille_id: int, *, manual: bool) -> ev.VeilleRunStarted | None:
        state = await self._repository.get(veille_id)
        if state is None:
            return None
        run_id = await self._repository.next_run_id()
        job_id = new_run_id(state)
        now = self._now()

        def decide(state: VeilleState) -> ev.VeilleEvent | None:
            if state.running or state.status == "deleted" or not (manual or state.due(now)):
                return None  # another replica started it, or it changed meanwhile
            due_at = now if manual else state.next_run_at
            return ev.VeilleRunStarted(
                at=now,
                run_id=run_id,
                job_id=job_id,
                due_at=due_at,
                next_run_at=state.next_run_at if manual else state.following_run_at(due_at, now),
                manual=manual,
                pipeline=state.template.pipeline_definition is not None,
            )

        decided = await self._writer.decide(str(veille_id), decide)
        if decided is None or not isinstance(decided.event, ev.VeilleRunStarted):
            return None
        await self._launch(decided.state, decided.event)
        return decided.event

    async def _launch(self, state: VeilleState, started: ev.VeilleRunStarted) -> None:
        """Create the run's job (or pipeline); a refusal (quota, lane…) fails the run with its reason."""
        log.info("veille.run_started", veille_id=state.id, run_id=started.run_id, job_id=started.job_id)
        try:
            await self._platform.launch(state, started.job_id)
        except errors.DomainError as error:
            if error.status >= 500:
                raise  # left running: the sweep creates it again
            await self.run_failed(state.id, started.run_id, started.job_id, str(error.detail))

    async def recover_interrupted_runs(self) -> None:
        """Create again the job of a run whose creation a crash interrupted (the same id: at most one)."""
        for run in await self._repository.running_runs():
            if self._now() - run["started_at"] < LOST_JOB_AFTER:
                continue
            if await self._platform.run_exists(run["job_id"], pipeline=run["pipeline"], user_id=run["user_id"]):
                continue
            state = await self._repository.get(run["veille_id"])
            if state is not None and run["id"] in state.running:
                await self._launch(state, _started_from(run, state))

    # --- outcomes ----------------------------------------------------------------------------------
    async def job_ended(self, job_id: str, outcome: job_events.AnyJobEvent) -> None:
        """A job ended: if it is a veille run's, record the run from the job's own terminal event
        (the jobs read model may not have folded it yet)."""
        run = await self._repository.run_for_job(job_id)
        if run is None or run["status"] != "running" or run["pipeline"]:
            return
        if not isinstance(outcome, job_events.JobDone):
            message = (
                outcome.error_message if isinstance(outcome, job_events.JobFailed) else errors.VEILLE_RUN_CANCELLED
            )
            await self.run_failed(run["veille_id"], run["id"], run["job_id"], message)
            return
        await self._complete(run, job_id, outcome.at)

    async def pipeline_ended(self, pipeline_id: str, outcome: str) -> None:
        """A pipeline ended: if it is a veille run's, its output job is the run's result."""
        run = await self._repository.run_for_job(pipeline_id)
        if run is None or run["status"] != "running" or not run["pipeline"]:
            return
        pipeline = await self._platform.settled_pipeline(pipeline_id, run["user_id"])
        result_job_id = result_job_of(pipeline) if pipeline is not None else None
        if outcome != "completed" or result_job_id is None:
            message = (pipeline.error_message if pipeline else None) or errors.VEILLE_RUN_CANCELLED
            await self.run_failed(run["veille_id"], run["id"], pipeline_id, message)
            return
        await self._complete(run, result_job_id, parse_iso(pipeline.completed_at) if pipeline else None)

    async def _complete(self, run: Any, result_job_id: str, completed_at: datetime | None) -> None:
        state = await self._repository.get(run["veille_id"])
        if state is None or run["id"] not in state.running:
            return
        completed = await self._outcomes.compare(
            state, run["id"], run["job_id"], result_job_id, completed_at, self._now()
        )

        def decide(current: VeilleState) -> ev.VeilleEvent | None:
            return completed if run["id"] in current.running else None

        await self._writer.decide(str(state.id), decide)
        log.info("veille.run_completed", veille_id=state.id, run_id=run["id"], **completed_counts(completed))

    async def run_failed(self, veille_id: int, run_id: int, job_id: str, message: str | None) -> None:
        def decide(state: VeilleState) -> ev.VeilleEvent | None:
            if run_id not in state.running:
                return None
            return ev.VeilleRunFailed(at=self._now(), run_id=run_id, job_id=job_id, error_message=message)

        await self._writer.decide(str(veille_id), decide)

    # --- reads ---------------------------------------------------------------------------------------
    async def _owned(self, veille_id: int, user_id: int) -> VeilleState:
        """Another user's veille, or a deleted one, is not found (Veille API page)."""
        state = await self._repository.get(veille_id)
        if state is None or state.user_id != user_id or state.status == "deleted":
            raise errors.DomainError(404, errors.VEILLE_NOT_FOUND)
        return state

    async def owned(self, veille_id: int, user_id: int) -> VeilleState:
        return await self._owned(veille_id, user_id)

    async def erase_user(self, user_id: int) -> None:
        await self._repository.remove_for_user(user_id)


def _pasted(node_type: str, config: dict[str, Any]) -> bool:
    """A node whose input was pasted with the pipeline (kept aside, not replayable)."""
    choice = NODE_MODULES[node_type].source_choice
    return choice is not None and choice.chosen(config).inline


def _rescheduled(state: VeilleState, frequency_days: int | None, now: datetime) -> datetime:
    """A new cadence counts from the last run (or the creation), never earlier than now."""
    anchor = state.last_run_at or state.created_at
    return max(anchor + timedelta(days=frequency_days or state.frequency_days), now)


def _started_from(run: Any, state: VeilleState) -> ev.VeilleRunStarted:
    return ev.VeilleRunStarted(
        at=run["started_at"],
        run_id=run["id"],
        job_id=run["job_id"],
        due_at=run["started_at"],
        next_run_at=state.next_run_at,
        pipeline=run["pipeline"],
    )


def completed_counts(event: ev.VeilleRunCompleted) -> dict[str, int]:
    return {
        "total": event.total_count,
        "new": event.new_count,
        "removed": event.removed_count,
        "modified": event.modified_count,
        "unchanged": event.unchanged_count,
    }
