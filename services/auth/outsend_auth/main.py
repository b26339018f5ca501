"""Wiring of the auth service."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import httpx

from outsend_auth.account_data import AccountData
from outsend_auth.accounts import Accounts
from outsend_auth.admin import Admin, AdminGuard
from outsend_auth.ai import Ai, KeyBox
from outsend_auth.api_keys import ApiKeys
from outsend_auth.captcha import Captcha
from outsend_auth.feedback import Feedback
from outsend_auth.mailer import Mailer
from outsend_auth.passwords import Passwords
from outsend_auth.ratelimit import RateLimiter
from outsend_auth.repository.ai import AiRepository
from outsend_auth.repository.api_keys import ApiKeyRepository
from outsend_auth.repository.feedback import FeedbackRepository
from outsend_auth.repository.invitations import InvitationRepository
from outsend_auth.repository.rate_limits import RateLimitRepository
from outsend_auth.repository.sessions import SessionRepository
from outsend_auth.repository.tokens import TokenRepository
from outsend_auth.repository.users import UserRepository
from outsend_auth.repository.votes import VoteRepository
from outsend_auth.sessions import Sessions
from outsend_auth.settings import AuthSettings
from outsend_auth.votes import Votes
from outsend_contracts import ai as ai_messages
from outsend_contracts import auth as a
from outsend_contracts import feedback as f
from outsend_contracts import subjects
from outsend_contracts.account import AccountExportRequest
from outsend_contracts.clock import utc_now
from outsend_platform.logging import get_logger
from outsend_platform.service import Runtime, run_service

log = get_logger(__name__)

HOUSEKEEPING_EVERY = 600.0


async def setup(runtime: Runtime) -> list[Coroutine[Any, Any, None]]:
    settings = AuthSettings.from_env(runtime.settings)
    users, tokens, keys = UserRepository(runtime.db), TokenRepository(runtime.db), ApiKeyRepository(runtime.db)
    session_rows, votes_rows = SessionRepository(runtime.db), VoteRepository(runtime.db)
    mailer = Mailer(settings.mail_from, settings.smtp_url, settings.outbox)
    http = httpx.AsyncClient()
    captcha = Captcha(settings.hcaptcha_secret, settings.hcaptcha_verify_url, settings.hcaptcha_sitekey, http)
    limiter = RateLimiter(RateLimitRepository(runtime.db), settings.secret_key)
    sessions = Sessions(session_rows, settings.secret_key, settings.admin_emails)
    guard = AdminGuard(users, settings.admin_emails)

    accounts = Accounts(users, tokens, sessions, limiter, captcha, mailer, settings)
    passwords = Passwords(users, tokens, sessions, limiter, mailer, settings.public_url)
    api_keys = ApiKeys(keys, sessions)
    feedback = Feedback(FeedbackRepository(runtime.db), limiter, guard)
    votes = Votes(votes_rows)
    admin = Admin(users, InvitationRepository(runtime.db), guard, settings.invite_codes, settings.admin_emails)
    ai_repository = AiRepository(runtime.db)
    ai = Ai(ai_repository, KeyBox(settings.secret_key, settings.previous_secret_keys), users, mailer)
    account_data = AccountData(runtime.broker.js, users, keys, votes_rows, feedback, sessions, limiter, mailer)

    routes: list[tuple[str, type[Any], Any]] = [
        (subjects.AUTH_SIGNUP, a.SignupRequest, accounts.signup),
        (subjects.AUTH_LOGIN, a.LoginRequest, accounts.login),
        (subjects.AUTH_LOGOUT, a.TokenRequest, accounts.logout),
        (subjects.AUTH_RESOLVE, a.TokenRequest, accounts.resolve),
        (subjects.AUTH_EMAIL_VERIFY, a.TokenRequest, accounts.verify_email),
        (subjects.AUTH_EMAIL_RESEND, a.UserRequest, accounts.resend_verification),
        (subjects.AUTH_PASSWORD_RESET_REQUEST, a.ResetRequest, passwords.request_reset),
        (subjects.AUTH_PASSWORD_RESET_CONFIRM, a.ResetConfirmRequest, passwords.confirm_reset),
        (subjects.AUTH_PASSWORD_CHANGE, a.PasswordChangeRequest, passwords.change),
        (subjects.AUTH_ACCOUNT_DELETE, a.DeleteAccountRequest, account_data.delete),
        (subjects.account_export("auth"), AccountExportRequest, account_data.export),
        (subjects.AUTH_RESOLVE_KEY, a.ApiKeyRequest, api_keys.resolve),
        (subjects.AUTH_API_KEYS_LIST, a.UserRequest, api_keys.list_keys),
        (subjects.AUTH_API_KEYS_CREATE, a.ApiKeyCreateRequest, api_keys.create),
        (subjects.AUTH_API_KEYS_REVOKE, a.ApiKeyRevokeRequest, api_keys.revoke),
        (subjects.AUTH_ADMIN_USERS, a.AdminUsersRequest, admin.users),
        (subjects.AUTH_ADMIN_USER_STATUS, a.AdminUserStatusRequest, admin.set_status),
        (subjects.AUTH_ADMIN_INVITATIONS, a.AdminRequest, admin.invitations),
        (subjects.AUTH_ADMIN_INVITATION_CREATE, a.InvitationCreateRequest, admin.create_invitation),
        (subjects.AUTH_ADMIN_INVITATION_REVOKE, a.InvitationRevokeRequest, admin.revoke_invitation),
        (subjects.FEEDBACK_CREATE, f.CreateThreadRequest, feedback.create_thread),
        (subjects.FEEDBACK_POST, f.PostMessageRequest, feedback.post),
        (subjects.FEEDBACK_LIST, f.ListThreadsRequest, feedback.list_threads),
        (subjects.FEEDBACK_GET, f.ThreadRequest, feedback.get),
        (subjects.FEEDBACK_READ, f.ThreadRequest, feedback.mark_read),
        (subjects.FEEDBACK_UNREAD, f.Reader, feedback.unread),
        (subjects.FEEDBACK_SET_STATUS, f.SetStatusRequest, feedback.set_status),
        (subjects.FEEDBACK_ON_DEMAND, f.OnDemandRequest, feedback.on_demand),
        (subjects.FEEDBACK_ON_DEMAND_SUMMARY, f.Reader, feedback.on_demand_summary),
        (subjects.FEATURES_LIST, f.FeaturesRequest, votes.features),
        (subjects.FEATURES_VOTE, f.VoteRequest, votes.vote),
        (subjects.AI_CONNECT, ai_messages.AiConnectRequest, ai.connect),
        (subjects.AI_CONNECTION, ai_messages.AiUserRequest, ai.connection),
        (subjects.AI_DISCONNECT, ai_messages.AiUserRequest, ai.disconnect),
        (subjects.AI_CREDENTIALS, ai_messages.AiUserRequest, ai.credentials),
        (subjects.AI_SET_CAPS, ai_messages.AiCapsRequest, ai.set_caps),
        (subjects.AI_RESERVE, ai_messages.AiReserveRequest, ai.reserve),
        (subjects.AI_SETTLE, ai_messages.AiSettleRequest, ai.settle),
        (subjects.AI_USAGE, ai_messages.AiUserRequest, ai.usage),
    ]
    for subject, request_type, handler in routes:
        announced = _announcing(runtime, handler) if subject in subjects.CREDENTIAL_CHANGES else handler
        await runtime.rpc.route(subject, request_type, announced)

    async def housekeeping() -> None:
        """Forget what no longer counts: rate-limit hits out of every window, dead sessions and links."""
        while not runtime.stop.is_set():
            try:
                await limiter.prune()
                await session_rows.delete_expired_sessions(utc_now())
                await tokens.delete_stale_tokens(utc_now())
                await ai_repository.settle_stale()
            except Exception:
                log.exception("auth.housekeeping_failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(runtime.stop.wait(), HOUSEKEEPING_EVERY)

    async def close_on_stop() -> None:
        await runtime.stop.wait()
        await passwords.drain(timeout=2)
        await mailer.drain(timeout=3)
        await http.aclose()

    return [housekeeping(), close_on_stop()]


def _announcing(runtime: Runtime, handler: Callable[[Any], Awaitable[Any]]) -> Callable[[Any], Awaitable[Any]]:
    """The handler, then ``CREDENTIALS_CHANGED`` for the gateways' credential caches. Published
    before the reply leaves (same connection, so in order), and even on failure: a dropped
    cache only costs a lookup, a stale one would let a revoked credential in."""

    async def handle(request: Any) -> Any:
        try:
            return await handler(request)
        finally:
            await runtime.broker.nc.publish(subjects.CREDENTIALS_CHANGED, b"")

    return handle


def main() -> None:
    run_service("auth", setup, schema="auth", migrations="outsend_auth")
