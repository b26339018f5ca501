"""Serving modules: one consumer per lane, each work order run by the runner."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Coroutine, Mapping, Sequence
from typing import Any

import msgspec
from nats.aio.msg import Msg

from outsend_contracts import streams, subjects
from outsend_contracts.jobs.commands import ForgetJob, WorkOrder
from outsend_contracts.registry import LANE_CAPACITY, Lane
from outsend_platform.commands import CommandRouter
from outsend_platform.consumer import consume, kept_alive
from outsend_platform.eventstore import EventStore
from outsend_platform.logging import get_logger
from outsend_platform.objects import ObjectStorage
from outsend_platform.service import Runtime
from outsend_platform.tracing import consumer_span
from outsend_platform.workers import ModuleAnnouncer
from outsend_runner import MIGRATIONS
from outsend_runner.checkpoints import Checkpoints
from outsend_runner.module import Module, SourceModule
from outsend_runner.runner import JobRunner
from outsend_runner.units import UnitCheckpoints

log = get_logger(__name__)

_work_orders = msgspec.json.Decoder(WorkOrder)


async def serve_modules(
    runtime: Runtime, modules: Sequence[Module], resources: dict[str, Any] | None = None
) -> list[Coroutine[Any, Any, None]]:
    """Announce the modules, then return one consuming loop per lane they run on, and the
    heartbeat that keeps them announced while the worker lives.

    ``modules`` is the service's ``MODULES`` (one instance per module class); ``resources`` are the
    service-wide helpers they read from :attr:`~outsend_runner.module.JobContext.resources`.
    """
    resources = resources or {}
    check_declarations(runtime.name, modules, resources)
    js = runtime.broker.js
    await runtime.migrate(MIGRATIONS)
    checkpoints = Checkpoints(runtime.db)
    units = UnitCheckpoints(runtime.db) if any(isinstance(module, SourceModule) for module in modules) else None
    runner = JobRunner(
        runtime.broker.nc,
        EventStore(js),
        ObjectStorage(js),
        checkpoints,
        {module.slug: module for module in modules},
        resources,
        units,
    )
    by_lane: dict[Lane, list[str]] = defaultdict(list)
    for module in modules:
        assert module.spec.lane is not None  # checked above
        by_lane[module.spec.lane].append(module.slug)
    announcer = ModuleAnnouncer(js, runtime.name, [module.slug for module in modules])
    await announcer.announce()
    ack_wait = runtime.settings.work_ack_wait

    async def handle(message: Msg) -> None:
        order = _work_orders.decode(message.data)
        with consumer_span("run job", message.headers, **{"job.id": order.job_id, "job.type": order.job_type}):
            async with kept_alive(message, every=ack_wait / 3):
                await runner.run(order, deliveries=message.metadata.num_delivered)
        await message.ack()

    forgetting = CommandRouter(runtime.broker, runtime.name)
    forgetting.route(subjects.cmd_forget_job(runtime.name), ForgetJob, runner.forget)
    loops = [forgetting.run(runtime.stop), announcer.run(runtime.stop)]
    if units is not None:
        loops.append(_purge_stale_units(units, runtime))
    return loops + [
        consume(
            runtime.broker,
            streams.work_consumer(
                runtime.name, lane.value, tuple(slugs), ack_wait_seconds=ack_wait, max_ack_pending=LANE_CAPACITY[lane]
            ),
            handle,
            concurrency=LANE_CAPACITY[lane],
            stop=runtime.stop,
        )
        for lane, slugs in by_lane.items()
    ]


def check_declarations(service: str, modules: Sequence[Module], resources: Mapping[str, Any]) -> None:
    """Refuse to start a worker whose modules its registry entries or its resources contradict:
    each module runs where its spec says, on a lane, with every resource it declares in ``uses``."""
    for module in modules:
        spec = module.spec
        if spec.service != service or spec.lane is None:
            raise RuntimeError(
                f"{module.slug}: the registry runs it in {spec.service} on {spec.lane}, not in {service}"
            )
        if missing := module.uses - resources.keys():
            raise RuntimeError(f"{module.slug}: {service} does not hand it {', '.join(sorted(missing))}")


async def _purge_stale_units(units: UnitCheckpoints, runtime: Runtime, every: float = 3600.0) -> None:
    """Interrupted source jobs stay resumable for a while; then their checkpoints go."""
    while not runtime.stop.is_set():
        try:
            if purged := await units.purge_stale():
                log.info("units.purged", jobs=purged)
        except Exception as error:  # the database restarting: try again next round
            log.warning("units.purge_failed", error=repr(error))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(runtime.stop.wait(), every)
