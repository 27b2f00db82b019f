"""The public entry point: build a knowledge base, open it, search it, ask it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Unpack

from kb.answering.answerer import Answerer
from kb.answering.evidence import EvidenceWeights
from kb.answering.rerank import Reranker
from kb.answering.retrieve import FusionSettings, Retriever
from kb.answering.understand import QuestionReader
from kb.embedding.models import CPU, Embedder, load_embedder
from kb.errors import KbError
from kb.ingest.options import IngestKeywords, IngestOptions, ingest_options
from kb.ingest.pipeline import IngestReport, ingest
from kb.profile import Profile
from kb.stores.base import IndexStore
from kb.stores.registry import open_index
from kb.types import Answer, Document, Explanation, Hit, Mode, Passage


class KnowledgeBase:
    """A built index plus the retriever over it, answering under the index's profile.

    >>> with KnowledgeBase.open("index") as kb:               # doctest: +SKIP
    ...     kb.ask("营销和销售的区别").text
    """

    def __init__(
        self,
        index: IndexStore,
        embedder: Embedder | None = None,
        fusion: FusionSettings = FusionSettings(),
        evidence_weights: EvidenceWeights = EvidenceWeights(),
        reranker: Reranker | None = None,
    ) -> None:
        self.index = index
        self.profile: Profile = index.profile
        self.retriever = Retriever(index, embedder, fusion, self.profile, reranker)
        self.reader = QuestionReader(index, self.profile)
        self.answerer = Answerer(self.retriever, self.reader, evidence_weights)
        self.last_ingest: IngestReport | None = None
        self.closed = False

    @classmethod
    def build(
        cls,
        source: Sequence[str | Path] | Sequence[Document],
        index_dir: str | Path = "index",
        *,
        options: IngestOptions | None = None,
        **keywords: Unpack[IngestKeywords],
    ) -> KnowledgeBase:
        """Ingest files/folders (or Documents) into index_dir as `options` say, and open the
        result (on the options' embedder or device).

        IngestOptions' fields may be given as keywords instead (model, chunking, profile, …),
        as before there were IngestOptions."""
        options = ingest_options(options, keywords)
        report = ingest(source, index_dir, options=options)
        kb = cls.open(index_dir, embedder=options.embedder, device=options.device)
        kb.last_ingest = report
        return kb

    @classmethod
    def open(
        cls,
        index_dir: str | Path = "index",
        model: str | None = None,
        embedder: Embedder | None = None,
        device: str = CPU,
        fusion: FusionSettings = FusionSettings(),
        evidence_weights: EvidenceWeights = EvidenceWeights(),
        reranker: str | None = None,
    ) -> KnowledgeBase:
        """Open a built index. `model`, if given, must be the one the index was built with.
        `device` other than the CPU loads the index's model there now (so a GPU that is not
        there is said at once); on the CPU it loads with the first question. `fusion` and
        `evidence_weights`: how passages are ranked and answer sentences scored (the defaults
        are kb's measured ones); `reranker`: the name of a registered reranker to reorder the
        fused passages (kb/answering/rerank.py; none by default)."""
        chosen = Reranker.named(reranker) if reranker is not None else None  # before opening: nothing to close
        index = open_index(index_dir)
        wanted = embedder.name if embedder else model
        if wanted and wanted != index.model_name:
            index.close()
            raise KbError(
                f"index at {index_dir} was built with model {index.model_name}, not {wanted}: "
                f"drop --model, or rebuild with `kb ingest --model {wanted}`"
            )
        if embedder is None and device != CPU:
            try:
                embedder = load_embedder(index.model_name, device)
            except KbError:
                index.close()
                raise
        return cls(index, embedder, fusion, evidence_weights, chosen)

    def close(self) -> None:
        """Release the index: its version pin (so an ingest may delete a replaced version),
        database, FAISS and BM25 data, or a Milvus client. Closing again does nothing."""
        if not self.closed:
            self.closed = True
            self.index.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search(self, question: str, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        """The k best passages for the question (mode: hybrid, dense or bm25)."""
        return self.retriever.search(question, k=k, mode=mode)

    def ask(
        self,
        question: str,
        k: int = 5,
        mode: Mode = "hybrid",
        max_chars: int = 300,
        explain: bool = False,
        previous: Sequence[str] = (),
    ) -> Answer:
        """An extractive, cited answer built from the k best passages, at most max_chars long
        (answerer.MIN_ANSWER_CHARS at least); with `explain`, also why each passage ranked.

        `previous`: the conversation so far (earlier questions, oldest first): a follow-up
        such as 「那它们的联系呢」 is completed from it (`Answer.understood_as`). Typos are
        corrected against the index's words (`Answer.corrected`)."""
        return self.answerer.answer(question, k, mode, max_chars, previous, explain)

    def explain(self, question: str, hits: Sequence[Hit]) -> list[Explanation]:
        """Why each hit ranked: the question's terms it holds and each ranker's score and rank."""
        return self.answerer.explain(question, hits)

    def search_many(self, questions: Sequence[str], k: int = 5, mode: Mode = "hybrid") -> list[list[Hit]]:
        """`search` for each question, in order (one embedder, one index, loaded once)."""
        return [self.search(question, k=k, mode=mode) for question in questions]

    def warm_up(self) -> None:
        """Load every part now (FAISS, BM25, database, sentence vectors, model, tokenizer) rather
        than on the first question: a server then answers its first request as fast as its
        hundredth, and keeps working if the index folder is replaced underneath it."""
        self.ask("知识", k=1)

    def passages(self) -> list[Passage]:
        """Every passage, in index order."""
        return self.index.passages()

    def is_live(self) -> bool:
        """False once `kb ingest` has replaced the index this object answers from: open it again."""
        return self.index.is_live()

    def info(self) -> dict[str, Any]:
        """The manifest of the index and where it lives."""
        manifest = {k: v for k, v in self.index.manifest.to_dict().items() if k != "files"}
        return {"index": self.index.location, "version": self.index.version} | manifest
