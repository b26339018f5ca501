"""The GDPR self-service: deleting an account everywhere, and the auth service's part of the export.

Deletion first appends ``evt.account.<id>.deleted`` (ids only, no personal data): every service
that keeps data of users erases it on that event, at least once, even if it is down right now.
Then the user's rows here go in one statement (sessions, tokens, API keys and votes cascade;
feedback threads stay, anonymised). The event comes first so that a failure in between leaves
an account that can still log in and retry, never data that nobody will erase.
"""

from __future__ import annotations

from typing import Any

from nats.js import JetStreamContext

from outsend_auth import mails
from outsend_auth.api_keys import public_key
from outsend_auth.feedback import Feedback
from outsend_auth.mailer import Mailer
from outsend_auth.ratelimit import RateLimiter
from outsend_auth.repository.api_keys import ApiKeyRepository
from outsend_auth.repository.users import UserRepository
from outsend_auth.repository.votes import VoteRepository
from outsend_auth.sessions import Sessions
from outsend_contracts import errors
from outsend_contracts.account import AccountExportRequest
from outsend_contracts.auth import AccountExport, DeleteAccountRequest
from outsend_platform.accounts import announce_account_deleted
from outsend_platform.logging import get_logger

log = get_logger(__name__)


class AccountData:
    def __init__(
        self,
        js: JetStreamContext,
        users: UserRepository,
        keys: ApiKeyRepository,
        votes: VoteRepository,
        feedback: Feedback,
        sessions: Sessions,
        limiter: RateLimiter,
        mailer: Mailer,
    ) -> None:
        self._js = js
        self._users = users
        self._keys = keys
        self._votes = votes
        self._feedback = feedback
        self._sessions = sessions
        self._limiter = limiter
        self._mailer = mailer

    async def delete(self, request: DeleteAccountRequest) -> dict[str, Any]:
        user = await self._users.user_by_id(request.user_id)
        if user is None:
            raise errors.DomainError(401, errors.NOT_AUTHENTICATED)
        if request.confirm_email.strip().lower() != user.email.lower():
            raise errors.DomainError(400, errors.DELETE_CONFIRMATION_WRONG)
        try:
            await announce_account_deleted(self._js, user.id)
        except Exception as error:
            log.warning("account.delete_not_announced", user_id=user.id, error=repr(error))
            raise errors.DomainError(503, errors.SERVICE_UNAVAILABLE) from error
        await self._limiter.forget_user(user.id, user.email)
        await self._users.delete_user(user.id)
        log.info("account.deleted", user_id=user.id)
        self._mailer.post(user.email, *mails.account_deleted())
        return {"ok": True}

    async def export(self, request: AccountExportRequest) -> AccountExport:
        user = await self._users.user_by_id(request.user_id)
        if user is None:
            raise errors.DomainError(401, errors.NOT_AUTHENTICATED)
        return AccountExport(
            user=self._sessions.public(user),
            api_keys=[public_key(row) for row in await self._keys.api_keys(user.id)],
            feature_votes=await self._votes.votes_of(user.id),
            feedback_threads=await self._feedback.threads_of(user.id),
        )
