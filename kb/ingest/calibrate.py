"""How close a question's best passage must be for the vectors alone to say the index answers it.

A cosine means different things on different corpora: over five marketing articles an
answerable question's best passage scores 0.87–0.95 with e5-small, over a database course or
Java notes 0.89–0.95, while questions about cooking or the weather reach 0.86–0.87 on either.
A threshold tuned on one corpus answers unrelated questions on another. So ingest measures it
on the corpus itself: a sample of its own sentences, each asked as a question, scored against
the passages that do not hold it. A sentence of the corpus is about what the corpus is about,
and the passages around it are as close as an answerable question's are; most score high, and
a question whose best passage scores below nearly all of them (REFERENCE_PERCENTILE) is about
something else. On six corpora (marketing articles, a database course, Java, MySQL/Redis, OS
and database notes) it came out 0.870–0.885, above the best cosine of every one of 20
everyday questions on each, and below that of nearly every answerable one (of those that
share too few words to be answered by coverage, one seed paraphrase falls under it);
scripts/calibrate_answerable.py prints both sides. On eleven corpora (those, Java slides,
JVM, security, protocols, message queues, networks, Redis, MySQL notes) 256 probes give
0.867–0.886.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

# Sentences asked as questions: with 64 the 10th percentile moved by 0.02 when a few sentences
# of a corpus came or went (its evenly spread sample changed); 256 short ones encode in seconds.
PROBES = 256
MIN_PROBES = 16  # fewer usable sentences measure nothing: the profile's threshold then holds
PROBE_CHARS = (10, 60)  # a question's length: headings and long sentences are no questions
REFERENCE_PERCENTILE = 10.0
# A probe must say something in words: at least four Chinese characters, or three Latin words.
_WORDED = re.compile(r"[\u4e00-\u9fff]{4}|(?:[A-Za-z]{2,}\W+){2}[A-Za-z]{2,}")


def probe_sentences(sentences: Sequence[tuple[str, str, int, int]]) -> list[int]:
    """Which of the (text, doc_id, start, end) sentences are asked: those of a question's
    length that say something in words, PROBES of them spread evenly over the corpus, so
    every part of it is heard and the same corpus always gives the same sample."""
    usable = [i for i, (text, *_) in enumerate(sentences) if _is_probe(text)]
    if len(usable) <= PROBES:
        return usable
    step = len(usable) / PROBES
    return [usable[int(n * step)] for n in range(PROBES)]


def _is_probe(text: str) -> bool:
    stripped = text.strip()
    return PROBE_CHARS[0] <= len(stripped) <= PROBE_CHARS[1] and _WORDED.search(stripped) is not None


def answerable_cosine(
    sentences: Sequence[tuple[str, str, int, int]],
    passages: Sequence[tuple[str, int, int]],
    vectors: np.ndarray,
    encode_questions: Callable[[list[str]], np.ndarray],
) -> float | None:
    """The cosine at which a question's best passage (`vectors`: one per passage, whose
    (doc_id, start, end) are `passages`) means the index answers it: the REFERENCE_PERCENTILE
    of the best cosines the corpus's own `sentences` (text, doc_id, start, end) reach, asked
    as questions (`encode_questions`: a row per text, as `kb ask` encodes a question), against
    the passages that do not hold them. None when the corpus has fewer than MIN_PROBES such
    sentences."""
    chosen = probe_sentences(sentences)
    if len(chosen) < MIN_PROBES or len(passages) < 2:
        return None
    matrix = np.asarray(vectors, dtype=np.float32)
    documents = np.asarray([doc_id for doc_id, _, _ in passages], dtype=object)
    starts = np.asarray([start for _, start, _ in passages])
    ends = np.asarray([end for _, _, end in passages])
    asked = np.asarray(encode_questions([sentences[i][0] for i in chosen]), dtype=np.float32)
    best: list[float] = []
    for i, question in zip(chosen, asked):
        _, doc_id, start, end = sentences[i]
        cosines = matrix @ question
        cosines[(documents == doc_id) & (starts <= start) & (end <= ends)] = -np.inf
        best.append(float(cosines.max()))
    return round(float(np.percentile(best, REFERENCE_PERCENTILE)), 4)
