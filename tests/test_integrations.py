"""kb as a retriever in the real LangChain and LlamaIndex libraries (the `integrations` extra):
invoked one question at a time, in a batch and asynchronously, from a local index and from a
`kb serve` with a token, each result a Document/node carrying the passage's provenance."""

from __future__ import annotations

import asyncio
import os

import pytest

from kb import KnowledgeBase
from kb.errors import KbError
from kb.interfaces.server import create_app
from tests.test_page import serve_app

if not os.environ.get("CI"):  # CI installs the extra: there a missing library fails the run
    pytest.importorskip("langchain_core", reason="needs kb[integrations]")
    pytest.importorskip("llama_index.core", reason="needs kb[integrations]")

TOKEN = "integrations-token-0123456789"
QUESTIONS = ["什么是销售漏斗", "营销和销售的区别"]


@pytest.fixture(scope="module")
def kb_local(stub_index):
    index, embedder = stub_index
    with KnowledgeBase.open(index, embedder=embedder) as kb:
        yield kb, embedder


@pytest.fixture(scope="module")
def served(kb_local):
    kb, embedder = kb_local
    yield from serve_app(create_app(kb.index.location, embedder, token=TOKEN))


@pytest.fixture(params=["local", "http"])
def where(request, kb_local, served) -> dict:
    return {"knowledge_base": kb_local[0]} if request.param == "local" else {"url": served, "token": TOKEN}


def _expected(kb_local, question, k=3):
    return [(h.passage.doc_id, h.passage.start, h.passage.end) for h in kb_local[0].search(question, k=k)]


def test_langchain_invoke_batch_and_async(where, kb_local):
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    from kb.integrations.langchain import KbRetriever

    retriever = KbRetriever(k=3, **where)
    assert isinstance(retriever, BaseRetriever)
    documents = retriever.invoke("什么是销售漏斗")
    assert all(isinstance(d, Document) for d in documents)
    assert [(d.metadata["doc_id"], d.metadata["start"], d.metadata["end"]) for d in documents] == _expected(
        kb_local, "什么是销售漏斗"
    )
    first = documents[0]
    assert first.page_content == kb_local[0].search("什么是销售漏斗", k=1)[0].passage.text
    assert first.metadata["cited_as"].startswith("corpus/") and ":L" in first.metadata["cited_as"]
    assert first.metadata["rank"] == 1 and first.metadata["uri"].startswith("kb://doc/")
    batched = retriever.batch(QUESTIONS)
    assert [[d.metadata["start"] for d in docs] for docs in batched] == [
        [s for _, s, _ in _expected(kb_local, q)] for q in QUESTIONS
    ]
    together = asyncio.run(_gather(retriever.ainvoke, QUESTIONS))
    assert [[d.page_content for d in docs] for docs in together] == [[d.page_content for d in b] for b in batched]


def test_llama_index_retrieve_and_async(where, kb_local):
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import MetadataMode

    from kb.integrations.llama_index import KbLlamaRetriever

    retriever = KbLlamaRetriever(k=3, **where)
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve("什么是销售漏斗")
    expected = _expected(kb_local, "什么是销售漏斗")
    assert [(n.node.metadata["doc_id"], n.node.metadata["start"], n.node.metadata["end"]) for n in nodes] == expected
    assert nodes[0].score >= nodes[1].score >= nodes[2].score
    prompt_text = nodes[0].node.get_content(metadata_mode=MetadataMode.LLM)
    assert nodes[0].node.metadata["cited_as"] in prompt_text and "score" not in prompt_text
    together = asyncio.run(_gather(retriever.aretrieve, QUESTIONS))
    assert [[n.node.metadata["start"] for n in found] for found in together] == [
        [s for _, s, _ in _expected(kb_local, q)] for q in QUESTIONS
    ]


def test_a_wrong_token_or_a_bad_question_is_a_one_line_error(served, kb_local):
    from kb.integrations.langchain import KbRetriever

    with pytest.raises(KbError, match="401"):
        KbRetriever(url=served, token="wrong-token-0123456789").invoke("营销")
    with pytest.raises(KbError, match="punctuation"):
        KbRetriever(knowledge_base=kb_local[0]).invoke("？？？")
    with pytest.raises(KbError, match="one of"):
        KbRetriever()


async def _gather(call, questions):
    return await asyncio.gather(*(call(q) for q in questions))
