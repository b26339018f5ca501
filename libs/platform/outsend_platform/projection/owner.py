"""A service's projections: declared once (``run_service(projections=...)``), followed while the
service runs, rebuilt by its maintenance command.

``python -m <service> rebuild-projections`` drops each of the service's read models and replays
the event log into it; ``replay-parked`` does the same only for those that parked events, after
a fix. ``outsend projections rebuild|replay-parked`` runs them for every projection owner.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import asyncpg
from nats.js import JetStreamContext

from outsend_platform import broker, db
from outsend_platform.projection.runner import MIGRATIONS, Projection, ProjectionRunner
from outsend_platform.settings import Settings

REBUILD: Final = "rebuild-projections"
REPLAY_PARKED: Final = "replay-parked"
COMMANDS: Final = (REBUILD, REPLAY_PARKED)


async def open_projections(
    js: JetStreamContext, pool: asyncpg.Pool, schema: str, projections: Sequence[Projection]
) -> dict[str, ProjectionRunner]:
    """The runners of ``projections``, their tracking tables migrated into ``schema``."""
    await db.migrate(pool, schema, MIGRATIONS)
    runners = {}
    for projection in projections:
        runner = ProjectionRunner(js, pool, projection)
        await runner.setup()
        runners[projection.name] = runner
    return runners


async def run_command(
    command: str, service: str, schema: str, migrations: str | None, projections: Sequence[Projection]
) -> None:
    """Run ``command`` (one of :data:`COMMANDS`) on each projection, printing what it did."""
    settings = Settings.from_env()
    connection = await broker.connect(settings.nats_url, f"{service}-rebuild")
    pool = await db.create_pool(settings.database_url, schema)
    try:
        if migrations is not None:
            await db.migrate(pool, schema, migrations)
        for runner in (await open_projections(connection.js, pool, schema, projections)).values():
            print(await _run(command, runner))
    finally:
        await pool.close()
        await connection.close()


async def _run(command: str, runner: ProjectionRunner) -> str:
    if command == REPLAY_PARKED:
        return f"{runner.name}: {await runner.replay_parked()} events still parked"
    replayed = await runner.rebuild()
    return f"{runner.name}: {replayed} events replayed, {len(await runner.parked())} parked"
