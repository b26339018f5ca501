"""Wiring of the pipeline coordinator."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from nats.aio.msg import Msg

from outsend_contracts import streams, subjects
from outsend_contracts.jobs import events as job_events
from outsend_contracts.pipelines import commands as cmd
from outsend_pipeline_coordinator.coordinator import Coordinator
from outsend_pipeline_coordinator.jobs_client import JobsClient
from outsend_pipeline_coordinator.projection import PROJECTION
from outsend_pipeline_coordinator.queries import PipelineQueries
from outsend_pipeline_coordinator.repository import PipelineRepository
from outsend_pipeline_coordinator.spawner import Spawner
from outsend_pipeline_coordinator.writer import PipelineWriter
from outsend_platform.accounts import serve_account_erasure, serve_account_export
from outsend_platform.commands import CommandRouter
from outsend_platform.consumer import consume, kept_alive
from outsend_platform.eventstore import EventStore
from outsend_platform.objects import ObjectStorage
from outsend_platform.service import Runtime, run_service
from outsend_platform.settings import env_float
from outsend_platform.tracing import consumer_span

SERVICE = subjects.PIPELINE_COORDINATOR
SCHEMA = "pipeline_coordinator"
"""The service's name spelt as a Postgres identifier (a hyphen would need quoting in every query)."""
OUTCOME_CONCURRENCY = 8


async def setup(runtime: Runtime) -> list[Coroutine[Any, Any, None]]:
    js = runtime.broker.js
    store = EventStore(js)
    objects = ObjectStorage(js)
    repository = PipelineRepository(runtime.db)
    projector = runtime.projections[PROJECTION.name]
    jobs = JobsClient(runtime.broker)
    writer = PipelineWriter(store, projector, repository)
    coordinator = Coordinator(writer, repository, jobs, Spawner(jobs, objects), objects, store, projector)
    queries = PipelineQueries(repository, jobs, objects, runtime.broker)

    commands = CommandRouter(runtime.broker, SERVICE)
    commands.route(subjects.CMD_PIPELINES_CREATE, cmd.CreatePipeline, coordinator.create)
    commands.route(subjects.CMD_PIPELINES_RESUME, cmd.ResumePipeline, coordinator.resume)
    commands.route(subjects.CMD_PIPELINES_CANCEL, cmd.CancelPipeline, coordinator.cancel)
    await runtime.rpc.route(subjects.PIPELINES_GET, cmd.GetPipeline, queries.get)
    await runtime.rpc.route(subjects.PIPELINES_LIST, cmd.ListPipelines, queries.list)
    await runtime.rpc.route(subjects.PIPELINES_INPUT_COLUMNS, cmd.InspectNode, queries.input_columns)
    await runtime.rpc.route(subjects.PIPELINES_FILTER_PREVIEW, cmd.PreviewNodeFilter, queries.filter_preview)
    await serve_account_export(runtime, queries.export_user)

    ack_wait = runtime.settings.work_ack_wait

    async def job_ended(message: Msg) -> None:
        job_id = subjects.job_id_from_subject(message.subject)
        with consumer_span("pipeline job outcome", message.headers, **{"job.id": job_id}):
            async with kept_alive(message, every=ack_wait / 3):
                await coordinator.job_ended(
                    job_id,
                    job_events.decode_event(message.data),
                    redelivered=message.metadata.num_delivered > 1,
                )
        await message.ack()

    outcomes = consume(
        runtime.broker,
        streams.job_outcomes_consumer(SERVICE, ack_wait_seconds=ack_wait),
        job_ended,
        concurrency=OUTCOME_CONCURRENCY,
        stop=runtime.stop,
    )
    sweep_every = env_float("OUTSEND_PIPELINE_SWEEP_SECONDS", 30.0)
    return [
        serve_account_erasure(runtime, coordinator.erase_user),
        commands.run(runtime.stop),
        outcomes,
        coordinator.run_sweeps(runtime.stop, sweep_every),
    ]


def main() -> None:
    run_service(SERVICE, setup, schema=SCHEMA, migrations="outsend_pipeline_coordinator", projections=[PROJECTION])
