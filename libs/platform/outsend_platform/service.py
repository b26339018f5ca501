"""The life of a service process: connect, declare, migrate, serve, stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from outsend_contracts import subjects
from outsend_contracts.projections import ParkedEvent, ParkedEventsRequest, parked_events_subject
from outsend_contracts.rpc import HealthReply
from outsend_platform import broker, db
from outsend_platform.logging import configure_logging, get_logger
from outsend_platform.projection import owner
from outsend_platform.projection.runner import Projection, ProjectionRunner
from outsend_platform.rpc import RpcServer
from outsend_platform.settings import Settings
from outsend_platform.tracing import configure_tracing, shutdown_tracing

log = get_logger(__name__)

VERSION = "0.1.0"


@dataclass
class Runtime:
    """What a running service holds: its connections and its way to stop."""

    name: str
    settings: Settings
    broker: broker.Broker
    rpc: RpcServer
    pool: asyncpg.Pool | None = None
    schema: str | None = None
    projections: dict[str, ProjectionRunner] = field(default_factory=dict)
    """The runners of the projections the service declared, by projection name."""
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    ready: bool = False

    @property
    def db(self) -> asyncpg.Pool:
        assert self.pool is not None, f"{self.name} has no database"
        return self.pool

    async def migrate(self, package: str) -> None:
        """Apply a library's migrations to the service's schema (the tables it keeps there)."""
        assert self.schema is not None, f"{self.name} has no database"
        await db.migrate(self.db, self.schema, package)


Setup = Callable[[Runtime], Awaitable[list[Coroutine[Any, Any, None]]]]
"""Registers handlers and returns the service's long-running loops."""


def run_service(
    name: str,
    setup: Setup,
    *,
    schema: str | None = None,
    migrations: str | None = None,
    projections: Sequence[Projection] = (),
) -> None:
    """Serve until a signal; with ``projections``, ``rebuild-projections`` or ``replay-parked`` as the
    only argument runs that maintenance command instead (:mod:`outsend_platform.projection.owner`)."""
    configure_logging(name)
    if projections and len(sys.argv) == 2 and sys.argv[1] in owner.COMMANDS:
        assert schema is not None, f"{name} declares projections without a schema"
        asyncio.run(owner.run_command(sys.argv[1], name, schema, migrations, projections))
        return
    configure_tracing(name)
    try:
        asyncio.run(_serve(name, setup, schema, migrations, projections))
    finally:
        shutdown_tracing()


async def _serve(
    name: str, setup: Setup, schema: str | None, migrations: str | None, projections: Sequence[Projection]
) -> None:
    settings = Settings.from_env()
    connection = await broker.connect(settings.nats_url, name)
    runtime = Runtime(name=name, settings=settings, broker=connection, rpc=RpcServer(connection, name))
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, runtime.stop.set)

    async def health(_: object) -> HealthReply:
        return HealthReply(service=name, ready=runtime.ready, version=VERSION)

    await runtime.rpc.route(subjects.health(name), dict, health)
    await broker.ensure_resources(connection.js)
    if schema is not None:
        runtime.pool = await db.create_pool(settings.database_url, schema)
        runtime.schema = schema
        await db.ensure_schema(runtime.pool, schema)
        if migrations is not None:
            await db.migrate(runtime.pool, schema, migrations)
    if projections:
        await _open_projections(runtime, projections)
    loops = [*await setup(runtime), *(runner.run(runtime.stop) for runner in runtime.projections.values())]
    tasks = [asyncio.create_task(loop_) for loop_ in loops]
    runtime.ready = True
    log.info("service.ready", service=name)
    stop_task = asyncio.create_task(runtime.stop.wait())
    done, _ = await asyncio.wait([stop_task, *tasks], return_when=asyncio.FIRST_COMPLETED)
    for task in done:
        if task is not stop_task and task.exception() is not None:
            log.error("service.loop_crashed", error=repr(task.exception()))
    log.info("service.stopping", service=name)
    runtime.stop.set()
    if tasks:
        await asyncio.wait(tasks, timeout=5)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await runtime.rpc.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(connection.close(), 5)
    if runtime.pool is not None:
        await runtime.pool.close()
    log.info("service.stopped", service=name)


async def _open_projections(runtime: Runtime, projections: Sequence[Projection]) -> None:
    """Track the declared projections and answer ``parked_events`` for all of them."""
    assert runtime.schema is not None, f"{runtime.name} declares projections without a schema"
    runtime.projections = await owner.open_projections(runtime.broker.js, runtime.db, runtime.schema, projections)

    async def parked(_: ParkedEventsRequest) -> list[ParkedEvent]:
        return [event for runner in runtime.projections.values() for event in await runner.parked()]

    await runtime.rpc.route(parked_events_subject(runtime.name), ParkedEventsRequest, parked)
