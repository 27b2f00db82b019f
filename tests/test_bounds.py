"""Reliability, round three (issue 23, items 9–12): every input is bounded, and each fault is
said in one line naming the file, line, key or header at fault, before any embedding work.

Hang cases run in a subprocess (a backtracking `re` holds the interpreter) or a thread with a
budget of seconds; the budget is a ceiling for a hang, not a speed target."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w
from click.testing import CliRunner
from fastapi.testclient import TestClient

import kb.ingest.pipeline
import kb.interfaces.http_bounds
from kb import KbError, KnowledgeBase, Profile
from kb.ingest.pipeline import ingest
from kb.interfaces.cli import main
from kb.interfaces.cli.terminal import question_lines
from kb.interfaces.http_bounds import MAX_BODY_BYTES, MAX_WAITING_HEADS, PROMPT_HEAD_SECONDS, server_config
from kb.interfaces.server import create_app
from kb.stores.milvus import MilvusLocation
from kb.study.evaluate import load_corpus, load_queries
from tests.conftest import ROOT
from tests.helpers import served_in_thread, write_corpus
from tests.slowloris import slowloris

ARTICLE = "营销和销售的区别：营销是一个系统，关注长期的品牌和客户需求；而销售只是营销的一部分，关注短期业绩。\n"
HANG_SECONDS = 60  # a case still running after this is hung


def _no_embedding(monkeypatch) -> None:
    """Make any start of embedding work fail the test: what is checked must be said before."""

    def load_embedder(name):
        raise AssertionError("the embedding work started")

    monkeypatch.setattr(kb.ingest.pipeline, "load_embedder", load_embedder)


def _one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, result.output
    return lines[0]


# --- 9. kb.toml is input: patterns, sizes, merges -----------------------------------------------

INGEST_WITH_PROFILE = """
import sys
from kb.errors import KbError
from kb.ingest.pipeline import ingest
from tests.conftest import BigramEmbedder
try:
    ingest([sys.argv[1]], sys.argv[2], embedder=BigramEmbedder())
except KbError as exc:
    print("KbError:", exc)
    sys.exit(1)
