"""Stream and consumer declarations, the one place they are configured.

Services call ``outsend_platform.nats.ensure_streams`` with these at start-up; a declaration
that changed is applied explicitly (JetStream keeps an existing consumer's config otherwise).
"""

from __future__ import annotations

import msgspec

from outsend_contracts import subjects

DAY = 24 * 3600


class StreamSpec(msgspec.Struct, frozen=True):
    name: str
    subjects: tuple[str, ...]
    retention: str  # "limits" | "workqueue"
    duplicate_window_seconds: float = 120.0
    max_msg_size: int = 8 * 1024 * 1024


class ConsumerSpec(msgspec.Struct, frozen=True):
    stream: str
    durable: str
    filter_subjects: tuple[str, ...]
    ack_wait_seconds: float = 30.0
    max_ack_pending: int = 1000
    max_deliver: int = -1


class ObjectStoreSpec(msgspec.Struct, frozen=True):
    bucket: str
    ttl_seconds: float | None


class KeyValueSpec(msgspec.Struct, frozen=True):
    bucket: str
    ttl_seconds: float | None = None
    history: int = 1


COMMANDS = StreamSpec(name="COMMANDS", subjects=("cmd.>",), retention="workqueue")
EVENTS = StreamSpec(name="EVENTS", subjects=(subjects.EVT_ALL,), retention="limits")
WORK = StreamSpec(
    name="WORK",
    subjects=(subjects.WORK_ALL,),
    retention="workqueue",
    duplicate_window_seconds=6 * 3600,  # a work order re-sent after a jobs-service restart is not run twice
)

ALL_STREAMS = (COMMANDS, EVENTS, WORK)

RESULTS_STORE = ObjectStoreSpec(bucket=subjects.OBJ_RESULTS, ttl_seconds=None)
"""Result files; retention (7 days after the terminal state) is enforced by the jobs service."""
INPUTS_STORE = ObjectStoreSpec(bucket=subjects.OBJ_INPUTS, ttl_seconds=None)
WORKER_TTL_SECONDS = 15.0
"""A worker that has not renewed its ``workers`` keys for this long no longer serves its modules."""
WORKER_HEARTBEAT_SECONDS = WORKER_TTL_SECONDS / 3
"""How often a worker renews its keys: two heartbeats can be missed before they expire."""
WORKERS_KV = KeyValueSpec(bucket=subjects.KV_WORKERS, ttl_seconds=WORKER_TTL_SECONDS)

ALL_OBJECT_STORES = (RESULTS_STORE, INPUTS_STORE)
ALL_KEY_VALUES = (WORKERS_KV,)


def command_consumer(service: str) -> ConsumerSpec:
    """The single durable consumer through which a service handles its commands."""
    return ConsumerSpec(
        stream=COMMANDS.name,
        durable=f"{service}-commands",
        filter_subjects=(subjects.cmd_all(service),),
        ack_wait_seconds=30.0,
    )


def job_outcomes_consumer(service: str, *, ack_wait_seconds: float) -> ConsumerSpec:
    """Every job's terminal event (``evt.job.*.done|failed|cancelled``), for a service that reacts to them.

    Handlers keep their message alive while they work, so ``ack_wait`` is how soon an outcome
    whose handler died is handed to another replica.
    """
    return ConsumerSpec(
        stream=EVENTS.name,
        durable=f"{service}-job-outcomes",
        filter_subjects=tuple(subjects.job_terminal_events(event) for event in subjects.JOB_TERMINAL_EVENTS),
        ack_wait_seconds=ack_wait_seconds,
    )


def work_consumer(
    service: str, lane: str, modules: tuple[str, ...], *, ack_wait_seconds: float, max_ack_pending: int
) -> ConsumerSpec:
    """One consumer per (worker service, lane).

    The proxy lane is declared with ``max_ack_pending=1`` so that one worker at a time holds
    proxy-lane work, even if admission in the jobs service were ever wrong.
    """
    return ConsumerSpec(
        stream=WORK.name,
        durable=f"{service}-{lane}",
        filter_subjects=tuple(subjects.work(lane, module) for module in modules),
        ack_wait_seconds=ack_wait_seconds,
        max_ack_pending=max_ack_pending,
    )


def account_erasure_consumer(service: str) -> ConsumerSpec:
    """One per service that keeps data of users: it erases them on ``evt.account.*.deleted``.

    Durable and replaying from the start of the stream, so a service that was down (or that is
    deployed later) still erases every account deleted meanwhile; erasure is idempotent.
    """
    return ConsumerSpec(
        stream=EVENTS.name,
        durable=f"{service}-account-erasure",
        filter_subjects=(subjects.ACCOUNT_DELETED_ALL,),
        ack_wait_seconds=120.0,
    )


def pipeline_outcomes_consumer(service: str, *, ack_wait_seconds: float) -> ConsumerSpec:
    """Every pipeline's end (``evt.pipeline.*.completed|failed|cancelled``), for a service that reacts to them."""
    return ConsumerSpec(
        stream=EVENTS.name,
        durable=f"{service}-pipeline-outcomes",
        filter_subjects=tuple(subjects.pipeline_event("*", event) for event in subjects.PIPELINE_TERMINAL_EVENTS),
        ack_wait_seconds=ack_wait_seconds,
    )
