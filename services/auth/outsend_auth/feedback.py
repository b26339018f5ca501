"""Feedback threads between users and the admins, and on-demand module activation requests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from outsend_auth import ratelimit
from outsend_auth.admin import AdminGuard
from outsend_auth.ratelimit import RateLimiter
from outsend_auth.repository.feedback import FeedbackRepository, MessageRecord, ThreadRecord
from outsend_contracts import errors, registry
from outsend_contracts.clock import iso
from outsend_contracts.feedback import (
    FEEDBACK_TYPES,
    MAX_MESSAGE,
    MAX_THREADS_LISTED,
    MAX_TOPIC_LENGTH,
    MIN_FIRST_MESSAGE,
    ON_DEMAND_TOPIC_PREFIX,
    PREVIEW_LENGTH,
    CreateThreadRequest,
    FeedbackMessage,
    FeedbackThread,
    ListThreadsRequest,
    OnDemandReply,
    OnDemandRequest,
    OnDemandTopic,
    PostMessageRequest,
    Reader,
    Role,
    SetStatusRequest,
    ThreadRequest,
    UnreadReply,
    on_demand_topic,
)


def serialize_thread(thread: ThreadRecord, messages: Sequence[MessageRecord], viewer: Role) -> FeedbackThread:
    """A thread as ``viewer`` sees it: ``unread_for_me`` counts the other side's unseen messages."""
    last_read = thread.last_read_admin if viewer == "admin" else thread.last_read_user
    other_side = "user" if viewer == "admin" else "admin"
    unread = sum(
        1
        for message in messages
        if message.author_role == other_side and (last_read is None or message.created_at > last_read)
    )
    last = messages[-1] if messages else None
    return FeedbackThread(
        id=thread.id,
        user_id=thread.user_id,
        user_email=thread.user_email,
        type=thread.type,
        topic=thread.topic,
        status=thread.status,  # type: ignore[arg-type]
        created_at=iso(thread.created_at) or "",
        last_read_user=iso(thread.last_read_user),
        last_read_admin=iso(thread.last_read_admin),
        messages=[
            FeedbackMessage(
                id=message.id,
                author_role=message.author_role,  # type: ignore[arg-type]
                author_user_id=message.author_user_id,
                message=message.message,
                created_at=iso(message.created_at) or "",
            )
            for message in messages
        ],
        preview=preview(last.message) if last else "",
        last_message_at=iso(last.created_at) if last else None,
        unread_for_me=unread,
    )


def preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_LENGTH else flat[: PREVIEW_LENGTH - 1].rstrip() + "…"


def check_message(message: str, minimum: int = 1) -> str:
    text = message.strip()
    if not minimum <= len(text) <= MAX_MESSAGE:
        raise errors.DomainError(422, errors.VALIDATION_FAILED)
    return text


