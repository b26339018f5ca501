"""A scrap whose searches fail says so: failed with the reason when none worked, counted when some did."""

from __future__ import annotations

from outsend_contracts import errors
from tests.support.api import Api
from tests.world.maps.server import REDESIGN_WORD, UNAVAILABLE_WORD

MAPS_DOWN = "recherche Google Maps illisible (HTTP 503)"
UNKNOWN_LAYOUT = "recherche Google Maps illisible (page de résultats sans données connues)"


def test_a_scrap_whose_every_search_fails_ends_failed_with_the_reason(user: Api) -> None:
    job = user.create("scrap", queries=[f"plombier {UNAVAILABLE_WORD}"], zones=["Lyon 2e"])
    ended = user.wait(job["id"], timeout=300)
    assert ended["status"] == "failed", ended
    assert ended["processed_points"] > 0 and ended["results_count"] == 0
    assert ended["error_message"] == errors.SEARCHES_ALL_FAILED.format(
        count=ended["processed_points"], reason=MAPS_DOWN
    )


def test_a_results_page_of_an_unknown_layout_is_a_failed_search_not_an_empty_one(user: Api) -> None:
    job = user.create("scrap", queries=[f"plombier {REDESIGN_WORD}"], zones=["Lyon 2e"])
    ended = user.wait(job["id"], timeout=300)
    assert ended["status"] == "failed", ended
    assert ended["processed_points"] > 0 and ended["results_count"] == 0
    assert ended["error_message"] == errors.SEARCHES_ALL_FAILED.format(
        count=ended["processed_points"], reason=UNKNOWN_LAYOUT
    )


def test_a_scrap_whose_searches_partly_fail_ends_done_and_counts_them(user: Api) -> None:
    failing = f"serrurier {UNAVAILABLE_WORD}"
    job = user.create("scrap", queries=["plombier", failing], zones=["Lyon 2e"])
    done = user.wait(job["id"], timeout=300)
    assert done["status"] == "done", done
    failed_tiles = done["query_stats"][failing]["tiles"]
    assert failed_tiles > 0 and done["results_count"] > 0
    assert done["error_count"] == done["flagged_tiles_count"] == failed_tiles
    logs = [event["data"] for event in user.stream(job["id"]) if event["event"] == "log"]
    partial = errors.SEARCHES_SOME_FAILED.format(failed=failed_tiles, total=done["processed_points"], reason=MAPS_DOWN)
    assert {"message": partial, "level": "warn"}.items() <= next(
        log for log in logs if log["message"] == partial
    ).items()
