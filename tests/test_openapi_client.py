"""The OpenAPI schema is the contract other programs build on: a client generated from it with
openapi-python-client calls every endpoint and gets typed results, errors included — each
status the API can return is declared, so the client parses it instead of returning None."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys

import httpx
import pytest

from kb.interfaces.http_bounds import MAX_BODY_BYTES
from kb.interfaces.server import create_app
from tests.test_page import serve_app

TOKEN = "generated-client-token-0123456789"


@pytest.fixture(scope="module")
def served(stub_index):
    index, embedder = stub_index
    yield from serve_app(create_app(index, embedder, token=TOKEN))


@pytest.fixture(scope="module")
def generated(served, tmp_path_factory):
    """The client package openapi-python-client writes from the served /openapi.json."""
    generator = shutil.which("openapi-python-client", path=os.path.dirname(sys.executable))
    if generator is None and not os.environ.get("CI"):  # CI installs it (dev extra)
        pytest.skip("openapi-python-client is not installed (pip install -e '.[dev]')")
    assert generator, "openapi-python-client is required in CI"
    folder = tmp_path_factory.mktemp("generated")
    (folder / "openapi.json").write_text(httpx.get(f"{served}/openapi.json").text, encoding="utf-8")
    environment = os.environ | {"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    command = [generator, "generate", "--path", "openapi.json", "--meta", "none", "--output-path", "kbclient"]
    subprocess.run(command, cwd=folder, env=environment, check=True, capture_output=True)
    sys.path.insert(0, str(folder))
    try:
        yield lambda name: importlib.import_module(f"kbclient.{name}")
    finally:
        sys.path.remove(str(folder))
        for module in [m for m in sys.modules if m == "kbclient" or m.startswith("kbclient.")]:
            del sys.modules[module]


def _clients(generated, base):
    client = generated("client")
    return client.AuthenticatedClient(base_url=base, token=TOKEN, timeout=httpx.Timeout(30)), client.Client(
        base_url=base
    )


def test_every_endpoint_answers_with_its_typed_model(served, generated):
    authed, _ = _clients(generated, served)
    models = generated("models")
    ask = generated("api.default.ask_ask_post")
    answer = ask.sync(client=authed, body=models.Query(question="营销和销售的区别"))
    assert isinstance(answer, models.Answer) and answer.found and answer.contrast.sides == ["营销", "销售"]
    assert isinstance(answer.passages[0], models.Passage) and answer.passages[0].location.label.startswith("L")
    search = generated("api.default.search_search_post")
    found = search.sync(client=authed, body=models.Query(question="销售漏斗", k=2, mode=models.QueryMode.BM25))
    assert isinstance(found, models.SearchResult) and [p.rank for p in found.passages] == [1, 2]
    batch = generated("api.default.ask_batch_ask_batch_post")
    answers = batch.sync(client=authed, body=models.BatchQuery(questions=["什么是销售漏斗", "？？？"]))
    assert isinstance(answers.answers[0], models.Answer) and isinstance(answers.answers[1], models.Error)
    info = generated("api.default.info_info_get").sync(client=authed)
    assert isinstance(info, models.Info) and info.counts.documents == 5
    assert generated("api.default.reload_reload_post").sync(client=authed).status == "ok"
    assert generated("api.default.healthz_healthz_get").sync(client=_clients(generated, served)[1]).status == "ok"


def test_every_error_status_parses_as_the_error_model(served, generated, monkeypatch):
    authed, anonymous = _clients(generated, served)
    models = generated("models")
    ask = generated("api.default.ask_ask_post")
    info = generated("api.default.info_info_get")
    cases = {
        401: ask.sync_detailed(client=anonymous, body=models.Query(question="营销")),
        422: ask.sync_detailed(client=authed, body=models.Query(question="营销", k=0)),
        413: ask.sync_detailed(client=authed, body=models.Query(question="营" * MAX_BODY_BYTES)),
        400: info.sync_detailed(client=_clients(generated, served)[0].with_headers({"Host": "elsewhere.example"})),
        404: info.sync_detailed(client=generated("client").AuthenticatedClient(base_url=served + "/v0", token=TOKEN)),
    }
    from kb.errors import IndexDamaged
    from kb.knowledge_base import KnowledgeBase as Kb

    def damaged(*args, **kwargs):
        raise IndexDamaged("index is damaged (passages.sqlite fails its checksum)")

    monkeypatch.setattr(Kb, "ask", damaged)
    cases[503] = ask.sync_detailed(client=authed, body=models.Query(question="营销"))
    for status, response in cases.items():
        assert response.status_code == status, (status, response.content[:200])
        assert isinstance(response.parsed, models.Error), status  # declared, so parsed
        assert response.parsed.error.code and response.parsed.error.message
    assert cases[422].parsed.error.field == "k"


def test_every_operation_declares_every_status_and_unknown_fields_are_refused(served):
    spec = httpx.get(f"{served}/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            declared = {status for status in operation["responses"] if status != "200"}
            assert declared >= {"400", "401", "404", "405", "413", "422", "503"}, (method, path)
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert spec["security"] == [{"bearer": []}] and spec["paths"]["/healthz"]["get"]["security"] == []
    wrong_method = httpx.get(f"{served}/ask", headers={"Authorization": f"Bearer {TOKEN}"})
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "method_not_allowed"
    headers = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    unknown = httpx.post(f"{served}/ask", json={"question": "营销", "top_k": 3}, headers=headers)
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "top_k"
    broken = httpx.post(f"{served}/ask", content='{"question": "营销",}'.encode(), headers=headers)
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "invalid_json"
    assert "character 18" in broken.json()["error"]["message"]  # where the JSON breaks, not "field 0"
    not_utf8 = httpx.post(f"{served}/ask", content=b'{"question": "\xff"}', headers=headers)
    assert not_utf8.status_code == 400 and "UTF-8" in not_utf8.json()["error"]["message"]
    empty = httpx.post(f"{served}/ask", content=b"", headers=headers)
    assert empty.status_code == 422 and "JSON object" in empty.json()["error"]["message"]
