"""Plug-ins found through entry points by the real `kb` command: a format, an embedding model and
a reranker, each the module docs/extending.md shows (read from it here, so the page stays true)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, installed_plugin, write_corpus

GUIDE = ROOT / "docs" / "extending.md"
QUESTION = "营销和销售的区别"
CORPUS = {
    "marketing.txt": "营销是一个系统，研究市场和顾客的需要。\n\n销售只是营销的一部分，负责把产品卖出去。\n",
    "channels.txt": "渠道冲突需要市场部协调。\n\n营销部门制定价格和推广的计划。\n",
    "service.txt": "售后服务让顾客再次购买。\n\n区别在于营销看长期，销售看本月的业绩。\n",
    # Every character of the question, in none of its words: fusion ranks it low, the overlap
    # reranker first.
    "scattered.txt": "别出心裁的促销和售卖活动，由区域营业部负责。\n",
}
PRICES = "主题,说明\n培训课程,培训课程每期两天，由市场部的讲师讲授。\n年费,知识库的年费含十个账号。\n"


def plugin_source(name: str) -> str:
    """The code block docs/extending.md shows under `<!-- plugin: name -->`."""
    found = re.search(rf"<!-- plugin: {name} -->\n```python\n(.*?)```", GUIDE.read_text("utf-8"), re.S)
    assert found, f"docs/extending.md has no code block for the plug-in {name}"
    return found.group(1)


def install(folder: Path, *names: str) -> dict[str, str]:
    """The environment of a `kb` process that sees these plug-ins of docs/extending.md."""
    env: dict[str, str] = {}
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        env = installed_plugin(folder, name, plugin_source(name))
    return env


def kb(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kb", *map(str, args)], capture_output=True, text=True, env=env, timeout=300
    )


def ask_json(env: dict[str, str], index: Path, *args: str) -> dict:
    done = kb(env, "ask", QUESTION, "--index", index, "--json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[dict[str, str], Path]:
    """The three plug-ins installed, and an index of a small corpus built with the plug-in model."""
    tmp = tmp_path_factory.mktemp("plugins")
    env = install(tmp / "site", "kb_csv", "kb_ngrams", "kb_overlap")
    corpus = write_corpus(tmp, CORPUS)
    (corpus / "prices.csv").write_text(PRICES, "utf-8")
    index = tmp / "index"
    done = kb(env, "ingest", corpus, "--index", index, "--model", "char-ngrams")
    assert done.returncode == 0, done.stderr
    return env, index


def test_a_plugin_model_builds_an_index_the_cli_serves(built):
    env, index = built
    manifest = json.loads(kb(env, "info", "--index", index, "--json").stdout)
    assert manifest["model"] == {"name": "char-ngrams", "dim": 256}
    answer = ask_json(env, index, "--mode", "dense")
    assert answer["passages"] and answer["passages"][0]["doc_id"] == "service"


def test_an_index_of_a_model_no_longer_installed_says_so(built, tmp_path):
    _, index = built
    bare = install(tmp_path / "site", "kb_overlap")
    done = kb(bare, "ask", QUESTION, "--index", index, "--mode", "dense")
    assert done.returncode == 1
    assert "char-ngrams" in done.stderr and "e5-small, m3e-small" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_unknown_model_name_lists_the_registered_ones(built, tmp_path):
    env, _ = built
    done = kb(env, "ingest", write_corpus(tmp_path, CORPUS), "--index", tmp_path / "index", "--model", "nope")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Error: unknown embedding model 'nope': the registered ones are char-ngrams, e5-small, m3e-small; "
        "give one of them, a sentence-transformers model folder, or install the plug-in that adds it"
    )
    assert not (tmp_path / "index").exists()


def test_a_plugin_format_is_ingested_and_quoted(built):
    env, index = built
    info = json.loads(kb(env, "info", "--index", index, "--json").stdout)
    assert "prices.csv" in {Path(source).name for source in info["sources"]}
    done = kb(env, "ask", "培训课程每期几天", "--index", index, "--json")
    answer = json.loads(done.stdout)
    assert answer["passages"][0]["doc_id"] == "prices"
    assert "培训课程每期两天，由市场部的讲师讲授[1]" in answer["answer"]
    assert answer["sentences"][0]["location"]["label"] == "L2"  # the row, cited by its line


def test_without_the_format_plugin_the_file_is_skipped_and_named(tmp_path):
    env = install(tmp_path / "site", "kb_ngrams")
    corpus = write_corpus(tmp_path, CORPUS)
    (corpus / "prices.csv").write_text(PRICES, "utf-8")
    done = kb(env, "ingest", corpus, "--index", tmp_path / "index", "--model", "char-ngrams")
    assert done.returncode == 0, done.stderr
    assert "prices.csv" in done.stderr and "unsupported file type .csv" in done.stderr


def test_a_plugin_reranker_reorders_the_fused_passages(built):
    env, index = built
    fused = [p["doc_id"] for p in ask_json(env, index, "-k", "3")["passages"]]
    reranked = ask_json(env, index, "-k", "3", "--reranker", "overlap")["passages"]
    held = [len({c for c in QUESTION if c.isalnum()} & set(p["text"])) for p in reranked]
    assert [p["rank"] for p in reranked] == [1, 2, 3]
    assert held == sorted(held, reverse=True)
    assert "scattered" not in fused and reranked[0]["doc_id"] == "scattered"


def test_an_unknown_reranker_lists_the_registered_ones(built):
    env, index = built
    done = kb(env, "ask", QUESTION, "--index", index, "--reranker", "nope")
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: unknown reranker 'nope': the registered rerankers are overlap"


def test_serve_takes_the_reranker_by_name(built):
    env, index = built
    done = kb(env, "serve", "--index", index, "--port", "1", "--reranker", "nope")
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: unknown reranker 'nope': the registered rerankers are overlap"
