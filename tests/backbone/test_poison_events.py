"""An event a read model cannot apply is parked: the view goes on, admins see it, rebuild completes.

The poisoned event is appended straight to JetStream, as an old event or a bug would write it,
past every check of the gateway.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from outsend_contracts import subjects
from outsend_contracts.clock import new_job_id
from outsend_contracts.jobs import events as ev
from outsend_deploy.local import LocalPlatform
from outsend_platform.broker import connect
from outsend_platform.eventstore import EventStore
from tests.support.api import Api


def append_poisoned_job(platform: LocalPlatform, user_id: int) -> tuple[str, int]:
    """A ``created`` event whose notice holds a NUL character, which Postgres refuses in jsonb."""
    job_id = new_job_id()
    event = ev.JobCreated(
        at=datetime.now(UTC), job_id=job_id, user_id=user_id, job_type="sort", lane="parallel",
        params={}, notice="Colonnes gardées telles quelles : nom\u0000.",
    )  # fmt: skip

    async def append() -> int:
        broker = await connect(platform.connection_env()["OUTSEND_NATS_URL"], "tests-poison")
        try:
            return await EventStore(broker.js).append(subjects.job_event(job_id, "created"), ev.encode_event(event))
        finally:
            await broker.close()

    return job_id, asyncio.run(append())


@pytest.fixture(scope="module")
def poisoned(platform: LocalPlatform) -> tuple[str, int]:
    victim = Api(platform).signup()
    return append_poisoned_job(platform, int(victim.user["id"]))


def test_jobs_keep_being_created_and_read_after_a_poisoned_event(poisoned: tuple[str, int], user: Api) -> None:
    job = user.create("filter", items=[{"nom": "A", "note": "5"}, {"nom": "B", "note": "2"}], rating_min=4)
    done = user.wait(str(job["id"]), timeout=30)
    assert done["status"] == "done" and done["results_count"] == 1
    assert [row["nom"] for row in user.all_items(str(job["id"]))] == ["A"]


def test_the_admin_sees_the_parked_event(poisoned: tuple[str, int], admin: Api, user: Api) -> None:
    job_id, seq = poisoned
    user.wait(str(user.create("sort", items=[{"nom": "A"}])["id"]), timeout=30)  # the view is past it
    response = admin.http.get("/api/admin/projections/parked")
    assert response.status_code == 200, response.text
    parked = [event for event in response.json() if event["seq"] == seq]
    assert len(parked) == 1
    assert parked[0]["projection"] == "jobs"
    assert parked[0]["subject"] == subjects.job_event(job_id, "created")
    assert "\\u0000" in parked[0]["error"] and parked[0]["parked_at"].endswith("Z")
    assert user.http.get("/api/admin/projections/parked").status_code == 403


def run_cli(platform: LocalPlatform, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outsend_deploy.cli", "projections", *args],
        env={**platform.connection_env(), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_rebuild_and_replay_complete_and_keep_the_event_parked(
    poisoned: tuple[str, int], platform: LocalPlatform, admin: Api, user: Api
) -> None:
    job = user.create("sort", items=[{"nom": "A"}])
    user.wait(str(job["id"]), timeout=30)
    rebuilt = run_cli(platform, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    replayed = run_cli(platform, "replay-parked")
    assert replayed.returncode == 0, replayed.stderr
    assert "events still parked" in replayed.stdout
    assert user.job(str(job["id"]))["status"] == "done"
    assert poisoned[1] in [event["seq"] for event in admin.http.get("/api/admin/projections/parked").json()]
