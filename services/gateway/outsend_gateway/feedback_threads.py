"""What the routes that show, answer or open feedback threads share (user's side, admins' side, jobs)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StringConstraints

from outsend_contracts import errors, subjects
from outsend_contracts.auth import UserPublic
from outsend_contracts.feedback import MAX_MESSAGE, MIN_FIRST_MESSAGE, FeedbackThread, OnDemandReply, OnDemandRequest
from outsend_contracts.registry import ModuleSpec
from outsend_gateway.context import Gateway

Reply = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE)]


class MessageBody(BaseModel):
    message: Reply


def thread_json(thread: FeedbackThread) -> dict[str, Any]:
    return msgspec.to_builtins(thread)  # type: ignore[no-any-return]


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
