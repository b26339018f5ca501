"""Reputation and contact signals: the places of a run's ``modified`` bucket worth a call now.

A place is a **reputation** signal when its rating dropped by at least 0.2 points or it gained
at least 3 reviews since the previous run. Its score ranks urgency::

    score = 20 × rating drop + 0.25 × (new reviews − 1, when positive)

so a drop dominates (0.2 points weigh as much as 16 extra reviews) and a surge adds a smaller
boost above a one-review noise floor; a rating that rose is not a drop. A place whose phone or
website changed is a **contact** signal (often a relaunch or a takeover), scored 1. Signals come
sorted by score, highest first; only their order is meant to be relied on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from outsend_veille.diff import Change

RATING_DROP_MIN = 0.2
REVIEW_SURGE_MIN = 3
DROP_WEIGHT = 20.0
SURGE_WEIGHT = 0.25
SURGE_NOISE_FLOOR = 1
CONTACT_SCORE = 1.0
CONTACT_FIELDS = ("telephone", "site_web")
COLUMNS = (
    "kind", "nom", "adresse", "telephone", "site_web", "email", "lien_google_maps",
    "note_avant", "note_apres", "delta_note", "avis_avant", "avis_apres", "delta_avis",
    "telephone_avant", "site_web_avant", "score",
)  # fmt: skip
"""The columns of a signal, in the order of the exports."""


class SignalKind(StrEnum):
    REPUTATION = "reputation"
    CONTACT = "contact"


@dataclass(frozen=True, slots=True)
class Movement:
    """How a place's rating and review count moved between two runs (``None`` when unknown)."""

    note_before: float | None
    note_after: float | None
    reviews_before: int | None
    reviews_after: int | None

    @property
    def rating_delta(self) -> float | None:
        if self.note_before is None or self.note_after is None:
            return None
        return round(self.note_after - self.note_before, 2)

    @property
    def reviews_delta(self) -> int | None:
        if self.reviews_before is None or self.reviews_after is None:
            return None
        return self.reviews_after - self.reviews_before

    @property
    def is_signal(self) -> bool:
        drop = -(self.rating_delta or 0.0)
        return drop >= RATING_DROP_MIN - 1e-9 or (self.reviews_delta or 0) >= REVIEW_SURGE_MIN

    @property
    def score(self) -> float:
        drop = max(0.0, -(self.rating_delta or 0.0))
        surge = max(0, (self.reviews_delta or 0) - SURGE_NOISE_FLOOR)
        return round(DROP_WEIGHT * drop + SURGE_WEIGHT * surge, 2)


def _number(value: str | None) -> float | None:
    try:
        return float((value or "").replace(",", "."))
    except ValueError:
        return None


def movement(change: Change) -> Movement:
    """The rating and review movement of a modified place (unchanged fields read from its row)."""

    def before_after(name: str) -> tuple[float | None, float | None]:
        after = _number(change.after.get(name, change.row.get(name)))
        return _number(change.before.get(name, change.row.get(name))), after

    note_before, note_after = before_after("note")
    reviews_before, reviews_after = before_after("nb_avis")
    return Movement(
        note_before=note_before,
        note_after=note_after,
        reviews_before=int(reviews_before) if reviews_before is not None else None,
        reviews_after=int(reviews_after) if reviews_after is not None else None,
    )


def signals(modified: Iterable[Change]) -> list[dict[str, Any]]:
    """Every signal of a run's modified places, highest score first (ties by name)."""
    found: list[dict[str, Any]] = []
    for change in modified:
        moved = movement(change)
        if moved.is_signal:
            found.append(_signal(change, SignalKind.REPUTATION, moved, moved.score))
        if any(name in change.after for name in CONTACT_FIELDS):
            found.append(_signal(change, SignalKind.CONTACT, moved, CONTACT_SCORE))
    return sorted(found, key=lambda signal: (-signal["score"], str(signal["nom"]), signal["kind"]))


def _signal(change: Change, kind: SignalKind, moved: Movement, score: float) -> dict[str, Any]:
    row = change.row
    return {
        "kind": kind.value,
        **{name: row.get(name) or "" for name in ("nom", "adresse", "telephone", "site_web", "email")},
        "lien_google_maps": row.get("lien_google_maps") or "",
        "note_avant": moved.note_before,
        "note_apres": moved.note_after,
        "delta_note": moved.rating_delta,
        "avis_avant": moved.reviews_before,
        "avis_apres": moved.reviews_after,
        "delta_avis": moved.reviews_delta,
        "telephone_avant": change.before.get("telephone", row.get("telephone") or ""),
        "site_web_avant": change.before.get("site_web", row.get("site_web") or ""),
        "score": score,
    }
