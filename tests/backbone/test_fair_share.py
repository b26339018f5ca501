"""Fair share between accounts: turns in a lane and per-account limits, from the API and the event log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from outsend_deploy.local import LocalPlatform
from tests.support.api import Api
from tests.support.events import job_event_log
from tests.support.platform import running_platform
from tests.world import World
from tests.world.sheets import SheetsServer

MAX_QUEUED = 2
EF_QUOTA = 0.0002
"""Five ``socials`` rows (0.00004 EF each) a month."""
STORAGE_QUOTA_MB = 1


@pytest.fixture(scope="module")
def limited() -> Iterator[LocalPlatform]:
    """A platform of its own whose operator set small per-account limits (the shared one has none)."""
    world = World([SheetsServer()])
    settings = world.start()
    quotas = {
        "OUTSEND_MAX_QUEUED_JOBS_PER_USER": str(MAX_QUEUED),
        "OUTSEND_EF_MONTHLY_QUOTA": str(EF_QUOTA),
        "OUTSEND_STORAGE_QUOTA_MB": str(STORAGE_QUOTA_MB),
    }
    try:
        with running_platform({**settings, **quotas}) as started:
            yield started
    finally:
        world.stop()


def usage(api: Api) -> dict[str, Any]:
    response = api.http.get("/api/auth/me")
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()["usage"]
    return answer


def job_ids(api: Api) -> list[str]:
    return [job["id"] for job in api.http.get("/api/jobs").json()]


def slow_imports(api: Api, count: int) -> list[str]:
    return [str(api.create("import", source="url", url=SheetsServer.url(5, delay=3))["id"]) for _ in range(count)]


def test_a_later_account_starts_before_the_backlogs_queued_ahead_of_it(platform: LocalPlatform) -> None:
    """Two backlogs fill the parallel lane's six slots; a third account's one job gets the next free slot."""
    alice, carol, bob = Api(platform).signup(), Api(platform).signup(), Api(platform).signup()
    backlogs = slow_imports(alice, 7) + slow_imports(carol, 7)
    (bobs,) = slow_imports(bob, 1)
    for api, jobs in ((alice, backlogs[:7]), (carol, backlogs[7:]), (bob, [bobs])):
        for job_id in jobs:
            assert api.wait(job_id)["status"] == "done"

    log = job_event_log(platform, [*backlogs, bobs])
    created = {job_id: seq for seq, job_id, event in log if event == "created"}
    started = {job_id: seq for seq, job_id, event in log if event == "started"}
    waiting_with_bob = [job_id for job_id in backlogs if started[job_id] > created[bobs]]
    assert waiting_with_bob, "the backlogs were still queued when bob's job was created"
    assert started[bobs] < min(started[job_id] for job_id in waiting_with_bob)


def test_an_account_queues_a_bounded_number_of_jobs(limited: LocalPlatform) -> None:
    alice, bob = Api(limited).signup(), Api(limited).signup()
    running_and_queued = [alice.create("import", source="url", url=SheetsServer.url(5, delay=5)) for _ in range(7)]
    assert [job["status"] for job in running_and_queued].count("pending") == MAX_QUEUED

    refused = alice.http.post("/api/jobs/import", json={"source": "url", "url": SheetsServer.url(5)})
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Trop de jobs en attente : 2 maximum par compte. "
        "Attends qu'ils démarrent ou annule-en avant d'en créer d'autres"
    }
    assert len(job_ids(alice)) == 7
    assert (usage(alice)["queued_jobs"], usage(alice)["max_queued_jobs"]) == (MAX_QUEUED, MAX_QUEUED)
    bob.create("import", source="url", url=SheetsServer.url(5))  # another account's queue is its own

    queued = next(job for job in running_and_queued if job["status"] == "pending")
    assert alice.http.post(f"/api/jobs/{queued['id']}/cancel").status_code == 200
    alice.create("import", source="url", url=SheetsServer.url(5))


def socials_of(count: int) -> dict[str, Any]:
    return {"items": [{"nom": f"Cabinet {index}", "site_web": f"https://cabinet-{index}.fr"} for index in range(count)]}


def test_the_monthly_ef_quota_refuses_the_job_that_would_exceed_it(limited: LocalPlatform) -> None:
    api = Api(limited).signup()
    assert usage(api)["ef_monthly_quota"] == EF_QUOTA and usage(api)["ef_month"] == 0
    first = api.create("socials", **socials_of(3))

    refused = api.http.post("/api/jobs/socials", json=socials_of(3))
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Quota mensuel dépassé : 0.00012 EF consommés ce mois-ci, 0.00012 EF demandés, "
        "maximum 0.0002 EF par mois"
    }
    assert job_ids(api) == [first["id"]]
    api.create("socials", **socials_of(2))  # exactly what is left
    assert usage(api)["ef_month"] == EF_QUOTA

    for job_id in job_ids(api):
        api.wait(job_id)
        assert api.http.delete(f"/api/jobs/{job_id}").status_code == 204
    assert usage(api)["ef_month"] == EF_QUOTA  # what was charged this month stays charged
    assert api.http.post("/api/jobs/socials", json=socials_of(1)).status_code == 403


def sheet_of(size: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["nom", "description"])
    for index in range(size // 100):
        writer.writerow([f"Cabinet {index}", "x" * 90])
    return buffer.getvalue()


def test_stored_bytes_are_bounded_and_freed_when_a_job_is_deleted(limited: LocalPlatform) -> None:
    api = Api(limited).signup()
    text = sheet_of(400_000)
    first = api.create("import", source="paste", text=text)
    assert api.wait(first["id"])["status"] == "done"
    stored = usage(api)["storage_bytes"]
    assert stored > 2 * 400_000 * 0.95  # the pasted input and the result file
    assert usage(api)["storage_quota_bytes"] == STORAGE_QUOTA_MB * 1024 * 1024

    refused = api.http.post("/api/jobs/import", json={"source": "paste", "text": text})
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": f"Espace de stockage plein : {stored / 1024 / 1024:.1f} Mo utilisés sur 1.0 Mo. "
        "Supprime des jobs terminés pour libérer de la place"
    }
    assert job_ids(api) == [first["id"]] and usage(api)["storage_bytes"] == stored  # the refused input is gone

    assert api.http.delete(f"/api/jobs/{first['id']}").status_code == 204
    assert usage(api)["storage_bytes"] == 0
    assert api.wait(api.create("import", source="paste", text=text)["id"])["status"] == "done"


def test_an_account_without_quotas_sees_its_usage_unbounded(user: Api) -> None:
    job = user.create("sort", items=[{"nom": "A"}])
    user.wait(job["id"])
    seen = usage(user)
    assert seen["storage_bytes"] > 0
    assert {key: value for key, value in seen.items() if key != "storage_bytes"} == {
        "ef_month": 0,
        "ef_monthly_quota": None,
        "storage_quota_bytes": None,
        "queued_jobs": 0,
        "max_queued_jobs": 20,
    }
