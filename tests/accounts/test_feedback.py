"""The Feedback API (user and admin sides) and on-demand modules, which open a thread instead of a job."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from outsend_contracts import errors, registry
from outsend_deploy.local import LocalPlatform
from tests.accounts.support import anonymous, let_time_pass, problem
from tests.support.api import Api

THREAD_FIELDS = {
    "id", "user_id", "user_email", "type", "topic", "status", "created_at", "last_read_user",
    "last_read_admin", "messages", "preview", "last_message_at", "unread_for_me",
}  # fmt: skip


def create_thread(api: Api, **body: Any) -> dict[str, Any]:
    response = api.http.post("/api/feedback/threads", json={"message": "Bonjour, une question.", **body})
    assert response.status_code == 201, response.text
    thread: dict[str, Any] = response.json()
    return thread


def test_a_thread_is_created_with_its_first_message(user: Api) -> None:
    message = "Sending WhatsApp follow-ups to scraped leads would be useful."
    thread = create_thread(user, type="feature", topic="on_demand_whatsapp", message=message)
    assert set(thread) == THREAD_FIELDS
    assert thread["user_id"] == user.user["id"] and thread["user_email"] == user.email
    assert (thread["type"], thread["topic"], thread["status"]) == ("feature", "on_demand_whatsapp", "open")
    assert thread["last_read_user"] == thread["created_at"] and thread["last_read_admin"] is None
    assert thread["preview"] == message and thread["last_message_at"] == thread["created_at"]
    assert thread["unread_for_me"] == 0
    [first] = thread["messages"]
    assert first["author_role"] == "user" and first["author_user_id"] == user.user["id"]
    assert first["message"] == message and set(first) == {
        "id",
        "author_role",
        "author_user_id",
        "message",
        "created_at",
    }

    defaults = create_thread(user)
    assert (defaults["type"], defaults["topic"]) == ("other", "general")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"type": "question", "message": "Une question ?"}, 400),
        ({"message": "ab"}, 422),
        ({"message": "   ab   "}, 422),
        ({"message": "x" * 5001}, 422),
        ({"message": "Bonjour", "topic": "t" * 65}, 422),
        ({}, 422),
    ],
)
def test_thread_refusals(user: Api, body: dict[str, Any], status: int) -> None:
    response = user.http.post("/api/feedback/threads", json=body)
    assert response.status_code == status
    if status == 400:
        assert problem(response) == errors.FEEDBACK_TYPE_INVALID.format(type="question")


def test_replies_ownership_and_unread_counters(user: Api, other_user: Api, admin: Api) -> None:
    topic = f"bug-{uuid.uuid4().hex[:8]}"
    thread = create_thread(user, type="bug", topic=topic, message="L'export XLSX plante sur 10 000 lignes.")
    path = f"/api/feedback/threads/{thread['id']}"

    assert other_user.http.post(f"{path}/messages", json={"message": "Moi aussi"}).status_code == 403
    assert other_user.http.get(path).status_code == 403
    missing = user.http.post("/api/feedback/threads/999999999/messages", json={"message": "?"})
    assert missing.status_code == 404 and problem(missing) == errors.THREAD_NOT_FOUND
    assert user.http.post(f"{path}/messages", json={"message": ""}).status_code == 422
    assert user.http.post(f"{path}/messages", json={"message": "x" * 5001}).status_code == 422

    [seen_by_admin] = admin.http.get("/api/admin/feedback/threads", params={"status": "open", "topic": topic}).json()
    assert seen_by_admin["id"] == thread["id"]
    assert seen_by_admin["unread_for_me"] == 1 and seen_by_admin["user_email"] == user.email
    assert admin.http.get("/api/admin/feedback/unread").json()["unread"] >= 1

    for text in ("Merci, on reproduit.", "Corrigé dans la prochaine version."):
        reply = admin.http.post(f"/api/admin/feedback/threads/{thread['id']}/messages", json={"message": text})
        assert reply.status_code == 201 and reply.json()["unread_for_me"] == 0
    assert admin.http.get(f"/api/admin/feedback/threads/{thread['id']}").json()["last_read_admin"] is not None

    mine = user.http.get("/api/feedback/threads").json()
    assert [t["id"] for t in mine] == [thread["id"]]
    assert mine[0]["unread_for_me"] == 2 and mine[0]["preview"] == "Corrigé dans la prochaine version."
    assert [m["author_role"] for m in mine[0]["messages"]] == ["user", "admin", "admin"]
    assert user.http.get("/api/feedback/unread").json() == {"unread": 2}
    assert other_user.http.get("/api/feedback/unread").json() == {"unread": 0}

    answered = user.http.post(f"{path}/messages", json={"message": "Top, merci !"})
    assert answered.status_code == 201  # posting marks the thread read for the user
    assert answered.json()["unread_for_me"] == 0 and len(answered.json()["messages"]) == 4
    assert user.http.get("/api/feedback/unread").json() == {"unread": 0}

    admin.http.post(f"/api/admin/feedback/threads/{thread['id']}/messages", json={"message": "Avec plaisir."})
    assert user.http.get("/api/feedback/unread").json() == {"unread": 1}
    assert user.http.post(f"{path}/read").json()["unread_for_me"] == 0
    assert user.http.get("/api/feedback/unread").json() == {"unread": 0}


def test_closed_threads_refuse_replies(user: Api, admin: Api) -> None:
    thread = create_thread(user)
    closed = admin.http.post(f"/api/admin/feedback/threads/{thread['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    refused = user.http.post(f"/api/feedback/threads/{thread['id']}/messages", json={"message": "Encore moi"})
    assert refused.status_code == 400 and problem(refused) == errors.THREAD_CLOSED
    assert admin.http.post(f"/api/admin/feedback/threads/{thread['id']}/reopen").json()["status"] == "open"
    assert (
        user.http.post(f"/api/feedback/threads/{thread['id']}/messages", json={"message": "Encore"}).status_code == 201
    )


def test_the_list_is_newest_first_and_capped_at_a_hundred(platform: LocalPlatform, user: Api) -> None:
    created = []
    while len(created) < 101:
        created += [create_thread(user, message=f"Message numéro {len(created) + index}")["id"] for index in range(20)]
        let_time_pass(platform, "feedback_thread:user", timedelta(hours=1))  # 20 an hour: let the hour pass
    listed = user.http.get("/api/feedback/threads").json()
    assert [thread["id"] for thread in listed] == sorted(created, reverse=True)[:100]
    assert all(len(thread["messages"]) == 1 for thread in listed)


def test_twenty_threads_an_hour(platform: LocalPlatform, user: Api) -> None:
    for _ in range(20):
        create_thread(user)
    limited = user.http.post("/api/feedback/threads", json={"message": "Une de trop"})
    assert limited.status_code == 429 and 3540 < int(limited.headers["Retry-After"]) <= 3600
    assert problem(limited) == errors.RATE_LIMITED.format(seconds=limited.headers["Retry-After"])
    reply = user.http.post(
        f"/api/feedback/threads/{user.http.get('/api/feedback/threads').json()[0]['id']}/messages",
        json={"message": "Les réponses ne sont pas limitées"},
    )
    assert reply.status_code == 201


def test_feedback_needs_a_caller_and_admin_routes_an_admin(platform: LocalPlatform, user: Api) -> None:
    nobody = anonymous(platform)
    assert nobody.http.get("/api/feedback/threads").status_code == 401
    assert nobody.http.post("/api/feedback/threads", json={"message": "Bonjour"}).status_code == 401
    assert nobody.http.get("/api/feedback/unread").status_code == 401
    for method, path in [
        ("GET", "/api/admin/feedback/threads"),
        ("GET", "/api/admin/feedback/on-demand"),
        ("GET", "/api/admin/feedback/unread"),
        ("POST", "/api/admin/feedback/threads/1/close"),
    ]:
        assert user.http.request(method, path).status_code == 403, path
        assert nobody.http.request(method, path).status_code == 401, path


@pytest.mark.parametrize("slug", [spec.slug for spec in registry.modules_in(registry.Stage.ON_DEMAND)])
def test_on_demand_modules_open_a_thread_instead_of_a_job(user: Api, admin: Api, slug: str) -> None:
    path = f"/api/jobs/{slug.replace('_', '-')}"
    opened = user.http.post(path, json={})
    assert opened.status_code == 201, opened.text
    answer = opened.json()
    assert answer["on_demand"] is True and answer["created"] is True
    thread = answer["thread"]
    assert thread["topic"] == f"on_demand_{slug}" and thread["type"] == "feature"
    assert registry.REGISTRY[slug].label_fr in thread["messages"][0]["message"]
    assert user.http.get("/api/jobs").json() == []  # no job was created

    again = user.http.post(path, json={"message": "Pour 2 000 contacts par mois."})
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["thread"]["id"] == thread["id"] and len(again.json()["thread"]["messages"]) == 2
    assert user.http.post(path, json={"message": "x"}).status_code == 422

    inbox = {group["topic"]: group for group in admin.http.get("/api/admin/feedback/on-demand").json()}
    group = inbox[f"on_demand_{slug}"]
    assert group["open_count"] >= 1 and group["total_count"] >= group["open_count"]
    assert thread["id"] in [t["id"] for t in group["threads"]]


def test_the_on_demand_inbox_groups_topics_with_open_counts(user: Api, other_user: Api, admin: Api) -> None:
    topic = "on_demand_carrier_pigeon"
    first = create_thread(user, topic=topic, type="feature")
    create_thread(other_user, topic=topic, type="feature")
    create_thread(user, topic="bug", type="bug")
    admin.http.post(f"/api/admin/feedback/threads/{first['id']}/close")
    inbox = admin.http.get("/api/admin/feedback/on-demand").json()
    assert all(group["topic"].startswith("on_demand_") for group in inbox)
    group = next(group for group in inbox if group["topic"] == topic)
    assert (group["open_count"], group["total_count"]) == (1, 2)
    assert group["last_message_at"] is not None and len(group["threads"]) == 2
