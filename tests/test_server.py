"""The HTTP API, against a real uvicorn server on 127.0.0.1 (real model index)."""

import json
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import CORPUS
from tests.helpers import free_port

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def served(real_index, tmp_path_factory):
    """A copy of the real index served by `kb serve` in its own process."""
    index = tmp_path_factory.mktemp("served") / "index"
    shutil.copytree(real_index, index)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--index", str(index), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"server did not start: {process.stdout.read().decode()}")
    yield base, index
    process.terminate()
    process.wait(timeout=10)


def test_ask_returns_the_cli_json_contract(served):
    from click.testing import CliRunner

    from kb.interfaces.cli import main

    base, index = served
    response = httpx.post(f"{base}/ask", json={"question": "营销和销售的区别", "k": 5}, timeout=30)
    assert response.status_code == 200
    cli = json.loads(CliRunner().invoke(main, ["ask", "营销和销售的区别", "--json", "--index", str(index)]).output)
    assert response.json() == cli


def test_search_returns_ranked_passages(served):
    base, _ = served
    data = httpx.post(f"{base}/search", json={"question": "销售漏斗", "k": 3, "mode": "bm25"}, timeout=30).json()
    assert data["question"] == "销售漏斗" and [p["rank"] for p in data["passages"]] == [1, 2, 3]
    assert {"doc_id", "title", "source", "start", "end", "text", "score"} <= set(data["passages"][0])


@pytest.mark.parametrize(
    "body, needle",
    [
        ({"question": ""}, "question"),
        ({"question": "营" * 1001}, "1000"),
        ({"question": "营销", "k": 0}, "k"),
        ({"question": "营销", "k": 101}, "k"),
        ({"question": "营销", "mode": "magic"}, "mode"),
        ({"question": "？？！"}, "punctuation"),
        ({}, "question"),
    ],
)
def test_bad_requests_get_422_with_a_message(served, body, needle):
    base, _ = served
    response = httpx.post(f"{base}/ask", json=body, timeout=30)
    assert response.status_code == 422
    assert set(response.json()) == {"error"} and set(response.json()["error"]) == {"code", "message", "field"}
    assert needle in json.dumps(response.json(), ensure_ascii=False)
    assert "营" * 20 not in response.text  # a long question is never echoed back


def test_health_info_and_openapi(served):
    base, _ = served
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
    info = httpx.get(f"{base}/info").json()
    assert info["counts"]["documents"] == 5 and info["model"]["name"] == "e5-small"
    paths = httpx.get(f"{base}/openapi.json").json()["paths"]
    assert {"/ask", "/search", "/healthz", "/info", "/reload"} <= set(paths)


def test_parallel_requests_all_succeed_and_agree(served):
    base, _ = served
    questions = ["营销和销售的区别", "什么是销售漏斗", "市場部如何支持銷售部", "营销的目的是什么"] * 8
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda q: client.post(f"{base}/search", json={"question": q}), questions))
    assert all(r.status_code == 200 for r in results)
    by_question = {}
    for q, r in zip(questions, results):
        by_question.setdefault(q, set()).add(json.dumps(r.json(), sort_keys=True))
    assert all(len(answers) == 1 for answers in by_question.values()), "same question, different answers"


def test_reingest_is_picked_up_without_dropping_requests(served, tmp_path):
    from kb.ingest.pipeline import ingest

    base, index = served
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "06_new.txt").write_text("渠道冲突管理\n渠道冲突是指经销商之间争夺同一批客户的矛盾。", "utf-8")
    failures = []
    stop = time.monotonic() + 1e9

    def hammer():
        with httpx.Client(timeout=60) as client:
            while time.monotonic() < stop:
                r = client.post(f"{base}/search", json={"question": "营销和销售的区别", "mode": "bm25"})
                if r.status_code != 200:
                    failures.append(r.status_code)

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(hammer) for _ in range(4)]
        ingest([corpus], index)
        deadline = time.monotonic() + 30  # the server checks the index pointer at most once a second
        while time.monotonic() < deadline:
            found = httpx.post(
                f"{base}/search", json={"question": "渠道冲突", "k": 1, "mode": "bm25"}, timeout=30
            ).json()
            if found["passages"][0]["doc_id"] == "06_new":
                break
        stop = time.monotonic()
        for f in futures:
            f.result()
    assert failures == []
    assert found["passages"][0]["doc_id"] == "06_new"
    assert httpx.post(f"{base}/reload").json()["status"] == "ok"


def test_a_damaged_new_index_keeps_the_old_one_serving(real_index, tmp_path):
    from kb.interfaces.live import LiveKnowledgeBase
    from kb.stores.versions import CURRENT

    index = tmp_path / "index"
    shutil.copytree(real_index, index)
    live = LiveKnowledgeBase(index, check_seconds=0.0)  # look at the pointer on every request
    before = [h.passage.id for h in live.current().search("营销和销售的区别", mode="bm25")]
    broken = index / "v-99999999T000000-broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json", "utf-8")
    (index / CURRENT).write_text(broken.name, "utf-8")
    assert [h.passage.id for h in live.current().search("营销和销售的区别", mode="bm25")] == before
    from kb.errors import KbError

    with pytest.raises(KbError, match="damaged"):
        live.reload()


def test_a_request_naming_another_host_is_refused(served):
    base, _ = served
    assert httpx.get(f"{base}/healthz", headers={"Host": "attacker.example"}).status_code == 400
    assert httpx.get(f"{base}/healthz", headers={"Host": "localhost"}).status_code == 200


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ('{"question": "营销", "k": NaN}', "k"),
        ('{"question": "\\ud800营销"}', "question"),
        ('{"question": "营销", "k": 1e400}', "k"),
    ],
    ids=["nan", "lone-surrogate", "infinity"],
)
def test_numbers_json_cannot_carry_and_lone_surrogates_get_422(served, raw, needle):
    base, _ = served
    response = httpx.post(f"{base}/ask", content=raw, headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 422 and needle in response.text


def test_a_connection_that_sends_no_request_is_closed(served):
    from kb.interfaces.http_bounds import HEADER_SECONDS

    base, _ = served
    port = int(base.rsplit(":", 1)[1])
    silent, trickling = socket.create_connection(("127.0.0.1", port)), socket.create_connection(("127.0.0.1", port))
    deadline = time.monotonic() + HEADER_SECONDS + 10
    closed = set()
    for sock in (silent, trickling):
        sock.settimeout(0.5)
    while time.monotonic() < deadline and len(closed) < 2:
        trickling.send(b"G")  # a byte at a time never completes a request head
        for name, sock in (("silent", silent), ("trickling", trickling)):
            try:
                if sock.recv(1024) == b"":
                    closed.add(name)
            except TimeoutError:
                pass
            except OSError:
                closed.add(name)
    assert closed == {"silent", "trickling"}
    assert httpx.get(f"{base}/healthz").status_code == 200  # the server itself is fine
