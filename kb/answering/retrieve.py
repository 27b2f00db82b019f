"""Question → ranked passages: BM25 and dense rankers, fused, with near-duplicates removed.

BM25 runs over jieba tokens of script-folded text, so 市場營銷 and 市场营销 match. The dense
ranker embeds the question with the index's own model. Fusion is weighted reciprocal-rank:
the two rankers are not equally good, and a plain RRF lets the weaker one pull results down.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, get_args

import numpy as np

from kb.answering.rerank import RERANKED_POOL, Reranker
from kb.answering.sentence_quality import item_number
from kb.embedding.models import Embedder, load_embedder
from kb.embedding.questions import encoded_question
from kb.errors import KbError
from kb.language.duplicates import is_near_duplicate
from kb.language.text import Analyzer, fold, has_words
from kb.profile import Profile
from kb.stores.base import IndexStore, Ranking
from kb.types import MODES, Hit, Mode, Passage, Ranker, RankSignal

MAX_QUESTION_CHARS = 1000
MAX_K = 100
# Question vectors a retriever keeps (1.5 kB each at 384 dimensions): a question asked again,
# retried by a client, or asked in search and then ask is encoded once.
CACHED_QUESTION_VECTORS = 1024
# The best sentence's share of a passage's dense score. Hybrid answers, 0.33 / 0.4 / 0.5 / 0.67: database course
# 42.9 / 47.6 / 47.6 / 50.0 %, trainee dev 46.8 / 51.1 / 48.9 / 48.9 %, seed 90 / 90 / 88 / 84 % (0: 40.5, 44.7, 90).
SENTENCE_SHARE = 0.4
FusionMethod = Literal["zscore", "rrf"]
# A question in another language than its sources scores this much lower cosine with them
# (multilingual-e5-small on the seed corpus: English questions on its subjects 0.79–0.87, their
# Chinese wording 0.89–0.94; English questions off its subjects 0.72–0.79).
CROSS_LANGUAGE_COSINE_GAP = 0.06
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class FusionSettings:
    """How the two rankings are combined into one score per passage.

    `method="zscore"` (default): each ranker's scores are standardised over its candidates
    (mean 0, sd 1), then summed with the weights; a passage outside a ranker's candidates
    counts as that ranker's worst candidate. Unlike ranks, this keeps how far a clear winner
    stands above the rest. `method="rrf"`: Σ weight · (rrf_k + 1) / (rrf_k + rank).

    `lead_gain`: a ranker's weight for one question is its weight × (1 + lead_gain × lead),
    where lead (0–1) is how far its best candidate stands above its second, as a share of the
    spread of its candidates' scores (`ranker_lead`). A ranker that singles out one passage
    for this question (a rare term only that passage holds, a near-paraphrase) counts more
    than one that ranks many passages about alike (common words, a vague question), whichever
    ranker that is. 0 turns it off.
    """

    method: FusionMethod = "zscore"
    bm25_weight: float = 1.0
    dense_weight: float = 1.0
    rrf_k: int = 60
    candidates: int = 200
    duplicate_overlap: float = 0.8
    lead_gain: float = 2.0

    def __post_init__(self) -> None:
        if self.method not in get_args(FusionMethod):
            raise ValueError(
                f"unknown fusion method {self.method!r}: choose one of {', '.join(get_args(FusionMethod))}"
            )
        if self.bm25_weight < 0 or self.dense_weight < 0 or self.bm25_weight + self.dense_weight <= 0:
            raise ValueError("fusion weights must be >= 0 and not both 0")
        if self.rrf_k < 0 or self.candidates < 1 or not 0 < self.duplicate_overlap <= 1 or self.lead_gain < 0:
            raise ValueError("rrf_k must be >= 0, candidates >= 1, duplicate_overlap in (0, 1], lead_gain >= 0")


def _normalise(scores: np.ndarray, settings: FusionSettings) -> np.ndarray:
    if settings.method == "rrf":
        return (settings.rrf_k + 1) / (settings.rrf_k + np.arange(1, len(scores) + 1))
    scores = np.asarray(scores, dtype=np.float64)
    if len(scores) == 0:
        return scores
    spread = scores.std()
    return (scores - scores.mean()) / spread if spread > 0 else np.zeros(len(scores))


def ranker_lead(scores: np.ndarray) -> float:
    """How far a ranking's best score stands above its second, as a share of the range of its
    scores (best first): 1 = one clear winner, 0 = a tie at the top. Fewer than three scores
    tell nothing (two always have lead 1): 0."""
    if len(scores) < 3:
        return 0.0
    spread = float(scores[0] - scores[-1])
    return float(scores[0] - scores[1]) / spread if spread > 0 else 0.0


def question_weights(
    rankings: dict[Ranker, Ranking], weights: dict[Ranker, float], settings: FusionSettings
) -> dict[Ranker, float]:
    """Each ranker's weight for this question: its set weight, raised by its lead."""
    return {name: weights[name] * (1 + settings.lead_gain * ranker_lead(rankings[name][1])) for name in rankings}


