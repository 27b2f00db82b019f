"""Sentence-level evidence: how well each sentence of the retrieved passages answers.

Retrieval finds the right passage for 95–99 % of questions; the answer is only as good as the
sentence quoted from it. Each quotable sentence gets named signals, each measured on its own
(README, "Answers"):

- `dense`: cosine of the question's vector (already computed for retrieval) and the sentence's
  own vector (stored at ingest), minus the best such cosine among the candidates;
- `lexical`: the share of the question's information (IDF-weighted jieba terms) the sentence holds;
- `bigrams`: the same over character pairs, which survive segmentation differences;
- `distinctive`: words and pairs weighted again by how few candidate sentences hold them;
- `beyond_topic`: the share of what the question asks beyond the article's topic (its title
  and heading) that the sentence holds;
- `aligned`: how much of the question's wording the sentence repeats verbatim, in order;
- `brevity`: shorter sentences, which hold fewer question words by chance;
- `passage`, `first_passage`: the fused retrieval score of the passage the sentence comes
  from, and whether that passage ranked first;
- `cue`: the sentence has the form the question asks for (a definition, a cause, a number …);
- `substance`: the sentence says more than the question's own words;
- `against`: the sentence has the wrong form for the question (a shared trait for a contrast,
  a belief restated for a yes/no question or a request for advice);
- `asked_here`: the passage asks the question itself right before the sentence (「如何让不同的
  部门目标一致？从大的方面来说，是看公司的使命…」): the share of the question's wording that
  question repeats, when most of it;
- `context`: for yes/no and advice, how much of the question the sentence before it holds (the
  answer to 「…是不是一回事」 follows 「许多人认为…是一回事」).

They are summed with `EvidenceWeights`, set by measurement with scripts/tune_answers.py.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np

from kb.answering.question import ASKING_PHRASES, AnswerShape
from kb.answering.subject_lines import subject_line_text
from kb.ingest.chunk import quotable_sentences
from kb.language.text import Analyzer, char_bigrams, fold
from kb.types import Hit, KnownSentence, Passage

# The stored sentences inside a passage, by (start, end) in the cleaned document.
StoredSentences = Callable[[Passage], Mapping[tuple[int, int], KnownSentence]]
TermWeights = Callable[[Sequence[str]], Mapping[str, float]]
SUBSTANCE_TOKENS = 8  # tokens beyond the question's own for a sentence to count as saying something
BREVITY_CHARS = 200  # a sentence this long gets no credit for brevity
# Of a question's wording, what `aligned` compares (its cost grows with the product of the two
# lengths, and a sentence cannot repeat more of a question than its own length).
ALIGNED_WORDING_CHARS = 200
# A question the text asks just before a sentence: its last clause, up to its question mark.
_ASKED_BEFORE = re.compile(r"([^。！？!?；;\n]{2,80}[？?])[”’」』）)\s]*$")
ASKED_HERE_CHARS = 100
ASKED_HERE_SHARE = 0.6
_LATIN_WORD = re.compile(r"[a-z][a-z0-9_]*")
# A term the question glosses in Latin letters (folded: 「虚拟专用网（vpn）」, 「自治系统as」).
_GLOSSED_TERM = re.compile(r"([\u4e00-\u9fff]{2,})\s*[（(]?\s*([a-z][a-z0-9 \-]*[a-z0-9])")
# The copula after a question word (「什么是两段锁协议」) forms no pair the answer repeats (it
# reads 「两段锁协议是…」), and 「但是两段…」 would hold 是两 by chance. Before one (「母公司是什么」)
# it stays: the answer repeats 「母公司是…」.
_ASKING_COPULA = re.compile(r"(?<=\s)是")
# A demonstrative points at what the question names (「按钮点击这种事件处理」, 「synchronized这玩意儿」,
# 「HashMap和HashTable这两个类」): it names nothing an answering sentence holds.
_DEMONSTRATIVE = re.compile(r"[这那](?:[两俩几][个种类位]?)?(?:种|个|些|类|样)的?|[这那]个?(?:玩意儿?|东西)")


def without_pointing(question: str) -> str:
    """The question without the words that point at what it names (_DEMONSTRATIVE): 「玩意儿」,
    a word no index holds, is no information an answer must cover."""
    return _DEMONSTRATIVE.sub(" ", question)


@dataclass(frozen=True)
class EvidenceWeights:
    """Weight of each signal in a sentence's score (see the module docstring)."""

    dense: float = 30.0
    lexical: float = 0.5
    bigrams: float = 0.5
    distinctive: float = 1.0
    beyond_topic: float = 3.0
    aligned: float = 1.5
    brevity: float = 0.4
    passage: float = 2.0
    first_passage: float = 0.1
    cue: float = 0.5
    substance: float = 0.5
    against: float = -4.0
    context: float = 1.5
    asked_here: float = 4.0

    def score(self, features: Mapping[str, float]) -> float:
        return sum(getattr(self, name) * value for name, value in features.items())