print("built")
"""


def _ingest_in_subprocess(corpus: Path, index: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", INGEST_WITH_PROFILE, str(corpus), str(index)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
    )


@pytest.mark.parametrize(("pattern", "builds"), [("(a+)+$", True), ("(a|aa)+$", False)])
def test_a_backtracking_pattern_in_kb_toml_does_not_hang_ingest(tmp_path, pattern, builds):
    rule = {"cleaning": {"line": [{"name": "runaway", "pattern": pattern}]}}
    corpus = write_corpus(tmp_path, {"a.txt": ARTICLE + "a" * 40 + "!\n" + ARTICLE, "kb.toml": tomli_w.dumps(rule)})
    done = _ingest_in_subprocess(corpus, tmp_path / "index")  # raises TimeoutExpired when hung
    if builds:
        assert done.returncode == 0 and "built" in done.stdout, done.stdout + done.stderr
    else:
        assert done.returncode == 1, done.stdout + done.stderr
        assert "runaway" in done.stdout and "a.txt" in done.stdout and "kb.toml" in done.stdout
        assert not (tmp_path / "index").exists()


@pytest.mark.parametrize(
    ("vocabulary", "key"),
    [
        ({"synonyms": [[f"同义{i}" for i in range(3000)]]}, "vocabulary.synonyms[0]"),
        ({"words": [f"词语{i}" for i in range(60_000)]}, "vocabulary.words"),
        ({"stopwords": [f"停{i}" for i in range(6_000)]}, "vocabulary.stopwords"),
    ],
)
def test_profile_sizes_are_bounded_and_the_error_names_the_key(vocabulary, key):
    with pytest.raises(KbError) as raised:
        Profile.from_toml(tomli_w.dumps({"vocabulary": vocabulary}), "kb.toml")
    assert f"profile kb.toml: {key}: List should have at most" in str(raised.value)


def test_a_pattern_over_its_length_is_refused_naming_the_key():
    rule = {"cleaning": {"inline": [{"name": "long", "pattern": "a" * 2001}]}}
    with pytest.raises(KbError, match=r"cleaning\.inline\[0\]\.pattern"):
        Profile.from_toml(tomli_w.dumps(rule), "kb.toml")


def test_fifty_thousand_words_merge_well_within_a_hang_budget():
    """Merging compared each word with every earlier one: 30,000 words took 11.8 s, 50,000
    over half a minute. The words all stay, in order, after the shipped ones."""
    words = [f"词语{i}" for i in range(49_000)]
    result: list[Profile] = []
    thread = threading.Thread(
        target=lambda: result.append(Profile.from_toml(tomli_w.dumps({"vocabulary": {"words": words}}), "kb.toml")),
        daemon=True,
    )
    thread.start()
    thread.join(10)
    assert result, "merging 49,000 words is still running after 10 s"
    merged = result[0].data["vocabulary"]["words"]
    assert merged[-len(words) :] == words and len(merged) == len(set(merged))


def test_synonyms_of_a_large_group_are_drawn_on_demand():
    groups = [[f"词{g}-{i}" for i in range(32)] for g in range(200)]
    analyzer = Profile.from_toml(tomli_w.dumps({"vocabulary": {"synonyms": groups}}), "kb.toml").analyzer
    assert analyzer.synonyms["词7-3"] == frozenset(groups[7]) - {"词7-3"}
    assert "用户" in analyzer.synonyms["顾客"]  # the shipped groups are merged in


# --- 10. HTTP: room for complete requests, bodies bounded before they are read -------------------


def _served(stub_index) -> contextlib.AbstractContextManager[int]:
    """The stub index served as `kb serve` serves it (server_config), in a thread; its port."""
    index, embedder = stub_index
    return served_in_thread(lambda port: server_config(create_app(index, embedder), "127.0.0.1", port))


def test_slowloris_with_reconnects_leaves_room_for_complete_requests(stub_index):
    with _served(stub_index) as port:
        outcome = slowloris(port, attackers=300, requests=30, seconds=10.0)
    assert outcome.attacker_connections > 300  # the server closed and the attackers reopened
    assert (outcome.answered, outcome.refused) == (30, 0)


def test_requests_past_the_limit_in_flight_get_503_in_the_error_shape(stub_index, monkeypatch):
    index, embedder = stub_index
    client = TestClient(create_app(index, embedder, allowed_hosts=["testserver"]))
    assert client.get("/healthz").status_code == 200
    monkeypatch.setattr(kb.interfaces.http_bounds, "MAX_REQUESTS", 0)  # every place taken
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["error"]["code"] == "unavailable"


def _closed(connection: socket.socket) -> bool:
    connection.settimeout(0.01)
    try:
        return connection.recv(1) == b""
    except TimeoutError:
        return False


def test_past_the_bound_a_new_connection_closes_the_one_waiting_longest(stub_index, monkeypatch):
    monkeypatch.setattr(kb.interfaces.http_bounds, "HEADER_SECONDS", 60.0)  # no connection closed by its deadline here
    with _served(stub_index) as port:
        first = [socket.create_connection(("127.0.0.1", port)) for _ in range(MAX_WAITING_HEADS + 40)]
        for connection in first:
            connection.sendall(b"GET /healthz HTTP/1.1\r\n")  # a head never finished
        time.sleep(PROMPT_HEAD_SECONDS + 0.5)
        later = [socket.create_connection(("127.0.0.1", port)) for _ in range(60)]
        time.sleep(0.5)
        closed_first = sum(map(_closed, first))
        closed_later = sum(map(_closed, later))
        for connection in first + later:
            connection.close()
    assert (closed_first, closed_later) == (len(later), 0)  # one each, the oldest


def _status_before_body(port: int, head: bytes, body: Iterator[bytes]) -> bytes:
    """Send a head and as much body as the server takes; the status line it answers with."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head)
        with contextlib.suppress(OSError):
            for chunk in body:
                connection.sendall(chunk)
        connection.settimeout(10)
        return connection.recv(4096).split(b"\r\n")[0]


