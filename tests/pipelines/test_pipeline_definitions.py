"""The pipeline schema, normalisation and every validation rule, through the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from outsend_contracts.registry import REGISTRY
from outsend_deploy.local import LocalPlatform
from tests.pipelines.bus import announced_modules
from tests.pipelines.helpers import definition, edge, node
from tests.support.api import Api
from tests.world.sheets import SheetsServer

SHEET = {"source": "url", "url": SheetsServer.url(5)}


@pytest.fixture(scope="module")
def author(platform: LocalPlatform) -> Api:
    """One user for the whole module: nothing here creates anything (signing up takes a second)."""
    return Api(platform).signup()


SCRAP = {"queries": ["plombier"], "zones": ["Lyon 2e"]}


class TestSchema:
    def test_the_schema_is_public_and_generated_from_the_registry(self, platform: LocalPlatform) -> None:
        response = httpx.get(f"{platform.base_url}/api/pipelines/schema")
        assert response.status_code == 200
        schema = response.json()
        assert schema["schema_version"] == 1
        assert schema["root_types"] == ["import", "scrap"]
        assert schema["compat"] == {
            "pois_any": ["pois", "pois_email"],
            "pois_email": ["pois_email"],
            "any_pois": ["pois", "pois_email", "verified"],
        }
        nodes = schema["nodes"]
        assert nodes["scrap"]["category"] == "source" and nodes["scrap"]["is_root"] is True
        queries = nodes["scrap"]["config_schema"]["queries"]
        assert queries == {
            "type": "string[]",
            "label": "Recherches",
            "required": True,
            "max_items": 20,
            "max_length": 200,
        }
        assert nodes["emails"]["input"] == "pois_any" and nodes["emails"]["output"] == "pois_email"
        assert nodes["emails"]["needs"] == ["site_web"]
        assert nodes["emails"]["produces"] == list(REGISTRY["emails"].produces)
        assert nodes["emails"]["config_schema"]["mode"]["enum"] == ["normal", "deep"]
        assert nodes["verify"]["module"] == "verify_emails" and nodes["verify"]["input"] == "pois_email"
        assert nodes["filter"]["category"] == "transform" and nodes["filter"]["output"] == "passthrough"
        assert nodes["sort"]["config_schema"]["direction"]["default"] == "desc"
        assert "finance" not in nodes and "viewport_test" not in nodes  # not launchable in a pipeline
        pipelinable = {spec.pipeline_type for spec in REGISTRY.values() if spec.pipelinable and spec.stage == "active"}
        assert set(nodes) == pipelinable


def too_many_nodes() -> dict[str, Any]:
    nodes = [node("n0", "import", **SHEET)] + [node(f"n{index}", "sort") for index in range(1, 21)]
    return definition(nodes, [edge("n0", f"n{index}") for index in range(1, 21)])


def chain(*types: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    nodes = [node(f"n{index}", kind, **config) for index, (kind, config) in enumerate(types)]
    return definition(nodes, [edge(f"n{index}", f"n{index + 1}") for index in range(len(types) - 1)])


INVALID: dict[str, tuple[Any, str]] = {
    "empty": (definition([], []), "Pipeline vide"),
    "more than 20 nodes": (too_many_nodes(), "Trop de nodes (max 20)"),
    "duplicate ids": (
        definition([node("a", "import", **SHEET), node("a", "sort")], []),
        "IDs de nodes en doublon",
    ),
    "unknown type": (definition([node("a", "teleport")], []), "Type de node inconnu : teleport"),
    "frozen module": (chain(("import", SHEET), ("finance", {})), "Type de node inconnu : finance"),
    "dangling edge": (
        definition([node("a", "import", **SHEET), node("b", "sort")], [edge("a", "ghost")]),
        "Edge référence un node inexistant",
    ),
    "self-loop": (
        definition([node("a", "import", **SHEET), node("b", "sort")], [edge("a", "b"), edge("b", "b")]),
        "Edge vers soi-même interdit",
    ),
    "root with a predecessor": (
        chain(("import", SHEET), ("scrap", SCRAP)),
        "Le node 'n1' ne peut pas avoir de prédécesseur",
    ),
    "incompatible connection": (chain(("scrap", SCRAP), ("verify", {})), "Connexion scrap → verify incompatible"),
    "incompatible through a passthrough": (
        chain(("import", SHEET), ("filter", {}), ("sort", {}), ("verify", {})),
        "Connexion sort → verify incompatible",
    ),
    "nothing follows reviews": (
        chain(("scrap", SCRAP), ("reviews", {}), ("filter", {})),
        "Connexion reviews → filter incompatible",
    ),
    "fan-in": (
        definition(
            [node("a", "import", **SHEET), node("b", "import", **SHEET), node("f", "filter")],
            [edge("a", "f"), edge("b", "f")],
        ),
        "Le node f a plusieurs prédécesseurs",
    ),
    "missing required field": (
        definition([node("s", "scrap", zones=["Lyon"])], []),
        "Node 's' : champ requis manquant « queries »",
    ),
    "missing field of the chosen import source": (
        definition([node("i", "import", source="url")], []),
        "Node 'i' : champ requis manquant « url »",
    ),
    "bad enum value": (
        chain(("import", SHEET), ("sort", {"direction": "up"})),
        "Node 'n1', champ « direction » : valeur « up » invalide (attendu: asc | desc)",
    ),
    "wrong type": (
        chain(("import", SHEET), ("filter", {"rating_min": "beaucoup"})),
        "Node 'n1', champ « rating_min » : nombre attendu",
    ),
    "out of bounds": (chain(("import", SHEET), ("sort", {"top_n": 0})), "Node 'n1', champ « top_n » : doit être ≥ 1"),
    "malformed filter rules": (
        chain(("import", SHEET), ("filter", {"rules": {"logic": "XOR", "conditions": []}})),
        "Node 'n1', champ « rules » : logique « XOR » invalide (attendu: AND | OR)",
    ),
    "not a web address": (
        definition([node("i", "import", source="url", url="file:///etc/passwd")], []),
        "Node 'i', champ « url » : URL http(s) attendue",
    ),
    "a node without predecessor": (
        definition([node("a", "import", **SHEET), node("f", "filter")], []),
        "Le node 'f' n'a pas de prédécesseur : un pipeline commence par import ou scrap",
    ),
    "cycle": (
        definition(
            [node("a", "import", **SHEET), node("f", "filter"), node("s", "sort")], [edge("f", "s"), edge("s", "f")]
        ),
        "Le pipeline contient un cycle",
    ),
    "nodes not a list": ({"nodes": {"a": 1}}, "Définition de pipeline invalide : « nodes » doit être une liste"),
    "unsupported schema version": (
        {"schema_version": 2, "definition": chain(("import", SHEET))},
        "Version de schéma non prise en charge : 2 (attendu: 1)",
    ),
    "name too long": (
        {"name": "x" * 121, "definition": chain(("import", SHEET))},
        "Nom de pipeline trop long (max 120 caractères)",
    ),
}


class TestValidation:
    @pytest.mark.parametrize("body,message", INVALID.values(), ids=INVALID.keys())
    def test_validate_answers_200_with_the_documented_message(self, author: Api, body: Any, message: str) -> None:
        response = author.http.post("/api/pipelines/validate", json=body)
        assert response.status_code == 200
        assert response.json() == {"ok": False, "error": message}

    @pytest.mark.parametrize("body,message", INVALID.values(), ids=INVALID.keys())
    def test_create_refuses_with_400_and_creates_nothing(self, author: Api, body: Any, message: str) -> None:
        response = author.http.post("/api/pipelines", json=body)
        assert response.status_code == 400
        assert response.json() == {"detail": message}
        assert author.http.get("/api/pipelines").json() == []
        assert author.http.get("/api/jobs").json() == []

    def test_validate_needs_a_session(self, platform: LocalPlatform) -> None:
        response = httpx.post(f"{platform.base_url}/api/pipelines/validate", json=chain(("import", SHEET)))
        assert response.status_code == 401

    def test_malformed_json_is_a_400(self, author: Api) -> None:
        response = author.http.post(
            "/api/pipelines/validate", content=b"{nodes", headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json() == {"detail": "Requête invalide : JSON mal formé"}


HAND_WRITTEN: dict[str, Any] = {
    "nodes": [
        {
            "id": 1,
            "type": "scrap",
            "config": {"queries": "plombier\nélectricien\n", "zones": "Lyon 2e", "bogus": 1},
        },
        {"id": 2, "type": "emails"},
        {"id": 3, "type": "filter", "config": {"require_email": "true"}},
        {"id": 4, "type": "socials", "x": 900, "y": 40},
        {"id": 5, "type": "sort", "config": {"sort_by": "email_quality", "top_n": None}},
    ],
    "edges": [{"from": 1, "to": 2}, {"from": 2, "to": 3}, {"from": 3, "to": 4}, {"id": "x", "from": 3, "to": 5}],
}
"""What a person or an assistant writes: numeric ids, no edge ids, no coordinates, a stray field.
Every node's module has a worker: validation refuses the others (see test_module_availability)."""


