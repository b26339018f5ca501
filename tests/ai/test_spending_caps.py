"""Hard spending caps (AI spending caps page): the worst case is shown and reserved before the
provider is called, a call that could cross a cap is refused without reaching it, the real cost
is recorded, alerts go out at 80 % and 100 % once per window, and concurrent calls cannot
together cross a cap."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from outsend_contracts import errors
from tests.ai.support import connect
from tests.support.api import Api, read_mails
from tests.world.ai import CUSTOM_HOST, AiServer, Reply

FILTER_ANSWER = json.dumps({"rating_min": 4.5, "require_email": True})


def ask(user: Api, marker: str, **body: Any) -> httpx.Response:
    description = f"dentistes notés plus de 4,5 avec un email {marker}"
    return user.http.post("/api/ai/filters/draft", json={"description": description, **body})


def estimate(user: Api, marker: str) -> dict[str, Any]:
    response = ask(user, marker, dry_run=True)
    assert response.status_code == 200, response.text
    shown: dict[str, Any] = response.json()
    return shown


def set_caps(user: Api, per_request: float = 10, per_day: float = 10, per_month: float = 100) -> dict[str, Any]:
    response = user.http.put(
        "/api/ai/caps", json={"per_request": per_request, "per_day": per_day, "per_month": per_month}
    )
    assert response.status_code == 200, response.text
    budget: dict[str, Any] = response.json()
    return budget


def script_worst_case(ai_world: AiServer, marker: str, shown: dict[str, Any]) -> None:
    """The provider reports exactly the worst case: the real cost equals the estimate."""
    ai_world.script(marker, Reply(FILTER_ANSWER, shown["input_tokens"], shown["max_output_tokens"]))


def test_the_worst_case_is_shown_before_anything_is_called(user: Api, ai_world: AiServer) -> None:
    connect(user, "anthropic", model="claude-sonnet-4-5")
    marker = uuid.uuid4().hex

    shown = estimate(user, marker)

    # claude-sonnet-4-5: $3 per million input tokens, $15 per million output tokens
    expected = (shown["input_tokens"] * 3 + shown["max_output_tokens"] * 15) / 1_000_000
    assert shown["estimate_usd"] == round(expected, 6) and shown["price_known"]
    assert shown["caps"] == {"per_request": 10, "per_day": 10, "per_month": 100}
    assert shown["remaining_today_usd"] == 10 and shown["remaining_month_usd"] == 100
    assert ai_world.requests(marker) == []


def test_the_real_cost_comes_from_the_reported_usage(user: Api, ai_world: AiServer) -> None:
    connect(user, "anthropic", model="claude-sonnet-4-5")
    marker = uuid.uuid4().hex
    ai_world.script(marker, Reply(FILTER_ANSWER, input_tokens=1_000, output_tokens=500))

    response = ask(user, marker)

    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["result"]["rating_min"] == 4.5 and answer["result"]["require_email"] is True
    assert answer["cost_usd"] == 0.0105  # 1000 × $3/M + 500 × $15/M
    assert "platform;dur=" in response.headers["server-timing"]
    usage = user.http.get("/api/ai/usage").json()
    assert usage["spent_today_usd"] == usage["spent_month_usd"] == 0.0105
    assert usage["calls"][0]["cost_usd"] == 0.0105 and usage["calls"][0]["status"] == "settled"
    assert usage["calls"][0]["input_tokens"] == 1_000 and usage["calls"][0]["output_tokens"] == 500


def test_a_request_over_the_per_request_cap_never_reaches_the_provider(user: Api, ai_world: AiServer) -> None:
    connect(user, "anthropic", model="claude-sonnet-4-5")
    marker = uuid.uuid4().hex
    shown = estimate(user, marker)
    set_caps(user, per_request=0.001)

    response = ask(user, marker)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Requête refusée avant l'appel : coût maximal estimé")
    assert shown["estimate_usd"] > 0.001
    assert ai_world.requests(marker) == []
    assert user.http.get("/api/ai/usage").json()["calls"] == []


def test_caps_go_up_to_the_maxima_of_the_limits_page(user: Api) -> None:
    assert set_caps(user, 100, 100, 1_000)["caps"] == {"per_request": 100, "per_day": 100, "per_month": 1_000}

    response = user.http.put("/api/ai/caps", json={"per_request": 10, "per_day": 100.01, "per_month": 100})

    assert response.status_code == 422
    assert response.json() == {"detail": errors.AI_CAP_TOO_HIGH.format(cap="par jour", max="100,00")}


def test_alerts_at_80_and_100_percent_once_each_then_ai_pauses(user: Api, ai_world: AiServer) -> None:
    connect(user, "anthropic", model="claude-sonnet-4-5")
    marker = uuid.uuid4().hex
    shown = estimate(user, marker)
    script_worst_case(ai_world, marker, shown)
    one_call = shown["estimate_usd"]

    set_caps(user, per_day=round(one_call * 1.2, 6))
    assert ask(user, marker).status_code == 200  # 83 % of the day's cap
    eighty = user.wait_mail(count=2)  # the first mail is the address confirmation
    assert eighty["Subject"] == "80 % de ton plafond IA du jour"

    set_caps(user, per_day=round(one_call * 2, 6))
    assert ask(user, marker).status_code == 200  # 100 %
    reached = user.wait_mail(count=3)
    assert reached["Subject"] == "Plafond IA du jour atteint"

    refused = ask(user, marker)
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith(
        "Requête refusée avant l'appel : elle pourrait dépasser ton plafond IA du jour"
    )
    assert len(ai_world.requests(marker)) == 2
    subjects = [mail["Subject"] for mail in read_mails(user.platform, user.email)]
    assert subjects.count("80 % de ton plafond IA du jour") == 1 and subjects.count("Plafond IA du jour atteint") == 1


def test_concurrent_requests_cannot_together_cross_a_nearly_spent_cap(user: Api, ai_world: AiServer) -> None:
    connect(user, "anthropic", model="claude-sonnet-4-5")
    marker = uuid.uuid4().hex
    shown = estimate(user, marker)
    one_call = shown["estimate_usd"]
    ai_world.script(marker, Reply(FILTER_ANSWER, shown["input_tokens"], shown["max_output_tokens"], delay=1.0))
    assert ask(user, marker).status_code == 200  # spends one call's worth
    cap = round(one_call * 3.5, 6)  # room left: two and a half calls
    set_caps(user, per_day=cap)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: ask(user, marker), range(8)))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 200, 429, 429, 429, 429, 429, 429], [r.text for r in responses]
    usage = user.http.get("/api/ai/usage").json()
    assert usage["spent_today_usd"] <= cap
    assert len(ai_world.requests(marker)) == 3  # the first call and the two that fitted


def test_an_unknown_price_is_allowed_tracked_and_flagged(user: Api, ai_world: AiServer) -> None:
    connect(user, "openai_compatible", base_url=f"http://{CUSTOM_HOST}/v1")
    marker = uuid.uuid4().hex
    ai_world.script(marker, Reply(FILTER_ANSWER, 400, 50))
    set_caps(user, 0, 0, 0)

    shown = estimate(user, marker)
    response = ask(user, marker)

    assert shown["price_known"] is False and shown["estimate_usd"] is None
    assert response.status_code == 200, response.text
    assert response.json()["price_known"] is False
    usage = user.http.get("/api/ai/usage").json()
    assert usage["unpriced_calls"] == 1
    assert usage["calls"][0]["price_known"] is False and usage["calls"][0]["input_tokens"] == 400


def test_provider_failures_are_french_and_cost_nothing(user: Api, ai_world: AiServer) -> None:
    connect(user, "openai", model="gpt-4o-mini")

    too_long = ask(user, "[[too-long]]")
    unavailable = ask(user, "[[500]]")
    limited = ask(user, "[[429]]")

    assert (too_long.status_code, too_long.json()) == (400, {"detail": errors.AI_CONTEXT_TOO_LONG})
    assert (unavailable.status_code, unavailable.json()) == (502, {"detail": errors.AI_PROVIDER_UNAVAILABLE})
    assert (limited.status_code, limited.json()) == (429, {"detail": errors.AI_PROVIDER_RATE_LIMITED})
    usage = user.http.get("/api/ai/usage").json()
    assert usage["spent_today_usd"] == 0
    assert [call["status"] for call in usage["calls"]] == ["failed"] * 3
