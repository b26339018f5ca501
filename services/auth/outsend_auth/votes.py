"""Interest votes for coming-soon modules (``GET /api/features``, ``…/interest``)."""

from __future__ import annotations

from typing import Any

from outsend_auth.repository.votes import VoteRepository
from outsend_contracts import errors
from outsend_contracts.feedback import FeaturesReply, FeaturesRequest, VoteRequest
from outsend_contracts.registry import feature_vote_ids


class Votes:
    def __init__(self, votes: VoteRepository) -> None:
        self._votes = votes
        self._allowed = feature_vote_ids()

    async def features(self, request: FeaturesRequest) -> FeaturesReply:
        """The caller's votes and a counter for every allowed feature, zeros included."""
        counts = await self._votes.vote_counts(self._allowed)
        voted = [feature for feature in await self._votes.votes_of(request.user_id) if feature in self._allowed]
        return FeaturesReply(voted=voted, counts={feature: counts.get(feature, 0) for feature in self._allowed})

    async def vote(self, request: VoteRequest) -> dict[str, Any]:
        """Idempotent both ways; ids outside the registry's allow-list are refused (404)."""
        if request.feature_id not in self._allowed:
            raise errors.DomainError(404, errors.FEATURE_UNKNOWN.format(feature_id=request.feature_id))
        if request.interested:
            await self._votes.vote(request.user_id, request.feature_id)
        else:
            await self._votes.unvote(request.user_id, request.feature_id)
        return {"ok": True}
