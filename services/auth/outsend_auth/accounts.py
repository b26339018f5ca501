"""Signing up, logging in and out, resolving sessions, verifying email addresses."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from outsend_auth import credentials, mails, ratelimit
from outsend_auth.captcha import Captcha
from outsend_auth.mailer import Mailer
from outsend_auth.ratelimit import RateLimiter
from outsend_auth.repository.tokens import TokenRepository
from outsend_auth.repository.users import EmailTakenError, InvitationRejectedError, UserRecord, UserRepository
from outsend_auth.sessions import Sessions
from outsend_auth.settings import AuthSettings
from outsend_contracts import errors
from outsend_contracts.auth import (
    LoginRequest,
    ResendReply,
    ResolveReply,
    Session,
    SignupRequest,
    TokenRequest,
    UserRequest,
    password_acceptable,
)
from outsend_contracts.clock import utc_now

VERIFY_TOKEN_DURATION = timedelta(hours=48)
VERIFY = "verify_email"


class Accounts:
    def __init__(
        self,
        users: UserRepository,
        tokens: TokenRepository,
        sessions: Sessions,
        limiter: RateLimiter,
        captcha: Captcha,
        mailer: Mailer,
        settings: AuthSettings,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._users = users
        self._tokens = tokens
        self._sessions = sessions
        self._limiter = limiter
        self._captcha = captcha
        self._mailer = mailer
        self._settings = settings
        self._clock = clock

    async def signup(self, request: SignupRequest) -> Session:
        await self._limiter.check((ratelimit.SIGNUP_PER_IP, request.client_ip))
        if self._captcha.enabled and not await self._captcha.verify(request.hcaptcha_token, request.client_ip):
            raise errors.DomainError(400, errors.CAPTCHA_INVALID)
        if not request.accept_responsibility:
            raise errors.DomainError(400, errors.RESPONSIBILITY_REQUIRED)
        if not password_acceptable(request.password):
            raise errors.DomainError(422, errors.PASSWORD_RULES)
        password_hash = await asyncio.to_thread(credentials.hash_password, request.password)
        email = request.email.strip()
        try:
            user = await self._users.create_invited_user(
                email,
                password_hash,
                invitation_code=request.invitation_code.strip().upper(),
                config_codes=self._settings.invite_codes,
                now=self._clock(),
            )
        except InvitationRejectedError as refusal:
            raise errors.DomainError(400, errors.INVITATION_INVALID) from refusal
        except EmailTakenError as taken:
            raise errors.DomainError(400, errors.EMAIL_EXISTS) from taken
        await self._send_verification(user, mails.welcome_and_verify)
        return await self._sessions.open(user)

    async def login(self, request: LoginRequest) -> Session:
        await self._limiter.check(
            (ratelimit.LOGIN_PER_IP_AND_EMAIL, ratelimit.address_and_email(request.client_ip, request.email))
        )
        user = await self._users.user_by_email(request.email.strip())
        valid = await asyncio.to_thread(
            credentials.verify_password, user.password_hash if user else None, request.password
        )
        if user is None or not valid:
            raise errors.DomainError(401, errors.BAD_CREDENTIALS)
        if not user.is_active:
            raise errors.DomainError(401, errors.ACCOUNT_INACTIVE)
        await self._users.record_login(user.id, self._clock())
        return await self._sessions.open(user)

    async def logout(self, request: TokenRequest) -> dict[str, Any]:
        await self._sessions.close(request.token)
        return {"ok": True}

    async def resolve(self, request: TokenRequest) -> ResolveReply:
        return await self._sessions.resolve(request.token)

    async def verify_email(self, request: TokenRequest) -> dict[str, Any]:
        user_id = await self._tokens.consume_token(credentials.token_hash(request.token), VERIFY, self._clock())
        if user_id is None:
            raise errors.DomainError(400, errors.VERIFY_LINK_INVALID)
        await self._users.mark_verified(user_id)
        return {"ok": True}

    async def resend_verification(self, request: UserRequest) -> ResendReply:
        user = await self._users.user_by_id(request.user_id)
        if user is None:
            raise errors.DomainError(401, errors.NOT_AUTHENTICATED)
        if user.email_verified:
            return ResendReply(already_verified=True)
        await self._limiter.check((ratelimit.RESEND_VERIFY_PER_USER, str(user.id)))
        await self._send_verification(user, mails.verify_again)
        return ResendReply()

    async def _send_verification(self, user: UserRecord, template: Callable[[str], tuple[str, str]]) -> None:
        token = credentials.new_token()
        await self._tokens.create_token(
            credentials.token_hash(token), VERIFY, user.id, self._clock() + VERIFY_TOKEN_DURATION
        )
        subject, text = template(f"{self._settings.public_url}/verify-email?token={token}")
        self._mailer.post(user.email, subject, text)
