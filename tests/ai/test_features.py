"""The AI features, on the user's own key: a place's review summary, a pipeline from a sentence,
filter rules from plain French; answers streamed over SSE; nothing generated runs unconfirmed."""

from __future__ import annotations

import json
import uuid
from typing import Any

from outsend_contracts import errors
from tests.ai.support import connect
from tests.support.api import Api
from tests.world.ai import AiServer, Reply

SUMMARY = {
    "strengths": ["Accueil chaleureux", "Pain excellent"],
    "complaints": ["Attente le dimanche"],
    "outreach_angle": "Proposer un site de commande en ligne pour réduire l'attente du dimanche.",
}
REVIEWS = [
    {"rating": 5, "date": "2026-11-02", "review_text": "Accueil chaleureux, le meilleur pain du quartier."},
    {"rating": 3, "date": "2026-10-18", "review_text": "Très bon mais vingt minutes d'attente le dimanche."},
]


def sse_events(user: Api, path: str, body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    with user.http.stream("POST", path, json=body, headers={"Accept": "text/event-stream"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
    return events


def test_a_summary_of_a_places_reviews(user: Api, ai_world: AiServer) -> None:
    connect(user, "anthropic", model="claude-haiku-4-5")
    place = f"Boulangerie Centrale {uuid.uuid4().hex[:8]}"
    ai_world.script(place, Reply(json.dumps(SUMMARY, ensure_ascii=False), 300, 120))

    response = user.http.post("/api/ai/reviews/summary", json={"place": place, "reviews": REVIEWS})

    assert response.status_code == 200, response.text
    assert response.json()["result"] == SUMMARY
    prompt = ai_world.requests(place)[0].body["messages"][0]["content"]
    assert "vingt minutes d'attente le dimanche" in prompt


def test_a_summary_from_a_jobs_review_rows(user: Api, ai_world: AiServer) -> None:
    connect(user, "openai", model="gpt-4o-mini")
    place = f"Garage Dupont {uuid.uuid4().hex[:8]}"
    rows = "nom;lien_google_maps;rating;review_text\n" + "".join(
        f"{name};https://www.google.com/maps/place/{index};{stars};{text}\n"
        for index, (name, stars, text) in enumerate(
            [(place, 5, "Travail soigné"), (place, 2, "Devis trop cher"), ("Autre garage", 1, "Fermé")]
        )
    )
    job = user.wait(user.create("import", source="paste", text=rows)["id"])
    assert job["status"] == "done"
    ai_world.script(place, Reply(json.dumps(SUMMARY, ensure_ascii=False)))

    response = user.http.post("/api/ai/reviews/summary", json={"job_id": job["id"], "place": place})

    assert response.status_code == 200, response.text
    prompt = ai_world.requests(place)[0].body["messages"][1]["content"]
    assert "Travail soigné" in prompt and "Devis trop cher" in prompt and "Fermé" not in prompt


def test_a_summary_streams_over_sse(user: Api, ai_world: AiServer) -> None:
    connect(user, "anthropic", model="claude-haiku-4-5")
    place = f"Fleuriste {uuid.uuid4().hex[:8]}"
    answer = json.dumps(SUMMARY, ensure_ascii=False)
    ai_world.script(place, Reply(answer, 300, 120))

    events = sse_events(user, "/api/ai/reviews/summary", {"place": place, "reviews": REVIEWS})

    names = [name for name, _ in events]
    assert names[0] == "estimate" and names[-1] == "done" and names.count("delta") > 3
    assert "".join(data["text"] for name, data in events if name == "delta") == answer
    done = events[-1][1]
    assert done["result"] == SUMMARY and done["usage"] == {"input_tokens": 300, "output_tokens": 120}


def test_a_pipeline_from_a_sentence_is_validated_and_not_run(user: Api, ai_world: AiServer) -> None:
    connect(user, "openai", model="gpt-4o")
    sentence = f"Trouve les plombiers de Lyon 2e et leurs emails {uuid.uuid4().hex}"
    envelope = {
        "schema_version": 1,
        "name": "Plombiers lyonnais",
        "definition": {
            "nodes": [
                {"id": "n1", "type": "scrap", "config": {"queries": ["plombier"], "zones": ["Lyon 2e"]}},
                {"id": "n2", "type": "emails", "config": {}},
            ],
            "edges": [{"from": "n1", "to": "n2"}],
        },
    }
    ai_world.script(sentence, Reply("Voici le pipeline :\n```json\n" + json.dumps(envelope) + "\n```"))

    response = user.http.post("/api/ai/pipelines/draft", json={"description": sentence})

    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["name"] == "Plombiers lyonnais"
    assert [node["type"] for node in result["definition"]["nodes"]] == ["scrap", "emails"]
    assert user.http.get("/api/pipelines").json() == [] and user.http.get("/api/jobs").json() == []
    validated = user.http.post("/api/pipelines/validate", json=result)
    assert validated.json()["ok"] is True


def test_a_generated_pipeline_the_validator_refuses_is_not_shown(user: Api, ai_world: AiServer) -> None:
    connect(user, "openai", model="gpt-4o")
    sentence = f"Un pipeline impossible {uuid.uuid4().hex}"
    bad = {"nodes": [{"id": "n1", "type": "teleport"}], "edges": []}
    ai_world.script(sentence, Reply(json.dumps(bad)))

    response = user.http.post("/api/ai/pipelines/draft", json={"description": sentence})

    assert response.status_code == 422
    assert response.json()["detail"].startswith("La proposition de l'IA ne passe pas la validation : ")


def test_filter_rules_from_plain_french(user: Api, ai_world: AiServer) -> None:
    connect(user, "mistral", model="mistral-small-latest")
    request = f"dentistes notés plus de 4,5 avec un email {uuid.uuid4().hex}"
    rules = {
        "require_email": True,
        "rules": {
            "logic": "AND",
            "conditions": [
                {"column": "categorie", "op": "contains", "value": "dentiste"},
                {"column": "note", "op": ">", "value": 4.5},
            ],
        },
    }
    ai_world.script(request, Reply(json.dumps(rules)))

    response = user.http.post("/api/ai/filters/draft", json={"description": request})

    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["require_email"] is True and result["rules"] == rules["rules"]


def test_without_a_connection_the_features_say_how_to_connect(user: Api) -> None:
    response = user.http.post("/api/ai/filters/draft", json={"description": "avec un email"})

    assert response.status_code == 400
    assert response.json() == {"detail": errors.AI_NOT_CONNECTED}
