"""English in a question, read in the index's Chinese words.

「What is the difference between marketing and sales?」 is found by the multilingual model, but
everything that reads words needs Chinese ones: BM25, the contrast's sides, answerability, the
sentence that states a difference. So the question is read as a Chinese one — 「营销和销售的区别」
— from its English shape (difference between A and B, what is X, how to, why, is/does …) and
its content words, each the Chinese equivalent (kb/language/glossary.py) the index's documents
use most — or, first for a term of several words, the term the documents themselves gloss
with it (「外码（Foreign Key）」: a course says 外码 where a dictionary says 外键). A Chinese
question with an English word the index does not hold gets that word replaced in place
(「a marketing plan 一般包括什么」 → 「营销计划一般包括什么」). A word the dictionary
does not give, or whose equivalents the index never uses, stays as typed; a question with no
content word read stays English (understand.py then relies on the vectors alone).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kb.language.glossary import Equivalent, Glossary

# A run of English words in a Chinese question, with the spaces around it.
_ENGLISH_RUN = re.compile(r"\s*(?:[A-Za-z][A-Za-z' -]*[A-Za-z]|[A-Za-z])\s*")
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
# A question mostly in English reads its Chinese words as they are (「what does 营销 include」).
_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|[\u3400-\u9fff]+")
_HAN = re.compile(r"[\u3400-\u9fff]")
# An acronym or a name written with capitals (CRM, MQL, InnoDB): kept as typed, never looked up.
_NAME = re.compile(r"[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*")
# Three or more words joined by hyphens name one thing (try-with-resources); two may be a word (real-time).
_JOINED_NAME = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+){2,}")
# 「part of marketing」 → 「marketing part」: Chinese puts what a thing belongs to first (营销的部分).
_OF = re.compile(r"\b([a-z]+) of (?:the |a |an )?([a-z]+)\b")
# Words that carry the question's grammar, not its subject: never looked up.
FUNCTION_WORDS = frozenset(
    """a an the of to in on at by for from with without about into onto over under than then as
    and or but if so because while is are was were be been being am do does did doing done have
    has had can could should would will shall may might must need i you he she it we they me him
    her us them my your his its our their mine yours this that these those there here what which
    who whom whose why how when where whether not no yes each other another some any all both
    either neither more most less least much many very really actually always usually often
    just also too only even still already ever never again please exactly generally basically
    kind sort thing things way ways good better best well get gets got let lets make makes one
    ones someone something anything everything something's it's what's don't doesn't isn't
    aren't can't""".split()
)
# Function words that change what is asked (「can a store work without a sales team」 asks about
# one 没有 a sales team): read as their Chinese wherever they stand, though never looked up.
_NEGATIONS = {"without": "没有", "not": "不", "no": "没有", "never": "从不"}
_DROPPED = FUNCTION_WORDS - _NEGATIONS.keys()
POS_WEIGHT = 2  # an equivalent of the part of speech a word stands in counts this many times
FORM_WEIGHT = 4  # one of the word as typed (marketing: 营销), not of a form it may come from (market)
COMMON_SHARE = 0.01  # an equivalent in this share of the passages is a word the documents use, no rarity
MAX_PHRASE_WORDS = 3  # 「work together」, 「customer relationship management」
# Greetings and requests before the question itself (「hi, can you explain …」).
_ASKING_POLITELY = re.compile(r"^(?:(?:hi|hello|hey|please|sorry|excuse me|can you|could you|would you) )+")
# A word right after these is read as a verb (「how to market」, 「can I skip」, 「we sell」).
_BEFORE_A_VERB = frozenset(
    "to can could should would will must may might do does did don't doesn't didn't i you we they not".split()
)
_ASKS_A_SHARE = re.compile(r"\bwhat (?:[a-z]+ )?(?:percentage|percent|proportion|ratio|share)\b|\bhow much of\b")
_ASKS_AN_AMOUNT = re.compile(
    r"\bhow (?:much|many|long|often)\b|\bwhat (?:[a-z]+ )?(?:rate|price|cost|salary|number|amount)\b"
)
_QUESTION_WORDS = {"what": "什么", "which": "哪些", "who": "谁", "when": "什么时候", "where": "哪里"}


@dataclass(frozen=True)
class _Shape:
    """How an English question's grammar reads in Chinese: its parts' pattern and the Chinese
    frame they are put in."""

    pattern: re.Pattern[str]
    frame: str
    verb_first: bool = False  # its first part opens with a verb (「how to market a product」)


_SHAPES = (
    _Shape(
        re.compile(
            r".*\bdiff?erences? between (?P<a>.+?) and (?P<b>.+?) (?:in terms of|when it comes to|in) (?P<c>.+)"
        ),
        "{a}和{b}在{c}上的区别",
    ),
    _Shape(re.compile(r".*\bdiff?erences? between (?P<a>.+?) and (?P<b>.+)"), "{a}和{b}的区别"),
    _Shape(re.compile(r"(?:how )?(?:is|are|does|do) (?P<a>.+?) differ(?:ent)? from (?P<b>.+)"), "{a}和{b}的区别"),
    _Shape(re.compile(r"(?:compare )?(?P<a>.+?) (?:vs\.?|versus|compared (?:to|with)) (?P<b>.+)"), "{a}和{b}的区别"),
    _Shape(re.compile(r"(?P<a>.+?) and (?P<b>.+?) what(?:'s| is| are) the diff?erences?"), "{a}和{b}的区别"),
    _Shape(re.compile(r"compare (?P<a>.+?) (?:and|with|to) (?P<b>.+)"), "{a}和{b}的区别"),
    _Shape(re.compile(r".*\b(?:relationship|relation|connection) between (?P<a>.+?) and (?P<b>.+)"), "{a}和{b}的关系"),
    _Shape(re.compile(r"how (?:is|are) (?P<a>.+?) (?:related|connected) to (?P<b>.+)"), "{a}和{b}的关系"),
    _Shape(re.compile(r"how (?:is|are) (?P<a>.+?) and (?P<b>.+?) (?:related|connected)"), "{a}和{b}的关系"),
    _Shape(
        re.compile(r"(?:what are )?(?:the )?(?:pros and cons|advantages and disadvantages) of (?P<a>.+)"), "{a}的优缺点"
    ),
    _Shape(re.compile(r"(?:what are )?(?:the )?(?:main )?steps (?:of|for|in) (?P<a>.+)"), "{a}的步骤"),
    _Shape(re.compile(r"what does (?P<a>.+?) (?:mean|stand for)"), "什么是{a}"),
    _Shape(re.compile(r"what (?:does|do|should|can) (?P<a>.+?) do"), "{a}做什么"),
    _Shape(re.compile(r"(?:explain|tell me) (?:what|about) (?P<a>.+?)(?: is| are| means)?"), "什么是{a}"),
    _Shape(re.compile(r"(?:define|definition of|meaning of|explain) (?P<a>.+)"), "什么是{a}"),
    _Shape(re.compile(r"(?:what|who)(?: is| are|'s) (?:a |an |the )?(?P<a>[^ ]+(?: [^ ]+){0,2})"), "什么是{a}"),
    _Shape(re.compile(r"why (?:is|are|do|does|did|should|would|can't|don't|doesn't) (?P<a>.+)"), "为什么{a}"),
    _Shape(re.compile(r"why (?P<a>.+)"), "为什么{a}"),
    _Shape(
        re.compile(
            r"how (?:to|do i|do you|do we|can i|can you|can we|should i|should we|should|can|do|does) (?P<a>.+)"
        ),
        "如何{a}",
        verb_first=True,
    ),
    _Shape(re.compile(r"(?:is|are|was|were) (?P<a>[^ ]+) (?P<b>.+)"), "{a}是{b}吗"),
    _Shape(re.compile(r"(?:does|do|did|can|could|should|will|would|has|have) (?P<a>.+)"), "{a}吗"),
)


def _forms(word: str) -> list[str]:
    """A word and the base forms it may be inflected from (teams → team, working → work)."""
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("y") and len(word) > 5:
        forms.append(word[:-1])  # recovery → recover, delivery → deliver
    if word.endswith("ation") and len(word) > 7:
        forms += [word[:-5] + "e", word[:-5]]  # optimization → optimize, information → inform
    if word.endswith("es") and len(word) > 4:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    if word.endswith("ing") and len(word) > 5:
        forms += [word[:-3], word[:-3] + "e"]
    if word.endswith("ed") and len(word) > 4:
        forms += [word[:-2], word[:-1]]
    return forms


def _asking(question: str) -> str:
    """How the Chinese reading asks: for an amount (「多少」) or a share (「比例是多少」) where the
    English asks for one — so that an answer must state it (question.asks_an_amount) — else
    with the question's wh-word (what → 什么)."""
    if _ASKS_A_SHARE.search(question):
        return "比例是多少"
    if _ASKS_AN_AMOUNT.search(question):
        return "多少"
    return next((_QUESTION_WORDS[w] for w in question.split() if w in _QUESTION_WORDS), "")


