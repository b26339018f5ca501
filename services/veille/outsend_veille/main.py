"""Wiring of the veille service."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

from nats.aio.msg import Msg

from outsend_contracts import streams, subjects
from outsend_contracts.jobs import events as job_events
from outsend_contracts.veille import commands as cmd
from outsend_contracts.veille import events as ev
from outsend_contracts.veille.state import VeilleState
from outsend_platform.accounts import serve_account_erasure, serve_account_export
from outsend_platform.aggregate import AggregateWriter
from outsend_platform.commands import CommandRouter
from outsend_platform.consumer import consume, kept_alive
from outsend_platform.eventstore import EventStore
from outsend_platform.logging import get_logger
from outsend_platform.service import Runtime, run_service
from outsend_platform.settings import env_float
from outsend_platform.tracing import consumer_span
from outsend_veille.clock import Clock
from outsend_veille.outcomes import RunOutcomes
from outsend_veille.platform_client import PlatformClient
from outsend_veille.projection import PROJECTION
from outsend_veille.queries import VeilleQueries
from outsend_veille.repository import VeilleRepository
from outsend_veille.veilles import Veilles

SERVICE = "veille"
log = get_logger(__name__)


async def setup(runtime: Runtime) -> list[Coroutine[Any, Any, None]]:
    js = runtime.broker.js
    repository = VeilleRepository(runtime.db)
    projector = runtime.projections[PROJECTION.name]
    writer: AggregateWriter[VeilleState, ev.VeilleEvent] = AggregateWriter(
        EventStore(js), ev.CODEC, lambda veille_id: repository.get(int(veille_id)), settle=projector.wait
    )
    platform = PlatformClient(runtime.broker)
    clock = Clock.from_env()
    veilles = Veilles(writer, repository, platform, RunOutcomes(repository, platform), clock.now)
    queries = VeilleQueries(veilles, repository)

    commands = CommandRouter(runtime.broker, SERVICE)
    commands.route(subjects.CMD_VEILLE_CREATE, cmd.CreateVeille, veilles.create)
    commands.route(subjects.CMD_VEILLE_UPDATE, cmd.UpdateVeille, veilles.update)
    commands.route(subjects.CMD_VEILLE_RUN, cmd.RunVeilleNow, veilles.run_now)
    await runtime.rpc.route(subjects.VEILLE_LIST, cmd.ListVeilles, queries.list_veilles)
    await runtime.rpc.route(subjects.VEILLE_GET, cmd.GetVeille, queries.get)
    await runtime.rpc.route(subjects.VEILLE_RUNS, cmd.GetRun, queries.runs)
    await runtime.rpc.route(subjects.VEILLE_RUN, cmd.GetRun, queries.run)
    await runtime.rpc.route(subjects.VEILLE_SIGNALS, cmd.GetRun, queries.signals)
    await serve_account_export(runtime, queries.export_user)

    ack_wait = runtime.settings.work_ack_wait

    async def job_ended(message: Msg) -> None:
        job_id = subjects.job_id_from_subject(message.subject)
        with consumer_span("veille job outcome", message.headers, **{"job.id": job_id}):
            async with kept_alive(message, every=ack_wait / 3):
                await veilles.job_ended(job_id, job_events.decode_event(message.data))
        await message.ack()

    async def pipeline_ended(message: Msg) -> None:
        pipeline_id = subjects.pipeline_id_from_subject(message.subject)
        with consumer_span("veille pipeline outcome", message.headers, **{"pipeline.id": pipeline_id}):
            async with kept_alive(message, every=ack_wait / 3):
                await veilles.pipeline_ended(pipeline_id, subjects.event_name_from_subject(message.subject))
        await message.ack()

    return [
        serve_account_erasure(runtime, veilles.erase_user),
        commands.run(runtime.stop),
        consume(
            runtime.broker,
            streams.job_outcomes_consumer(SERVICE, ack_wait_seconds=ack_wait),
            job_ended,
            stop=runtime.stop,
        ),
        consume(
            runtime.broker,
            streams.pipeline_outcomes_consumer(SERVICE, ack_wait_seconds=ack_wait),
            pipeline_ended,
            stop=runtime.stop,
        ),
        schedule(veilles, runtime.stop, env_float("OUTSEND_VEILLE_TICK_SECONDS", 30.0)),
    ]


async def schedule(veilles: Veilles, stop: asyncio.Event, every: float) -> None:
    """Start due runs, and finish the creation of runs a crash interrupted, every ``every`` seconds."""
    while not stop.is_set():
        try:
            started = await veilles.start_due_runs()
            await veilles.recover_interrupted_runs()
            if started:
                log.info("veille.scheduled", started=started)
        except Exception as error:  # a tick that fails (broker restarting…) is retried at the next one
            log.warning("veille.schedule_failed", error=repr(error))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)


def main() -> None:
    run_service(SERVICE, setup, schema=SERVICE, migrations="outsend_veille", projections=[PROJECTION])
