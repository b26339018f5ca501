"""Signing up, logging in and out, resolving sessions, verifying email addresses."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from outsend_auth import credentials, mails
from outsend_auth.mailer import Mailer
from outsend_auth.repository import AuthRepository, UserRecord
from outsend_auth.settings import AuthSettings
from outsend_contracts import errors
from outsend_contracts.auth import (
    LoginRequest,
    ResendReply,
    ResolveReply,
    Session,
    SignupRequest,
    TokenRequest,
    UserPublic,
    UserRequest,
)
from outsend_contracts.clock import utc_now

SESSION_DURATION = timedelta(days=7)
SESSION_REFRESH_AFTER = timedelta(hours=1)
"""The sliding window moves at most once an hour, so reads do not write on every request."""
VERIFY_TOKEN_DURATION = timedelta(hours=48)
VERIFY = "verify_email"


class Accounts:
    def __init__(self, repository: AuthRepository, mailer: Mailer, settings: AuthSettings) -> None:
        self._repository = repository
        self._mailer = mailer
        self._settings = settings

    async def signup(self, request: SignupRequest) -> Session:
        if not request.accept_responsibility:
            raise errors.DomainError(400, errors.RESPONSIBILITY_REQUIRED)
        if request.invitation_code.strip().upper() not in self._settings.invite_codes:
            raise errors.DomainError(400, errors.INVITATION_INVALID)
        if not credentials.password_acceptable(request.password):
            raise errors.DomainError(422, errors.PASSWORD_RULES)
        password_hash = await asyncio.to_thread(credentials.hash_password, request.password)
        email = request.email.strip()
        user = await self._repository.create_user(
            email, password_hash, is_admin=email.lower() in self._settings.admin_emails
        )
        if user is None:
            raise errors.DomainError(400, errors.EMAIL_EXISTS)
        await self._send_verification(user, mails.welcome_and_verify)
        return await self._open_session(user)

    async def login(self, request: LoginRequest) -> Session:
        user = await self._repository.user_by_email(request.email.strip())
        valid = await asyncio.to_thread(
            credentials.verify_password, user.password_hash if user else None, request.password
        )
        if user is None or not valid:
            raise errors.DomainError(401, errors.BAD_CREDENTIALS)
        if not user.is_active:
            raise errors.DomainError(401, errors.ACCOUNT_INACTIVE)
        return await self._open_session(user)

    async def logout(self, request: TokenRequest) -> dict[str, Any]:
        token = credentials.unsign(self._settings.secret_key, request.token)
        if token is not None:
            await self._repository.delete_session(credentials.token_hash(token))
        return {"ok": True}

    async def resolve(self, request: TokenRequest) -> ResolveReply:
        """The user behind a session cookie, sliding the session's expiry forward."""
        token = credentials.unsign(self._settings.secret_key, request.token)
        if token is None:
            raise errors.DomainError(401, errors.NOT_AUTHENTICATED)
        now = utc_now()
        found = await self._repository.session_user(credentials.token_hash(token), now)
        if found is None:
            raise errors.DomainError(401, errors.NOT_AUTHENTICATED)
        user, expires_at = found
        refreshed = None
        if expires_at - now < SESSION_DURATION - SESSION_REFRESH_AFTER:
            await self._repository.extend_session(credentials.token_hash(token), now + SESSION_DURATION)
            refreshed = request.token
        return ResolveReply(
            user=self._public(user), refreshed_token=refreshed, max_age_seconds=int(SESSION_DURATION.total_seconds())
        )

    async def verify_email(self, request: TokenRequest) -> dict[str, Any]:
        user_id = await self._repository.consume_token(credentials.token_hash(request.token), VERIFY, utc_now())
        if user_id is None:
            raise errors.DomainError(400, errors.VERIFY_LINK_INVALID)
        await self._repository.mark_verified(user_id)
        return {"ok": True}

    async def resend_verification(self, request: UserRequest) -> ResendReply:
        user = await self._repository.user_by_id(request.user_id)
        if user is None:
            raise errors.DomainError(401, errors.NOT_AUTHENTICATED)
        if user.email_verified:
            return ResendReply(already_verified=True)
        await self._send_verification(user, mails.verify_again)
        return ResendReply()

    async def user(self, request: UserRequest) -> UserPublic:
        user = await self._repository.user_by_id(request.user_id)
        if user is None:
            raise errors.DomainError(404, errors.NOT_AUTHENTICATED)
        return self._public(user)

    # --- helpers ---------------------------------------------------------------------------------
    async def _open_session(self, user: UserRecord) -> Session:
        token = credentials.new_token()
        await self._repository.create_session(credentials.token_hash(token), user.id, utc_now() + SESSION_DURATION)
        return Session(
            user=self._public(user),
            token=credentials.sign(self._settings.secret_key, token),
            max_age_seconds=int(SESSION_DURATION.total_seconds()),
        )

    async def _send_verification(self, user: UserRecord, template: Any) -> None:
        token = credentials.new_token()
        await self._repository.create_token(
            credentials.token_hash(token), VERIFY, user.id, utc_now() + VERIFY_TOKEN_DURATION
        )
        subject, text = template(f"{self._settings.public_url}/verify-email?token={token}")
        await self._mailer.send(user.email, subject, text)

    def _public(self, user: UserRecord) -> UserPublic:
        return user.public(self._settings.admin_emails)