Fused = tuple[np.ndarray, np.ndarray]  # candidate passage ids and fused scores, best first (ties: lower id)


def fuse(rankings: dict[Ranker, Ranking], weights: dict[Ranker, float], settings: FusionSettings) -> Fused:
    """Fused score per candidate passage, from each ranker's (ids, scores) listed best first."""
    parts = [
        (np.asarray(ids, dtype=np.int64), _normalise(scores, settings), name)
        for name, (ids, scores) in rankings.items()
    ]
    candidates = np.unique(np.concatenate([ids for ids, _, _ in parts])) if parts else np.zeros(0, dtype=np.int64)
    fused = np.zeros(len(candidates))
    for ids, normalised, name in parts:
        floor = normalised.min() if settings.method == "zscore" and len(normalised) else 0.0
        column = np.full(len(candidates), floor)
        column[np.searchsorted(candidates, ids)] = normalised
        fused += weights[name] * column
    order = np.lexsort((candidates, -fused))
    return candidates[order], fused[order]


def with_best_sentences(passages: Ranking, sentences: Ranking, n: int) -> Ranking:
    """The dense ranking: each passage scored by its own cosine and its best sentence's,
    weighed 1 − SENTENCE_SHARE and SENTENCE_SHARE. A passage outside one ranking's candidates
    takes that ranking's lowest score. The passage vector says what a passage is about, its
    best sentence whether it states what was asked."""
    ids = np.union1d(passages[0], sentences[0])
    if len(ids) == 0:
        return passages
    blended = np.zeros(len(ids))
    for (ranked_ids, scores), share in zip((passages, sentences), (1 - SENTENCE_SHARE, SENTENCE_SHARE)):
        column = np.full(len(ids), float(scores.min()) if len(scores) else 0.0)
        column[np.searchsorted(ids, ranked_ids)] = scores
        blended += share * column
    order = np.lexsort((ids, -blended))[:n]
    return ids[order].astype(np.int64), blended[order].astype(np.float32)


def display_scores(fused: np.ndarray, total_weight: float, settings: FusionSettings) -> np.ndarray:
    """0–1 scores for people: 1 = first for every ranker (RRF), or a logistic of the mean z."""
    if settings.method == "rrf":
        return fused / total_weight
    return 1 / (1 + np.exp(-fused / total_weight))


def normalise_question(question: str) -> str:
    """Collapse whitespace; refuse questions with no words or beyond the length cap."""
    if not isinstance(question, str):
        raise KbError(f"the question must be text, not {type(question).__name__}")
    text = re.sub(r"\s+", " ", question).strip()
    if _SURROGATE.search(text):
        raise KbError("the question holds a lone surrogate (\\ud800–\\udfff), which is not text: send valid UTF-8")
    if not has_words(text):
        raise KbError('the question is empty or only punctuation: ask something, e.g. kb ask "营销和销售的区别"')
    if len(text) > MAX_QUESTION_CHARS:
        raise KbError(f"the question is {len(text)} characters long; the limit is {MAX_QUESTION_CHARS}: shorten it")
    return text


