"""A user holds at most 20 event streams open; one more is refused, and a closed one frees its slot."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx

from outsend_contracts import errors
from tests.support.api import Api
from tests.world.sheets import SheetsServer

MAX_STREAMS = 20  # OUTSEND_MAX_STREAMS_PER_USER's default
CONCURRENT_JOBS = 5  # per user: a sixth job waits


def open_stream(api: Api, stack: ExitStack, job_id: str) -> httpx.Response:
    """A stream of the job, held open in ``stack``; its first event read once it is a stream."""
    response = stack.enter_context(api.http.stream("GET", f"/api/jobs/{job_id}/stream"))
    if response.status_code == 200:
        lines = response.iter_lines()
        stack.callback(lines.close)  # kept until then: a collected reader would close the connection
        next(line for line in lines if line.startswith("event: "))
    return response


def open_when_a_slot_is_free(api: Api, stack: ExitStack, job_id: str, attempts: int = 50) -> httpx.Response:
    """The server learns of a closed stream when its connection goes: ask again until it has."""
    for _ in range(attempts):
        response = open_stream(api, stack, job_id)
        if response.status_code != 429:
            return response
        time.sleep(0.2)
    return response


def waiting_job(api: Api) -> str:
    """A job that stays pending behind five slow ones, then runs slowly: its streams stay open."""
    for _ in range(CONCURRENT_JOBS):
        api.create("import", source="url", url=SheetsServer.url(5, 9))
    return str(api.create("import", source="url", url=SheetsServer.url(5, 9))["id"])


def test_a_user_cannot_hold_more_than_the_limit_of_streams_and_a_closed_one_frees_its_slot(
    user: Api, other_user: Api
) -> None:
    other_job_id = str(other_user.create("sort", items=[{"nom": "A"}])["id"])
    job_id = waiting_job(user)
    with ExitStack() as held:
        streams = [held.enter_context(ExitStack()) for _ in range(MAX_STREAMS)]
        with ThreadPoolExecutor(MAX_STREAMS) as pool:
            statuses = list(pool.map(lambda stream: open_stream(user, stream, job_id).status_code, streams))
        assert statuses == [200] * MAX_STREAMS

        with ExitStack() as extra:
            refused = open_stream(user, extra, job_id)
            assert refused.status_code == 429
            refused.read()
            assert refused.json() == {"detail": errors.TOO_MANY_STREAMS.format(max_streams=MAX_STREAMS)}
        assert user.job(job_id)["status"] in {"pending", "running"}  # the twenty were still open

        with ExitStack() as others:  # the limit is per user
            assert open_stream(other_user, others, other_job_id).status_code == 200
        streams.pop().close()
        with ExitStack() as again:
            reopened = open_when_a_slot_is_free(user, again, job_id)
            assert reopened.status_code == 200
            assert reopened.headers["content-type"].startswith("text/event-stream")
