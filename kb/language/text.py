"""Chinese text primitives: script folding, jieba tokens, sentence spans.

Folding (traditional → simplified via OpenCC) is for matching only: what users read keeps
its original script. Tokens depend on a profile's vocabulary (kb/profile.py), so they come
from an `Analyzer`; everything else here is the same for every knowledge base.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from kb.language.code import code_spans
from kb.language.statements import names_a_topic

# Sentence ends: Chinese and ASCII terminators, then any closing quotes/brackets.
# An ASCII 「!」 or 「?」 right before code-like text ends nothing: 「#![no_main]」, 「a != b」, 「x?.y」.
_IN_CODE_MARK = r"[!?](?=[=\[(.:A-Za-z_])"
_SENTENCE = re.compile(
    rf"(?:[^\n。！？!?；;…]|{_IN_CODE_MARK})*(?:(?:(?!{_IN_CODE_MARK})[。！？!?；;…])+[”’」』）)\]】〕\"']*|(?=\n)|$)"
)
_CLAUSE_BREAK = re.compile(r"[，,、：:]")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
MAX_SENTENCE_CHARS = 200
WORD_REACH = 8  # how far back from the limit a sentence without clause marks is cut between words
GENERAL_DICTIONARY = "jieba_dict.txt"
Script = Literal["simplified", "traditional"]
# Per analyzer: the texts of the last ≈ 100 questions and the passages, titles and headings
# answering them tokenised (≈ 10 per question; at most ≈ 10 MB): a question asked again, or
# one answered from the same passages, is not segmented again (jieba took ⅓ of such an ask).
TOKENIZED_TEXTS = 1024


@lru_cache(maxsize=2)
def _converter(config: str = "t2s") -> Any:
    import opencc

    return opencc.OpenCC(config)


def in_script(text: str, script: Script) -> str:
    """Text shown in one script (simplified or traditional), for display only: what is stored
    and cited keeps its original script."""
    return _converter("t2s" if script == "simplified" else "s2t").convert(text)


def fold(text: str) -> str:
    """Traditional → simplified, lower-cased: the form used for matching, never for display."""
    return _converter().convert(text).lower()


_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")  # a word or name (B2B, ArrayList)


def in_typed_case(text: str, typed: Iterable[str]) -> str:
    """`text` with each Latin word in the case it has in `typed` (what was typed): reading a
    question folds it, yet kb shows 「理解为：CopyOnWriteArrayList有什么缺点」 and a table of
    「HashMap vs Hashtable」, not 「hashmap」."""
    spelt = {word.lower(): word for source in typed for word in _LATIN_RUN.findall(source)}
    return _LATIN_RUN.sub(lambda match: spelt.get(match.group(0).lower(), match.group(0)), text)


def comparable(text: str) -> str:
    """Script-folded text without punctuation or spaces: 「營銷，是一個系統。」 → 营销是一个系统."""
    return re.sub(r"[\W_]+", "", fold(text))


def fold_taiwan(text: str) -> str:
    """`fold` with Taiwan's words turned into the mainland's (OpenCC tw2sp: 陣列 → 数组, 物件 →
    对象, 程式碼 → 代码): whether a Taiwan text speaks of what a mainland question names. Not
    used for indexing: it also turns 資料 into 数据, where a simplified 资料 stays."""
    return _converter("tw2sp").convert(text).lower()


def jieba_line(entry: str) -> tuple[str, int | None, str | None]:
    """(word, frequency, part of speech) of an entry in jieba's user-dictionary form:
    「市场营销 50000 n」, 「销售漏斗」. Without a frequency jieba picks one that keeps the word whole."""
    parts = entry.split()
    word = parts[0]
    freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
    return word, freq, tag


@lru_cache(maxsize=4)
def jieba_tokenizer(words: tuple[str, ...]) -> Any:
    """jieba with kb's general dictionary plus a profile's words (a pure cache: the same
    vocabulary always gives the same tokenizer, so indexes sharing it share one).

    The general dictionary is jieba's own (MIT) without the words it saw fewer than 5 times
    (137k of 349k words). Loading jieba's full dictionary took 0.5 s of every cold `kb ask`;
    the pruned one loads in 0.2 s, and hybrid retrieval scored the same on every benchmark set;
    its prefix dictionary from kb's cache (jieba_cache.py) in 0.08 s.
    """
    import logging

    import jieba

    from kb.language.jieba_cache import load_prefix_dictionary

    jieba.setLogLevel(logging.WARNING)
    with resources.as_file(resources.files("kb").joinpath("data", GENERAL_DICTIONARY)) as main:
        tokenizer = jieba.Tokenizer(str(main))
        load_prefix_dictionary(tokenizer, main)
        for entry in words:
            tokenizer.add_word(*jieba_line(entry))
    return tokenizer


def char_bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each run of Chinese characters in the folded text."""
    pairs = []
    for run in _CJK_RUN.findall(fold(text)):
        pairs += [run[i : i + 2] for i in range(len(run) - 1)] or [run]
    return pairs