class TestNormalisation:
    def test_a_minimal_hand_written_definition_is_completed(self, author: Api) -> None:
        answer = author.http.post("/api/pipelines/validate", json=HAND_WRITTEN).json()
        assert answer["ok"] is True, answer
        nodes = {item["id"]: item for item in answer["definition"]["nodes"]}
        scrap = nodes["1"]["config"]
        assert (scrap["queries"], scrap["zones"]) == (["plombier", "électricien"], ["Lyon 2e"])
        assert (scrap["mode"], scrap["include_reviews"], scrap["country"]) == ("fast", False, "FRA")  # defaults
        assert set(scrap) <= set(REGISTRY["scrap"].config_schema)  # the stray "x" is gone
        assert nodes["2"]["config"] == {"mode": "normal"}
        assert nodes["3"]["config"]["require_email"] is True and nodes["3"]["config"]["require_phone"] is False
        assert nodes["5"]["config"] == {"sort_by": "email_quality", "direction": "desc", "top_n": None}
        assert [(nodes[key]["x"], nodes[key]["y"]) for key in "1235"] == [
            (100, 100),
            (320, 100),
            (540, 100),
            (760, 100),
        ]
        assert (nodes["4"]["x"], nodes["4"]["y"]) == (900, 40)  # coordinates given are kept
        assert answer["definition"]["edges"] == [
            {"id": "e1", "from": "1", "to": "2"},
            {"id": "e2", "from": "2", "to": "3"},
            {"id": "e3", "from": "3", "to": "4"},
            {"id": "x", "from": "3", "to": "5"},
        ]
        assert answer["summary"] == {
            "n_nodes": 5,
            "n_edges": 4,
            "types": ["scrap", "emails", "filter", "socials", "sort"],
        }

    def test_the_envelope_is_accepted_and_its_normal_form_validates_unchanged(self, author: Api) -> None:
        envelope = {
            "schema_version": 1,
            "name": "Plombiers Lyon",
            "definition": HAND_WRITTEN,
            "meta": {"exported_from": "outsend.xyz", "kind": "pipeline"},
        }
        first = author.http.post("/api/pipelines/validate", json=envelope).json()
        assert first["ok"] is True and first["name"] == "Plombiers Lyon"
        second = author.http.post("/api/pipelines/validate", json={"definition": first["definition"]}).json()
        assert second["definition"] == first["definition"]

    def test_a_module_without_worker_answers_503(self, platform: LocalPlatform, author: Api) -> None:
        announced = announced_modules(platform)
        if "scrap" not in announced:
            body, slug = definition([node("s", "scrap", **SCRAP)], []), "scrap"
        else:
            missing = [kind for kind in ("emails", "socials", "legal_data", "techstack") if kind not in announced]
            if not missing:
                pytest.skip("every module has a worker")
            body, slug = chain(("import", SHEET), (missing[0], {})), missing[0]
        response = author.http.post("/api/pipelines", json=body)
        assert response.status_code == 503
        assert response.json() == {
            "detail": f"Le module « {slug} » n'est pas encore disponible : aucun worker ne l'exécute pour le moment"
        }
        assert author.http.get("/api/pipelines").json() == []
