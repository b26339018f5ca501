"""Feedback threads and registry interest votes (``svc.auth.feedback_*``, ``svc.auth.feature*``).

A thread is a conversation between one user and the platform admins, pinned to a ``topic``.
``on_demand_<slug>`` topics are activation requests for on-demand modules of the registry.
"""

from __future__ import annotations

from typing import Final, Literal

import msgspec

FEEDBACK_TYPES: Final = ("bug", "feature", "other")
DEFAULT_TOPIC: Final = "general"
ON_DEMAND_TOPIC_PREFIX: Final = "on_demand_"
MAX_TOPIC_LENGTH: Final = 64
MIN_FIRST_MESSAGE: Final = 3
MAX_MESSAGE: Final = 5000
MAX_THREADS_LISTED: Final = 100
PREVIEW_LENGTH: Final = 140

Role = Literal["user", "admin"]
ThreadStatus = Literal["open", "closed"]


def on_demand_topic(slug: str) -> str:
    """The topic of an activation request for an on-demand module (``on_demand_<slug>``)."""
    return f"{ON_DEMAND_TOPIC_PREFIX}{slug}"


class FeedbackMessage(msgspec.Struct, kw_only=True):
    id: int
    author_role: Role
    author_user_id: int | None
    message: str
    created_at: str


class FeedbackThread(msgspec.Struct, kw_only=True):
    """A thread as the Feedback API page serialises it (plus its ``topic``)."""

    id: int
    user_id: int | None
    """``None`` once the author deleted their account (the thread is kept, anonymised)."""
    user_email: str | None
    type: str
    topic: str
    status: ThreadStatus
    created_at: str
    last_read_user: str | None
    last_read_admin: str | None
    messages: list[FeedbackMessage]
    preview: str
    last_message_at: str | None
    unread_for_me: int


class Reader(msgspec.Struct, kw_only=True):
    """Who reads or writes: a user on their own threads, or an admin on every thread."""

    user_id: int
    as_admin: bool = False


class CreateThreadRequest(msgspec.Struct, kw_only=True):
    user_id: int
    type: str = "other"
    topic: str = DEFAULT_TOPIC
    message: str


class PostMessageRequest(Reader, kw_only=True):
    thread_id: int
    message: str


class ThreadRequest(Reader, kw_only=True):
    thread_id: int


class ListThreadsRequest(Reader, kw_only=True):
    status: ThreadStatus | None = None
    topic: str | None = None
    limit: int = MAX_THREADS_LISTED
    offset: int = 0


class UnreadReply(msgspec.Struct, kw_only=True):
    unread: int


class SetStatusRequest(Reader, kw_only=True):
    thread_id: int
    status: ThreadStatus


class OnDemandRequest(msgspec.Struct, kw_only=True):
    user_id: int
    slug: str
    message: str


class OnDemandReply(msgspec.Struct, kw_only=True):
    created: bool
    """``False`` when the user already had an open request for that module (the message joined it)."""
    thread: FeedbackThread


class OnDemandTopic(msgspec.Struct, kw_only=True):
    topic: str
    open_count: int
    total_count: int
    last_message_at: str | None
    threads: list[FeedbackThread]


# --- registry interest votes -------------------------------------------------------------------------
class FeaturesRequest(msgspec.Struct, kw_only=True):
    user_id: int


class FeaturesReply(msgspec.Struct, kw_only=True):
    voted: list[str]
    counts: dict[str, int]


class VoteRequest(msgspec.Struct, kw_only=True):
    user_id: int
    feature_id: str
    interested: bool