def file_lines(text: str) -> list[str]:
    """The lines of a text file kb reads line by line (questions, JSON Lines), split at line
    feeds and carriage returns only: str.splitlines also splits at U+2028, U+2029, form feeds
    and other separators that sit inside a line's text, and then numbers the lines wrongly."""
    return _LINE_BREAK.split(text.removesuffix("\n").removesuffix("\r")) if text else []


class SynonymTable(Mapping[str, frozenset[str]]):
    """Each term's synonyms (the other terms of the groups holding it), drawn from the groups
    when asked for: memory linear in the terms written, where a table of every term's others
    grows with the square of a group's size."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        self._groups = tuple(tuple(dict.fromkeys(group)) for group in groups)
        self._groups_of: dict[str, list[int]] = {}
        for number, group in enumerate(self._groups):
            for term in group:
                self._groups_of.setdefault(term, []).append(number)

    def __getitem__(self, term: str) -> frozenset[str]:
        return frozenset(other for g in self._groups_of[term] for other in self._groups[g] if other != term)

    def __iter__(self) -> Iterator[str]:
        return iter(self._groups_of)

    def __len__(self) -> int:
        return len(self._groups_of)


class Analyzer:
    """Words as one profile sees them: jieba tokens under its vocabulary, without its
    stopwords, and its synonym groups. BM25, answer scoring and study keywords all go through
    the index's analyzer, so both sides of every comparison are segmented alike."""

    def __init__(
        self, words: tuple[str, ...], stopwords: frozenset[str], synonyms: Mapping[str, frozenset[str]]
    ) -> None:
        self.words = words
        self.stopwords = stopwords
        self.synonyms = synonyms
        # A question is tokenised by ranking, answerability and answer scoring alike: once.
        self._tokens = lru_cache(maxsize=TOKENIZED_TEXTS)(self._tokenize)

    @property
    def tokenizer(self) -> Any:
        """The jieba tokenizer of this vocabulary (loaded on first use, ≈ 0.2 s)."""
        return jieba_tokenizer(self.words)

    def tokenize(self, text: str) -> list[str]:
        """Folded jieba search-mode tokens without stopwords, punctuation or whitespace.

        Search mode also emits the parts of long words (市场营销 → 市场, 营销, 市场营销), so a
        question about 营销 matches a passage about 市场营销.
        """
        return list(self._tokens(text))

    def _tokenize(self, text: str) -> tuple[str, ...]:
        stop = self.stopwords
        return tuple(
            token
            for token in self.tokenizer.cut_for_search(fold(text))
            if token.strip() and token not in stop and _WORDLIKE.search(token)
        )

    def index_terms(self, text: str) -> list[str]:
        """What BM25 indexes and queries: jieba words plus character bigrams.

        Bigrams catch what segmentation splits differently on the two sides (a question's
        「胃胀气」 against a passage's 「胃胀」「气」); on the medical benchmark they add 1.4
        points R@5 to BM25 alone and 2 points to hybrid.
        """
        return self.tokenize(text) + char_bigrams(text)

    def synonym_terms(self, text: str, own_terms: Collection[str]) -> list[str]:
        """BM25 terms of the synonyms of the profile's terms in the text, minus its own terms
        (`index_terms(text)`, which the caller has already computed).

        Terms are found as substrings of the folded text, not as jieba tokens, so a term jieba
        splits (做功课 → 做 / 功课) still counts: paraphrases share no words with their answer.
        """
        folded = fold(text)
        found = [term for term in self.synonyms if term in folded]
        alternatives = dict.fromkeys(
            other for term in found for other in sorted(self.synonyms[term]) if other not in folded
        )
        return [t for alternative in alternatives for t in self.index_terms(alternative) if t not in own_terms]


