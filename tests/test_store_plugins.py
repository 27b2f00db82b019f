"""A store that kb does not ship (tests/memory_store.py) plugs in through the `register_stores`
hook: it passes the store contract in this process, and the real CLI ingests into it and
answers from it in subprocesses when it is installed as a plug-in."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kb import KnowledgeBase
from kb.interfaces.script_display import shown_in_script
from kb.plugins import plugin_manager, registered
from kb.testing import BigramEmbedder, StoreContract
from tests import memory_store
from tests.conftest import CORPUS, ROOT
from tests.helpers import installed_plugin

QUESTION = "营销和销售的区别"


@pytest.fixture
def memory_plugin():
    """tests/memory_store.py registered with kb's plug-ins for one test, as an entry point would."""
    manager = plugin_manager()
    manager.register(memory_store, name="tests.memory_store")
    yield
    manager.unregister(name="tests.memory_store")


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store_location(self, tmp_path, memory_plugin):
        return f"memory://{tmp_path.name}"


def test_the_memory_store_is_found_through_the_hook_only(memory_plugin):
    stores = registered("stores")
    assert stores["memory"] is memory_store.MEMORY and {"file", "milvus", "http", "https"} <= set(stores)


def test_an_installed_store_plugin_serves_the_real_cli(tmp_path):
    """`kb ingest --store pickled://…` and `kb ask --store pickled://…`, each in its own process,
    give the answer the local store gives."""
    (tmp_path / "site").mkdir()
    env = installed_plugin(tmp_path / "site", "kb_memory_store", (ROOT / "tests/memory_store.py").read_text("utf-8"))
    env["PYTHONPATH"] = f"{ROOT / 'tests/stub_model'}:{env['PYTHONPATH']}"  # "test-bigram" is the stand-in model
    store = f"pickled://{tmp_path}/kb.pickle"

    def kb(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "kb", *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    kb("ingest", "--store", store, "--model", "test-bigram", str(CORPUS))
    assert (tmp_path / "kb.pickle").is_file()
    answered = json.loads(kb("ask", QUESTION, "--json", "--store", store))
    reference = KnowledgeBase.build([CORPUS], tmp_path / "reference", embedder=BigramEmbedder())
    expected = json.loads(json.dumps(shown_in_script(reference.ask(QUESTION), None).to_dict(), ensure_ascii=False))
    assert answered == expected and answered["passages"]
