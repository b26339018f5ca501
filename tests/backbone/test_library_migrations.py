"""The tables libraries keep in a service's schema come from versioned migrations, and a database
created before those migrations existed keeps its rows and goes on working."""

from __future__ import annotations

import pytest

from outsend_deploy.local import LocalPlatform
from outsend_platform import db, projection
from outsend_runner import MIGRATIONS as RUNNER_MIGRATIONS
from outsend_runner.checkpoints import Checkpoints, Counts, RowRecord
from outsend_runner.module import Unit
from outsend_runner.units import UnitCheckpoints

SCHEMA = "legacy_worker_test"

BEFORE_MIGRATIONS = """
CREATE TABLE job_rows (
    job_id text NOT NULL, idx integer NOT NULL, part integer NOT NULL, data jsonb NOT NULL,
    failed boolean NOT NULL, counted boolean NOT NULL, PRIMARY KEY (job_id, idx, part)
);
INSERT INTO job_rows VALUES ('job-1', 0, 0, '{"nom": "A"}', false, true);
CREATE TABLE job_units (
    job_id text NOT NULL, key text NOT NULL, seq bigserial, data jsonb NOT NULL, parent text,
    outcome jsonb, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (job_id, key)
);
INSERT INTO job_units (job_id, key, data) VALUES ('job-2', 'zone-1', '{"zone": 1}');
CREATE TABLE job_found_rows (
    job_id text NOT NULL, key text NOT NULL, seq bigserial, data jsonb NOT NULL, unit text NOT NULL,
    PRIMARY KEY (job_id, key)
);
CREATE TABLE projection_positions (name text PRIMARY KEY, position bigint NOT NULL);
INSERT INTO projection_positions VALUES ('jobs', 42);
"""
"""The tables as the runner and the projections created them inline (``job_rows`` had no
``error`` column yet), with a few rows."""


@pytest.mark.asyncio
async def test_a_database_from_before_the_migrations_keeps_its_rows_and_works(platform: LocalPlatform) -> None:
    pool = await db.create_pool(platform.connection_env()["OUTSEND_DATABASE_URL"], SCHEMA)
    try:
        await pool.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE; CREATE SCHEMA "{SCHEMA}"')
        await pool.execute(BEFORE_MIGRATIONS)
        for _ in range(2):  # a second start finds nothing left to apply
            await db.migrate(pool, SCHEMA, RUNNER_MIGRATIONS)
            await db.migrate(pool, SCHEMA, projection.MIGRATIONS)

        checkpoints = Checkpoints(pool)
        await checkpoints.save("job-1", [RowRecord(1, 0, {"nom": "B"}, failed=True, error="site injoignable")])
        assert await checkpoints.counts("job-1") == Counts(processed=2, results=1, errors=1)
        assert await checkpoints.failure_reasons("job-1") == [("site injoignable", 1)]
        units = UnitCheckpoints(pool)
        assert await units.pending("job-2") == [Unit("zone-1", {"zone": 1}, None)]
        assert await pool.fetchval("SELECT position FROM projection_positions WHERE name = 'jobs'") == 42
        assert await pool.fetchval("SELECT count(*) FROM projection_parked_events") == 0
        applied = [row["version"] for row in await pool.fetch("SELECT version FROM schema_migrations ORDER BY 1")]
        assert applied == ["projection_001_tracking.sql", "runner_001_checkpoints.sql"]
    finally:
        await pool.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        await pool.close()
