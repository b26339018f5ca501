"""The rate limiter's windows, driven by an injected clock against the real Postgres table.

Two limiters on two connection pools stand for two replicas of the auth service.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from outsend_auth import ratelimit
from outsend_auth.ratelimit import RateLimiter, Rule
from outsend_auth.repository.rate_limits import RateLimitRepository
from outsend_deploy.local import LocalPlatform
from outsend_platform import db

HOUR = timedelta(hours=1)
T0 = datetime(2026, 5, 27, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest.fixture
async def pools(platform: LocalPlatform) -> AsyncIterator[tuple[asyncpg.Pool, asyncpg.Pool]]:
    """Two pools on a throwaway schema holding the auth service's tables."""
    schema = f"ratelimit_{uuid.uuid4().hex[:8]}"
    dsn = platform.connection_env()["OUTSEND_DATABASE_URL"]
    first = await db.create_pool(dsn, schema)
    await db.migrate(first, schema, "outsend_auth")
    second = await db.create_pool(dsn, schema)
    yield first, second
    await first.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await first.close()
    await second.close()


def limiter(pool: asyncpg.Pool, clock: Clock) -> RateLimiter:
    return RateLimiter(RateLimitRepository(pool), "secret", clock)


def test_the_windows_are_those_of_the_limits_page() -> None:
    assert [(rule.scope, rule.limit, rule.window) for rule in ratelimit.ALL_RULES] == [
        ("signup:ip", 3, HOUR),
        ("login:ip+email", 5, timedelta(minutes=15)),
        ("reset:ip", 3, HOUR),
        ("reset:email", 3, HOUR),
        ("password_change:user", 5, HOUR),
        ("resend_verify:user", 3, HOUR),
        ("feedback_thread:user", 20, HOUR),
    ]


def test_retry_after_is_the_time_until_the_oldest_counted_attempt_leaves() -> None:
    rule = Rule("test", 3, HOUR)
    hits = [T0, T0 + timedelta(minutes=20), T0 + timedelta(minutes=40)]
    assert ratelimit.retry_after(hits[:2], rule, T0 + timedelta(minutes=50)) is None
    assert ratelimit.retry_after(hits, rule, T0 + timedelta(minutes=50)) == 600
    assert ratelimit.retry_after(hits, rule, T0 + HOUR - timedelta(milliseconds=1)) == 1  # rounded up
    assert ratelimit.retry_after(hits, rule, T0 + HOUR) is None


async def test_a_full_window_refuses_until_its_oldest_attempt_expires(pools: tuple[asyncpg.Pool, asyncpg.Pool]) -> None:
    clock = Clock()
    limits = limiter(pools[0], clock)
    check = (ratelimit.SIGNUP_PER_IP, "203.0.113.7")
    for minute in (0, 20, 40):
        clock.now = T0 + timedelta(minutes=minute)
        assert await limits.attempt(check) is None
    clock.now = T0 + timedelta(minutes=50)
    assert await limits.attempt(check) == 600
    for _ in range(10):  # refused attempts are not counted: hammering does not push the window back
        assert await limits.attempt(check) == 600
    clock.now = T0 + HOUR - timedelta(seconds=1)
    assert await limits.attempt(check) == 1
    clock.now = T0 + HOUR
    assert await limits.attempt(check) is None  # the 09:00 attempt left; this one takes its place
    assert await limits.attempt(check) == 20 * 60  # now full until the 09:20 attempt leaves
    assert await limits.attempt((ratelimit.SIGNUP_PER_IP, "203.0.113.8")) is None  # another address


async def test_an_attempt_counts_in_every_window_or_in_none(pools: tuple[asyncpg.Pool, asyncpg.Pool]) -> None:
    clock = Clock()
    limits = limiter(pools[0], clock)
    email = "ada@example.com"
    for index in range(3):  # three addresses ask a reset for the same account
        assert (
            await limits.attempt((ratelimit.RESET_PER_IP, f"198.51.100.{index}"), (ratelimit.RESET_PER_EMAIL, email))
            is None
        )
    refused = await limits.attempt((ratelimit.RESET_PER_IP, "198.51.100.99"), (ratelimit.RESET_PER_EMAIL, email))
    assert refused == 3600
    for index in range(3):  # the refused attempt was not counted for 198.51.100.99: it still has three
        assert (
            await limits.attempt(
                (ratelimit.RESET_PER_IP, "198.51.100.99"), (ratelimit.RESET_PER_EMAIL, f"{index}@x.fr")
            )
            is None
        )
    assert (
        await limits.attempt((ratelimit.RESET_PER_IP, "198.51.100.99"), (ratelimit.RESET_PER_EMAIL, "y@x.fr")) == 3600
    )


async def test_replicas_share_the_windows_exactly(pools: tuple[asyncpg.Pool, asyncpg.Pool]) -> None:
    """Forty concurrent attempts through two replicas: exactly the limit gets through."""
    clock = Clock()
    replicas = [limiter(pools[0], clock), limiter(pools[1], clock)]
    check = (ratelimit.FEEDBACK_THREADS_PER_USER, "42")
    answers = await asyncio.gather(*(replicas[index % 2].attempt(check) for index in range(40)))
    assert answers.count(None) == 20
    assert {answer for answer in answers if answer is not None} == {3600}


async def test_stored_keys_do_not_reveal_who_was_counted(pools: tuple[asyncpg.Pool, asyncpg.Pool]) -> None:
    clock = Clock()
    await limiter(pools[0], clock).attempt((ratelimit.RESET_PER_EMAIL, "grace@example.com"))
    rows = await pools[0].fetch("SELECT scope, key FROM rate_limit_hits")
    assert [row["scope"] for row in rows] == ["reset:email"]
    assert b"grace" not in rows[0]["key"] and len(rows[0]["key"]) == 32


async def test_forgetting_a_user_and_pruning_old_attempts(pools: tuple[asyncpg.Pool, asyncpg.Pool]) -> None:
    clock = Clock()
    limits = limiter(pools[0], clock)
    for _ in range(3):
        await limits.attempt((ratelimit.RESEND_VERIFY_PER_USER, "7"))
        await limits.attempt((ratelimit.RESET_PER_EMAIL, "ada@example.com"))
        await limits.attempt((ratelimit.RESEND_VERIFY_PER_USER, "8"))
    await limits.forget_user(7, " Ada@Example.com ")
    assert await limits.attempt((ratelimit.RESEND_VERIFY_PER_USER, "7")) is None
    assert await limits.attempt((ratelimit.RESET_PER_EMAIL, "ada@example.com")) is None
    assert await limits.attempt((ratelimit.RESEND_VERIFY_PER_USER, "8")) == 3600  # others are untouched
    clock.advance(HOUR)
    assert await limits.prune() == 5
    assert await pools[0].fetchval("SELECT count(*) FROM rate_limit_hits") == 0