@pytest.mark.parametrize("chunked", [False, True])
def test_an_oversized_body_is_refused_before_it_is_read(stub_index, chunked):
    piece = b"x" * 65536
    if chunked:
        head = b"POST /ask HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        head += b"Transfer-Encoding: chunked\r\n\r\n"
        # 1.5 MB of chunks, never terminated: the server must answer without the end of the body.
        body = iter([b"%x\r\n%s\r\n" % (len(piece), piece)] * (MAX_BODY_BYTES * 3 // 2 // len(piece)))
    else:
        head = b"POST /ask HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        head += b"Content-Length: 500000000\r\n\r\n"
        body = iter([piece])  # of 500 MB announced
    with _served(stub_index) as port:
        assert _status_before_body(port, head, body) == b"HTTP/1.1 413 Request Entity Too Large"


# --- 11. unreadable files, malformed eval files, duplicate ids -----------------------------------


def _deny_reading_to_root(monkeypatch) -> None:
    """Tests run as root, whom chmod 000 does not stop: refuse what the kernel refuses others."""
    if os.geteuid() != 0:
        return
    real_open = Path.open

    def open_(self, mode="r", *args, **kwargs):
        if "r" in mode and self.exists() and not self.stat().st_mode & (stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH):
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)


def test_an_unreadable_index_file_is_a_one_line_error(stub_index, tmp_path, monkeypatch):
    source, embedder = stub_index
    index = tmp_path / "index"
    shutil.copytree(source, index)
    passages = next(index.glob("v-*/passages.sqlite"))
    passages.chmod(0)
    _deny_reading_to_root(monkeypatch)
    with pytest.raises(KbError) as raised:
        KnowledgeBase.open(index, embedder=embedder).ask("营销和销售的区别")
    message = str(raised.value)
    assert "cannot read index file" in message and "passages.sqlite" in message and "Permission denied" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('["not", "an", "object"]', "is not a JSON object"),
        ('{"query": "营销", "positive_ids": 5}', '"positive_ids" must be a list of document ids'),
        ('{"query": 5, "gold": "营销"}', '"query" must be a string'),
        ('{"query": "营销", "gold": true}', '"gold" must be a string or a list of strings'),
    ],
)
def test_a_malformed_query_line_names_file_and_line(tmp_path, line, expected):
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"query": "营销和销售的区别", "gold": ["营销"]}\n' + line + "\n", "utf-8")
    with pytest.raises(KbError) as raised:
        load_queries(queries)
    assert str(raised.value).startswith(f"{queries}:2") and expected in str(raised.value)


@pytest.mark.parametrize(
    ("line", "expected"),
    [('{"id": "b", "text": 5}', '"text" must be a string'), ('{"id": true, "text": "营销"}', '"id" must be a string')],
)
def test_a_malformed_corpus_line_names_file_and_line(tmp_path, line, expected):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "a", "text": "营销"}\n' + line + "\n", "utf-8")
    with pytest.raises(KbError) as raised:
        load_corpus(corpus)
    assert str(raised.value).startswith(f"{corpus}:2") and expected in str(raised.value)


def test_kb_eval_with_a_text_that_is_a_number_is_a_one_line_error(tmp_path, monkeypatch):
    _no_embedding(monkeypatch)
    corpus, queries = tmp_path / "corpus.jsonl", tmp_path / "queries.jsonl"
    corpus.write_text('{"id": "a", "text": 5}\n', "utf-8")
    queries.write_text('{"query": "营销", "positive_ids": ["a"]}\n', "utf-8")
    result = CliRunner().invoke(
        main, ["eval", "--corpus", str(corpus), "--queries", str(queries), "--index", str(tmp_path / "i")]
    )
    assert "corpus.jsonl:1" in _one_line_error(result)


def test_duplicate_corpus_ids_fail_before_any_embedding(tmp_path, monkeypatch):
    _no_embedding(monkeypatch)
    corpus, queries = tmp_path / "corpus.jsonl", tmp_path / "queries.jsonl"
    lines = [{"id": "doc-1", "text": ARTICLE}, {"id": "doc-2", "text": ARTICLE}, {"id": "doc-1", "text": "销售"}]
    corpus.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), "utf-8")
    queries.write_text('{"query": "营销", "positive_ids": ["doc-1"]}\n', "utf-8")
    result = CliRunner().invoke(
        main, ["eval", "--corpus", str(corpus), "--queries", str(queries), "--index", str(tmp_path / "i")]
    )
    error = _one_line_error(result)
    assert "corpus.jsonl:3" in error and "'doc-1'" in error and "line 1" in error