def check_query_args(k: int, mode: str) -> None:
    """Refuse a mode or k outside what the rankers support (the API's callers are not
    checked by click or pydantic)."""
    if mode not in MODES:
        raise KbError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise KbError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")


def _passage_terms(passage: Passage, analyzer: Analyzer) -> set[str]:
    return set(analyzer.tokenize(passage.headed_text))


def matched_terms(question: str, passage: Passage, analyzer: Analyzer) -> list[str]:
    """The question's jieba terms that occur in the passage (folded), for --explain."""
    passage_terms = _passage_terms(passage, analyzer)
    return [t for t in dict.fromkeys(analyzer.tokenize(question)) if t in passage_terms]


class Retriever:
    """Ranks the passages of one stored index for a question, under the index's profile
    (its vocabulary, synonyms and answerability thresholds) unless given another; a `reranker`
    (kb/answering/rerank.py) reorders the fused passages."""

    def __init__(
        self,
        index: IndexStore,
        embedder: Embedder | None = None,
        fusion: FusionSettings = FusionSettings(),
        profile: Profile | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.index = index
        self.reranker = reranker
        self.profile = profile or index.profile
        self.analyzer = self.profile.analyzer
        self._embedder = embedder
        self.fusion = fusion
        # Owned by this retriever (its model, its index): no state shared between instances.
        self._encoded_question = lru_cache(maxsize=CACHED_QUESTION_VECTORS)(self._encode_question)

    def term_weights(self, terms: Iterable[str]) -> dict[str, float]:
        """IDF of each term (jieba word or character pair); a term the index never saw weighs most."""
        return self._idf(self.index.document_frequencies(dict.fromkeys(terms)))

    def _idf(self, frequencies: Mapping[str, int]) -> dict[str, float]:
        n = max(self.index.passage_count, 1)
        return {t: float(np.log(1 + (n - df + 0.5) / (df + 0.5))) for t, df in frequencies.items()}

    def word_weights(self, words: Iterable[str]) -> dict[str, float]:
        """`term_weights` of a question's jieba words, where a word that neither the index
        nor the dictionary holds is weighed as its dictionary words: jieba guesses such a
        word from unknown characters and often glues a particle to a known word (「B+树有…」 →
        「树有」, 「E-R图里」 → 「图里」), which no passage holds and which would weigh most."""
        seen = self.index.document_frequencies(dict.fromkeys(words))
        tokenizer = self.analyzer.tokenizer
        tokenizer.check_initialized()
        kept: list[str] = []
        for word, frequency in seen.items():
            if frequency or word.isascii() or len(word) < 2 or tokenizer.FREQ.get(word):
                kept.append(word)
            else:
                kept += [t for part in tokenizer.lcut(word, HMM=False) for t in self.analyzer.tokenize(part)]
        parts = [t for t in dict.fromkeys(kept) if t not in seen]  # only the guesses' words are new
        frequencies = {**seen, **(self.index.document_frequencies(parts) if parts else {})}
        return self._idf({t: frequencies[t] for t in dict.fromkeys(kept)})

    def question_term_weights(self, question: str) -> dict[str, float]:
        """IDF of the question's own terms: what `coverage` and `answerable` weigh passages by."""
        return self.word_weights(self.analyzer.tokenize(question))

    def _covered(self, weights: Mapping[str, float], passage: Passage) -> float:
        if not weights:
            return 0.0
        present = _passage_terms(passage, self.analyzer)
        return sum(w for t, w in weights.items() if t in present) / sum(weights.values())

    def _covers(self, weights: Mapping[str, float], passage: Passage, minimum: float) -> bool:
        """Whether the passage holds at least `minimum` of the question's information. jieba
        over a passage is the dearest step of a question after encoding it, and a term a
        passage holds is a substring of its folded text: a passage whose substrings fall short
        is never tokenised (the decision is the same)."""
        if weights:
            folded = fold(passage.headed_text)  # what _passage_terms tokenises, folded as it folds
            if sum(w for t, w in weights.items() if t in folded) / sum(weights.values()) < minimum - 1e-9:
                return False
        return self._covered(weights, passage) >= minimum

    def coverage(self, question: str, passage: Passage) -> float:
        """Share of the question's information (IDF-weighted terms) found in the passage.

        「如何做红烧肉」 shares only the common 做 with this corpus: coverage ≈ 0.1, so the
        answer is "not in the knowledge base" rather than a loosely related sentence.
        """
        return self._covered(self.question_term_weights(question), passage)

    def answerable(self, hits: list[Hit], weights: Mapping[str, float], cross_language: bool = False) -> bool:
        """Does the index hold an answer? Either a top passage covers most of the question's
        information (`weights`: question_term_weights) and the index holds one of its words
        (_holds_a_word), or the dense ranker is confident: its best passage reaches the cosine
        ingest measured on this corpus (kb/ingest/calibrate.py; an index built before that
        uses the profile's per-model threshold). A cross-language question shares no terms
        with its sources (its weights are empty): the vectors alone decide."""
        if self._holds_a_word(weights) and any(
            self._covers(weights, h.passage, self.profile.min_coverage) for h in hits[:3]
        ):
            return True
        threshold = self.index.manifest.answerable_cosine
        if threshold is None:
            threshold = self.profile.dense_threshold(self.index.model_name)
        if cross_language and threshold is not None:
            threshold -= CROSS_LANGUAGE_COSINE_GAP
        dense = max((h.signals["dense"].score for h in hits if "dense" in h.signals), default=None)
        return threshold is not None and dense is not None and dense >= threshold

    def _holds_a_word(self, weights: Mapping[str, float]) -> bool:
        """Whether the index holds one of the question's words of two or more characters (or it
        has none): 「怎么学游泳」 shares only 「学」 with a Java course, which is no subject of it."""
        words = [t for t in weights if len(t) >= 2]
        return not words or any(self.index.document_frequencies(words).values())

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            name = self.index.model_name
            try:
                self._embedder = load_embedder(name)
            except KbError as exc:
                raise KbError(
                    f"the index was built with model {name}, which is not available here ({exc}); "
                    "rebuild with `kb ingest --model …`"
                ) from exc
        return self._embedder

    def bm25_ranking(self, question: str, n: int) -> Ranking:
        """Top-n passage ids and BM25 scores (only passages sharing a term or a synonym)."""
        own = self.analyzer.index_terms(question)
        query: dict[str, float] = {}
        for terms, weight in (
            (own, 1.0),
            (self.analyzer.synonym_terms(question, set(own)), self.profile.synonym_weight),
        ):
            for term in terms:
                query[term] = query.get(term, 0.0) + weight
        return self.index.bm25_ranking(query, n)

    def query_vector(self, question: str) -> np.ndarray:
        """The question's embedding (of its first ENCODED_QUESTION_CHARS characters, folded,
        whitespace collapsed), computed once per question for passage ranking and sentence
        evidence alike; the last CACHED_QUESTION_VECTORS questions' vectors are kept."""
        return self._encoded_question(encoded_question(question))

    def _encode_question(self, encoded: str) -> np.ndarray:
        vector = self.embedder.encode_query(encoded).reshape(-1).astype(np.float32)
        vector.flags.writeable = False  # shared by every later ask of the same question
        return vector

    def dense_ranking(self, question: str, n: int, vector: np.ndarray | None = None) -> Ranking:
        """The n passages closest to the question's vector (`vector` when given, see search)."""
        vector = self.query_vector(question) if vector is None else vector
        dim = self.index.manifest.model.dim
        if len(vector) != dim:
            raise KbError(
                f"model {self.embedder.name} gives {len(vector)}-dim vectors but the index holds "
                f"{dim}-dim ones: use the index's model ({self.index.model_name}) or re-run kb ingest"
            )
        return self.index.dense_ranking(vector, n)

    def with_sentences(self, question: str, passages: Ranking, n: int, vector: np.ndarray | None = None) -> Ranking:
        """The dense ranking fusion uses: `passages` (dense_ranking) with each passage's best
        sentence counted in (with_best_sentences), where the index stores sentence vectors. Hits
        keep the passage cosine as their dense signal, what answerable's threshold is set on."""
        if not self.index.has_sentence_vectors:
            return passages
        vector = self.query_vector(question) if vector is None else vector
        return with_best_sentences(passages, self.index.sentence_ranking(vector, n), n)

    def search(self, question: str, k: int = 5, mode: Mode = "hybrid", vector: np.ndarray | None = None) -> list[Hit]:
        """The k best passages, near-duplicates suppressed, each with its ranking signals;
        `vector` ranks them in place of the question's own (Answerer: a reading's)."""
        check_query_args(k, mode)
        question = normalise_question(question)
        n = self.fusion.candidates  # fixed, so a larger k never changes the order of the top results
        weights: dict[Ranker, float] = {"bm25": self.fusion.bm25_weight, "dense": self.fusion.dense_weight}
        if mode != "hybrid":
            weights = {mode: 1.0}
        rankings: dict[Ranker, Ranking] = {}
        if "bm25" in weights:
            rankings["bm25"] = self.bm25_ranking(question, n)
        if "dense" in weights:
            rankings["dense"] = self.dense_ranking(question, n, vector)
        signals: dict[int, dict[Ranker, RankSignal]] = {}
        for name, (ids, raw_scores) in rankings.items():
            for rank, (pid, score) in enumerate(zip(ids.tolist(), raw_scores.tolist()), start=1):
                signals.setdefault(pid, {})[name] = RankSignal(round(score, 4), rank)
        fused_rankings = dict(rankings)
        if "dense" in rankings:
            fused_rankings["dense"] = self.with_sentences(question, rankings["dense"], n, vector)
        weights = question_weights(fused_rankings, weights, self.fusion)
        order, fused = fuse(fused_rankings, weights, self.fusion)
        shown = display_scores(fused, sum(weights.values()), self.fusion)
        scores = dict(zip(order.tolist(), shown.tolist()))
        if self.reranker is None:
            return self._diverse_top(order.tolist(), k, scores, signals)
        pool = self._diverse_top(order.tolist(), max(k, RERANKED_POOL), scores, signals)
        return self.reranker.top(question, pool, k)

    def _diverse_top(
        self, order: list[int], k: int, scores: dict[int, float], signals: dict[int, dict[Ranker, RankSignal]]
    ) -> list[Hit]:
        hits: list[Hit] = []
        batch = max(2 * k, 20)
        for begin in range(0, len(order), batch):
            ids = order[begin : begin + batch]
            for passage in self.index.passages(ids):
                twin = next(
                    (h for h in hits if is_near_duplicate(passage, h.passage, self.fusion.duplicate_overlap)), None
                )
                if twin is not None:
                    if _opens_the_list(passage, twin.passage):
                        hits[hits.index(twin)] = Hit(twin.rank, twin.score, passage, signals.get(passage.id, {}))
                    continue
                hits.append(Hit(len(hits) + 1, scores[passage.id], passage, signals.get(passage.id, {})))
                if len(hits) == k:
                    return hits
        return hits


def _opens_the_list(earlier: Passage, shown: Passage) -> bool:
    """`shown` opens on a later item of a list (「2. 若 A 收到其他主节点对 B 的 PFAIL 报告…」) and
    `earlier`, a window of its document running into it, holds the list's start: it stands in."""
    if earlier.doc_id != shown.doc_id or not earlier.start < shown.start < earlier.end:
        return False
    number = item_number(shown.text.lstrip().split("\n", 1)[0])
    return number is not None and number not in ("1", "一", "①")