@dataclass(frozen=True)
class Evidence:
    """A quotable span of a retrieved passage and how well it answers the question."""

    text: str
    passage: Passage
    rank: int  # rank of the passage it comes from
    start: int  # offsets in the cleaned document
    end: int
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    citations: tuple[int, ...] = ()
    cosine: float | None = None  # with the question, when the sentence has a stored vector

    @property
    def doc_id(self) -> str:
        return self.passage.doc_id


@dataclass(frozen=True)
class QuestionTerms:
    """The parts of a question that an answering sentence is expected to contain."""

    words: dict[str, float]  # jieba terms → IDF
    bigrams: dict[str, float]  # character pairs → IDF
    wording: str  # folded question without asking words or punctuation, for `aligned`
    alternatives: dict[str, frozenset[str]]  # a word → its synonyms in the profile
    ignore: frozenset[str] = frozenset()  # words that can ask rather than describe (区别, 不同 …)
    asked: frozenset[str] = frozenset()  # those this question asks with, not searched for

    @classmethod
    def of(
        cls,
        question: str,
        analyzer: Analyzer,
        ignore: frozenset[str],
        weights: TermWeights | None = None,
        asked: frozenset[str] | None = None,
        word_weights: TermWeights | None = None,
    ) -> QuestionTerms:
        """The question's terms without its asking phrases and `asked` words (all of `ignore`
        unless given: see plan.asking_words_in); `word_weights` weighs its words (`weights`
        unless given: Retriever.word_weights also splits jieba's guessed words)."""
        asked = ignore if asked is None else asked
        folded = without_pointing(ASKING_PHRASES.sub(" ", fold(question)))
        for word in sorted(asked, key=len, reverse=True):
            folded = folded.replace(word, " ")
        words = list(dict.fromkeys(analyzer.tokenize(folded)))
        bigrams = list(dict.fromkeys(char_bigrams(_ASKING_COPULA.sub(" ", folded))))
        weigh = weights or (lambda terms: dict.fromkeys(terms, 1.0))
        wording = "".join(ch for ch in folded if ch.isalnum())[:ALIGNED_WORDING_CHARS]
        table = analyzer.synonyms
        alternatives = {w: table[w] for w in words if w in table}
        for term, gloss in _GLOSSED_TERM.findall(folded):
            # 「虚拟专用网（VPN）」: a sentence naming the term names what its gloss abbreviates.
            for word in analyzer.tokenize(gloss):
                alternatives[word] = alternatives.get(word, frozenset()) | {term.rsplit("的", 1)[-1]}
        return cls(dict((word_weights or weigh)(words)), dict(weigh(bigrams)), wording, alternatives, ignore, asked)

    def matched_words(self, tokens: frozenset[str], folded: str) -> set[str]:
        """The question's words a sentence holds, itself or as a domain synonym: 「顾客」 is
        matched by a sentence about 「用户」."""
        return {w for w in self.words if w in tokens or any(a in folded for a in self.alternatives.get(w, ()))}


def coverage(weights: Mapping[str, float], present: set[str]) -> float:
    """The IDF-weighted share of `weights`' terms that are `present`."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total else 0.0


def _aligned(wording: str, sentence: str) -> float:
    """The share of the question's wording the sentence repeats verbatim, in runs of 2+
    characters in question order: a question is often its answer sentence with the answer
    swapped for 「什么」."""
    if len(wording) < 2:
        return 0.0
    matcher = SequenceMatcher(None, wording, sentence, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks() if block.size >= 2) / len(wording)


def candidate_spans(passage: Passage, stored: Mapping[tuple[int, int], KnownSentence]) -> list[tuple[int, int]]:
    """Quotable sentences of a passage as (start, end) in the passage text: the ones ingest
    stored (split on the whole document), else the passage's own sentences."""
    if stored:
        return sorted((s - passage.start, e - passage.start) for s, e in stored)
    return quotable_sentences(passage.text)


@dataclass
class _Sentence:
    hit: Hit
    start: int  # in the passage text
    end: int
    folded: str
    tokens: frozenset[str]
    words: set[str]  # the question's words it holds (synonyms included)
    bigrams: set[str]
    vector: np.ndarray | None


