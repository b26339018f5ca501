"""Reputation and contact signals from a run's modified places."""

from __future__ import annotations

from typing import Any

from outsend_veille.diff import Snapshot, summarise
from outsend_veille.signals import signals

COLUMNS = ["nom", "adresse", "telephone", "site_web", "note", "nb_avis"]


def place(name: str, **fields: str) -> dict[str, str]:
    row = {"nom": name, "adresse": f"1 rue {name}", "telephone": "0478000000", "site_web": f"https://{name}.fr"}
    return {**row, "note": "4.5", "nb_avis": "40", **fields}


def run_signals(pairs: list[tuple[dict[str, str], dict[str, str]]]) -> list[dict[str, Any]]:
    snapshot = Snapshot.of(COLUMNS, [before for before, _ in pairs])
    _, modified = summarise(snapshot, [after for _, after in pairs])
    return signals(modified)


def test_a_rating_drop_of_two_tenths_or_a_surge_of_three_reviews_is_a_signal() -> None:
    found = run_signals([
        (place("baisse"), place("baisse", note="4.3")),
        (place("afflux"), place("afflux", nb_avis="43")),
        (place("petite-baisse"), place("petite-baisse", note="4.4")),
        (place("peu-avis"), place("peu-avis", nb_avis="42")),
        (place("hausse"), place("hausse", note="4.9")),
    ])  # fmt: skip
    assert sorted(signal["nom"] for signal in found) == ["afflux", "baisse"]


def test_signals_carry_the_page_columns() -> None:
    [signal] = run_signals([(place("garage"), place("garage", note="3.8", nb_avis="51"))])
    assert signal["kind"] == "reputation"
    assert (signal["note_avant"], signal["note_apres"], signal["delta_note"]) == (4.5, 3.8, -0.7)
    assert (signal["avis_avant"], signal["avis_apres"], signal["delta_avis"]) == (40, 51, 11)
    assert signal["telephone"] == "0478000000" and signal["score"] > 0


def test_larger_drops_dominate_and_surges_add_a_smaller_boost() -> None:
    found = run_signals([
        (place("chute"), place("chute", note="3.9")),
        (place("baisse-et-afflux"), place("baisse-et-afflux", note="4.3", nb_avis="50")),
        (place("baisse"), place("baisse", note="4.3")),
        (place("gros-afflux"), place("gros-afflux", nb_avis="55")),
    ])  # fmt: skip
    assert [signal["nom"] for signal in found] == ["chute", "baisse-et-afflux", "baisse", "gros-afflux"]


def test_a_changed_phone_or_website_is_a_contact_signal_of_its_own() -> None:
    found = run_signals([
        (place("relance"), place("relance", site_web="https://nouveau-site.fr")),
        (place("double"), place("double", telephone="0478999999", note="4.0")),
    ])  # fmt: skip
    kinds = sorted((signal["nom"], signal["kind"]) for signal in found)
    assert kinds == [("double", "contact"), ("double", "reputation"), ("relance", "contact")]
    relaunch = next(signal for signal in found if signal["nom"] == "relance")
    assert relaunch["site_web_avant"] == "https://relance.fr" and relaunch["site_web"] == "https://nouveau-site.fr"
