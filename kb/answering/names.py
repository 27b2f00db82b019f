"""The names a question uses that the index never mentions: a question it cannot answer.

An index that never mentions MongoDB cannot say how it differs from a relational database,
however close its passages about relational databases come; one that never mentions `fopen`
cannot say how a file opened with it is closed. A name is a Latin-script word that is not a word
of English: products, standards, measures (InnoDB, Redis, LTV — a capital marks them, since
Chinese has none) and identifiers (fopen, typedef, rebase — the English dictionary knows no
form of them), and a term of several words the index holds only apart (「change buffer」 in notes
that say 「change」 and 「redo log buffer」). English words (sales, deadline, leads) are no names:
the multilingual model and the glossary read them in the index's Chinese. Read from the index's
own vocabulary, so it holds for any corpus. The other way round, a name only a few passages
hold, one of which is retrieved, says what the question is about (rare_held_name).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from kb.answering.english import FUNCTION_WORDS
from kb.language.text import Analyzer, fold
from kb.stores.base import IndexStore
from kb.types import Hit

# A run of Latin letters and digits: a name's candidate (its version number stripped after).
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*")
# A lower-case word this short (ok, pc, vs) is too often an abbreviation the dictionary lacks.
MIN_LOWER_CASE_NAME = 3
# Words in a row that name one thing (「change buffer」, 「redo log」, 「Redis Stream」).
_PHRASE = re.compile(r"[a-z][a-z0-9]*(?:[ _-][a-z][a-z0-9]*)+", re.IGNORECASE)
_HYPHENATED = re.compile(r"[a-z]+(?:-[a-z]+){2,}", re.IGNORECASE)  # three words or more, one name
# 「heredoc（就是 << EOF ... EOF 那种写法）」: the asker says in brackets what the name means.
_GLOSSED_BY_THE_ASKER = re.compile(r"[0-9]*\s*[（(]\s*(?:就是|也就是|即|指的是|指|说的是|意思是)")
# After a name, words that make it a person or a department acting in the asker's story (「HR让我…」,
# 「PM说：…」, 「HR这边…」), not a thing the documents must name (「Redis说明文档」 names one).
_A_PARTY = re.compile(r"\s*(?:这边|那边|那里|部门|让我|叫我|要求我|(?:跟|和|对)我说|说[：:，,我])")
FILLER_LETTERS = 2  # a lower-case run of this few different letters (emm, hhh) sounds, it names nothing
RARE_NAME_SHARE = 0.01  # a name in at most this share of the passages names one thing they speak of
PHRASE_SEARCH = 20  # passages searched for a term of several words that no retrieved passage holds


def _candidate(name: str, english_question: bool, is_word: Callable[[str], bool]) -> bool:
    """Is this Latin word a name, by its form alone? With a capital: yes, unless the question is
    in English, where sentences and common words start with one (What, Marketing); in lower case:
    when it is long enough and no English word (never in an English question: its typos are
    words misspelt, not names). The dictionary is asked last, and only for words the index lacks."""
    if any(c.isupper() for c in name):
        return not english_question or not is_word(name)
    if english_question or len(name) < MIN_LOWER_CASE_NAME or len(set(name)) <= FILLER_LETTERS:
        return False  # 「emm」, 「hhh」, 「hmm」: a chat's filler, no name
    return not is_word(name)


def unknown_names(
    question: str,
    hits: Sequence[Hit],
    index: IndexStore,
    analyzer: Analyzer,
    is_word: Callable[[str], bool],
    english_question: bool = False,
) -> tuple[str, ...]:
    """The names in `question` that neither the index's terms nor a retrieved passage (`hits`)
    holds. A version number is not part of the name (MySQL8 is MySQL, and 「MySQL8.0」 in a
    passage mentions MySQL); single letters (E-R, B+树) are no names; `is_word(word)`: an
    English word (kb/answering/english.py)."""
    names = [] if english_question else _unheld_phrases(question, hits, index)
    for match in _LATIN.finditer(question):
        name = match.group(0).rstrip("0123456789")
        if sum(c.isalpha() for c in name) < 2:
            continue
        terms = [t for t in analyzer.tokenize(name) if len(t) >= 2]
        if not terms or any(index.document_frequencies(terms).values()):
            continue
        # A whole word of the passage: 「MySQL」 is in 「MySQL8.0」, 「RS」 (of RS256) is not in 「RSA」.
        alone = re.compile(rf"(?<![a-z]){re.escape(fold(name))}(?![a-z])")
        if any(alone.search(fold(h.passage.headed_text)) for h in hits):
            continue
        if _explained_in_its_terms(question, match.end(), index):
            continue  # 「heredoc（就是 << EOF … 那种写法）」: the index may call what is meant otherwise
        if _A_PARTY.match(question, match.end()):
            continue  # 「HR让我在交接表上签字」, 「HR这边要办哪些手续」: who acts in the asker's story
        if _candidate(name, english_question, is_word):
            names.append(match.group(0))
    return tuple(dict.fromkeys(names))


def _explained_in_its_terms(question: str, at: int, index: IndexStore) -> bool:
    """The name at `at` is followed by the asker's explanation in brackets (「（就是 << EOF … 那种
    写法）」) that writes it in a Latin term the index holds (eof): the index names it otherwise.
    An explanation in words alone (「Redis（就是那个缓存数据库）」) says nothing of what the index holds."""
    gloss = _GLOSSED_BY_THE_ASKER.match(question, at)
    if gloss is None:
        return False
    closing = re.search(r"[)）]", question[gloss.end() :])
    words = [fold(w) for w in _LATIN.findall(question[gloss.end() : gloss.end() + (closing.start() if closing else 0)])]
    return bool(words) and any(index.document_frequencies(words).values())


def _unheld_phrases(question: str, hits: Sequence[Hit], index: IndexStore) -> list[str]:
    """Terms of several Latin words, each of which the index holds, that no retrieved passage
    holds together: 「InnoDB 的 change buffer 是干嘛用的」 over notes that say 「change」 and
    「buffer」 (「redo log buffer」) but never 「change buffer」."""
    texts = [_spaced(h.passage.headed_text) for h in hits]
    found = []
    for match in _PHRASE.finditer(question):
        named = re.split(r"[ _-]+", match.group(0))
        # English around a name is no part of it: 「HashMap can」 names HashMap.
        while named and fold(named[-1]) in FUNCTION_WORDS:
            named.pop()
        while named and fold(named[0]) in FUNCTION_WORDS:
            named.pop(0)
        phrase = _spaced(" ".join(named))
        words = phrase.split()
        if len(words) < 2 or any(len(word) < MIN_LOWER_CASE_NAME for word in words):
            continue
        if any(phrase in text for text in texts):
            continue
        # 「try-with-resources」: words joined by hyphens name one thing, whatever the index holds of them.
        joined = _HYPHENATED.fullmatch(match.group(0)) is not None
        if (joined or all(index.document_frequencies(words).values())) and not _held_elsewhere(phrase, index):
            found.append(match.group(0) if joined else " ".join(named))
    return found


def _held_elsewhere(phrase: str, index: IndexStore) -> bool:
    """Does a passage that was not retrieved hold the phrase? Looked for among the passages
    that BM25 ranks first for its words: a passage that says 「Spring Kafka」 once, in a section
    the question's other words did not reach, still mentions it, and the answer must not say
    the index never does."""
    ids, _ = index.bm25_ranking(dict.fromkeys(phrase.split(), 1.0), PHRASE_SEARCH)
    return any(phrase in _spaced(p.headed_text) for p in index.passages(ids.tolist()))


def _spaced(text: str) -> str:
    """Folded, its words apart by one space however they were joined (「ROW_NUMBER」, 「row-number」
    and 「row number」 alike), so a question's term and a passage's are compared the same way."""
    return " ".join(fold(text).replace("_", " ").replace("-", " ").split())


def rare_held_name(terms: Iterable[str], hits: Sequence[Hit], index: IndexStore) -> str | None:
    """A term of the question (`terms`, folded) in Latin letters that at most RARE_NAME_SHARE
    of the index's passages hold, and one of `hits` does: the question is about what that
    passage speaks of, however many words pad it (「开会时领导提到POA，这是什么意思」 shares
    only POA with the articles, and its other words outweigh it)."""
    names = [t for t in terms if len(t) >= 2 and t.isascii() and t.isalnum() and not t.isdigit()]
    if not names:
        return None
    rare = max(1.0, RARE_NAME_SHARE * index.passage_count)
    held = [t for t, df in index.document_frequencies(names).items() if 0 < df <= rare]
    texts = [fold(h.passage.headed_text) for h in hits]
    return next((t for t in held if any(t in text for text in texts)), None)