def _kept(word: str) -> bool:
    """A word read as typed: a name or acronym (CRM, InnoDB), or Chinese."""
    return bool(_NAME.fullmatch(word) or _HAN.match(word))


def _joined(words: list[str]) -> str:
    """Chinese words run together, Latin ones kept apart (「MemFree proc meminfo」)."""
    text = ""
    for word in filter(None, words):
        latin = word[:1].isascii() and text[-1:].isascii()
        text += (" " if text and latin else "") + word
    return text


# A term glossed in English where the text introduces it: 「外码（Foreign Key）」, 「审计（Audit，
# 简称…）」. The term is what follows the last word that introduces it (称为, 为, 是, 或 …), or
# the verb of a clause that ends on it (「构造方法不能被重写（override）」 glosses 重写; a term that
# opens with 被 keeps it: 「被参照关系（Referenced Relation）」).
_GLOSSED = re.compile(
    r"([\u4e00-\u9fff]{2,12})\s*[（(]\s*([A-Za-z][A-Za-z'\- ]{1,40}[A-Za-z])\s*(?:[,，;；][^)）\n]{0,30})?[)）]"
)
_INTRODUCED = re.compile(r".*(?:称为|又称|叫做|即|为|是|或|的)|.+(?:被|不能|不可|可以|能够|必须)")
SHORT_TERM = 6  # a glossed run this short with no introducing word is the term itself


