"""The public entry point: build a knowledge base, open it, search it, ask it."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kb.answering.answer import compose_answer
from kb.answering.contrast import contrast_sides
from kb.answering.evidence import Evidence, score_sentences
from kb.answering.question import AnswerShape, answer_shape
from kb.answering.retrieve import FusionSettings, Retriever, matched_terms
from kb.answering.understand import SOURCES_ARE_CHINESE, QuestionReader
from kb.embedding.models import CPU, Embedder, load_embedder
from kb.errors import KbError
from kb.ingest.chunk import ChunkSettings
from kb.ingest.estimate import Plan
from kb.ingest.extract_worker import Budget
from kb.ingest.pipeline import IngestReport, ingest
from kb.profile import Profile
from kb.stores.base import IndexStore
from kb.stores.registry import open_index
from kb.types import Answer, Document, Explanation, Hit, Mode, Passage, Progress, Warn

CONTRAST_EVIDENCE = 40  # passages searched for a contrast table's cells
MIN_ANSWER_CHARS = 20  # the shortest answer limit (--max-chars) that still fits a sentence


class KnowledgeBase:
    """A built index plus the retriever over it, answering under the index's profile.

    >>> with KnowledgeBase.open("index") as kb:               # doctest: +SKIP
    ...     kb.ask("营销和销售的区别").text
    """

    def __init__(
        self, index: IndexStore, embedder: Embedder | None = None, fusion: FusionSettings = FusionSettings()
    ) -> None:
        self.index = index
        self.profile: Profile = index.profile
        self.retriever = Retriever(index, embedder, fusion, self.profile)
        self.reader = QuestionReader(index, self.profile)
        self.last_ingest: IngestReport | None = None
        self.closed = False

    @classmethod
    def build(
        cls,
        source: Sequence[str | Path] | Sequence[Document],
        index_dir: str | Path = "index",
        model: str | None = None,
        chunking: ChunkSettings = ChunkSettings(),
        embedder: Embedder | None = None,
        progress: Progress | None = None,
        profile: str | Path | Profile | None = None,
        follow_links: bool = False,
        workers: int | None = None,
        ray: str | None = None,
        reuse_from: str | Path | None = None,
        warn: Warn | None = None,
        budget: Budget = Budget(),
        plan: Plan | None = None,
        device: str = CPU,
    ) -> KnowledgeBase:
        """Ingest files/folders (or Documents) into index_dir and open the result.

        `profile`: see `ingest` (default: a corpus folder's kb.toml, else the index's, else
        the shipped one); `workers`/`ray`: spread the embedding; `reuse_from`: another index
        whose vectors to reuse; `warn`: told of each file skipped or suspect when met; `budget`:
        the time and memory each file's extraction may take (see `ingest`); `plan`:
        told what is to be embedded before it starts; `device`: where the encoder runs."""
        report = ingest(
            source,
            index_dir,
            model=model,
            settings=chunking,
            embedder=embedder,
            progress=progress,
            profile=profile,
            follow_links=follow_links,
            workers=workers,
            ray=ray,
            reuse_from=reuse_from,
            warn=warn,
            budget=budget,
            plan=plan,
            device=device,
        )
        kb = cls.open(index_dir, embedder=embedder, device=device)
        kb.last_ingest = report
        return kb

    @classmethod
    def open(
        cls,
        index_dir: str | Path = "index",
        model: str | None = None,
        embedder: Embedder | None = None,
        device: str = CPU,
    ) -> KnowledgeBase:
        """Open a built index. `model`, if given, must be the one the index was built with.
        `device` other than the CPU loads the index's model there now (so a GPU that is not
        there is said at once); on the CPU it loads with the first question."""
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
        return cls(index, embedder)

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
        (MIN_ANSWER_CHARS at least); with `explain`, also why each passage ranked.

        `previous`: the conversation so far (earlier questions, oldest first): a follow-up
        such as 「那它们的联系呢」 is completed from it (`Answer.understood_as`). Typos are
        corrected against the index's words (`Answer.corrected`)."""
        if not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars < MIN_ANSWER_CHARS:
            raise KbError(f"max_chars must be a whole number of at least {MIN_ANSWER_CHARS}, got {max_chars!r}")
        reading = self.reader.read(question, previous)
        answer = self._answer(reading.text, k, mode, max_chars, reading.cross_language)
        notes = (SOURCES_ARE_CHINESE,) if reading.cross_language and answer.found else ()
        answer = dataclasses.replace(
            answer,
            question=reading.asked,
            understood_as=reading.understood_as,
            corrected=reading.corrected,
            notes=notes,
        )
        return dataclasses.replace(answer, explanations=self.explain(reading.text, answer.hits)) if explain else answer

    def _answer(self, question: str, k: int, mode: Mode, max_chars: int, cross_language: bool) -> Answer:
        sides = contrast_sides(question, self.profile.contrast)
        hits = self.search(question, k=max(k, CONTRAST_EVIDENCE) if sides else k, mode=mode)
        answerable = self.retriever.answerable(question, hits, cross_language=cross_language)
        evidence = self.evidence(question, hits, answer_shape(question, sides), k, mode)
        return compose_answer(
            question,
            hits,
            max_chars=max_chars,
            shown=k,
            answerable=answerable,
            evidence=evidence,
            profile=self.profile,
            locate=self.index.locate,
            cross_language=cross_language,
        )

    def evidence(self, question: str, hits: Sequence[Hit], shape: AnswerShape, k: int, mode: Mode) -> list[Evidence]:
        """Every quotable sentence of the top-k hits, scored as an answer of this shape: what
        `ask` quotes from (scripts/tune_answers.py tunes the weights on these same scores)."""
        dense = mode != "bm25" and self.index.has_sentence_vectors
        return score_sentences(
            question,
            [h for h in hits if h.rank <= k],
            shape,
            self.profile.analyzer,
            ignore=self.profile.contrast.asking_words,
            term_weights=self.retriever.term_weights,
            question_vector=self.retriever.query_vector(question) if dense else None,
            stored_sentences=self.index.sentences_in,
        )

    def explain(self, question: str, hits: Sequence[Hit]) -> list[Explanation]:
        """Why each hit ranked: the question's terms it holds and each ranker's score and rank."""
        analyzer = self.profile.analyzer
        return [
            Explanation(h.rank, tuple(matched_terms(question, h.passage, analyzer)), dict(h.signals), h.score)
            for h in hits
        ]

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
