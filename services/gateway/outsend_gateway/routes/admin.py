"""``/api/admin``: users, invitation codes, feedback inbox, parked events; for admins only (see docs/admin.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from outsend_contracts import projections, subjects
from outsend_contracts.auth import (
    AdminRequest,
    AdminUser,
    AdminUsersRequest,
    AdminUserStatusRequest,
    Invitation,
    InvitationCreateRequest,
    InvitationRevokeRequest,
)
from outsend_contracts.clock import iso
from outsend_contracts.feedback import (
    FeedbackThread,
    ListThreadsRequest,
    OnDemandTopic,
    PostMessageRequest,
    Reader,
    SetStatusRequest,
    ThreadRequest,
    UnreadReply,
)
from outsend_contracts.projections import ParkedEvent
from outsend_gateway.feedback_threads import MessageBody, thread_json
from outsend_gateway.security import Admin, GatewayDep

router = APIRouter(prefix="/api/admin", tags=["admin"])


def _json(value: Any) -> Any:
    return msgspec.to_builtins(value)


# --- users -------------------------------------------------------------------------------------------
@router.get("/users")
async def users(
    admin: Admin,
    gateway: GatewayDep,
    q: str = Query("", max_length=320),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    request = AdminUsersRequest(admin_id=admin.id, query=q, limit=limit, offset=offset)
    return _json(await gateway.call(subjects.AUTH_ADMIN_USERS, request, list[AdminUser]))  # type: ignore[no-any-return]


async def _set_active(admin_id: int, user_id: int, active: bool, gateway: Any) -> dict[str, Any]:
    request = AdminUserStatusRequest(admin_id=admin_id, user_id=user_id, active=active)
    return _json(await gateway.call(subjects.AUTH_ADMIN_USER_STATUS, request, AdminUser))  # type: ignore[no-any-return]


@router.post("/users/{user_id}/deactivate")
async def deactivate(user_id: int, admin: Admin, gateway: GatewayDep) -> dict[str, Any]:
    """The user's sessions end at once; their API keys answer 403 until reactivation."""
    return await _set_active(admin.id, user_id, False, gateway)


@router.post("/users/{user_id}/reactivate")
async def reactivate(user_id: int, admin: Admin, gateway: GatewayDep) -> dict[str, Any]:
    return await _set_active(admin.id, user_id, True, gateway)


# --- invitation codes --------------------------------------------------------------------------------
class InvitationBody(BaseModel):
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{4,64}$")] | None = None
    """Generated (``OUT-XXXX-XXXX``) when absent."""
    max_uses: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    expires_at: AwareDatetime | None = None


@router.get("/invitations")
async def invitations(admin: Admin, gateway: GatewayDep) -> list[dict[str, Any]]:
    listed = await gateway.call(subjects.AUTH_ADMIN_INVITATIONS, AdminRequest(admin_id=admin.id), list[Invitation])
    return _json(listed)  # type: ignore[no-any-return]


@router.post("/invitations", status_code=201)
async def create_invitation(body: InvitationBody, admin: Admin, gateway: GatewayDep) -> dict[str, Any]:
    request = InvitationCreateRequest(
        admin_id=admin.id, code=body.code, max_uses=body.max_uses, expires_at=iso(body.expires_at)
    )
    return _json(await gateway.call(subjects.AUTH_ADMIN_INVITATION_CREATE, request, Invitation))  # type: ignore[no-any-return]


@router.delete("/invitations/{code}", status_code=204)
async def revoke_invitation(code: str, admin: Admin, gateway: GatewayDep) -> Response:
    request = InvitationRevokeRequest(admin_id=admin.id, code=code)
    await gateway.call(subjects.AUTH_ADMIN_INVITATION_REVOKE, request, Invitation)
    return Response(status_code=204)


