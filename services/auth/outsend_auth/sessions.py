"""Session cookies: a signed random token, bound to a row holding its SHA-256 (7-day sliding expiry)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from outsend_auth import credentials
from outsend_auth.repository.sessions import SessionRepository
from outsend_auth.repository.users import UserRecord
from outsend_contracts import errors
from outsend_contracts.auth import ResolveReply, Session, UserPublic
from outsend_contracts.clock import utc_now

SESSION_DURATION = timedelta(days=7)
SESSION_REFRESH_AFTER = timedelta(hours=1)
"""The sliding window moves at most once an hour, so reads do not write on every request."""


class Sessions:
    def __init__(
        self,
        rows: SessionRepository,
        secret_key: str,
        admin_emails: frozenset[str],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._rows = rows
        self._secret_key = secret_key
        self._admin_emails = admin_emails
        self._clock = clock

    async def open(self, user: UserRecord) -> Session:
        token = credentials.new_token()
        await self._rows.create_session(credentials.token_hash(token), user.id, self._clock() + SESSION_DURATION)
        return Session(
            user=self.public(user),
            token=credentials.sign(self._secret_key, token),
            max_age_seconds=int(SESSION_DURATION.total_seconds()),
        )

    async def resolve(self, cookie: str) -> ResolveReply:
        """The user behind a session cookie, sliding the session's expiry forward."""
        token = credentials.unsign(self._secret_key, cookie)
        if token is None:
            raise errors.DomainError(401, errors.NOT_AUTHENTICATED)
        now = self._clock()
        found = await self._rows.session_user(credentials.token_hash(token), now)
        if found is None:
            raise errors.DomainError(401, errors.NOT_AUTHENTICATED)
        user, expires_at = found
        refreshed = None
        if expires_at - now < SESSION_DURATION - SESSION_REFRESH_AFTER:
            await self._rows.extend_session(credentials.token_hash(token), now + SESSION_DURATION)
            refreshed = cookie
        return ResolveReply(
            user=self.public(user), refreshed_token=refreshed, max_age_seconds=int(SESSION_DURATION.total_seconds())
        )

    async def close(self, cookie: str) -> None:
        token = credentials.unsign(self._secret_key, cookie)
        if token is not None:
            await self._rows.delete_session(credentials.token_hash(token))

    def public(self, user: UserRecord) -> UserPublic:
        return user.public(self._admin_emails)
