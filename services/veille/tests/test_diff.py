"""The diff of two runs: identities, buckets, tracked fields, samples."""

from __future__ import annotations

from outsend_veille.diff import SAMPLES_PER_BUCKET, Bucket, Snapshot, compare, row_key, summarise

COLUMNS = ["nom", "adresse", "telephone", "site_web", "note", "nb_avis", "lien_google_maps", "query"]


def place(index: int, **fields: str) -> dict[str, str]:
    row = {
        "nom": f"Dentiste {index}",
        "adresse": f"{index} rue de la République",
        "telephone": f"04 78 00 {index // 100:02d} {index % 100:02d}",
        "site_web": f"https://dentiste{index}.fr",
        "note": "4.5",
        "nb_avis": "40",
        "lien_google_maps": f"https://www.google.com/maps/place/Dentiste+{index}/data=!4m2!3m1!1s0x47f4:0x{index:x}",
        "query": "dentiste",
    }
    return {**row, **fields}


def buckets(previous: list[dict[str, str]], current: list[dict[str, str]]) -> dict[str, str]:
    snapshot = Snapshot.of(COLUMNS, previous)
    return {change.key: change.bucket.value for change in compare(snapshot, current)}


def test_a_place_is_the_same_place_when_its_listing_is_renamed() -> None:
    before = place(1)
    renamed = place(
        1, nom="Cabinet dentaire du Parc", lien_google_maps=before["lien_google_maps"].replace("Dentiste+1", "Cabinet")
    )
    assert row_key(before) == row_key(renamed) == "maps:0x47f4:0x1"


def test_without_a_maps_link_the_identity_is_name_and_address_then_the_website() -> None:
    assert row_key({"nom": "Café Éclair", "adresse": "3, Rue  Victor-Hugo"}) == "place:cafe eclair|3 rue victor hugo"
    assert row_key({"nom": "Café", "site_web": "www.cafe.fr/contact"}) == "site:cafe.fr"
    assert row_key({"nom": "Café"}) is None


def test_each_place_lands_in_exactly_one_bucket() -> None:
    previous = [place(index) for index in range(1, 6)]
    current = [place(1), place(2, note="4.1"), place(3, nb_avis="44"), place(5), place(6)]
    assert buckets(previous, current) == {
        "maps:0x47f4:0x1": "unchanged",
        "maps:0x47f4:0x2": "modified",
        "maps:0x47f4:0x3": "modified",
        "maps:0x47f4:0x5": "unchanged",
        "maps:0x47f4:0x6": "new",
        "maps:0x47f4:0x4": "removed",
    }


def test_untracked_columns_and_spelling_of_the_same_value_are_not_changes() -> None:
    previous = [place(1)]
    same = place(1, query="dentistes", note="4,50", telephone="+33 4 78 00 00 01", site_web="http://www.dentiste1.fr/")
    assert buckets(previous, [same]) == {"maps:0x47f4:0x1": "unchanged"}


def test_a_tracked_field_only_one_run_carries_is_not_compared() -> None:
    previous = [place(1)]
    enriched = {**place(1), "email": "contact@dentiste1.fr"}
    assert buckets(previous, [enriched]) == {"maps:0x47f4:0x1": "unchanged"}


def test_modified_samples_carry_before_after_and_changed_fields() -> None:
    summary, modified = summarise(Snapshot.of(COLUMNS, [place(1)]), [place(1, note="3.8", nb_avis="51")])
    assert summary.counts[Bucket.MODIFIED] == 1
    sample = summary.samples[Bucket.MODIFIED][0]
    assert sample["before"] == {"note": "4.5", "nb_avis": "40"}
    assert sample["after"] == {"note": "3.8", "nb_avis": "51"}
    assert sample["changed_fields"] == ["note", "nb_avis"]
    assert sample["nom"] == "Dentiste 1" and sample["key"] == "maps:0x47f4:0x1"
    assert [change.key for change in modified] == ["maps:0x47f4:0x1"]


def test_counts_cover_every_row_and_samples_are_capped() -> None:
    previous = [place(index) for index in range(1000)]
    current = [place(index) for index in range(500, 1600)]
    summary, _ = summarise(Snapshot.of(COLUMNS, previous), current)
    assert summary.counts == {Bucket.NEW: 600, Bucket.REMOVED: 500, Bucket.MODIFIED: 0, Bucket.UNCHANGED: 500}
    assert (summary.total, summary.prev_total) == (1100, 1000)
    assert all(
        len(samples) == min(SAMPLES_PER_BUCKET, summary.counts[bucket]) for bucket, samples in summary.samples.items()
    )


def test_a_place_listed_twice_in_one_run_counts_once() -> None:
    summary, _ = summarise(Snapshot.of(COLUMNS, [place(1), place(1)]), [place(1), place(1)])
    assert summary.counts[Bucket.UNCHANGED] == 1 and sum(summary.counts.values()) == 1