class Feedback:
    def __init__(self, feedback: FeedbackRepository, limiter: RateLimiter, admins: AdminGuard) -> None:
        self._feedback = feedback
        self._limiter = limiter
        self._admins = admins

    # --- the user's side ---------------------------------------------------------------------------
    async def create_thread(self, request: CreateThreadRequest) -> FeedbackThread:
        if request.type not in FEEDBACK_TYPES:
            raise errors.DomainError(400, errors.FEEDBACK_TYPE_INVALID.format(type=request.type[:32]))
        topic = request.topic.strip() or "general"
        if len(topic) > MAX_TOPIC_LENGTH:
            raise errors.DomainError(422, errors.VALIDATION_FAILED)
        message = check_message(request.message, MIN_FIRST_MESSAGE)
        await self._limiter.check((ratelimit.FEEDBACK_THREADS_PER_USER, str(request.user_id)))
        thread_id = await self._feedback.create_thread(request.user_id, request.type, topic, message)
        return await self._serialized(thread_id, "user")

    async def on_demand(self, request: OnDemandRequest) -> OnDemandReply:
        """Ask for an on-demand module: a thread ``on_demand_<slug>``, or the user's open one."""
        spec = registry.REGISTRY.get(request.slug)
        if spec is None or spec.stage is not registry.Stage.ON_DEMAND:
            raise errors.DomainError(404, errors.UNKNOWN_MODULE.format(slug=request.slug))
        topic = on_demand_topic(spec.slug)
        existing = await self._feedback.open_thread(request.user_id, topic)
        if existing is None:
            thread = await self.create_thread(
                CreateThreadRequest(user_id=request.user_id, type="feature", topic=topic, message=request.message)
            )
            return OnDemandReply(created=True, thread=thread)
        await self._feedback.add_message(existing, "user", request.user_id, check_message(request.message))
        return OnDemandReply(created=False, thread=await self._serialized(existing, "user"))

    # --- both sides --------------------------------------------------------------------------------
    async def post(self, request: PostMessageRequest) -> FeedbackThread:
        thread = await self._visible(request)
        if thread.status == "closed":
            raise errors.DomainError(400, errors.THREAD_CLOSED)
        role = _role(request)
        if not await self._feedback.add_message(thread.id, role, request.user_id, check_message(request.message)):
            raise errors.DomainError(400, errors.THREAD_CLOSED)
        return await self._serialized(thread.id, role)

    async def get(self, request: ThreadRequest) -> FeedbackThread:
        thread = await self._visible(request)
        return await self._serialized(thread.id, _role(request))

    async def mark_read(self, request: ThreadRequest) -> FeedbackThread:
        thread = await self._visible(request)
        await self._feedback.mark_read(thread.id, _role(request))
        return await self._serialized(thread.id, _role(request))

    async def list_threads(self, request: ListThreadsRequest) -> list[FeedbackThread]:
        await self._check_reader(request)
        threads = await self._feedback.threads(
            user_id=None if request.as_admin else request.user_id,
            status=request.status,
            topic=request.topic,
            limit=min(max(request.limit, 1), MAX_THREADS_LISTED),
            offset=max(request.offset, 0) if request.as_admin else 0,
        )
        return await self._serialize_all(threads, _role(request))

    async def unread(self, request: Reader) -> UnreadReply:
        await self._check_reader(request)
        return UnreadReply(unread=await self._feedback.unread(None if request.as_admin else request.user_id))

    # --- the admins' side --------------------------------------------------------------------------
    async def set_status(self, request: SetStatusRequest) -> FeedbackThread:
        await self._admins.require(request.user_id)
        if not await self._feedback.set_status(request.thread_id, request.status):
            raise errors.DomainError(404, errors.THREAD_NOT_FOUND)
        return await self._serialized(request.thread_id, "admin")

    async def on_demand_summary(self, request: Reader) -> list[OnDemandTopic]:
        await self._admins.require(request.user_id)
        summary = []
        for row in await self._feedback.topics_with_prefix(ON_DEMAND_TOPIC_PREFIX):
            threads = await self._feedback.threads(user_id=None, topic=row["topic"], limit=MAX_THREADS_LISTED)
            summary.append(
                OnDemandTopic(
                    topic=row["topic"],
                    open_count=row["open_count"],
                    total_count=row["total_count"],
                    last_message_at=iso(row["last_message_at"]),
                    threads=await self._serialize_all(threads, "admin"),
                )
            )
        return summary

    async def threads_of(self, user_id: int) -> list[FeedbackThread]:
        """Every thread of a user, for the GDPR export."""
        threads = await self._feedback.threads(user_id=user_id, limit=1_000_000)
        return await self._serialize_all(threads, "user")

    # --- helpers -----------------------------------------------------------------------------------
    async def _visible(self, request: ThreadRequest | PostMessageRequest) -> ThreadRecord:
        await self._check_reader(request)
        thread = await self._feedback.thread(request.thread_id)
        if thread is None:
            raise errors.DomainError(404, errors.THREAD_NOT_FOUND)
        if not request.as_admin and thread.user_id != request.user_id:
            raise errors.DomainError(403, errors.FORBIDDEN)
        return thread

    async def _check_reader(self, reader: Reader) -> None:
        if reader.as_admin:
            await self._admins.require(reader.user_id)

    async def _serialized(self, thread_id: int, viewer: Role) -> FeedbackThread:
        thread = await self._feedback.thread(thread_id)
        if thread is None:
            raise errors.DomainError(404, errors.THREAD_NOT_FOUND)
        return serialize_thread(thread, await self._feedback.messages([thread_id]), viewer)

    async def _serialize_all(self, threads: Sequence[ThreadRecord], viewer: Role) -> list[FeedbackThread]:
        by_thread: dict[int, list[MessageRecord]] = defaultdict(list)
        for message in await self._feedback.messages([thread.id for thread in threads]):
            by_thread[message.thread_id].append(message)
        return [serialize_thread(thread, by_thread[thread.id], viewer) for thread in threads]


def _role(reader: Reader) -> Role:
    return "admin" if reader.as_admin else "user"
