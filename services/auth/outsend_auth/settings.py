"""Settings of the auth service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from outsend_platform.settings import Settings, env_list, env_str

HCAPTCHA_VERIFY_URL = "https://api.hcaptcha.com/siteverify"


@dataclass(frozen=True)
class AuthSettings:
    secret_key: str
    previous_secret_keys: tuple[str, ...]
    """Secrets replaced by ``secret_key``: AI provider keys sealed under them still open (docs/ai.md)."""
    invite_codes: frozenset[str]
    admin_emails: frozenset[str]
    public_url: str
    smtp_url: str | None
    mail_from: str
    outbox: Path
    hcaptcha_secret: str | None
    """When set, signup requires a valid ``hcaptcha_token``."""
    hcaptcha_sitekey: str | None
    """When set, hCaptcha also checks that the token was issued for this site key."""
    hcaptcha_verify_url: str

    @classmethod
    def from_env(cls, platform: Settings) -> AuthSettings:
        if not platform.secret_key:
            raise RuntimeError("OUTSEND_SECRET_KEY must be set (make run generates one)")
        return cls(
            secret_key=platform.secret_key,
            previous_secret_keys=tuple(env_list("OUTSEND_PREVIOUS_SECRET_KEYS")),
            invite_codes=frozenset(code.upper() for code in env_list("OUTSEND_INVITE_CODES")),
            admin_emails=frozenset(email.lower() for email in env_list("OUTSEND_ADMIN_EMAILS")),
            public_url=env_str("OUTSEND_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            smtp_url=env_str("OUTSEND_SMTP_URL") or None,
            mail_from=env_str("OUTSEND_MAIL_FROM", "outsend <no-reply@outsend.xyz>"),
            outbox=platform.data_dir / "outbox",
            hcaptcha_secret=env_str("OUTSEND_HCAPTCHA_SECRET") or None,
            hcaptcha_sitekey=env_str("OUTSEND_HCAPTCHA_SITEKEY") or None,
            hcaptcha_verify_url=env_str("OUTSEND_HCAPTCHA_VERIFY_URL", HCAPTCHA_VERIFY_URL),
        )