def _cosines(question_vector: np.ndarray | None, sentences: Sequence[_Sentence]) -> list[float | None]:
    """Cosine of the question and each sentence with a stored vector (one matrix product)."""
    cosines: list[float | None] = [None] * len(sentences)
    held = [(i, vector) for i, s in enumerate(sentences) if (vector := s.vector) is not None]
    if question_vector is None or not held:
        return cosines
    products = np.stack([vector for _, vector in held]) @ question_vector
    for (i, _), product in zip(held, products.tolist()):
        cosines[i] = product
    return cosines


def _distinctive(terms: QuestionTerms, sentences: Sequence[_Sentence]) -> list[float]:
    """IDF-weighted coverage of the question's words and character pairs, each weighted again
    by how few candidate sentences hold it: the topic every sentence of the article shares
    (「海宁西站」) tells sentences apart less than the word only the answer repeats (「启用」)."""
    n = len(sentences)
    weights: dict[str, float] = {}
    for table, attribute in ((terms.words, "words"), (terms.bigrams, "bigrams")):
        for term, idf in table.items():
            holding = sum(term in getattr(s, attribute) for s in sentences)
            if holding:
                weights[term] = idf * float(np.log(1 + n / holding))
    total = sum(weights.values())
    if not total:
        return [0.0] * n
    return [sum(w for t, w in weights.items() if t in s.words or t in s.bigrams) / total for s in sentences]


def _asked_here(terms: QuestionTerms, text: str, start: int) -> float:
    """How much of the question's wording a question the passage asks right before `start`
    repeats (SequenceMatcher runs, as `aligned`), when the two ask the same: each repeats at
    least ASKED_HERE_SHARE of the other's wording, asking words aside. A text that asks a
    trainee's question answers it next; 「营销和销售有什么区别？」 is not 「什么是营销」, though it
    holds all of its words. 0 when nothing is asked there."""
    asked = _ASKED_BEFORE.search(text[max(0, start - ASKED_HERE_CHARS) : start])
    if asked is None:
        return 0.0
    # A name in Latin letters counts as one word (as much as two Chinese characters), not as
    # its letters: 「CopyOnWriteArrayList 有什么厉害之处？」 does not ask 「…有什么缺点」.
    marks: dict[str, str] = {}
    folded = fold(asked.group(1))
    wording = "".join(ch for ch in ASKING_PHRASES.sub(" ", folded) if ch.isalnum())
    folded, wording, question = (
        _LATIN_WORD.sub(lambda m: _mark(marks, m.group()), t) for t in (folded, wording, terms.wording)
    )
    share = _aligned(question, folded)
    both = share >= ASKED_HERE_SHARE and _aligned(wording, question) >= ASKED_HERE_SHARE
    return share if both else 0.0


def _mark(marks: dict[str, str], word: str) -> str:
    """Two letters standing for `word` (private-use ones, the same for the same word): a word
    of two Chinese characters, for what `_aligned` counts."""
    return marks.setdefault(word, chr(0xE000 + len(marks)) * 2)


def _beyond_topic(terms: QuestionTerms, passage: Passage, analyzer: Analyzer) -> dict[str, float]:
    """The question's words and pairs that the passage's title and heading do not already
    hold: 「溪银汉鱼的体长是多少」 in an article titled 溪银汉鱼 is answered by the sentence
    about 体长, which need not repeat the fish's name."""
    topic = fold(passage.title + "\n" + passage.heading)
    held = set(analyzer.tokenize(topic)) | set(char_bigrams(topic))
    return {t: w for table in (terms.words, terms.bigrams) for t, w in table.items() if t not in held}


def score_sentences(
    terms: QuestionTerms,
    hits: Sequence[Hit],
    shape: AnswerShape,
    analyzer: Analyzer,
    weights: EvidenceWeights = EvidenceWeights(),
    question_vector: np.ndarray | None = None,
    stored_sentences: StoredSentences | None = None,
) -> list[Evidence]:
    """Every quotable sentence of the hits, scored, best first.

    `terms` are the question's (QuestionTerms.of: its words, weighed, without the words that
    ask); `analyzer` is the index's (its vocabulary and synonyms). `stored_sentences` gives
    what ingest stored (the sentences, their tokens and vectors); without it the passages are
    split and segmented here. Without a question vector (bm25 mode) or stored vectors (an
    index from an older kb, a bare list of hits) the dense signal is left out.
    """
    sentences = _sentences(terms, hits, analyzer, question_vector, stored_sentences)
    cosines = _cosines(question_vector, sentences)
    measured = [c for c in cosines if c is not None]
    best = max(measured, default=0.0)
    # A sentence without a vector (an index from an older kb) counts as the least similar one.
    floor = min(measured, default=best)
    top_score = max((h.score for h in hits), default=0.0)
    found = []
    topics: dict[int, dict[str, float]] = {}
    judged = [_with_its_subject(terms, shape, sentence, analyzer) for sentence in sentences]
    for i, (sentence, cosine, distinctive) in enumerate(zip(judged, cosines, _distinctive(terms, judged))):
        before = sentences[i - 1] if i and sentences[i - 1].hit is sentence.hit else None
        hit, p = sentence.hit, sentence.hit.passage
        if p.id not in topics:
            topics[p.id] = _beyond_topic(terms, p, analyzer)
        dense = (floor if cosine is None else cosine) - best
        features = _features(terms, shape, sentence, before, topics[p.id], (dense, distinctive, hit.score - top_score))
        features["asked_here"] = _asked_here(terms, p.text, sentences[i].start)
        if features["asked_here"]:
            # The text asks the question itself right before: that vouches for the sentence
            # after it, whose own words need not resemble the question (「应包括：」).
            features["dense"] = max(features["dense"], 0.0)
        start, end = p.start + sentence.start, p.start + sentence.end
        text = p.text[sentence.start : sentence.end]
        found.append(
            Evidence(text, p, hit.rank, start, end, features, weights.score(features), (hit.rank,), cosine=cosine)
        )
    return sorted(found, key=lambda ev: (-ev.score, ev.rank, ev.start))


