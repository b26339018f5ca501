"""``GET /api/jobs/{id}/stream``: the job's own event stream as Server-Sent Events.

The stream replays the job's events from JetStream and follows new ones. Event ids are stream
sequences, so ``Last-Event-ID`` (or ``?since=``) resumes exactly after the last event seen:
``log`` events are never repeated nor lost. A ``status`` event is sent every 2 seconds while
the job runs and once at the end, followed by ``done``; the stream then closes.

A user holds at most ``OUTSEND_MAX_STREAMS_PER_USER`` streams open at once (20); one more is
refused with 429, and a slot comes back as soon as a stream ends or its client goes away.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import api as js_api
from starlette.types import Receive, Scope, Send

from outsend_contracts import errors, streams, subjects
from outsend_contracts.auth import UserPublic
from outsend_contracts.clock import iso
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.state import JobState
from outsend_gateway.context import Gateway
from outsend_gateway.security import GatewayDep, optional_user

router = APIRouter(tags=["jobs"])

STATUS_EVERY = 2.0
HEARTBEAT_EVERY = 15.0
MAX_DURATION = 6 * 3600.0
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def sse(event: str, data: dict[str, Any], event_id: int | None = None) -> str:
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines += [f"event: {event}", f"data: {json.dumps(data, ensure_ascii=False)}"]
    return "\n".join(lines) + "\n\n"


@router.get("/api/jobs/{job_id}/stream")
async def stream(
    job_id: str,
    request: Request,
    gateway: GatewayDep,
    since: int | None = Query(None, ge=0),
    last_event_id: str | None = Header(None),
) -> StreamingResponse:
    user = await optional_user(request, _NoCookies(), gateway)
    resume_after = int(last_event_id) if last_event_id and last_event_id.isdigit() else (since or 0)
    if user is None:
        events = _events(gateway, request, user, job_id, resume_after)
        return StreamingResponse(events, media_type="text/event-stream", headers=HEADERS)
    slots = gateway.stream_slots
    if not slots.acquire(user.id):
        raise errors.DomainError(429, errors.TOO_MANY_STREAMS.format(max_streams=slots.limit))
    events = _events(gateway, request, user, job_id, resume_after)
    return _HeldStream(events, release=lambda: slots.release(user.id))


class _HeldStream(StreamingResponse):
    """A stream that gives its user's slot back however it ends: done, disconnected or failed."""

    def __init__(self, events: AsyncIterator[str], release: Callable[[], None]) -> None:
        super().__init__(events, media_type="text/event-stream", headers=HEADERS)
        self._release = release

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._release()


class _NoCookies:
    """A stream does not slide the session: its response headers are already sent."""

    def set_cookie(self, *_: Any, **__: Any) -> None:
        pass


async def _events(
    gateway: Gateway, request: Request, user: UserPublic | None, job_id: str, after: int
) -> AsyncIterator[str]:
    if user is None:
        yield sse("error", {"code": "unauthenticated", "message": errors.NOT_AUTHENTICATED})
        return
    try:
        await gateway.job(job_id, user.id)
    except errors.DomainError as error:
        code = {403: "forbidden", 404: "not_found"}.get(error.status, "unavailable")
        yield sse("error", {"code": code, "message": str(error.detail)})
        return
    subscription = await gateway.broker.js.subscribe(
        subjects.job_events(job_id),
        stream=streams.EVENTS.name,
        ordered_consumer=True,
        deliver_policy=js_api.DeliverPolicy.ALL,
    )
    try:
        async for chunk in _follow(subscription, request, after):
            yield chunk
    finally:
        with contextlib.suppress(Exception):
            await subscription.unsubscribe()


async def _follow(subscription: Any, request: Request, after: int) -> AsyncIterator[str]:
    state: JobState | None = None
    last_seq = after
    started = time.monotonic()
    next_status = 0.0  # a status event as soon as the replay has caught up
    next_heartbeat = started + HEARTBEAT_EVERY
    caught_up = False
    while time.monotonic() - started < MAX_DURATION:
        if await request.is_disconnected():
            return
        if caught_up and state is not None and state.status.terminal:
            return  # the client had already seen the end (it resumed after the last event)
        now = time.monotonic()
        if state is not None and caught_up and now >= next_status:
            yield sse("status", state.status_event(), last_seq)
            next_status = now + STATUS_EVERY
        if now >= next_heartbeat:
            yield ": heartbeat\n\n"
            next_heartbeat = now + HEARTBEAT_EVERY
        try:
            message = await subscription.next_msg(timeout=0.5 if caught_up else 2.0)
        except (TimeoutError, NatsTimeoutError):
            caught_up = True
            continue
        seq = message.metadata.sequence.stream
        caught_up = message.metadata.num_pending == 0
        event = ev.decode_event(message.data)
        state = JobState.created(event, seq) if isinstance(event, ev.JobCreated) else state
        if state is None:
            continue
        state.apply(event, seq)
        if seq <= after:
            continue
        last_seq = seq
        if isinstance(event, ev.JobLogged):
            payload = {"message": event.message, "level": event.level, "timestamp": iso(event.at)}
            yield sse("log", payload, seq)
        if state.status.terminal:
            yield sse("status", state.status_event(), seq)
            yield sse("done", _done(state), seq)
            return


def _done(state: JobState) -> dict[str, Any]:
    duration = None
    if state.started_at and state.completed_at:
        duration = int((state.completed_at - state.started_at).total_seconds())
    return {
        "id": state.id,
        "status": state.status.value,
        "results_count": state.results_count,
        "duration_seconds": duration,
    }
