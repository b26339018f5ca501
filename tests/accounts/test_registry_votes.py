"""``GET /api/features`` and ``POST/DELETE /api/features/{id}/interest`` as the registry page says."""

from __future__ import annotations

from outsend_contracts import errors, registry
from outsend_deploy.local import LocalPlatform
from tests.accounts.support import anonymous, problem
from tests.support.api import Api


def counts(api: Api) -> dict[str, int]:
    answer: dict[str, int] = api.http.get("/api/features").json()["counts"]
    return answer


def test_every_allowed_feature_has_a_counter_even_at_zero(user: Api) -> None:
    answer = user.http.get("/api/features").json()
    assert answer["voted"] == []
    coming_soon = {spec.slug for spec in registry.modules_in(registry.Stage.COMING_SOON)}
    assert len(coming_soon) == 25
    assert set(answer["counts"]) == coming_soon | {"company", "monitoring", "pagespeed"}
    assert all(isinstance(count, int) and count >= 0 for count in answer["counts"].values())


def test_votes_are_idempotent_and_counted_once_per_user(user: Api, other_user: Api) -> None:
    before = counts(user)
    for _ in range(2):
        response = user.http.post("/api/features/linkedin/interest")
        assert response.status_code == 204 and response.content == b""
    other_user.http.post("/api/features/linkedin/interest")
    user.http.post("/api/features/monitoring/interest")  # a legacy id keeps its votes
    answer = user.http.get("/api/features").json()
    assert answer["voted"] == ["linkedin", "monitoring"]
    assert answer["counts"]["linkedin"] == before["linkedin"] + 2
    assert answer["counts"]["monitoring"] == before["monitoring"] + 1

    for _ in range(2):
        assert user.http.delete("/api/features/linkedin/interest").status_code == 204
    assert user.http.delete("/api/features/hiring/interest").status_code == 204  # never voted: still 204
    answer = user.http.get("/api/features").json()
    assert answer["voted"] == ["monitoring"]
    assert answer["counts"]["linkedin"] == before["linkedin"] + 1
    assert other_user.http.get("/api/features").json()["voted"] == ["linkedin"]


def test_only_registry_ids_can_be_voted(user: Api) -> None:
    for feature in ("scrap", "email_campaign", "anything-else", "x" * 300):
        response = user.http.post(f"/api/features/{feature}/interest")
        assert response.status_code == 404
        assert problem(response) == errors.FEATURE_UNKNOWN.format(feature_id=feature)
        assert user.http.delete(f"/api/features/{feature}/interest").status_code == 404
    assert "anything-else" not in counts(user)


def test_votes_need_an_active_account(platform: LocalPlatform, user: Api, admin: Api) -> None:
    nobody = anonymous(platform)
    assert nobody.http.get("/api/features").status_code == 401
    assert nobody.http.post("/api/features/crm/interest").status_code == 401
    key = user.http.post("/api/auth/api-keys", json={"name": "votes"}).json()["key"]
    admin.http.post(f"/api/admin/users/{user.user['id']}/deactivate")
    refused = nobody.http.post("/api/features/crm/interest", headers={"X-API-Key": key})
    assert refused.status_code == 403 and problem(refused) == errors.ACCOUNT_INACTIVE
    admin.http.post(f"/api/admin/users/{user.user['id']}/reactivate")
    assert nobody.http.post("/api/features/crm/interest", headers={"X-API-Key": key}).status_code == 204
