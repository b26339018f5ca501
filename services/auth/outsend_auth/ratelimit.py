"""Sliding-window rate limits, as the Limits page sets them.

Every counted attempt is a row in Postgres (``rate_limit_hits``), so all replicas of the auth
service share the same windows. An attempt checks each of its windows (per IP, per email, per
user …) under advisory locks and is recorded in all of them only if every window has room: a
refused attempt is not counted, so a client that waits ``Retry-After`` seconds gets through.
The clock is injected, so windows are tested by moving time, not by sleeping.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from outsend_contracts import errors
from outsend_contracts.clock import utc_now


@dataclass(frozen=True)
class Rule:
    scope: str
    limit: int
    window: timedelta


SIGNUP_PER_IP = Rule("signup:ip", 3, timedelta(hours=1))
LOGIN_PER_IP_AND_EMAIL = Rule("login:ip+email", 5, timedelta(minutes=15))
"""Counted per pair, as the Limits page says: an attacker's address that guesses an account's
password is held back, and the account's owner, from any other address, still logs in."""
RESET_PER_IP = Rule("reset:ip", 3, timedelta(hours=1))
RESET_PER_EMAIL = Rule("reset:email", 3, timedelta(hours=1))
PASSWORD_CHANGE_PER_USER = Rule("password_change:user", 5, timedelta(hours=1))
RESEND_VERIFY_PER_USER = Rule("resend_verify:user", 3, timedelta(hours=1))
FEEDBACK_THREADS_PER_USER = Rule("feedback_thread:user", 20, timedelta(hours=1))

ALL_RULES = (
    SIGNUP_PER_IP,
    LOGIN_PER_IP_AND_EMAIL,
    RESET_PER_IP,
    RESET_PER_EMAIL,
    PASSWORD_CHANGE_PER_USER,
    RESEND_VERIFY_PER_USER,
    FEEDBACK_THREADS_PER_USER,
)
LONGEST_WINDOW = max(rule.window for rule in ALL_RULES)
PER_USER_RULES = tuple(rule for rule in ALL_RULES if rule.scope.endswith(":user"))
PER_EMAIL_RULES = tuple(rule for rule in ALL_RULES if rule.scope.endswith(":email"))


def retry_after(hits: Iterable[datetime], rule: Rule, now: datetime) -> int | None:
    """Seconds until one more attempt fits in ``rule``'s window, or ``None`` if it fits now."""
    recent = sorted(hit for hit in hits if hit > now - rule.window)
    if len(recent) < rule.limit:
        return None
    freed_by = recent[len(recent) - rule.limit]  # the hit whose expiry makes room
    return max(1, math.ceil((freed_by + rule.window - now).total_seconds()))


def limited(seconds: int) -> errors.DomainError:
    return errors.DomainError(429, errors.RATE_LIMITED.format(seconds=seconds), headers={"Retry-After": str(seconds)})


Check = tuple[Rule, str]
"""A window and the identity it counts (an IP, a normalised email, a user id)."""


class WindowStore(Protocol):
    """Where attempts are recorded (``repository.rate_limits.RateLimitRepository`` in production)."""

    async def attempt(self, checks: Sequence[tuple[Rule, bytes]], now: datetime) -> int | None: ...

    async def forget(self, keys: Sequence[tuple[str, bytes]]) -> None: ...

    async def prune(self, before: datetime) -> int: ...


class RateLimiter:
    def __init__(self, store: WindowStore, secret: str, clock: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self._secret = secret.encode()
        self._clock = clock

    async def attempt(self, *checks: Check) -> int | None:
        """Count one attempt in every window, or none if one is full: ``None`` or the seconds to wait."""
        keyed = [(rule, self.key(rule.scope, identity)) for rule, identity in checks if identity]
        if not keyed:
            return None
        return await self._store.attempt(keyed, self._clock())

    async def check(self, *checks: Check) -> None:
        """Like :meth:`attempt`, raising 429 with ``Retry-After`` when a window is full."""
        wait = await self.attempt(*checks)
        if wait is not None:
            raise limited(wait)

    async def forget_user(self, user_id: int, email: str) -> None:
        """Account deletion: drop the windows that count this user or their email address."""
        keys = [(rule.scope, self.key(rule.scope, str(user_id))) for rule in PER_USER_RULES]
        keys += [(rule.scope, self.key(rule.scope, normalise_email(email))) for rule in PER_EMAIL_RULES]
        await self._store.forget(keys)

    async def prune(self) -> int:
        return await self._store.prune(self._clock() - LONGEST_WINDOW)

    def key(self, scope: str, identity: str) -> bytes:
        return hmac.new(self._secret, f"{scope}|{identity}".encode(), hashlib.sha256).digest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def address_and_email(client_ip: str, email: str) -> str:
    return f"{client_ip}|{normalise_email(email)}"
