"""How a thread is shown to each side: unread counters, preview, last message (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from outsend_auth.feedback import preview, serialize_thread
from outsend_auth.repository.feedback import MessageRecord, ThreadRecord

T0 = datetime(2026, 5, 27, 10, 11, 12, tzinfo=UTC)


def thread(last_read_user: datetime | None, last_read_admin: datetime | None) -> ThreadRecord:
    return ThreadRecord(
        id=142, user_id=7, user_email="user@example.com", type="feature", topic="general", status="open",
        created_at=T0, last_read_user=last_read_user, last_read_admin=last_read_admin,
    )  # fmt: skip


def message(index: int, role: str, minutes: int, text: str = "…") -> MessageRecord:
    return MessageRecord(
        id=index, thread_id=142, author_role=role, author_user_id=7 if role == "user" else 1,
        message=text, created_at=T0 + timedelta(minutes=minutes),
    )  # fmt: skip


MESSAGES = [
    message(1, "user", 0, "Première question"),
    message(2, "admin", 5),
    message(3, "user", 6),
    message(4, "admin", 10, "Dernière réponse"),
]


def test_each_side_counts_the_other_sides_messages_since_it_last_read() -> None:
    shown_to_user = serialize_thread(thread(T0 + timedelta(minutes=6), None), MESSAGES, "user")
    assert shown_to_user.unread_for_me == 1  # the reply at +10 min
    shown_to_admin = serialize_thread(thread(T0 + timedelta(minutes=6), None), MESSAGES, "admin")
    assert shown_to_admin.unread_for_me == 2  # never read by an admin: both user messages
    read_by_admin = serialize_thread(thread(None, T0 + timedelta(minutes=10)), MESSAGES, "admin")
    assert read_by_admin.unread_for_me == 0


def test_the_preview_and_last_message_follow_the_latest_message() -> None:
    shown = serialize_thread(thread(T0, None), MESSAGES, "user")
    assert shown.preview == "Dernière réponse"
    assert shown.last_message_at == "2026-05-27T10:21:12Z" and shown.created_at == "2026-05-27T10:11:12Z"
    assert [m.author_role for m in shown.messages] == ["user", "admin", "user", "admin"]
    empty = serialize_thread(thread(T0, None), [], "user")
    assert (empty.preview, empty.last_message_at, empty.unread_for_me) == ("", None, 0)


def test_previews_are_one_short_line() -> None:
    assert preview("Bonjour,\n\n  une   question") == "Bonjour, une question"
    long = preview("mot " * 100)
    assert len(long) == 140 and long.endswith("…")
