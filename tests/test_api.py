"""The HTTP contract a client can be generated from: typed OpenAPI schemas, one error shape,
explanations and batches, the trainee page and the API docs, all served without a network."""

import re

import pytest
from fastapi.testclient import TestClient

from kb import KnowledgeBase
from kb.interfaces.api_models import MAX_BATCH
from kb.interfaces.server import create_app
from kb.language.text import fold
from tests.helpers import seed_rows


@pytest.fixture(scope="module")
def client(stub_index):
    index, embedder = stub_index
    return TestClient(create_app(index, embedder, allowed_hosts=["testserver"]))


def _untyped(schema: dict, components: dict, path: str = "") -> list[str]:
    """Properties of a schema (recursively) that have no type."""
    if "$ref" in schema:
        return []
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return [p for part in schema[key] for p in _untyped(part, components, path)]
    if "type" not in schema:
        return [path or "(root)"]
    found = []
    for name, prop in schema.get("properties", {}).items():
        found += _untyped(prop, components, f"{path}.{name}")
    if isinstance(schema.get("items"), dict):
        found += _untyped(schema["items"], components, f"{path}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        found += _untyped(schema["additionalProperties"], components, f"{path}{{}}")
    return found


def test_every_response_property_has_a_type(client):
    spec = client.get("/openapi.json").json()
    components = spec["components"]["schemas"]
    for name, schema in components.items():
        assert _untyped(schema, components, name) == [], name
    for path in ("/ask", "/search", "/info", "/ask/batch"):
        operation = next(iter(spec["paths"][path].values()))
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in ok, path
        assert operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "code", "field"),
    [
        ("post", "/ask", {"question": "营销", "k": 0}, 422, "invalid_request", "k"),
        ("post", "/ask", {"question": "营" * 1001}, 422, "invalid_request", "question"),
        ("post", "/ask", {"question": "？？？"}, 422, "invalid_question", None),
        ("post", "/ask", {"question": "营销", "mode": "fast"}, 422, "invalid_request", "mode"),
        ("get", "/no-such-page", None, 404, "not_found", None),
        ("post", "/ask/batch", {"questions": ["营销"] * (MAX_BATCH + 1)}, 422, "invalid_request", "questions"),
    ],
)
def test_every_error_has_one_shape_and_never_echoes_the_question(client, method, url, body, status, code, field):
    response = client.request(method, url, json=body)
    assert response.status_code == status
    assert response.json() == {"error": {"code": code, "message": response.json()["error"]["message"], "field": field}}
    assert "营营营营" not in response.text


def test_a_request_for_another_host_gets_the_error_shape(client):
    response = client.get("/healthz", headers={"Host": "evil.example"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "host_not_allowed"


def test_explain_batch_and_script_switch(client):
    explained = client.post("/ask", json={"question": "营销和销售的区别", "explain": True}).json()
    assert [e["rank"] for e in explained["explain"]] == [p["rank"] for p in explained["passages"]]
    assert all("营销" in e["matched_terms"] or e["bm25"] is None for e in explained["explain"])
    batch = client.post("/ask/batch", json={"questions": ["营销和销售的区别", "？？？", "什么是销售漏斗"]}).json()
    assert [("error" in a) for a in batch["answers"]] == [False, True, False]
    assert batch["answers"][2]["question"] == "什么是销售漏斗"
    traditional = client.post("/ask?script=traditional", json={"question": "营销和销售的区别"}).json()
    assert "銷售" in traditional["answer"] and traditional["passages"][0]["source"].startswith("corpus")
    simplified = client.post("/ask?script=simplified", json={"question": "市場營銷與銷售的區別"}).json()
    assert "銷" not in simplified["answer"]


def test_the_page_and_the_docs_are_served_without_a_network(client):
    page = client.get("/")
    assert page.status_code == 200 and "知识库问答" in page.text
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        assert client.get(asset).status_code == 200, asset
    docs = client.get("/docs").text
    assert not re.search(r"https?://", docs)  # no CDN: works offline
    assets = re.findall(r"(/static-offline-docs/[\w.-]+)", docs)
    assert len(assets) >= 2
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_search_many_answers_each_question_in_order(stub_index):
    index, embedder = stub_index
    rows = seed_rows()
    questions = [row["query"] for row in rows]
    with KnowledgeBase.open(index, embedder=embedder) as kb:
        rankings = kb.search_many(questions, k=5, mode="bm25")
        assert kb.search_many(questions[::-1], k=5, mode="bm25") == rankings[::-1]
    assert len(rankings) == len(rows)
    holds_gold = [
        any(fold(gold) in fold(hit.passage.text) for gold in row["gold"] for hit in hits)
        for row, hits in zip(rows, rankings)
    ]
    assert sum(holds_gold) >= 0.9 * len(rows), holds_gold  # each ranking is its own question's


def test_a_damaged_index_is_the_servers_error_not_the_questions(client, monkeypatch):
    from kb.errors import IndexDamaged

    def damaged(*args, **kwargs):
        raise IndexDamaged(
            "index at index is damaged (passages.sqlite fails its checksum); rebuild it with `kb ingest`"
        )

    monkeypatch.setattr(KnowledgeBase, "ask", damaged)
    response = client.post("/ask", json={"question": "营销和销售的区别"})
    assert response.status_code == 503 and response.json()["error"]["code"] == "index_damaged"


def test_ipv6_loopback_host_names_are_understood(stub_index):
    index, embedder = stub_index
    client = TestClient(create_app(index, embedder, allowed_hosts=["::1"]))
    assert client.get("/healthz", headers={"Host": "[::1]:8000"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "[::2]:8000"}).status_code == 400