# --- 12. lines, file names, Host, store names, strict numbers, early checks ----------------------


def test_a_line_separator_inside_a_question_does_not_split_it(tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_text("营销和销售的区别\u2028是什么\n？？？\n", "utf-8")
    assert question_lines(questions) == ["营销和销售的区别\u2028是什么", "？？？"]


def test_a_line_separator_inside_a_json_line_keeps_line_numbers(tmp_path):
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"query": "营销\u2028销售", "gold": "营销"}\n{"query": 5}\n', "utf-8")
    with pytest.raises(KbError, match=r"queries\.jsonl:2"):
        load_queries(queries)


def test_a_file_name_with_line_breaks_prints_as_one_warning_line(tmp_path, monkeypatch, embedder):
    monkeypatch.setattr(kb.ingest.pipeline, "load_embedder", lambda name, device="cpu": embedder)
    corpus = write_corpus(tmp_path, {"a.txt": ARTICLE})
    (corpus / "x\nIndexed 99 documents.txt").write_bytes(b"\x00\x01\x02" * 100)  # binary: a warning names it
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--index", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    assert not any(line.startswith("Indexed 99") for line in result.output.splitlines())
    assert any(line.startswith("Warning: ") and "x\\nIndexed 99" in line for line in result.output.splitlines())


@pytest.mark.parametrize("host", ["localhost:8765@evil.com", "evil.com#localhost", "localhost:80:80", "localhost:x"])
def test_a_host_header_that_only_starts_like_localhost_is_refused(stub_index, host):
    index, embedder = stub_index
    client = TestClient(create_app(index, embedder))
    assert client.get("/info", headers={"Host": "localhost:8765"}).status_code == 200
    response = client.get("/info", headers={"Host": host})
    assert response.status_code == 400 and response.json()["error"]["code"] == "host_not_allowed"


@pytest.mark.parametrize(
    ("uri", "problem"),
    [("milvus://x.db?name=", "must be letters"), ("milvus://x.db?name=a&name=b", "given 2 times")],
)
def test_an_empty_or_repeated_store_name_is_an_error(uri, problem):
    with pytest.raises(KbError, match=problem):
        MilvusLocation.parse(uri)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"question": "营销", "k": True}, "k"),
        ({"question": "营销", "k": "5"}, "k"),
        ({"question": "营销", "explain": 1}, "explain"),
        ({"questions": ["营销"], "k": True}, "k"),
    ],
)
def test_numbers_and_flags_are_taken_as_written(stub_index, body, field):
    index, embedder = stub_index
    client = TestClient(create_app(index, embedder, allowed_hosts=["testserver"]))
    response = client.post("/ask/batch" if "questions" in body else "/ask", json=body)
    assert response.status_code == 422 and response.json()["error"]["field"] == field


def test_a_held_lock_is_said_before_the_embedding_work(tmp_path, monkeypatch, embedder):
    corpus = write_corpus(tmp_path, {"a.txt": ARTICLE})
    index = tmp_path / "index"
    ingest([corpus], index, embedder=embedder)
    _no_embedding(monkeypatch)
    (corpus / "b.txt").write_text(ARTICLE.replace("营销", "品牌"), "utf-8")
    with (index / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(KbError, match="another `kb ingest` is writing"):
            ingest([corpus], index)


def test_a_read_only_index_folder_is_said_before_the_embedding_work(tmp_path, monkeypatch, embedder):
    corpus = write_corpus(tmp_path, {"a.txt": ARTICLE})
    index = tmp_path / "index"
    ingest([corpus], index, embedder=embedder)
    _no_embedding(monkeypatch)
    (corpus / "b.txt").write_text(ARTICLE.replace("营销", "品牌"), "utf-8")
    index.chmod(0o555)
    if os.geteuid() == 0:  # root writes anywhere: answer as the kernel answers other users
        monkeypatch.setattr(os, "access", lambda path, mode: not (mode & os.W_OK and not os.stat(path).st_mode & 0o222))
    try:
        with pytest.raises(KbError, match="read-only"):
            ingest([corpus], index)
    finally:
        index.chmod(0o755)
