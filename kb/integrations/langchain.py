"""kb as a LangChain retriever: `KbRetriever(index="index")` or `KbRetriever(url=…, token=…)`
returns `langchain_core` Documents, one per passage, whose metadata says where each is cited
from (`cited_as`, `doc_id`, `start`/`end`, `location`, `rank`, `score`, `uri`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import ConfigDict, Field, PrivateAttr

from kb.answering.retrieve import MAX_K
from kb.integrations.source import PassageSource, metadata
from kb.knowledge_base import KnowledgeBase
from kb.types import Mode


class KbRetriever(BaseRetriever):
    """Passages of a kb index for a question, best first (hybrid BM25 + dense by default)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: str | Path | None = Field(None, description="An index folder or store URI, opened on first use.")
    knowledge_base: KnowledgeBase | None = Field(None, description="An already open KnowledgeBase.")
    url: str | None = Field(None, description="A `kb serve` address, e.g. http://127.0.0.1:8000.")
    token: str | None = Field(None, description="The server's token, when it needs one.")
    k: int = Field(5, ge=1, le=MAX_K)
    mode: Mode = "hybrid"
    _source: PassageSource = PrivateAttr()

    def model_post_init(self, context: Any) -> None:
        self._source = PassageSource(self.index, self.knowledge_base, self.url, self.token)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return _documents(self._source.search(query, self.k, self.mode))

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun
    ) -> list[Document]:
        if self.url is None:  # a local index answers in a thread, as kb serve does
            return await run_in_executor(None, self._get_relevant_documents, query, run_manager=run_manager.get_sync())
        return _documents(await self._source.asearch(query, self.k, self.mode))


def _documents(passages: list[dict[str, Any]]) -> list[Document]:
    return [Document(page_content=passage["text"], metadata=metadata(passage)) for passage in passages]