def has_words(text: str) -> bool:
    """True when the text holds at least one letter, digit or CJK character."""
    return bool(_WORDLIKE.search(text))


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans [s, e) of the sentences in text[start:end], trimmed of surrounding whitespace.

    A sentence ends at a terminator (。！？；… and ASCII equivalents, with closing quotes) or a
    line break. Over-long sentences are cut at clause breaks (，、：) so no span exceeds
    MAX_SENTENCE_CHARS by much and passages stay within the embedding model's window. Inside
    code (kb/language/code.py) punctuation ends nothing: a line of a code block is one span
    (`if (x < 0) { throw e; }`), and code between backticks stays inside its sentence.
    """
    end = len(text) if end is None else end
    text = _code_masked(text)
    spans = []
    for match in _SENTENCE.finditer(text, start, end):
        s, e = _trim(text, match.start(), match.end())
        if e > s:
            for part in _split_at_section_numbers(text, s, e):
                for piece in _split_glued_heading(text, *part):
                    spans.extend(_cut_long(text, *piece))
    return spans


_BREAKS = re.compile(r"[。！？!?；;…，,、：:]")


def _code_masked(text: str) -> str:
    """The text with every sentence or clause mark inside code replaced by a neutral letter
    (same length, so spans found in it are spans of the text)."""
    spans = code_spans(text)
    if not spans:
        return text
    pieces, cursor = [], 0
    for start, end in spans:
        pieces += [text[cursor:start], _BREAKS.sub("x", text[start:end])]
        cursor = end
    return "".join(pieces) + text[cursor:]


# A multi-level section number right after Chinese text, a space after it: scraping glued the
# next section's heading onto the line before (「营销与销售的联系2.1 相互支撑虽然…」).
_EMBEDDED_SECTION = re.compile(r"(?<=[\u3400-\u9fff])\d{1,2}(?:\.\d{1,2})+ (?=[\u3400-\u9fff])")


def _split_at_section_numbers(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The span cut before each section number glued into it whose heading is recognised (its
    words recur in the sentence after it, see _split_glued_heading): 「版本1.2 发布了。」 stays
    whole."""
    cuts = [
        m.start() for m in _EMBEDDED_SECTION.finditer(text, s, e) if len(_split_glued_heading(text, m.start(), e)) > 1
    ]
    bounds = [s, *cuts, e]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


# A numbered section heading at a sentence's start: 「2.2 」, 「一、」, 「第三章 」.
_SECTION_NUMBER = re.compile(
    r"\s*(?:\d{1,2}(?:[.．]\d{1,2})+[.．]?|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十\d]+[章节])\s*"
)
_HEADING_CHARS = re.compile(r"[\u3400-\u9fff\w]")
MAX_HEADING_CHARS = 12
MIN_TITLE_CHARS, MAX_TITLE_CHARS = 6, 24  # a title whose sentence restarts with its subject,
_RESTATED_CHARS = 4  # its first four characters (and, or 与 for 和: 「营销与销售的区别营销和销售是…」)
_CONJUNCTIONS = re.compile(r"[与與及跟同]")
_ECHO_CHARS = 30  # a heading's last word recurs this soon in the sentence after it


