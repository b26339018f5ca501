"""Fair share between accounts: turns in a lane and per-account limits, from the API and the event log."""

from __future__ import annotations

from outsend_deploy.local import LocalPlatform
from tests.support.api import Api
from tests.support.events import job_event_log
from tests.world.sheets import SheetsServer


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
