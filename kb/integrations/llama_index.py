"""kb as a LlamaIndex retriever: `KbLlamaRetriever(index="index")` or `(url=…, token=…)` returns
nodes scored by kb's fused ranking, with the passage's provenance as node metadata
(`cited_as`, `doc_id`, `start`/`end`, `location`, `rank`, `uri`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from kb.integrations.source import PassageSource, metadata
from kb.knowledge_base import KnowledgeBase
from kb.types import Mode


class KbLlamaRetriever(BaseRetriever):
    """Passages of a kb index for a question, best first (hybrid BM25 + dense by default)."""

    def __init__(
        self,
        index: str | Path | None = None,
        knowledge_base: KnowledgeBase | None = None,
        url: str | None = None,
        token: str | None = None,
        k: int = 5,
        mode: Mode = "hybrid",
        **kwargs: Any,
    ) -> None:
        self._source = PassageSource(index, knowledge_base, url, token)
        self._k = k
        self._mode: Mode = mode
        super().__init__(**kwargs)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return _nodes(self._source.search(query_bundle.query_str, self._k, self._mode))

    async def _aretrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if self._source.url is None:  # a local index answers in a thread, as kb serve does
            return await asyncio.to_thread(self._retrieve, query_bundle)
        return _nodes(await self._source.asearch(query_bundle.query_str, self._k, self._mode))


def _nodes(passages: list[dict[str, Any]]) -> list[NodeWithScore]:
    nodes = []
    for passage in passages:
        about = metadata(passage)
        node = TextNode(id_=about["uri"], text=passage["text"], metadata=about)
        # An LLM prompt built from the node shows its title and citation, not offsets and scores.
        node.excluded_llm_metadata_keys = node.excluded_embed_metadata_keys = [
            key for key in about if key not in ("title", "cited_as")
        ]
        nodes.append(NodeWithScore(node=node, score=passage["score"]))
    return nodes