# --- the feedback inbox ------------------------------------------------------------------------------
@router.get("/feedback/threads")
async def feedback_threads(
    admin: Admin,
    gateway: GatewayDep,
    status: Literal["open", "closed"] | None = None,
    topic: str | None = Query(None, max_length=64),
    limit: int = Query(100, ge=1, le=100),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    """Every user's threads, newest first; ``unread_for_me`` counts user messages no admin has seen."""
    request = ListThreadsRequest(
        user_id=admin.id, as_admin=True, status=status, topic=topic, limit=limit, offset=offset
    )
    threads = await gateway.call(subjects.FEEDBACK_LIST, request, list[FeedbackThread])
    return [thread_json(thread) for thread in threads]


@router.get("/feedback/unread")
async def feedback_unread(admin: Admin, gateway: GatewayDep) -> dict[str, int]:
    reply = await gateway.call(subjects.FEEDBACK_UNREAD, Reader(user_id=admin.id, as_admin=True), UnreadReply)
    return {"unread": reply.unread}


@router.get("/feedback/on-demand")
async def on_demand(admin: Admin, gateway: GatewayDep) -> list[dict[str, Any]]:
    """``on_demand_*`` threads grouped by topic, with open counts (the "On demand" inbox)."""
    request = Reader(user_id=admin.id, as_admin=True)
    return _json(await gateway.call(subjects.FEEDBACK_ON_DEMAND_SUMMARY, request, list[OnDemandTopic]))  # type: ignore[no-any-return]


@router.get("/feedback/threads/{thread_id}")
async def feedback_thread(thread_id: int, admin: Admin, gateway: GatewayDep) -> dict[str, Any]:
    request = ThreadRequest(user_id=admin.id, as_admin=True, thread_id=thread_id)
    return thread_json(await gateway.call(subjects.FEEDBACK_GET, request, FeedbackThread))


@router.post("/feedback/threads/{thread_id}/messages", status_code=201)
async def reply(thread_id: int, body: MessageBody, admin: Admin, gateway: GatewayDep) -> dict[str, Any]:
    request = PostMessageRequest(user_id=admin.id, as_admin=True, thread_id=thread_id, message=body.message)
    return thread_json(await gateway.call(subjects.FEEDBACK_POST, request, FeedbackThread))


@router.post("/feedback/threads/{thread_id}/read")
async def mark_read(thread_id: int, admin: Admin, gateway: GatewayDep) -> dict[str, Any]:
    request = ThreadRequest(user_id=admin.id, as_admin=True, thread_id=thread_id)
    return thread_json(await gateway.call(subjects.FEEDBACK_READ, request, FeedbackThread))


@router.post("/feedback/threads/{thread_id}/close")
async def close(thread_id: int, admin: Admin, gateway: GatewayDep) -> dict[str, Any]:
    request = SetStatusRequest(user_id=admin.id, as_admin=True, thread_id=thread_id, status="closed")
    return thread_json(await gateway.call(subjects.FEEDBACK_SET_STATUS, request, FeedbackThread))


@router.post("/feedback/threads/{thread_id}/reopen")
async def reopen(thread_id: int, admin: Admin, gateway: GatewayDep) -> dict[str, Any]:
    request = SetStatusRequest(user_id=admin.id, as_admin=True, thread_id=thread_id, status="open")
    return thread_json(await gateway.call(subjects.FEEDBACK_SET_STATUS, request, FeedbackThread))


# --- read models ---------------------------------------------------------------------------------
@router.get("/projections/parked")
async def parked_events(admin: Admin, gateway: GatewayDep) -> list[dict[str, Any]]:
    """Events a read model could not apply and set aside, oldest first (see docs/admin.md)."""
    parked: list[ParkedEvent] = []
    for service in projections.OWNERS:
        subject = projections.parked_events_subject(service)
        parked += await gateway.call(subject, projections.ParkedEventsRequest(), list[ParkedEvent])
    return _json(sorted(parked, key=lambda event: event.seq))  # type: ignore[no-any-return]
