"""Source units of one job that find the same places at the same time are all recorded.

A scrap explores several tiles at once and neighbouring tiles find the same places, each tile in
its own order; recording them must neither deadlock nor count a place twice.
"""

from __future__ import annotations

import asyncio
from typing import Any

from outsend_contracts.clock import new_job_id
from outsend_deploy.local import LocalPlatform
from outsend_platform import db
from outsend_runner import MIGRATIONS as RUNNER_MIGRATIONS
from outsend_runner.module import Unit
from outsend_runner.units import UnitCheckpoints

PLACES = 300


def _record(new: list[str]) -> tuple[dict[str, Any], list[Unit]]:
    return {"found": PLACES, "new_rows": len(new)}, []


async def test_tiles_finding_the_same_places_in_opposite_orders_are_all_recorded(platform: LocalPlatform) -> None:
    pool = await db.create_pool(platform.connection_env()["OUTSEND_DATABASE_URL"], "source_units_test", max_size=4)
    try:
        await db.migrate(pool, "source_units_test", RUNNER_MIGRATIONS)
        units = UnitCheckpoints(pool)
        job_id = new_job_id()
        tiles = [Unit("tile-a", {"tile": "a"}), Unit("tile-b", {"tile": "b"})]
        await units.add(job_id, tiles)
        places = [(f"place-{index}", {"nom": f"Lieu {index}"}) for index in range(PLACES)]

        async with asyncio.timeout(60):
            first, second = await asyncio.gather(
                units.complete(job_id, tiles[0], places, _record),
                units.complete(job_id, tiles[1], places[::-1], _record),
            )

        assert first[0].new_rows + second[0].new_rows == PLACES
        assert await units.row_keys(job_id) == {key for key, _ in places}
        assert [outcome.key for outcome in await units.outcomes(job_id)] == ["tile-a", "tile-b"]
        await units.forget(job_id)
    finally:
        await pool.close()
