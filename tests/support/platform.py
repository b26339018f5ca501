"""The whole platform, started for tests from the same code as ``make run``."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from outsend_deploy.local import LocalPlatform

INVITE_CODE = "TEST-INVITE"
ADMIN_EMAIL = "admin@example.com"  # a reserved domain such as .test is refused at signup

TEST_ENV = {
    "OUTSEND_INVITE_CODES": INVITE_CODE,
    "OUTSEND_ADMIN_EMAILS": ADMIN_EMAIL,
    # Redelivery of work whose worker died comes after this many seconds (30 in production).
    "OUTSEND_WORK_ACK_WAIT": "6",
    "OUTSEND_SWEEP_INTERVAL_SECONDS": "1",
    "OUTSEND_PUBLIC_URL": "http://outsend.test",
    # Tests reach the gateway from loopback, as a reverse proxy would: each test user sends its
    # own X-Forwarded-For, so per-IP rate limits count every user apart (none are trusted by default).
    "OUTSEND_TRUSTED_PROXIES": "127.0.0.1/32",
}


@contextmanager
def running_platform(extra_env: dict[str, str] | None = None) -> Iterator[LocalPlatform]:
    """NATS, Postgres and every service on free ports, in a fresh directory; stopped afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix="outsend-test-", dir="/tmp"))
    platform = LocalPlatform.for_tests(data_dir, {**TEST_ENV, **(extra_env or {})})
    try:
        platform.start_infra()
        platform.start_services()
        platform.wait_healthy(timeout=90)
        yield platform
    finally:
        platform.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
