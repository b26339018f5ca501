"""Forgotten and changed passwords.

A reset request answers the same thing, after the same work, whatever the address: it counts
the attempt in its windows and replies. Looking the address up, making the link and mailing it
happen afterwards, off the request's path, so neither the answer nor its timing tells a client
whether an account exists.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from outsend_auth import credentials, mails, ratelimit
from outsend_auth.mailer import Mailer
from outsend_auth.ratelimit import RateLimiter
from outsend_auth.repository.tokens import TokenRepository
from outsend_auth.repository.users import UserRepository
from outsend_auth.sessions import Sessions
from outsend_contracts import errors
from outsend_contracts.auth import (
    PasswordChangeRequest,
    ResetConfirmRequest,
    ResetRequest,
    Session,
    password_acceptable,
)
from outsend_contracts.clock import utc_now
from outsend_platform.logging import get_logger

log = get_logger(__name__)

RESET = "reset_password"
RESET_TOKEN_DURATION = timedelta(hours=1)


class Passwords:
    def __init__(
        self,
        users: UserRepository,
        tokens: TokenRepository,
        sessions: Sessions,
        limiter: RateLimiter,
        mailer: Mailer,
        public_url: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._users = users
        self._tokens = tokens
        self._sessions = sessions
        self._limiter = limiter
        self._mailer = mailer
        self._public_url = public_url
        self._clock = clock
        self._background: set[asyncio.Task[None]] = set()

    async def request_reset(self, request: ResetRequest) -> dict[str, Any]:
        """Always ``{"ok": true}``; silent when a window is full."""
        email = ratelimit.normalise_email(request.email)
        wait = await self._limiter.attempt(
            (ratelimit.RESET_PER_IP, request.client_ip), (ratelimit.RESET_PER_EMAIL, email)
        )
        if wait is None:
            task = asyncio.create_task(self._mail_reset_link(email))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
        return {"ok": True}

    async def _mail_reset_link(self, email: str) -> None:
        try:
            user = await self._users.user_by_email(email)
            if user is None or not user.is_active:
                return
            token = credentials.new_token()
            await self._tokens.create_token(
                credentials.token_hash(token), RESET, user.id, self._clock() + RESET_TOKEN_DURATION
            )
            self._mailer.post(user.email, *mails.password_reset(f"{self._public_url}/reset-password?token={token}"))
        except Exception:
            log.exception("password.reset_mail_failed")

    async def confirm_reset(self, request: ResetConfirmRequest) -> dict[str, Any]:
        if not password_acceptable(request.new_password):
            raise errors.DomainError(422, errors.PASSWORD_RULES)  # checked first: a refusal keeps the link usable
        user_id = await self._tokens.consume_token(credentials.token_hash(request.token), RESET, self._clock())
        user = await self._users.user_by_id(user_id) if user_id is not None else None
        if user is None or not user.is_active:
            raise errors.DomainError(400, errors.RESET_LINK_INVALID)
        password_hash = await asyncio.to_thread(credentials.hash_password, request.new_password)
        await self._users.set_password(user.id, password_hash)
        await self._users.mark_verified(user.id)  # the link reached the mailbox: the address is theirs
        self._mailer.post(user.email, *mails.password_changed())
        return {"ok": True}

    async def change(self, request: PasswordChangeRequest) -> Session:
        """New password for a logged-in user: every session ends, the caller gets a fresh one."""
        await self._limiter.check((ratelimit.PASSWORD_CHANGE_PER_USER, str(request.user_id)))
        user = await self._users.user_by_id(request.user_id)
        if user is None:
            raise errors.DomainError(401, errors.NOT_AUTHENTICATED)
        if not await asyncio.to_thread(credentials.verify_password, user.password_hash, request.current_password):
            raise errors.DomainError(400, errors.CURRENT_PASSWORD_WRONG)
        if request.new_password == request.current_password:
            raise errors.DomainError(400, errors.NEW_PASSWORD_SAME)
        if not password_acceptable(request.new_password):
            raise errors.DomainError(422, errors.PASSWORD_RULES)
        password_hash = await asyncio.to_thread(credentials.hash_password, request.new_password)
        await self._users.set_password(user.id, password_hash)
        self._mailer.post(user.email, *mails.password_changed())
        return await self._sessions.open(user)

    async def drain(self, timeout: float) -> None:
        if self._background:
            await asyncio.wait(self._background, timeout=timeout)
