"""The one path from a question to a cited answer: `KnowledgeBase.ask` and the tuning scripts
(scripts/tune_answers.py, scripts/tune_retrieval.py) run this same object, so what is tuned is
what is answered.

plan (read the question once: plan.py) → retrieve → answerable? → sentence evidence → compose
(choose the sentences, fill the contrast table, prove grounding).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from kb.answering.amounts import BETWEEN_NOUN_AND_AMOUNT, amounts_asked
from kb.answering.answer import compose_answer
from kb.answering.aspects import subject_words
from kb.answering.defining import DEFINITION_REACH, defining_form, with_definition
from kb.answering.definition_cue import definition_cue
from kb.answering.evidence import Evidence, EvidenceWeights, QuestionTerms, score_sentences, without_pointing
from kb.answering.mentions import discussed_together, loosely, unmentioned_side
from kb.answering.names import PHRASE_SEARCH, rare_held_name, unknown_names
from kb.answering.plan import QuestionPlan, asking_words_in, shape_of
from kb.answering.retrieve import MAX_K, Retriever, check_query_args, matched_terms
from kb.answering.sentence_quality import junk_reason
from kb.answering.side_names import term_names
from kb.answering.typos import Homophones
from kb.answering.understand import QuestionReader, Reading
from kb.answering.unsaid import asked_term
from kb.errors import KbError
from kb.language.dictionary import dictionary_tag, is_grammar
from kb.language.text import fold
from kb.types import Answer, Explanation, Hit, Mode, Passage

NEVER_MENTIONED = "知识库中没有提到："  # the note on a question refused for a name the index lacks
CONTRAST_EVIDENCE = 40  # passages searched for a contrast table's cells
MIN_ANSWER_CHARS = 20  # the shortest answer limit (--max-chars) that still fits a sentence
# Passages read before and after each shown one for a how-to question: a procedure numbered
# over several slides (its first item may sit a slide or two before the one found).
SERIES_REACH = (2, 3)
# Hits searched beyond a plan's depth, to stand in for shown ones that hold nothing to quote.
QUOTABLE_SPARE = 5
NOUN_TAGS = ("n", "vn")  # jieba's tags of nouns (n, nr, nz …) and of verbs used as nouns (工资)
# Debris that says nothing in any context (sentence_quality.junk_reason): a reading list, a table of
# contents, a site's furniture, a diagram's source, a figure's strokes, a wrap-up or pointer.
NOTHING_SAID = frozenset({"empty", "reference", "contents", "boilerplate", "diagram", "drawing", "wrap-up"})


class Answerer:
    """Answers questions from one retriever's index, under its profile; reads questions with
    `reader` (one is made for the index when not given) and scores sentences with `weights`."""

    def __init__(
        self, retriever: Retriever, reader: QuestionReader | None = None, weights: EvidenceWeights = EvidenceWeights()
    ) -> None:
        self.retriever = retriever
        self.index = retriever.index
        self.profile = retriever.profile
        self.reader = reader or QuestionReader(self.index, self.profile)
        self.weights = weights

    def plan(
        self, question: str, k: int = 5, mode: Mode = "hybrid", max_chars: int = 300, previous: Sequence[str] = ()
    ) -> QuestionPlan:
        """Read the question once: completed from `previous`, corrected, its shape and sides,
        its terms weighed by the index, its vector (unless mode is bm25). Bad arguments are
        refused before anything is encoded."""
        if not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars < MIN_ANSWER_CHARS:
            raise KbError(f"max_chars must be a whole number of at least {MIN_ANSWER_CHARS}, got {max_chars!r}")
        reading = self.reader.read(question, previous)
        text = reading.text
        sides, shape = shape_of(text, self.profile.contrast, reading.cross_language)
        if reading.focus and not sides:
            shape = dataclasses.replace(shape, focus=reading.focus)
        depth = max(k, CONTRAST_EVIDENCE) if sides else max(k, DEFINITION_REACH) if shape.subject else k
        check_query_args(depth, mode)
        retriever = self.retriever
        naming = self.profile.contrast.asking_words
        asked = asking_words_in(text, self.profile.contrast, sides)
        weigh = retriever.term_weights
        terms = QuestionTerms.of(text, self.profile.analyzer, naming, weigh, asked, retriever.word_weights)
        return QuestionPlan(
            reading,
            shape,
            terms,
            sides=(sides[0], sides[1]) if sides else None,
            coverage_weights={} if reading.cross_language else retriever.question_term_weights(without_pointing(text)),
            vector=self._vector(reading) if mode != "bm25" else None,
            mode=mode,
            shown=k,
            depth=depth,
            max_chars=max_chars,
        )

    def _vector(self, reading: Reading) -> np.ndarray:
        """The question's vector. For a question read into Chinese from English (「what does 回表
        mean in mysql」 → 「回表意味mysql什么」), the mean of the reading's and the question's as
        asked: the reading, put together word by word, finds what the documents say in their
        words; the English keeps what its word order meant, which the multilingual model reads.
        Measured on English questions, answers holding the gold: 18 → 19 of 26 over the
        marketing articles, 11 → 12 of 24 over Java and MySQL/Redis notes (the English alone:
        16 and 8)."""
        vector = self.retriever.query_vector(reading.text)
        if not reading.translated:
            return vector
        both = vector + self.retriever.query_vector(reading.asked)
        mean = (both / max(float(np.linalg.norm(both)), 1e-9)).astype(np.float32)
        mean.flags.writeable = False  # like every question vector: shared, never changed
        return mean

    def retrieve(self, plan: QuestionPlan) -> list[Hit]:
        """The plan's `depth` best passages, ranked by the plan's vector (the one sentence
        evidence uses too), those that hold something to quote first (_quotable_first); for a
        how-to question also the passages around the shown ones, ranked after them: a
        procedure's steps run on over several slides (series.py), and those passages are listed
        only if the answer cites them."""
        found = self.retriever.search(
            plan.text, k=min(plan.depth + QUOTABLE_SPARE, MAX_K), mode=plan.mode, vector=plan.vector
        )
        defines = defining_form(plan.shape.subject, slide_lines=True) if plan.shape.subject else None
        hits = self._quotable_first(found, plan.shown, defines)[: plan.depth]
        if plan.shape.subject:
            return with_definition(hits, plan.shown, plan.shape.subject)
        if plan.kind != "method":
            return hits
        return [*hits, *self._surrounding(hits, plan.shown)]

    def _quotable_first(self, hits: list[Hit], shown: int, defines: re.Pattern[str] | None = None) -> list[Hit]:
        """The hits re-ranked so that the `shown` ones each hold a sentence an answer may quote:
        a collection's README that lists its articles (「JWT 基础概念详解：讲解 JSON Web Token
        的组成结构…」), a caption over a figure, a list of questions ranks high on the question's
        words and leaves the answer nothing; it is listed after the shown hits, and the next
        one that says something takes its place. A passage a definition question's subject is
        defined in (`defines`: a slide's term over its definition's line, which ingest stores as
        no sentence, 「优先级反置(Priority Inversion)」 / 「高优先级进程长时间等待…的现象」) holds
        what the answer quotes (with_unquotable_definition)."""
        if not self.index.has_sentence_vectors:
            return hits
        kept: list[Hit] = []
        empty: list[Hit] = []
        for hit in hits:
            if len(kept) < shown and not _defined_in(hit.passage, defines) and not self._holds_a_quote(hit.passage):
                empty.append(hit)
            else:
                kept.append(hit)
        if not empty:
            return hits
        ranked = [*kept[:shown], *empty, *kept[shown:]]
        return [dataclasses.replace(hit, rank=rank) for rank, hit in enumerate(ranked, start=1)]

    def _holds_a_quote(self, passage: Passage) -> bool:
        """A stored (quotable) sentence of the passage that is not what says nothing wherever
        it stands (NOTHING_SAID). A sentence that cannot stand alone (a lead-in, a code line, a
        list item) is quoted with its list or lines: it counts."""
        offset = passage.start
        text = passage.text
        return any(
            junk_reason(text[s - offset : e - offset]) not in NOTHING_SAID for s, e in self.index.sentences_in(passage)
        )

    def _surrounding(self, hits: list[Hit], shown: int) -> list[Hit]:
        """The passages of the same documents next to the shown hits (ingest numbers a
        document's passages in text order), not among `hits`, ranked after them with score 0:
        found by where they are, not by the question."""
        around = [h.passage for h in hits if h.rank <= shown]
        held = {h.passage.id for h in hits}
        count = self.index.passage_count
        wanted = sorted(
            {
                i
                for p in around
                for i in range(p.id - SERIES_REACH[0], p.id + SERIES_REACH[1] + 1)
                if 0 <= i < count and i not in held
            }
        )
        if not wanted:
            return []
        documents = {p.doc_id for p in around}
        found = [p for p in self.index.passages(wanted) if p.doc_id in documents]
        return [Hit(len(hits) + n, 0.0, p) for n, p in enumerate(found, start=1)]

    def answerable(self, plan: QuestionPlan, hits: list[Hit]) -> bool:
        """Does the index hold an answer? Not when the question names something it never
        mentions (unknown_names) or asks about a term no passage says (_unsaid_term; both
        _never_mentioned) or compares with a side no retrieved passage mentions
        (mentions.unmentioned_side) or asks an amount of something no passage names
        (_unnamed_measure); so when it names a term only a few passages hold, a top hit among
        them (names.rare_held_name), or a top hit names both sides it compares
        (mentions.discussed_together); else as Retriever.answerable judges the hits. An amount
        asked of a noun no passage says, even shortened (_said_somewhere), is not answered."""
        if self._never_mentioned(plan, hits):
            return False
        tokenize = self.profile.analyzer.tokenize
        if plan.sides and unmentioned_side(plan.sides, hits, self.profile.contrast, tokenize) is not None:
            return False
        for before, after in amounts_asked(plan.text):
            named = _named_after(self.profile.analyzer.tokenizer.lcut(after))
            ends = _ENDS_ITS_CLAUSE.fullmatch(_IN_BRACKETS.sub("", after[len(named) :]))  # 「陪产假（也叫护理假）？」
            if len(named) >= 2 and ends and not self._said_somewhere(named):
                return False  # 「能休几天陪产假」 over laws that never name 陪产假
            if self._unnamed_measure(plan.text, _measured(before, after, tokenize)):
                return False
        if rare_held_name(plan.coverage_weights, hits[:3], self.index) or discussed_together(plan.sides, hits[:3]):
            return True
        # A reading put together from English words is searched with the English too (_vector):
        # its cosine, like a cross-language one, runs below what a question in the corpus's words reaches.
        english = plan.reading.cross_language or plan.reading.translated
        return self.retriever.answerable(hits, plan.coverage_weights, cross_language=english)

    def _said_somewhere(self, phrase: str, homophones: Callable[[], Homophones] | None = None) -> bool:
        """Whether a passage says the phrase, its characters in order with at most two others
        between each: a law's 「带薪年休假」 says the asker's 「带薪年假」, nothing says 「陪产假」;
        failing that, with `homophones` (the table, built on demand), any character may be one
        read alike (「生学硬炼」 says 「生学硬练」). Looked for among the passages BM25 ranks first
        for its terms."""
        ids, _ = self.index.bm25_ranking(dict.fromkeys(self.profile.analyzer.index_terms(phrase), 1.0), PHRASE_SEARCH)
        texts = [fold(p.text) for p in self.index.passages(ids.tolist())]
        if any(loosely(phrase).search(text) for text in texts):
            return True
        if homophones is None:
            return False
        table = homophones()  # ~0.4 s to build: only for a phrase not said as typed
        return any(loosely(phrase, table).search(text) for text in texts)

    def _unsaid_term(self, plan: QuestionPlan) -> str:
        """The term the question asks about — its meaning, its use, or how to do something with
        it (unsaid.asked_term) — when no passage says it, even loosely or typed with a homophone;
        else ""."""
        term = asked_term(plan, self.profile.analyzer.tokenizer.lcut, self.index.document_frequencies)
        if not term or self._said_somewhere(term, self.reader.homophones):
            return ""
        return term

    def _unnamed_measure(self, question: str, nouns: Sequence[str]) -> str | None:
        """A noun of an amount question that no passage holds: 「销售人员的平均工资是多少」 over
        articles that never say 工资 would be answered with whatever figure a passage holds
        (「可以雇用10个甚至20个销售代表」). Nouns only: a verb or phrase the question words
        otherwise than the index (「谁提出来的」) says nothing of what it holds; nor does a noun
        jieba cut across a word the index holds (「一共用了几个」: 共用, where the index says 一共).
        `nouns`: the question's nouns (_is_noun) an amount is asked of."""
        nouns = [t for t in nouns if len(t) >= 2]
        absent = [t for t, count in self.index.document_frequencies(nouns).items() if count == 0] if nouns else []
        text = fold(question)
        for noun in absent:
            at = text.find(noun)
            straddling = [text[at - 1 : at + 1], text[at + len(noun) - 1 : at + len(noun) + 1]] if at >= 0 else []
            held = self.index.document_frequencies([w for w in straddling if len(w) == 2])
            if not any(held.values()):
                return noun
        return None

    def unknown_names(self, plan: QuestionPlan, hits: Sequence[Hit]) -> tuple[str, ...]:
        """The names the question uses that neither the index nor `hits` holds (names.py); the
        English dictionary is read only when a Latin word is unknown to the index."""
        return unknown_names(
            plan.text,
            hits,
            self.index,
            self.profile.analyzer,
            lambda word: self.reader.english().is_word(word),
            # Read from English, its Latin words stand side by side where the English did not
            # put them (「字符串java char数组」): they name nothing together.
            english_question=plan.reading.cross_language or plan.reading.translated,
        )

    def evidence(self, plan: QuestionPlan, hits: Sequence[Hit]) -> list[Evidence]:
        """Every quotable sentence of the shown hits, scored as an answer of the plan's shape:
        what an answer quotes from (scripts/tune_answers.py tunes the weights on these scores).
        The dense signal needs the index's sentence vectors."""
        vector = plan.vector if self.index.has_sentence_vectors else None
        return score_sentences(
            plan.terms,
            [h for h in hits if h.rank <= plan.shown],
            plan.shape,
            self.profile.analyzer,
            weights=self.weights,
            question_vector=vector,
            stored_sentences=self.index.sentences_in,
        )

    def answer(
        self,
        question: str,
        k: int = 5,
        mode: Mode = "hybrid",
        max_chars: int = 300,
        previous: Sequence[str] = (),
        explain: bool = False,
    ) -> Answer:
        """The cited answer to a question (see KnowledgeBase.ask)."""
        plan = self.plan(question, k, mode, max_chars, previous)
        hits = self.retrieve(plan)
        plan = self.with_other_names(plan, hits)
        answer = self.compose(plan, hits, self.evidence(plan, hits), self.answerable(plan, hits))
        return dataclasses.replace(answer, explanations=self.explain(plan.text, answer.hits)) if explain else answer

    def with_other_names(self, plan: QuestionPlan, hits: list[Hit]) -> QuestionPlan:
        """A definition question's plan, its cue also taking the names the retrieved passages
        give its subject (side_names.term_names): where a text says 「SSO(Single Sign On)即单点
        登录」, 「SSO 是在多个应用系统中…」 answers 「单点登录是什么意思」."""
        subject = plan.shape.subject
        names = term_names(subject.rsplit("的", 1)[-1], [fold(h.passage.text) for h in hits]) if subject else ()
        if not names:
            return plan
        return dataclasses.replace(plan, shape=dataclasses.replace(plan.shape, cue=definition_cue(subject, names)))

    def compose(self, plan: QuestionPlan, hits: list[Hit], evidence: list[Evidence], answerable: bool) -> Answer:
        """The answer from the stages before (answer.compose_answer); one refused for a name (or
        a term asked to be defined) the index never mentions says so in its notes: the material
        does not cover it, not that kb failed to find it."""
        answer = compose_answer(
            plan, hits, evidence, answerable, self.profile, self.index.locate, self.subject_words, self.beside
        )
        if answer.found:
            return answer
        if names := self._never_mentioned(plan, hits):
            answer = dataclasses.replace(answer, notes=(*answer.notes, NEVER_MENTIONED + "、".join(names)))
        return answer

    def _never_mentioned(self, plan: QuestionPlan, hits: list[Hit]) -> tuple[str, ...]:
        """What the question names that the index never mentions: its unknown names, else the
        term it asks about that no passage says (_unsaid_term); none when it names nothing so."""
        return self.unknown_names(plan, hits) or tuple(filter(None, [self._unsaid_term(plan)]))

    def beside(self, passage: Passage, step: int) -> Passage | None:
        """The passage `step` places after (before, when negative) one in its document, if any:
        a document's passages are stored in order, under consecutive ids."""
        wanted = passage.id + step
        if not 0 <= wanted < self.index.passage_count:
            return None
        nearby = self.index.passages([wanted])
        return nearby[0] if nearby and nearby[0].doc_id == passage.doc_id else None

    def subject_words(self, words: Iterable[str]) -> set[str]:
        """Of `words`, those in so many of the index's passages that the index is about them
        (aspects.subject_words): they name no aspect of a contrast table."""
        return subject_words(self.index.document_frequencies(words), self.index.manifest.counts.passages)

    def explain(self, question: str, hits: Sequence[Hit]) -> list[Explanation]:
        """Why each hit ranked: the question's terms it holds and each ranker's score and rank."""
        analyzer = self.profile.analyzer
        return [
            Explanation(h.rank, tuple(matched_terms(question, h.passage, analyzer)), dict(h.signals), h.score)
            for h in hits
        ]


def _defined_in(passage: Passage, defines: re.Pattern[str] | None) -> bool:
    """The passage holds the subject's definition (`defines`: defining_form), if one is looked for."""
    return defines is not None and defines.search(fold(passage.text)) is not None


def _named_after(words: Sequence[str]) -> str:
    """The noun an amount is asked of, named right after it (`words`: jieba's words after the
    amount): 「多少天产假」 → 产假, 「几天陪产假（也叫护理假）」 → 陪产假 (jieba's 陪 / 产假: a character
    before a noun is part of it), 「多少比例付」 → 比例; nothing for 「提出来的」 or 「米合适」."""
    named = ""
    for i, word in enumerate(words):
        tag = dictionary_tag(word)
        before_a_noun = (
            len(word) == 1
            and not is_grammar(word)
            and i + 1 < len(words)
            and (dictionary_tag(words[i + 1]) or "")[:1] == "n"
        )
        # A word the dictionary lacks opens the name (「带薪」 of 「带薪年假」), ends none (「端口能用」).
        if not _HAN_WORD.fullmatch(word) or not (
            (tag is None and not named) or (tag or "").startswith("n") or before_a_noun
        ):
            break
        named += word
    return named


def _measured(before: str, after: str, tokenize: Callable[[str], Sequence[str]]) -> list[str]:
    """The noun an amount is asked of (amounts.amounts_asked): the one opening the words after
    it (「多少天产假」), else the one ending the words before it (「负载因子默认是多少」); none when
    neither is a noun (「工龄到十几年又是几天」: the days of what was asked before)."""
    before_words = list(tokenize(before))
    while before_words and before_words[-1] in BETWEEN_NOUN_AND_AMOUNT:
        before_words.pop()  # 「产能有多少」: 产能, not 产 of 「产能」 cut at 能
    following, preceding = tokenize(after)[:1], before_words[-1:]
    return [t for t in following if _is_noun(t)] or [t for t in preceding if _is_noun(t)]


_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
_IN_BRACKETS = re.compile(r"[（(][^（()）]*[）)]")
_ENDS_ITS_CLAUSE = re.compile(r"[^\u4e00-\u9fff]*[吗呢啊吧呀]?[^\u4e00-\u9fff]*")


def _is_noun(term: str) -> bool:
    """jieba's dictionary tags the term a noun (NOUN_TAGS)."""
    return (dictionary_tag(term) or "").startswith(NOUN_TAGS)