def _split_glued_heading(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A heading that scraping glued to the sentence after it, as two spans:
    「2.2 销售是营销的最终目标营销和销售的最终目标都是…」 → 「2.2 销售是营销的最终目标」 and
    「营销和销售的最终目标都是…」. Two signs tell where such a heading ends (glued_heading_end);
    without either the span is left whole."""
    cut = glued_heading_end(text, s, e)
    return [(s, e)] if cut is None else [(s, cut), (cut, e)]


def glued_heading_end(text: str, s: int, e: int) -> int | None:
    """Where a heading glued to the start of the span [s, e) ends, if one is:
    - a title at the start of a line (numbered or not) whose sentence restarts with the title's
      first four characters: 「市场营销和销售的区别和联系市场营销和销售是两个常见的概念」 ends
      after 联系. A title names things and has no verb (statements.names_a_topic);
    - after a section number, the latest point (within MAX_HEADING_CHARS) where the heading's last
      two or more characters recur in the sentence that follows — the sentence takes up the
      heading's topic (「1.3 重点不同营销和销售的重点也有所不同」); never inside a word the
      sentence repeats (「三、市场营销和销|售的实践…市场营销和销售」) nor before 的, which goes on a
      phrase; nor where the rest of the line names things and says nothing (「5.2.5 异常|遗失、异常
      重掷和异常的局限」: a title all along)."""
    number = _SECTION_NUMBER.match(text, s, e)
    head = number.end() if number else s
    if number or s == 0 or text[s - 1] == "\n":
        for cut in range(head + MIN_TITLE_CHARS, min(head + MAX_TITLE_CHARS, e - 4) + 1):
            if not _HEADING_CHARS.match(text[cut - 1]):
                break
            opening, restated = (_CONJUNCTIONS.sub("和", text[i : i + _RESTATED_CHARS]) for i in (head, cut))
            if restated == opening and names_a_topic(text[head:cut]):
                return cut
    if not number:
        return None
    best = None
    for cut in range(head + 2, min(head + MAX_HEADING_CHARS, e - 4) + 1):
        if not all(_HEADING_CHARS.match(c) for c in text[head:cut]):
            break  # punctuation: a sentence, not a heading
        following = text[cut : min(cut + _ECHO_CHARS, e)]
        inside_a_word = text[cut] in "的之" or text[cut - 1 : cut + 1] in following[1:]
        if not inside_a_word and any(text[cut - n : cut] in following for n in (2, 3, 4)):
            best = cut
    rest = text[best:e].split("\n", 1)[0] if best else ""  # the line's rest, if it says nothing: a title
    return None if rest and names_a_topic(rest.replace("、", "")) else best


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _cut_long(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """An over-long sentence cut after its last clause mark in reach; where there is none,
    between two words (「当|然」 would leave a one-character fragment of 当然), never before a
    clause mark (the next piece would open mid-clause: 「：指把产品…」)."""
    pieces = []
    while e - s > MAX_SENTENCE_CHARS:
        cut = None
        for m in _CLAUSE_BREAK.finditer(text, s + MAX_SENTENCE_CHARS // 2, s + MAX_SENTENCE_CHARS):
            cut = m.end()
        cut = cut or _between_words(text, s + MAX_SENTENCE_CHARS)
        pieces.append((s, cut))
        s = cut
    pieces.append((s, e))
    return pieces


def _between_words(text: str, limit: int) -> int:
    """The last position at or before `limit` (within a few characters) that no word spans and
    no clause mark follows."""
    for cut in range(limit, limit - WORD_REACH, -1):
        if not _CLAUSE_BREAK.match(text, cut) and not splits_a_word(
            text[cut - WORD_REACH : cut], text[cut : cut + WORD_REACH]
        ):
            return cut
    return limit


def splits_a_word(left: str, right: str) -> bool:
    """Whether jieba (kb's general dictionary) reads a word across the end of `left` and the
    start of `right`: 「…相等比较条」 + 「件中，则…」 is one sentence broken inside 条件."""
    head, tail = left.rstrip()[-5:], right.lstrip()[:5]
    position = 0
    for word in jieba_tokenizer(()).lcut(head + tail):
        if position < len(head) < position + len(word):
            return True
        position += len(word)
    return False
