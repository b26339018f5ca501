"""``/api/feedback``: the user's conversations with the admins (Feedback API page)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StringConstraints

from outsend_contracts import errors, subjects
from outsend_contracts.auth import UserPublic
from outsend_contracts.feedback import (
    DEFAULT_TOPIC,
    MAX_MESSAGE,
    MAX_TOPIC_LENGTH,
    MIN_FIRST_MESSAGE,
    CreateThreadRequest,
    FeedbackThread,
    ListThreadsRequest,
    OnDemandReply,
    OnDemandRequest,
    PostMessageRequest,
    Reader,
    ThreadRequest,
    UnreadReply,
)
from outsend_contracts.registry import ModuleSpec
from outsend_gateway.context import Gateway
from outsend_gateway.security import GatewayDep, User

router = APIRouter(prefix="/api/feedback", tags=["feedback"])

FirstMessage = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=MIN_FIRST_MESSAGE, max_length=MAX_MESSAGE)
]
Reply = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE)]


class ThreadBody(BaseModel):
    type: str = "other"
    """``bug``, ``feature`` or ``other``; anything else answers 400 (checked by the service)."""
    topic: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TOPIC_LENGTH)] = DEFAULT_TOPIC
    message: FirstMessage


class MessageBody(BaseModel):
    message: Reply


def thread_json(thread: FeedbackThread) -> dict[str, Any]:
    return msgspec.to_builtins(thread)  # type: ignore[no-any-return]


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


async def request_on_demand(gateway: Gateway, user: UserPublic, spec: ModuleSpec, body: Any) -> JSONResponse:
    """``POST /api/jobs/<on-demand module>``: an activation request, as a thread ``on_demand_<slug>``.

    201 with the new thread, or 200 with the user's open request for that module, which the
    optional ``message`` joins.
    """
    message = body.get("message") if isinstance(body, dict) else None
    if message is None:
        message = f"Je souhaite activer le module « {spec.label_fr} »."
    if not isinstance(message, str) or not MIN_FIRST_MESSAGE <= len(message.strip()) <= MAX_MESSAGE:
        raise errors.DomainError(
            422,
            {
                "message": errors.VALIDATION_FAILED,
                "errors": [{"field": "message", "message": f"{MIN_FIRST_MESSAGE} à {MAX_MESSAGE} caractères"}],
            },
        )
    request = OnDemandRequest(user_id=user.id, slug=spec.slug, message=message.strip())
    reply = await gateway.call(subjects.FEEDBACK_ON_DEMAND, request, OnDemandReply)
    content = {"on_demand": True, "created": reply.created, "thread": thread_json(reply.thread)}
    return JSONResponse(content, status_code=201 if reply.created else 200)
