"""``/api/feedback``: the user's conversations with the admins (Feedback API page)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, StringConstraints

from outsend_contracts import subjects
from outsend_contracts.feedback import (
    DEFAULT_TOPIC,
    MAX_MESSAGE,
    MAX_TOPIC_LENGTH,
    MIN_FIRST_MESSAGE,
    CreateThreadRequest,
    FeedbackThread,
    ListThreadsRequest,
    PostMessageRequest,
    Reader,
    ThreadRequest,
    UnreadReply,
)
from outsend_gateway.feedback_threads import MessageBody, thread_json
from outsend_gateway.security import GatewayDep, User

router = APIRouter(prefix="/api/feedback", tags=["feedback"])

FirstMessage = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=MIN_FIRST_MESSAGE, max_length=MAX_MESSAGE)
]


class ThreadBody(BaseModel):
    type: str = "other"
    """``bug``, ``feature`` or ``other``; anything else answers 400 (checked by the service)."""
    topic: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TOPIC_LENGTH)] = DEFAULT_TOPIC
    message: FirstMessage


@router.post("/threads", status_code=201)
async def create_thread(body: ThreadBody, user: User, gateway: GatewayDep) -> dict[str, Any]:
    request = CreateThreadRequest(
        user_id=user.id, type=body.type, topic=body.topic or DEFAULT_TOPIC, message=body.message
    )
    return thread_json(await gateway.call(subjects.FEEDBACK_CREATE, request, FeedbackThread))


@router.get("/threads")
async def list_threads(user: User, gateway: GatewayDep) -> list[dict[str, Any]]:
    """The caller's threads, newest first, at most 100, each with its messages."""
    threads = await gateway.call(subjects.FEEDBACK_LIST, ListThreadsRequest(user_id=user.id), list[FeedbackThread])
    return [thread_json(thread) for thread in threads]


@router.get("/unread")
async def unread(user: User, gateway: GatewayDep) -> dict[str, int]:
    """Admin replies not yet seen, across every thread of the caller."""
    reply = await gateway.call(subjects.FEEDBACK_UNREAD, Reader(user_id=user.id), UnreadReply)
    return {"unread": reply.unread}


@router.get("/threads/{thread_id}")
async def get_thread(thread_id: int, user: User, gateway: GatewayDep) -> dict[str, Any]:
    request = ThreadRequest(user_id=user.id, thread_id=thread_id)
    return thread_json(await gateway.call(subjects.FEEDBACK_GET, request, FeedbackThread))


@router.post("/threads/{thread_id}/messages", status_code=201)
async def post_message(thread_id: int, body: MessageBody, user: User, gateway: GatewayDep) -> dict[str, Any]:
    request = PostMessageRequest(user_id=user.id, thread_id=thread_id, message=body.message)
    return thread_json(await gateway.call(subjects.FEEDBACK_POST, request, FeedbackThread))


@router.post("/threads/{thread_id}/read")
async def mark_read(thread_id: int, user: User, gateway: GatewayDep) -> dict[str, Any]:
    """The caller has seen the thread: its ``unread_for_me`` drops to 0."""
    request = ThreadRequest(user_id=user.id, thread_id=thread_id)
    return thread_json(await gateway.call(subjects.FEEDBACK_READ, request, FeedbackThread))
