"""``/api/features``: interest votes for coming-soon modules (Module registry API page)."""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import APIRouter, Response

from outsend_contracts import subjects
from outsend_contracts.feedback import FeaturesReply, FeaturesRequest, VoteRequest
from outsend_gateway.security import ActiveUser, GatewayDep, User

router = APIRouter(prefix="/api/features", tags=["registry"])


@router.get("")
async def features(user: User, gateway: GatewayDep) -> dict[str, Any]:
    reply = await gateway.call(subjects.FEATURES_LIST, FeaturesRequest(user_id=user.id), FeaturesReply)
    return msgspec.to_builtins(reply)  # type: ignore[no-any-return]


@router.post("/{feature_id}/interest", status_code=204)
async def vote(feature_id: str, user: ActiveUser, gateway: GatewayDep) -> Response:
    await gateway.call(
        subjects.FEATURES_VOTE, VoteRequest(user_id=user.id, feature_id=feature_id, interested=True), dict
    )
    return Response(status_code=204)


@router.delete("/{feature_id}/interest", status_code=204)
async def unvote(feature_id: str, user: ActiveUser, gateway: GatewayDep) -> Response:
    request = VoteRequest(user_id=user.id, feature_id=feature_id, interested=False)
    await gateway.call(subjects.FEATURES_VOTE, request, dict)
    return Response(status_code=204)
