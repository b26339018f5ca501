"""The whole platform, started for tests from the same code as ``make run``."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from outsend_deploy.local import LocalPlatform

INVITE_CODE = "TEST-INVITE"
ADMIN_EMAIL = "admin@example.com"  # a reserved domain such as .test is refused at signup
UNCLAIMED_ADMIN_EMAIL = "admin-unclaimed@example.com"
"""Also in ``OUTSEND_ADMIN_EMAILS``, and left for one test to sign up with (the fixtures do not)."""

TEST_ENV = {
    "OUTSEND_INVITE_CODES": INVITE_CODE,
    "OUTSEND_ADMIN_EMAILS": f"{ADMIN_EMAIL},{UNCLAIMED_ADMIN_EMAIL}",
    # Redelivery of work whose worker died comes after this many seconds (30 in production).
    "OUTSEND_WORK_ACK_WAIT": "6",
    "OUTSEND_SWEEP_INTERVAL_SECONDS": "1",
    "OUTSEND_PUBLIC_URL": "http://outsend.test",
    # Tests reach the gateway from loopback, as a reverse proxy would: each test user sends its
    # own X-Forwarded-For, so per-IP rate limits count every user apart (none are trusted by default).
    "OUTSEND_TRUSTED_PROXIES": "127.0.0.1/32",
}


INFRA = os.environ.get("OUTSEND_TEST_INFRA", "wheels")
"""``wheels`` (default): NATS and Postgres from their PyPI wheels. ``testcontainers``: in Docker."""


@contextmanager
def running_platform(extra_env: dict[str, str] | None = None) -> Iterator[LocalPlatform]:
    """NATS, Postgres and every service on free ports, in a fresh directory; stopped afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix="outsend-test-", dir="/tmp"))
    platform = LocalPlatform.for_tests(data_dir, {**TEST_ENV, **(extra_env or {})})
    with ExitStack() as containers:
        if INFRA == "testcontainers":
            platform.nats_url, platform.database_url = _start_containers(containers)
        yield from _run(platform, data_dir)


def _run(platform: LocalPlatform, data_dir: Path) -> Iterator[LocalPlatform]:
    try:
        platform.start_infra()
        platform.start_services()
        platform.wait_healthy(timeout=90)
        yield platform
    finally:
        platform.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _start_containers(stack: ExitStack) -> tuple[str, str]:
    """NATS and Postgres in Docker, for machines that have a Docker engine."""
    from testcontainers.community.postgres import PostgresContainer
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs

    nats = stack.enter_context(DockerContainer("nats:2.11").with_command("-js -m 8222").with_exposed_ports(4222))
    wait_for_logs(nats, "Server is ready")
    postgres = stack.enter_context(PostgresContainer("postgres:17", dbname="outsend", driver=None))
    nats_url = f"nats://{nats.get_container_host_ip()}:{nats.get_exposed_port(4222)}"
    return nats_url, postgres.get_connection_url()
