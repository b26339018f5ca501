"""Characters no store can keep, numbers that are not numbers, oversized input: a clear 4xx in French."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from outsend_contracts import errors
from tests.pipelines.helpers import definition, node
from tests.support.api import Api
from tests.world.sheets import SheetsServer

NUL = "\u0000"


def forbidden(field: str) -> dict[str, str]:
    return {"detail": errors.FORBIDDEN_CHARACTER.format(field=field)}


def field_errors(response_json: dict[str, object]) -> dict[str, str]:
    detail = response_json["detail"]
    assert isinstance(detail, dict) and detail["message"] == errors.VALIDATION_FAILED
    return {error["field"]: error["message"] for error in detail["errors"]}


def test_a_nul_character_in_a_job_pipeline_feedback_or_api_key_is_refused(user: Api) -> None:
    job = user.http.post("/api/jobs/filter", json={"items": [{"nom": "A"}, {"nom": f"B{NUL}"}]})
    assert (job.status_code, job.json()) == (400, forbidden("items.1.nom"))
    option = user.http.post("/api/jobs/filter", json={"items": [{"nom": "A"}], "phone_prefix": {"x": [NUL]}})
    assert (option.status_code, option.json()) == (400, forbidden("phone_prefix.x.0"))
    nodes = [node("import", "import", source="paste", text="nom\nA\n")]
    pipeline = user.http.post("/api/pipelines", json={"name": f"Prospects{NUL}", "definition": definition(nodes, [])})
    assert (pipeline.status_code, pipeline.json()) == (400, forbidden("name"))
    feedback = user.http.post("/api/feedback/threads", json={"message": f"Bonjour{NUL}"})
    assert (feedback.status_code, feedback.json()) == (400, forbidden("message"))
    key = user.http.post("/api/auth/api-keys", json={"name": f"clé{NUL}"})
    assert (key.status_code, key.json()) == (400, forbidden("name"))
    assert user.http.get("/api/jobs").json() == [] and user.http.get("/api/pipelines").json() == []
    assert user.http.get("/api/auth/api-keys").json() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"items": [{"nom": "\\ud800"}]}', "items.0.nom"),
        (b'{"items": [{"nom": "A\\udfffB"}]}', "items.0.nom"),
        (b'{"items": [{"\\udc00": "A"}]}', "items.0.\ufffd"),
        (b'{"name": "x", "definition": {"nodes": [{"id": "\\ud83d", "type": "import"}]}}', "definition.nodes.0.id"),
    ],
)
def test_a_lone_surrogate_anywhere_in_a_json_body_is_refused(user: Api, body: bytes, field: str) -> None:
    path = "/api/pipelines" if b"definition" in body else "/api/jobs/filter"
    response = user.http.post(path, content=body, headers={"content-type": "application/json"})
    assert (response.status_code, response.json()) == (400, forbidden(field))


def test_a_surrogate_pair_is_a_character_like_any_other(user: Api) -> None:
    body = b'{"items": [{"nom": "Caf\\u00e9 \\ud83d\\ude00"}]}'
    response = user.http.post("/api/jobs/filter", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    user.wait(response.json()["id"])
    assert user.all_items(response.json()["id"]) == [{"nom": "Café 😀"}]


def test_a_nul_character_in_the_url_is_refused(user: Api, admin: Api) -> None:
    search = admin.http.get("/api/admin/users", params={"q": f"a{NUL}"})
    assert (search.status_code, search.json()) == (400, forbidden("q"))
    job = user.http.get("/api/jobs/j_%00")
    assert (job.status_code, job.json()) == (400, forbidden("URL"))


@pytest.mark.parametrize(("option", "value"), [("reviews_min", "inf"), ("reviews_min", "nan"), ("rating_min", "NaN")])
def test_infinite_or_nan_options_are_refused(user: Api, option: str, value: str) -> None:
    response = user.http.post("/api/jobs/filter", json={"items": [{"nom": "A"}], option: value})
    assert response.status_code == 422
    assert field_errors(response.json()) == {option: errors.NUMBER_NOT_FINITE}


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_literals_are_not_json(user: Api, literal: bytes) -> None:
    body = b'{"items": [{"nom": "A"}], "rating_min": ' + literal + b"}"
    response = user.http.post("/api/jobs/filter", content=body, headers={"content-type": "application/json"})
    assert (response.status_code, response.json()) == (400, {"detail": errors.NON_FINITE_NUMBER})


def test_a_body_that_is_not_utf8_is_refused_in_french(user: Api) -> None:
    latin1 = b'{"items": [{"nom": "Caf\xe9"}]}'
    response = user.http.post("/api/jobs/filter", content=latin1, headers={"content-type": "application/json"})
    assert (response.status_code, response.json()) == (400, {"detail": errors.BODY_NOT_UTF8})
    surrogate = b'{"items": [{"nom": "\xed\xa0\x80"}]}'  # a lone surrogate written as UTF-8 bytes
    response = user.http.post("/api/jobs/filter", content=surrogate, headers={"content-type": "application/json"})
    assert (response.status_code, response.json()) == (400, forbidden("items.0.nom"))


def test_an_oversized_chunked_body_gets_413(user: Api) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"items": [{"nom": "'
        for _ in range(13):
            yield b"x" * (1024 * 1024)
        yield b'"}]}'

    response = user.http.post("/api/jobs/filter", content=chunks(), headers={"content-type": "application/json"})
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 413
    assert response.json() == {"detail": errors.BODY_TOO_LARGE.format(max_mb=12)}


def test_validation_messages_are_french(user: Api, admin: Api) -> None:
    invitation = admin.http.post("/api/admin/invitations", json={"max_uses": 0, "expires_at": "2030-01-01T00:00:00"})
    assert invitation.status_code == 422
    assert field_errors(invitation.json()) == {
        "max_uses": "doit être ≥ 1",
        "expires_at": "fuseau horaire requis (ex. 2026-07-01T00:00:00Z)",
    }
    key = user.http.post("/api/auth/api-keys", json={"name": "k" * 101})
    assert field_errors(key.json()) == {"name": "100 caractères maximum"}
    listing = admin.http.get("/api/admin/users", params={"limit": "beaucoup"})
    assert field_errors(listing.json()) == {"query.limit": "entier attendu"}
    thread = user.http.post("/api/feedback/threads", json={})
    assert field_errors(thread.json()) == {"message": "champ requis"}


def test_an_imported_cell_over_the_csv_field_limit_fails_the_job_saying_where(user: Api) -> None:
    text = 'nom;ville\nA;Paris\n"' + "x" * 140_000 + '";Lyon\n'
    job = user.create("import", source="paste", text=text)
    failed = user.wait(str(job["id"]))
    assert failed["status"] == "failed"
    assert failed["error_message"] == errors.IMPORT_FIELD_TOO_LONG.format(line=3, max_chars=131072)


def test_nul_characters_of_an_imported_file_are_removed_and_said(user: Api, other_user: Api) -> None:
    job = user.create("import", source="url", url=SheetsServer.nul_url(3))
    done = user.wait(str(job["id"]), timeout=30)
    assert done["status"] == "done", done
    assert errors.IMPORT_NUL_REMOVED.format(count=4) in done["notice"]
    assert "« Secteur » → categorie" in done["notice"] and NUL not in done["notice"]
    assert {row["categorie"] for row in user.all_items(str(job["id"]))} == {"Boulangerie"}
    after = other_user.create("filter", items=[{"nom": "A"}])  # the read model went on
    assert other_user.wait(str(after["id"]), timeout=30)["status"] == "done"