def _sentences(
    terms: QuestionTerms,
    hits: Sequence[Hit],
    analyzer: Analyzer,
    question_vector: np.ndarray | None,
    stored_sentences: StoredSentences | None,
) -> list[_Sentence]:
    """The quotable sentences of the hits with their tokens (stored, else segmented here), the
    question's words and pairs they hold, and their stored vector when the question has one."""
    sentences: list[_Sentence] = []
    for hit in hits:
        p = hit.passage
        stored = stored_sentences(p) if stored_sentences is not None else {}
        for s, e in candidate_spans(p, stored):
            folded = fold(p.text[s:e])
            known = stored.get((p.start + s, p.start + e))
            tokens = known.tokens if known else frozenset(analyzer.tokenize(folded))
            vector = known.vector if known and question_vector is not None else None
            sentences.append(
                _Sentence(
                    hit, s, e, folded, tokens, terms.matched_words(tokens, folded), set(char_bigrams(folded)), vector
                )
            )
    return sentences


def _features(
    terms: QuestionTerms,
    shape: AnswerShape,
    sentence: _Sentence,
    before: _Sentence | None,
    topic: dict[str, float],
    among_candidates: tuple[float, float, float],
) -> dict[str, float]:
    """The signals of a sentence (see the module docstring), in the order they are summed;
    `before` is the sentence before it in its passage, `topic` what the question asks beyond
    the passage's title, `among_candidates` its dense, distinctive and passage signals, which
    are measured against the other candidates."""
    dense, distinctive, passage = among_candidates
    cue = shape.has_cue(sentence.folded)  # with its subject: _with_its_subject
    return {
        "dense": dense,
        "lexical": coverage(terms.words, sentence.words),
        "bigrams": coverage(terms.bigrams, sentence.bigrams),
        "distinctive": distinctive,
        "beyond_topic": coverage(topic, sentence.words | sentence.bigrams) if topic else 1.0,
        "aligned": _aligned(terms.wording, sentence.folded),
        "brevity": 1.0 - min(1.0, len(sentence.folded) / BREVITY_CHARS),
        "passage": passage,
        "first_passage": 1.0 if sentence.hit.rank == 1 else 0.0,
        "cue": shape.cue_strength if cue else 0.0,
        "against": 1.0 if not cue and shape.against is not None and shape.against.search(sentence.folded) else 0.0,
        "context": coverage(terms.words, before.words) if shape.follows_context and before else 0.0,
        "substance": min(1.0, len(sentence.tokens - terms.words.keys() - terms.ignore) / SUBSTANCE_TOKENS),
    }


def _with_its_subject(terms: QuestionTerms, shape: AnswerShape, sentence: _Sentence, analyzer: Analyzer) -> _Sentence:
    """A definition that opens its line with the verb (「指所有事务必须分两个阶段…」 under
    「两段锁协议」) holds the question's words in the line above, which it defines: its words
    and pairs are read with that line (subject_line_text), and when together they define the
    subject it is quoted from that line on (「两段锁协议\n指所有事务…」, verbatim). A slide's
    first item under its label is read and quoted with the label, whatever is asked."""
    text, start, labelled = subject_line_text(shape.kind, sentence.hit.passage, sentence.start, sentence.folded)
    if text == sentence.folded:
        return sentence
    words = terms.matched_words(frozenset(analyzer.tokenize(text)), text)
    if not labelled and not shape.has_cue(text):
        start = sentence.start  # 「指针变量…」 under it defines nothing: quoted alone
    return dataclasses.replace(sentence, start=start, folded=text, words=words, bigrams=set(char_bigrams(text)))
