"""Passwords, tokens and signed cookies (no I/O)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from outsend_contracts.auth import API_KEY_PREFIX

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (a dummy hash is checked instead)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_api_key() -> str:
    """``osk_`` and 256 random bits: hashed with SHA-256 like session tokens (no need for a slow hash)."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def api_key_prefix(key: str) -> str:
    """What a list of keys shows so a user recognises one: ``osk_`` and eight more characters."""
    return key[: len(API_KEY_PREFIX) + 8]


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def sign(secret: str, token: str) -> str:
    """The cookie value: the token and its HMAC, so forged cookies are refused before any lookup."""
    mac = hmac.new(secret.encode(), token.encode(), hashlib.sha256).digest()[:16]
    return f"{token}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def unsign(secret: str, cookie: str) -> str | None:
    token, _, _ = cookie.rpartition(".")
    if not token or not hmac.compare_digest(sign(secret, token), cookie):
        return None
    return token
