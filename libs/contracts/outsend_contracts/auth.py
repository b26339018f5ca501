"""Requests and answers of the auth service (``svc.auth.*``, request/reply).

Credentials travel only over request/reply, never through a stream: nothing persisted by the
broker ever holds a password or a session token.
"""

from __future__ import annotations

import msgspec

from outsend_contracts.feedback import FeedbackThread


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


PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
"""One bound wherever a password is set (signup, reset, change) or typed (login, current
password): a password that can be set can always be used."""


def password_acceptable(password: str) -> bool:
    """``PASSWORD_MIN_LENGTH`` to ``PASSWORD_MAX_LENGTH`` characters, a letter and a digit or symbol.

    The gateway checks it to answer 422 early; the auth service checks it again.
    """
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        return False
    has_letter = any(char.isalpha() for char in password)
    has_digit_or_symbol = any(not char.isalpha() and not char.isspace() for char in password)
    return has_letter and has_digit_or_symbol


# --- passwords and the account ---------------------------------------------------------------------
class ResetRequest(msgspec.Struct, kw_only=True):
    email: str
    client_ip: str = ""


class ResetConfirmRequest(msgspec.Struct, kw_only=True):
    token: str
    new_password: str


class PasswordChangeRequest(msgspec.Struct, kw_only=True):
    user_id: int
    current_password: str
    new_password: str


class DeleteAccountRequest(msgspec.Struct, kw_only=True):
    user_id: int
    confirm_email: str


# --- API keys --------------------------------------------------------------------------------------
API_KEY_PREFIX = "osk_"
MAX_API_KEYS = 20


class ApiKeyRequest(msgspec.Struct, kw_only=True):
    key: str


class ApiKeyPublic(msgspec.Struct, kw_only=True):
    id: int
    name: str
    prefix: str
    """The first characters of the key, enough to recognise it in a list."""
    created_at: str
    last_used_at: str | None = None


class ApiKeyCreated(ApiKeyPublic, kw_only=True):
    key: str
    """The whole key, returned once at creation and never again."""


class ApiKeyCreateRequest(msgspec.Struct, kw_only=True):
    user_id: int
    name: str


class ApiKeyRevokeRequest(msgspec.Struct, kw_only=True):
    user_id: int
    key_id: int


class AccountExport(msgspec.Struct, kw_only=True):
    """What the auth service keeps of a user (``account.json`` of the export, no secrets)."""

    user: UserPublic
    api_keys: list[ApiKeyPublic]
    feature_votes: list[str]
    feedback_threads: list[FeedbackThread]


# --- administration --------------------------------------------------------------------------------
class AdminUser(UserPublic, kw_only=True):
    last_login_at: str | None = None
    invitation_code: str | None = None


class AdminUsersRequest(msgspec.Struct, kw_only=True):
    admin_id: int
    query: str = ""
    limit: int = 100
    offset: int = 0


class AdminUserStatusRequest(msgspec.Struct, kw_only=True):
    admin_id: int
    user_id: int
    active: bool


class AdminRequest(msgspec.Struct, kw_only=True):
    admin_id: int


class Invitation(msgspec.Struct, kw_only=True):
    code: str
    source: str
    """``admin`` (created through the API) or ``config`` (``OUTSEND_INVITE_CODES``)."""
    uses: int
    max_uses: int | None = None
    expires_at: str | None = None
    created_at: str | None = None
    revoked_at: str | None = None
    usable: bool


class InvitationCreateRequest(msgspec.Struct, kw_only=True):
    admin_id: int
    code: str | None = None
    max_uses: int | None = None
    expires_at: str | None = None


class InvitationRevokeRequest(msgspec.Struct, kw_only=True):
    admin_id: int
    code: str
