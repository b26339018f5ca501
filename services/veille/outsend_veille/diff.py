"""The diff of two runs of a market: which places opened, closed, changed or stayed the same.

Rows are matched on the most stable identity a row carries: the Google Maps place id (the
``!1s0x…:0x…`` part of ``lien_google_maps``, which survives a renamed listing), else the
normalised name and address, else the website's host. Only the tracked fields decide whether a
place was ``modified``; every other column (the query, the zone, the coordinates' last digits)
may move without the place having changed.

The previous run is held once, reduced to its keys and tracked fields; the current run is
streamed row by row, so a diff never holds both runs' full rows in memory.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

TRACKED_FIELDS: tuple[str, ...] = ("note", "nb_avis", "telephone", "site_web", "adresse", "statut", "email")
"""Fields whose change makes a place ``modified`` (when the runs carry them)."""
SAMPLE_FIELDS: tuple[str, ...] = ("nom", "adresse", "ville", "telephone", "site_web", "note", "nb_avis")
SAMPLES_PER_BUCKET = 20

_PLACE_ID = re.compile(r"!1s(0x[0-9a-f]+:0x[0-9a-f]+)", re.IGNORECASE)
_CID = re.compile(r"[?&]cid=(\d+)")


class Bucket(StrEnum):
    NEW = "new"
    REMOVED = "removed"
    MODIFIED = "modified"
    UNCHANGED = "unchanged"


Row = Mapping[str, str]


def row_key(row: Row) -> str | None:
    """The identity of a place across runs, or ``None`` for a row that has none."""
    link = row.get("lien_google_maps") or ""
    if match := _PLACE_ID.search(link) or _CID.search(link):
        return f"maps:{match.group(1).lower()}"
    name, address = _normalised(row.get("nom")), _normalised(row.get("adresse"))
    if name and address:
        return f"place:{name}|{address}"
    host = urlsplit(_with_scheme(row.get("site_web") or "")).hostname or ""
    if host:
        return f"site:{host.removeprefix('www.')}"
    return None


def _normalised(value: str | None) -> str:
    text = value or ""
    if not text.isascii():  # accents off: "Éclair" and "Eclair" are one name
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _with_scheme(url: str) -> str:
    url = url.strip()
    return url if "//" in url or not url else f"//{url}"


def _comparable(name: str, value: str | None) -> str:
    """A tracked value as compared: ``4,5`` and ``4.50`` are the same rating, ``+33 4 …`` and
    ``04…`` the same phone, and letter case never matters."""
    text = (value or "").strip()
    if name in ("note", "nb_avis"):
        try:
            return repr(float(text.replace(",", ".")))
        except ValueError:
            return text
    if name == "telephone":
        digits = re.sub(r"\D", "", text)
        return "0" + digits[2:] if digits.startswith("33") else digits
    if name == "site_web":
        return text.lower().removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
    return _normalised(text) if name == "adresse" else text.lower()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A run reduced to what a later diff needs: per key, its tracked values and a preview."""

    tracked: Mapping[str, tuple[str, ...]]
    previews: Mapping[str, dict[str, str]]
    fields: tuple[str, ...]
    total: int

    @classmethod
    def of(cls, columns: Iterable[str], rows: Iterable[Row]) -> Snapshot:
        present = set(columns)
        fields = tuple(name for name in TRACKED_FIELDS if name in present)
        tracked: dict[str, tuple[str, ...]] = {}
        previews: dict[str, dict[str, str]] = {}
        total = 0
        for row in rows:
            total += 1
            key = row_key(row)
            if key is None or key in tracked:
                continue  # a place listed twice in one run is one place
            tracked[key] = tuple(row.get(name) or "" for name in fields)
            previews[key] = _preview(key, row, fields)
        return cls(tracked=tracked, previews=previews, fields=fields, total=total)


def _preview(key: str, row: Row, fields: Iterable[str]) -> dict[str, str]:
    names = dict.fromkeys((*SAMPLE_FIELDS, *fields))
    return {"key": key, **{name: row.get(name) or "" for name in names if name in row}}


@dataclass(frozen=True, slots=True)
class Change:
    """One place of the current run compared with the previous run."""

    key: str
    bucket: Bucket
    row: Row
    before: Mapping[str, str] = field(default_factory=dict)
    after: Mapping[str, str] = field(default_factory=dict)

    @property
    def changed_fields(self) -> list[str]:
        return list(self.after)


@dataclass(slots=True)
class DiffSummary:
    counts: dict[Bucket, int] = field(default_factory=lambda: dict.fromkeys(Bucket, 0))
    samples: dict[Bucket, list[dict[str, object]]] = field(
        default_factory=lambda: {bucket: [] for bucket in (Bucket.NEW, Bucket.REMOVED, Bucket.MODIFIED)}
    )
    total: int = 0
    prev_total: int = 0

    def add(self, bucket: Bucket, sample: dict[str, object]) -> None:
        self.counts[bucket] += 1
        kept = self.samples.get(bucket)
        if kept is not None and len(kept) < SAMPLES_PER_BUCKET:
            kept.append(sample)


def compare(previous: Snapshot, current: Iterable[Row]) -> Iterator[Change]:
    """Every place of ``current`` with its bucket, then every place of ``previous`` that is gone
    (as ``removed``, its row being the previous preview)."""
    seen: set[str] = set()
    for row in current:
        key = row_key(row)
        if key is None or key in seen:
            continue
        seen.add(key)
        before_values = previous.tracked.get(key)
        if before_values is None:
            yield Change(key, Bucket.NEW, row)
            continue
        before, after = {}, {}
        for name, old in zip(previous.fields, before_values, strict=True):
            new = row.get(name) or ""
            if name in row and new != old and _comparable(name, old) != _comparable(name, new):
                before[name], after[name] = old, new
        yield Change(key, Bucket.MODIFIED if after else Bucket.UNCHANGED, row, before, after)
    for key, preview in previous.previews.items():
        if key not in seen:
            yield Change(key, Bucket.REMOVED, preview)


def summarise(previous: Snapshot, current: Iterable[Row]) -> tuple[DiffSummary, list[Change]]:
    """Counts and capped samples of a diff, and its ``modified`` changes (the signals' input)."""
    summary = DiffSummary(prev_total=previous.total)
    modified: list[Change] = []

    def counted(rows: Iterable[Row]) -> Iterator[Row]:
        for row in rows:
            summary.total += 1
            yield row

    for change in compare(previous, counted(current)):
        if change.bucket is Bucket.MODIFIED:
            modified.append(change)
            sample: dict[str, object] = {
                **_preview(change.key, change.row, previous.fields),
                "before": dict(change.before),
                "after": dict(change.after),
                "changed_fields": change.changed_fields,
            }
        elif change.bucket is Bucket.REMOVED:
            sample = dict(change.row)
        else:
            sample = {**_preview(change.key, change.row, previous.fields)}
        summary.add(change.bucket, sample)
    return summary, modified
