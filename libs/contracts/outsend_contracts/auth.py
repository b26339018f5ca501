"""Requests and answers of the auth service (``svc.auth.*``, request/reply).

Credentials travel only over request/reply, never through a stream: nothing persisted by the
broker ever holds a password or a session token.
"""

from __future__ import annotations

import msgspec


class UserPublic(msgspec.Struct, kw_only=True):
    id: int
    email: str
    is_admin: bool
    is_active: bool
    email_verified: bool
    created_at: str


class Session(msgspec.Struct, kw_only=True):
    """A user with the session token to set as the ``outsend_session`` cookie."""

    user: UserPublic
    token: str
    max_age_seconds: int


class SignupRequest(msgspec.Struct, kw_only=True):
    email: str
    password: str
    invitation_code: str
    accept_responsibility: bool
    hcaptcha_token: str | None = None
    client_ip: str = ""


class LoginRequest(msgspec.Struct, kw_only=True):
    email: str
    password: str
    client_ip: str = ""


class TokenRequest(msgspec.Struct, kw_only=True):
    token: str


class ResolveReply(msgspec.Struct, kw_only=True):
    user: UserPublic
    refreshed_token: str | None = None
    """Set when the sliding window moved: the gateway re-issues the cookie."""
    max_age_seconds: int


class UserRequest(msgspec.Struct, kw_only=True):
    user_id: int


class ResendReply(msgspec.Struct, kw_only=True, omit_defaults=True):
    ok: bool = True
    already_verified: bool = False
