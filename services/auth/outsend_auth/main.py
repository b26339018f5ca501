"""Wiring of the auth service."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from outsend_auth.accounts import Accounts
from outsend_auth.mailer import Mailer
from outsend_auth.repository import AuthRepository
from outsend_auth.settings import AuthSettings
from outsend_contracts import subjects
from outsend_contracts.auth import LoginRequest, SignupRequest, TokenRequest, UserRequest
from outsend_platform.service import Runtime, run_service


async def setup(runtime: Runtime) -> list[Coroutine[Any, Any, None]]:
    settings = AuthSettings.from_env(runtime.settings)
    accounts = Accounts(
        AuthRepository(runtime.db), Mailer(settings.mail_from, settings.smtp_url, settings.outbox), settings
    )
    routes: list[tuple[str, type[Any], Any]] = [
        (subjects.AUTH_SIGNUP, SignupRequest, accounts.signup),
        (subjects.AUTH_LOGIN, LoginRequest, accounts.login),
        (subjects.AUTH_LOGOUT, TokenRequest, accounts.logout),
        (subjects.AUTH_RESOLVE, TokenRequest, accounts.resolve),
        (subjects.AUTH_EMAIL_VERIFY, TokenRequest, accounts.verify_email),
        (subjects.AUTH_EMAIL_RESEND, UserRequest, accounts.resend_verification),
    ]
    for subject, request_type, handler in routes:
        await runtime.rpc.route(subject, request_type, handler)
    return []


def main() -> None:
    run_service("auth", setup, schema="auth", migrations="outsend_auth")
