"""``phone_info`` through the API: numbering-plan facts on a 10,000-item job."""

from __future__ import annotations

from tests.support.api import Api

NUMBERS = {
    "06 12 34 56 78": ("+33612345678", "06 12 34 56 78", "FR", "mobile"),
    "+33 1 42 68 53 00": ("+33142685300", "01 42 68 53 00", "FR", "fixed_line"),
    "0033 4 78 12 34 56": ("+33478123456", "04 78 12 34 56", "FR", "fixed_line"),
    "+32 2 555 12 34": ("+3225551234", "02 555 12 34", "BE", "fixed_line"),
}


def test_ten_thousand_numbers(user: Api) -> None:
    written = [*NUMBERS, "12", "pas un numéro"]
    items = [{"nom": f"Client {i}", "phone": written[i % len(written)]} for i in range(10_000)]
    job = user.create("phone_info", items=items)
    finished = user.wait(job["id"], timeout=300)
    assert finished["status"] == "done", finished
    invalid = sum(1 for item in items if item["phone"] not in NUMBERS)
    assert (finished["results_count"], finished["error_count"]) == (10_000 - invalid, invalid)

    rows = user.all_items(job["id"])
    assert [row["nom"] for row in rows] == [item["nom"] for item in items]
    for row in rows[: len(written)]:
        facts = NUMBERS.get(row["phone"])
        got = (row["phone_e164"], row["phone_national"], row["phone_country"], row["phone_line_type"])
        assert got == (facts or ("", "", "", ""))
    by_number = {row["phone"]: row for row in rows[: len(written)]}
    assert by_number["06 12 34 56 78"]["phone_carrier_original"]  # French mobile ranges name their carrier
    assert by_number["+33 1 42 68 53 00"]["phone_region"] == "Paris"
    assert by_number["06 12 34 56 78"]["phone_operator_siret"] == ""  # never guessed


def test_live_mode_without_a_provider_says_so(user: Api) -> None:
    finished = user.wait(user.create("phone_info", items=[{"telephone": "0612345678"}], live_mode="with_live")["id"])
    assert finished["status"] == "done"
    assert "Vérification de portabilité en direct indisponible" in (user.job(finished["id"]).get("notice") or "")
    [row] = user.all_items(finished["id"])
    assert (row["phone_e164"], row["phone_carrier_current"]) == ("+33612345678", "")


def test_refusals(user: Api) -> None:
    missing = user.http.post("/api/jobs/phone-info", json={"items": [{"nom": "Sans numéro"}]})
    assert missing.status_code == 400
    assert missing.json()["detail"].startswith("Aucune ligne ne contient la colonne « telephone »")
    bad_mode = user.http.post("/api/jobs/phone-info", json={"items": [{"phone": "0612345678"}], "live_mode": "x"})
    assert bad_mode.status_code == 422