def glossed_terms(texts: Iterable[str]) -> dict[str, str]:
    """English phrase (lower case) → the term a corpus glosses with it most often."""
    counts: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for match in _GLOSSED.finditer(text):
            run, english = match.group(1), " ".join(match.group(2).lower().split())
            term = _INTRODUCED.sub("", run)
            term = term if len(term) >= 2 else run if len(run) <= SHORT_TERM else ""
            if term:
                counts[(english, term)] += 1
    terms: dict[str, str] = {}
    for (english, term), _ in counts.most_common():
        terms.setdefault(english, term)
    return terms


Frequencies = Callable[[Iterable[str]], Mapping[str, int]]


class EnglishReader:
    """Reads English words in the Chinese an index uses. `frequencies(words)`: how many of the
    index's passages hold each word (0: never), asked once per text read (a store may answer
    each call with a round trip); `terms`: the index's own glossed terms (glossed_terms)."""

    def __init__(
        self, glossary: Glossary, frequencies: Frequencies, terms: Mapping[str, str] | None = None, passages: int = 0
    ) -> None:
        self.glossary = glossary
        self.frequencies = frequencies
        self.terms = terms or {}
        self.passages = passages  # how many the index holds (0: unknown)

    @staticmethod
    def equivalent(
        phrase: str, found: dict[str, list[Equivalent]], counts: Mapping[str, int], verb: bool = False
    ) -> str | None:
        """The Chinese word the index uses most among the equivalents of the phrase and of the
        forms it may come from (recovery, recover → 恢复, which the index says far more often
        than 复原): words of two or more characters first (a single character stands for too
        much); an equivalent of the word as typed counts FORM_WEIGHT times (marketing → 营销,
        not market → 市场), one of the part of speech the word stands in POS_WEIGHT times (a
        word after 「to」, a modal or a pronoun is a verb: 「to market」 → 销售, 「the market」 →
        市场)."""
        forms = _forms(phrase) if " " not in phrase else [phrase]
        used = [
            (len(e.word) >= 2, counts.get(e.word, 0) * (FORM_WEIGHT if form == phrase else 1), e)
            for form in forms
            for e in found.get(form, [])
        ]
        weighed = [
            (long, count * (POS_WEIGHT if e.verb_only == verb else 1), e.word) for long, count, e in used if count
        ]
        return max(weighed, key=lambda w: w[:2])[2] if weighed else None  # of equals, the dictionary's first

    def words(self, text: str) -> tuple[str, int]:
        """The text's English words in Chinese, joined, and how many content words were read.
        Names and acronyms stay as typed."""
        words = _TOKEN.findall(_OF.sub(r"\2 \1", text))
        verbs = {i for i in range(1, len(words)) if words[i - 1].lower() in _BEFORE_A_VERB}
        kept = [i for i, w in enumerate(words) if _kept(w) or w.lower() not in _DROPPED]
        content = [words[i] if _kept(words[i]) else words[i].lower() for i in kept]  # WHERE, HAVING stay
        verb = [i in verbs for i in kept]
        phrases = {
            " ".join(content[i : i + n]) for n in range(2, MAX_PHRASE_WORDS + 1) for i in range(len(content) - n + 1)
        }
        found = self.glossary.chinese(phrases | {form for w in content for form in _forms(w)})
        counts = self.frequencies({e.word for listed in found.values() for e in listed} | set(content))
        out: list[str] = []
        read = 0
        i = 0
        while i < len(content):
            if _kept(content[i]) or content[i] in _NEGATIONS:
                out.append(_NEGATIONS.get(content[i], content[i]))
                i += 1
                continue
            for n in range(min(MAX_PHRASE_WORDS, len(content) - i), 0, -1):
                phrase = " ".join(content[i : i + n])
                own = self.terms.get(phrase)
                chinese = own if own and n > 1 else self.equivalent(phrase, found, counts, verb[i]) or own
                if chinese is not None:
                    out.append(chinese)
                    read += n
                    i += n
                    break
            else:
                out.append(content[i] if counts.get(content[i], 0) > 0 else "")
                i += 1
        return _joined(out), read

    def question(self, text: str) -> str | None:
        """An English question read as a Chinese one (None: no content word read)."""
        words = _TOKEN.findall(text)
        lowered = _ASKING_POLITELY.sub("", " ".join(w if _kept(w) else w.lower() for w in words))
        for shape in _SHAPES:
            match = shape.pattern.fullmatch(lowered)
            if match is None:
                continue
            parts = {
                name: self.words(f"to {value}" if shape.verb_first and name == "a" else value)
                for name, value in match.groupdict().items()
            }
            if any(not chinese for chinese, _ in parts.values()):
                continue
            return shape.frame.format(**{name: chinese for name, (chinese, _) in parts.items()})
        chinese, read = self.words(lowered)
        if not read:
            return None
        return chinese + _asking(lowered)

    def is_word(self, word: str) -> bool:
        """Is it an English word — a function word, or a form the dictionary gives a sense for
        (leads → lead)? Not a name (kb/answering/names.py)."""
        lowered = word.lower()
        return lowered in FUNCTION_WORDS or any(self.glossary.chinese(_forms(lowered)).values())

    def mixed(self, text: str, unknown: Callable[[str], bool]) -> str:
        """A Chinese question with its unknown English words (`unknown`: the index never uses
        them) replaced by their equivalents; names and words the index holds stay."""

        def replace(match: re.Match[str]) -> str:
            run = match.group(0)
            if _JOINED_NAME.search(run):
                return run  # 「try-with-resources」, 「copy-on-write」: a feature's name, not three words
            words = [w.lower() for w in _WORD.findall(run) if not _NAME.fullmatch(w)]
            if not any(unknown(w) for w in words if w not in FUNCTION_WORDS):
                return run
            if any(self._names_a_thing(w) for w in _WORD.findall(run) if w[:1].isupper() and unknown(w.lower())):
                return run
            chinese, read = self.words(run)
            return chinese if read else run

        return _ENGLISH_RUN.sub(replace, text)

    def _names_a_thing(self, word: str) -> bool:
        """A capitalised word in a Chinese question is a name (「Optional 类」, 「G1 的 Region」)
        unless the documents use its Chinese equivalent often (in COMMON_SHARE of their
        passages): 「Marketing 和 Sales 的区别」 over marketing articles asks about 营销 and 销售."""
        chinese, read = self.words(word.lower())
        if not read:
            return True  # no equivalent the documents use: a name
        return bool(self.passages) and self.frequencies([chinese]).get(chinese, 0) < COMMON_SHARE * self.passages
