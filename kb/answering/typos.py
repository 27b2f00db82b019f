"""Typo correction: a question word the index has never seen, one character from a word it has.

Trainees type with a pinyin input method, so their typos are mostly the right sound and the
wrong character: 「营消」 for 营销, 「漏豆」 for 漏斗. A pair of adjacent Han characters that is
neither in the index nor a word of the general dictionary is corrected when swapping one of its
characters for a homophone (same pinyin, tones ignored; pypinyin) gives a word of the general
dictionary that the index holds in at least MIN_PASSAGES passages. Pairs the dictionary knows
(「老师」, 「刚才」) are never touched, so padding around a question is left as typed, and
neither is a character that pairs with its other neighbour as the index's words do (锁 of
「共享锁有什么」 is not a typo for 所: 享锁 is in the index, 享所 is not). The
corrected question is what is answered, and the answer says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from kb.answering.question import ASKING_PHRASES
from kb.language.dictionary import is_grammar

MIN_PASSAGES = 2  # a correction must be a word the index holds at least this often
# A typed character pairs with its neighbour in the index's text (「销售不是」 holds 售不), but the
# correction pairs with it this many times as often (售部 of 销售部): 「销售不门」 is still a typo.
OUTNUMBERED = 4
# A word the general dictionary counted this often is meant as typed (「在乎」 302, 「上推」 68).
COMMON_WORD_FREQUENCY = 200
_HAN = re.compile(r"[\u4e00-\u9fff]")
DocumentFrequencies = Callable[[Iterable[str]], Mapping[str, int]]


def _toneless(reading: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))


class Homophones:
    """Characters that share a toneless pinyin reading, built once from pypinyin's table (only
    when a question holds a pair nothing knows: ordinary questions never load it)."""

    def __init__(self) -> None:
        from pypinyin.pinyin_dict import pinyin_dict

        self._readings: dict[str, str] = {}
        self._by_reading: dict[str, list[str]] = {}
        for code, readings in pinyin_dict.items():
            if 0x4E00 <= code <= 0x9FFF:
                char = chr(code)
                # The usual reading only: pypinyin also lists rare ones (月 "ru", 跑 "bo"), and an
                # input-method typo is the usual reading of the intended character.
                reading = _toneless(readings.split(",")[0])
                self._readings[char] = reading
                self._by_reading.setdefault(reading, []).append(char)

    def of(self, char: str) -> list[str]:
        """Every other character whose usual reading is that of `char`."""
        reading = self._readings.get(char)
        return [h for h in self._by_reading.get(reading, []) if h != char] if reading else []


def _loose_characters(words: Sequence[str], known: Mapping[str, int], dictionary: Mapping[str, int]) -> list[bool]:
    """Per character: not part of a word that the index holds (`known`: passage counts; at least
    MIN_PASSAGES, as a correction must be) or that is common in general Chinese. A typo breaks a
    word into such characters (「营消」 → 营 / 消, 「推光」 → 上推 / 光, where 上推 is rare and the
    index holds it once at most: 「线上推广」 segmented so); characters of words the index holds
    (「应」 of 「时应该」) or of common words (「在乎」) are never corrected."""
    loose: list[bool] = []
    for word in words:
        common = len(word) > 1 and (
            known.get(word, 0) >= MIN_PASSAGES or dictionary_count(dictionary, word) >= COMMON_WORD_FREQUENCY
        )
        loose.extend([not common] * len(word))
    return loose


def correct(
    text: str,
    frequencies: DocumentFrequencies,
    dictionary: Mapping[str, int],
    homophones: Callable[[], Homophones],
    segment: Callable[[str], list[str]],
    stopwords: Collection[str] = (),
    in_context: Callable[[str], bool] | None = None,
    likelihood: Callable[[str], float] | None = None,
) -> str | None:
    """`text` (script-folded) with its typos corrected, or None when nothing needed correcting.

    `frequencies` gives the index's passage count per term, `dictionary` the general words,
    `homophones` the (lazily built) homophone table, `segment` the jieba segmentation of a text
    (every character kept), `stopwords` the function words never taken for typos. Nor are
    the question's asking words (「第几大」 is not 「第极大」, 「谁的」 not 「水的」), and no
    correction makes a function word (「伪政权」 is not 「为政权」). With `likelihood` (of a text in
    general Chinese: route_likelihood), a correction must make the question likelier than typed:
    「营消和销受」 reads far better as 「营销和销售」, while 「腌肉时生抽」 reads better than 「腌肉食生抽」."""
    asking = {i for match in ASKING_PHRASES.finditer(text) for i in range(match.start(), match.end())}
    unknown = _unknown_pairs(text, frequencies, dictionary, segment, stopwords)
    if not unknown:
        return None
    # A character the index holds as a word of its own (蒸, 煮 in cooking notes) is meant as typed:
    # 「想蒸个馒头」 is no typo of 「想整个馒头」; one of grammar may be (「销售不门」 for 部门).
    words_alone = frequencies({c for pair in unknown for c in pair if not is_grammar(c)})
    table = homophones()
    corrected = text
    for pair in unknown:
        if pair not in corrected:
            continue  # an earlier correction already changed it
        at = corrected.find(pair)
        candidates = [
            pair[:k] + h + pair[k + 1 :]
            for k in (0, 1)
            if at + k not in asking and words_alone.get(pair[k], 0) < MIN_PASSAGES
            for h in table.of(pair[k])
            if h not in stopwords
        ]
        # A word of the dictionary, or of the index's own (「死锁」, which the general dictionary
        # lacks, for 「死琐」; not a pair with a character of grammar, 「锁的」); a function word
        # (「不仅」, 「而且」) is never what a typo meant.
        held = frequencies(candidates)
        words = [c for c in candidates if (dictionary_count(dictionary, c) or _own_word(c, held)) and not is_grammar(c)]
        words = _fitting_their_other_neighbour(corrected, pair, words, frequencies, stopwords)
        if not words:
            continue
        counts = frequencies(words)
        best = max(words, key=lambda w: (counts.get(w, 0), w))
        if counts.get(best, 0) >= MIN_PASSAGES and (in_context is None or in_context(best)):
            candidate = corrected.replace(pair, best)
            if likelihood is None or likelihood(candidate) > likelihood(corrected):
                corrected = candidate
    return corrected if corrected != text else None


def _own_word(pair: str, held: Mapping[str, int]) -> bool:
    """A pair the index holds in MIN_PASSAGES passages or more, no character of it grammar."""
    return held.get(pair, 0) >= MIN_PASSAGES and not any(is_grammar(c) for c in pair)


def _unknown_pairs(
    text: str,
    frequencies: DocumentFrequencies,
    dictionary: Mapping[str, int],
    segment: Callable[[str], list[str]],
    stopwords: Collection[str],
) -> list[str]:
    """The pairs of adjacent Han characters of `text`, both loose (_loose_characters), that
    neither the index nor the dictionary knows: where a typo may be."""
    words = segment(text)
    loose = _loose_characters(words, frequencies(w for w in words if len(w) > 1), dictionary)
    if len(loose) != len(text):
        return []
    pairs = {
        text[i : i + 2]
        for i in range(len(text) - 1)
        if loose[i]
        and loose[i + 1]
        and _HAN.match(text[i])
        and _HAN.match(text[i + 1])
        and not (text[i] in stopwords and text[i + 1] in stopwords)
    }
    known = frequencies(pairs) if pairs else {}
    return sorted(p for p in pairs if known.get(p, 0) == 0 and not dictionary_count(dictionary, p))


def _fitting_their_other_neighbour(
    text: str, pair: str, words: list[str], frequencies: DocumentFrequencies, stopwords: Collection[str] = ()
) -> list[str]:
    """The corrections of `pair` (at its first place in `text`) whose changed character pairs
    with its other neighbour at least as often in the index as the typed one does, and whose
    typed character does not pair with that neighbour as the index's text does (MIN_PASSAGES
    times, unless the corrected one pairs OUTNUMBERED times as often; a pair with a stopword
    such as 的 says nothing). In 「共享锁有什么」 the unknown pair
    锁有 is not a typo for 所有: 享锁 (of the index's 共享锁) is held, 享所 is not; in 「在御前会议」
    在御 is not one for 在于, as the index holds 御前; in 「营销和消售」, 和销 is held more often
    than 和消."""
    at = text.find(pair)
    before, after = text[at - 1 : at] if at > 0 else "", text[at + 2 : at + 3]
    before, after = (c if _HAN.match(c) else "" for c in (before, after))

    def neighbours(word: str) -> tuple[str, str]:
        """(the typed character's outer pair, the corrected one's), for the character `word` changes."""
        if word[0] != pair[0]:
            return before + pair[0], before + word[0]
        return pair[1] + after, word[1] + after

    outer = {w: neighbours(w) for w in words}
    counts = frequencies({p for typed_and_new in outer.values() for p in typed_and_new if len(p) == 2})

    def typed_is_held(typed: str, corrected: str) -> bool:
        held = counts.get(typed, 0)
        return (
            held >= MIN_PASSAGES
            and counts.get(corrected, 0) < OUTNUMBERED * held
            and not any(c in stopwords for c in typed)
        )

    def grammar_kept(word: str) -> bool:
        """A character of grammar typed (和 in 「工作集和常驻集」) is a typo only where its
        correction pairs with its other neighbour in the index (「售部」 of 「销售不门」; not 「合常」).
        At the question's end or before punctuation it has no other neighbour to be grammar with
        (被 of 「为什么老是互相责被」)."""
        typed = pair[0] if word[0] != pair[0] else pair[1]
        beside = outer[word][1]
        return is_grammar(typed) and len(beside) == 2 and counts.get(beside, 0) < MIN_PASSAGES

    return [
        w
        for w in words
        if counts.get(outer[w][1], 0) >= counts.get(outer[w][0], 0)
        and not typed_is_held(*outer[w])
        and not grammar_kept(w)
    ]


def route_likelihood(tokenizer: Any, text: str) -> float:
    """The log-probability of `text` under the word frequencies of `tokenizer` (a jieba Tokenizer:
    the general dictionary with the profile's words), cut into words the likeliest way (its route)."""
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(text, tokenizer.get_DAG(text), route)
    return float(route[0][0])


def dictionary_count(dictionary: Mapping[str, int], word: str) -> int:
    """How often the general dictionary saw a word (jieba keeps prefixes with count 0: not words)."""
    return int(dictionary.get(word) or 0)


# A Latin word typed in lower case: a typo's candidate when the index never holds it (「sript」).
_LOWER_CASE_WORD = re.compile(r"(?<![A-Za-z0-9_])[a-z]{4,}(?![A-Za-z0-9_])")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def latin_typos(
    text: str,
    frequencies: DocumentFrequencies,
    is_word: Callable[[str], bool],
    in_context: Callable[[str], bool] | None = None,
) -> str | None:
    """`text` with its Latin typos corrected, or None when it has none: a lower-case word the
    index never holds, no English word (`is_word`), one letter from a word the index holds at
    least MIN_PASSAGES times (「sript 传了十几个参数」 → script) — that word, the most frequent if
    several, and a word of the passages the rest of the question points to (`in_context`, as
    for a Chinese typo). The first letter is never the typo: 「fopen」 is no misspelt 「open」. Only in a
    Chinese question: the Latin words of an English one are English (「made」 is no 「mode」),
    however little of it the dictionary knows."""
    if not _HAN.search(text):
        return None
    corrected = text
    for word in dict.fromkeys(match.group() for match in _LOWER_CASE_WORD.finditer(text)):
        if frequencies([word]).get(word, 0):
            continue
        counts = frequencies(_one_letter_off(word))
        held = [w for w, count in counts.items() if count >= MIN_PASSAGES]
        best = max(held, key=lambda w: (counts[w], w)) if held else None
        if best and not is_word(word) and (in_context is None or in_context(best)):
            corrected = re.sub(rf"(?<![A-Za-z0-9_]){word}(?![A-Za-z0-9_])", best, corrected)
    return corrected if corrected != text else None


def _one_letter_off(word: str) -> set[str]:
    """The words one letter from `word` after its first: one left out, two swapped, one
    changed, one added."""
    first, rest = word[0], word[1:]
    splits = [(rest[:i], rest[i:]) for i in range(len(rest) + 1)]
    found = {first + a + b[1:] for a, b in splits if b}
    found |= {first + a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {first + a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    found |= {first + a + c + b for a, b in splits for c in _LETTERS}
    found.discard(word)
    return found
