"""Follow-up questions: complete an elliptical question from the conversation before it.

A trainee asks 「营销和销售有什么区别？」 and then 「那它们的联系呢？」 or 「那销售呢？」: alone, the
second question names nothing the index could find. Before retrieval it is read against the
previous question (and the ones before, oldest first):

- a pronoun for the earlier subject (它们, 两者, 这两个, 它, 这个 …) is replaced by that subject:
  「那它们的联系呢」 → 「营销和销售的联系」;
- a bare 「那X呢」 (or 「X呢」) asks the previous question again about X: X takes the previous
  subject's place (「市场营销是看长期还是看短期的？」, 「那销售呢」 → 「销售是看长期还是看短期的」),
  or, when the previous question compared two sides, X is the aspect asked about (「那联系呢」 →
  「营销和销售的联系」);
- a question opened by 那 whose first clause asks but names nothing (「那该怎么解决？…」) asks
  about what the previous question said, which goes before it;
- 「那X呢？」 followed by a question asks that question of X: 「那 Pub/Sub 呢？它有啥毛病？」 →
  「pub/sub有啥毛病」 (its 它 is X, not the previous subject);
- 「那换成X呢」 with X a Latin name extending one of the previous question (bgsave of save) puts
  X in that name's place.

The subject of a question is what it compares (both sides), what it defines (「什么是X」), or its
first word that the index holds. Only the *form* of the question is read (pronouns, 那…呢), so
this works on any subject.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from os.path import commonprefix
from typing import Any

from kb.answering.contrast import ContrastVocabulary
from kb.answering.question import ASKING_PHRASES, definition_subject, question_kind
from kb.answering.sides import contrast_sides
from kb.language.dictionary import dictionary_tag
from kb.language.text import Analyzer, fold

# Pronouns that point back to both sides / to one subject of the previous question.
_PLURAL = re.compile(r"它们|他们|她们|两者|二者|这两者|这两个|这两种|这俩|两个|前者和后者")
_SINGULAR = re.compile(r"^(?:这个|那个|这种|那种|该|它|其)|(?<=[，,])(?:它|其)|它(?!们)")
# Openers may stack: 「那换成 bgsave 呢」.
_OPENER = re.compile(r"^\s*(?:(?:那么|那|还有|那如果|如果是|换成|改成|改用|至于|然后)\s*[，,]?\s*)+")
_CLOSER = re.compile(r"\s*(?:呢|的呢|又如何|又怎么样|怎么样|如何)?\s*[？?。！!…]*\s*$")
_QUESTION_MARKS = re.compile(r"[？?。！!]+$")
# 「销售部呢？」 without 那: a bare X呢 leans on the question before it just the same.
_ENDS_IN_NE = re.compile(r"呢\s*[？?。！!…]*\s*$")
MAX_BARE_CHARS = 12  # 「那X呢」 with X longer than this asks a question of its own
# 「那第二步…」, 「那第三种…」: one of what the question before listed, however long it goes on.
_ORDINAL = re.compile(r"第[一二三四五六七八九十\d]{1,3}(?:步|个|种|点|条|类|阶段|部分|项)")
MIN_SHARED_AFFIX = 3  # letters two Latin names share at their start or end to be counterparts
_FIRST_CLAUSE = re.compile(r"[^，,；;？?。！!]*")
# 「那 Pub/Sub 呢？它有啥毛病？」: a bare 「那X呢」 clause names what the question after it asks about.
_TOPIC_CLAUSE = re.compile(r"^\s*(?:那么|那|至于)\s*([^，,；;？?。！!呢]{1,12}?)\s*呢\s*[，,；;？?。！!]+\s*(\S.*)$")
# A Latin name, of one word or several (「redo log」, whose 「log」 is no name of its own).
_LATIN_NAME = re.compile(r"[a-z][a-z0-9_./+-]*[a-z0-9](?: [a-z][a-z0-9_./+-]*[a-z0-9])*")
_SPOKEN_WHY = re.compile(r"为啥|干嘛|干啥")  # asking words ASKING_PHRASES would leave half of (为)
# Words that may open a question before its subject: 「从销售漏斗来看…」, 「请问…」.
_LEAD_IN = re.compile(r"^(?:请问|我想问一?下|想问一?下|老师|那|从|在|对于|关于|作为|对|我们|我)+")


def is_elliptical(question: str) -> bool:
    """A question that leans on an earlier one: a pronoun for its subject, or 「那X呢」 (「X呢」)."""
    folded = fold(question).strip()
    if _PLURAL.search(folded) or _SINGULAR.search(folded):
        return True
    leans = _OPENER.match(folded) or _ENDS_IN_NE.search(folded)
    bare = _CLOSER.sub("", _OPENER.sub("", folded))
    return bool(leans) and (len(bare) <= MAX_BARE_CHARS or _ORDINAL.match(bare) is not None)


def _asks_of_nothing(question: str, analyzer: Analyzer) -> bool:
    """「那该怎么解决？…」, 「那为什么要这样设计」: opened by 那, its first clause asks but names
    nothing (no noun phrase), however long the rest: it asks about what was said before."""
    folded = fold(question).strip()
    opener = _OPENER.match(folded)
    if not opener or not opener.group().strip():
        return False
    first = _FIRST_CLAUSE.match(folded, opener.end())
    # 「那接口呢」 asks with 呢 alone: the bare 「那X呢」 form, whatever X is tagged (接口: a verb).
    clause = _CLOSER.sub("", first.group()) if first else ""
    return bool(ASKING_PHRASES.search(clause)) and not _noun_phrase(clause, analyzer.tokenizer)


def subject_of(question: str, vocabulary: ContrastVocabulary, known: Callable[[str], bool], analyzer: Analyzer) -> str:
    """What a question is about: its two sides joined (「营销和销售」), the thing it defines, or
    its first word the index knows (`known`), else its text without asking words."""
    folded = fold(question).strip()
    sides = contrast_sides(folded, vocabulary)
    if sides:
        return "和".join(sides)
    if question_kind(folded) == "definition":
        subject = definition_subject(folded)
        if 0 < len(subject) <= MAX_BARE_CHARS:
            return subject
    body = _LEAD_IN.sub("", folded)
    phrase = _noun_phrase(body, analyzer.tokenizer)
    if phrase:
        return phrase
    for token in analyzer.tokenize(body):
        if len(token) >= 2 and not ASKING_PHRASES.fullmatch(token) and known(token):
            return token
    return ASKING_PHRASES.sub("", body)


def _noun_phrase(text: str, tokenizer: Any) -> str:
    """The first run of nouns (and adjectives before them, and 和/与 between them): 「大客户」,
    「市场营销」, 「营销和销售」. Words as the index's tokenizer cuts them, tagged as kb's
    dictionary tags them (a word it lacks, such as a profile's 销售漏斗, is a name); jieba's
    own tagger loaded jieba's whole 349k-word dictionary (1.1 s of a cold `kb ask --after`)."""
    words = [(word, _tag(word, tokenizer)) for word in tokenizer.lcut(text)]
    run: list[str] = []
    for i, (word, flag) in enumerate(words):
        nominal = flag[:1] in _NOMINAL or flag in ("vn", "eng")
        following, following_flag = words[i + 1] if i + 1 < len(words) else ("", "")
        joins = word in ("和", "与", "跟", "及") and run and bool(following_flag) and following_flag[:1] in "nv"
        # 「redo log」, 「Spring Boot」: a space between Latin words is inside one name.
        joins = joins or (
            word.isspace() and bool(run) and run[-1].isascii() and following.isascii() and following.isalnum()
        )
        # 「JDK 8」, 「Redis 6.0」: a version after a Latin name is part of it.
        version = bool(run) and run[-1].isspace() and _VERSION.fullmatch(word) is not None
        if nominal or joins or version or (flag == "a" and not run and following_flag[:1] == "n"):
            run.append(word)
        elif run:
            break
    while run and _tag(run[-1], tokenizer) == "b":
        run.pop()  # 「主要」 (a distinguishing word) modifies a noun after it: 「市场部主要负责…」 ends at 市场部
    phrase = "".join(run).rstrip()
    return phrase if len(phrase) >= 2 else ""


# A time after a name: when, not what, the follow-up asks about.
_WHEN = re.compile(r"\s*(?:以后|之后|以前|之前|以来|的时候|时)$")
_VERSION = re.compile(r"\d+(?:\.\d+)*")
# The clause of a question saying when (「打开或刷新网页时」): a follow-up naming another time asks
# the question again of that time.
_CONDITION_CLAUSE = re.compile(r"(?:^|(?<=[，,；;]))[^，,；;]*?(?:的时候|时候|时)(?=[，,；;])")
_NOMINAL = {"n", "j", "b", "l"}  # jieba tags: nouns, abbreviations, distinguishing words, idioms


def _tag(word: str, tokenizer: Any) -> str:
    """A word's part of speech: the profile's (its word list may tag them), the dictionary's, or
    for a word neither knows a name's if it has two characters or more."""
    return tokenizer.user_word_tag_tab.get(word) or dictionary_tag(word) or ("nz" if len(word) > 1 else "x")


def complete(
    question: str,
    previous: Sequence[str],
    vocabulary: ContrastVocabulary,
    known: Callable[[str], bool],
    analyzer: Analyzer,
) -> str | None:
    """The question as it reads with the conversation before it, or None if it stands alone.

    `previous` is the conversation so far, oldest first; an earlier follow-up is completed
    first, so a third question can lean on the second."""
    earlier = [q for q in (p.strip() for p in previous) if q]
    if not earlier:
        return None
    unnamed = _asks_of_nothing(question, analyzer)
    if not (unnamed or is_elliptical(question)):
        return None
    last = complete(earlier[-1], earlier[:-1], vocabulary, known, analyzer) or earlier[-1]
    last = _QUESTION_MARKS.sub("", fold(last).strip())
    folded = _QUESTION_MARKS.sub("", fold(question).strip())
    if unnamed:
        # 「那该怎么解决？每台机器配多少个合适？」 after 「一致性哈希为啥会出现数据分布不均的情况？」:
        # what is to be solved is what the question before said.
        return f"{ASKING_PHRASES.sub('', _SPOKEN_WHY.sub('', last))}，{_OPENER.sub('', folded)}"
    named, asked = _topic_clause(folded)
    if named and (_SINGULAR.search(asked) or not _noun_phrase(asked, analyzer.tokenizer)):
        # The pronoun after it stands for X (「pub/sub 有啥毛病」), not the previous subject.
        return _SINGULAR.sub(named, asked, count=1) if _SINGULAR.search(asked) else f"{named}{asked}"
    subject = subject_of(last, vocabulary, known, analyzer)
    plural = _PLURAL.search(folded)
    if plural or _SINGULAR.search(folded):
        body = _CLOSER.sub("", _OPENER.sub("", folded))
        pattern = _PLURAL if plural else _SINGULAR
        completed = pattern.sub(subject, body, count=1)
        return completed if completed != body else None
    bare = _CLOSER.sub("", _OPENER.sub("", folded))
    if not bare:
        return None
    if _ORDINAL.match(bare):  # 「那第二步用的…」 after 「…要经过哪几个步骤」: the second of those
        return f"{subject}的{bare}"
    if ASKING_PHRASES.search(bare):
        # 「那销售看什么」 after 「做市场的业绩一般看什么指标」: a new subject, the same predicate.
        new_subject = subject_of(bare, vocabulary, known, analyzer)
        rest = bare.replace(new_subject, "")
        asking = ASKING_PHRASES.search(rest)
        # The same predicate: the asking phrase with the word before it (「看什么」) recurs.
        same_predicate = asking is not None and rest[max(asking.start() - 1, 0) : asking.end()] in last
        if subject in last and new_subject and same_predicate:
            return _in_place_of(last, subject, new_subject)
        return None
    return _asked_again_of(bare, last, subject, vocabulary, analyzer)


def _asked_again_of(bare: str, last: str, subject: str, vocabulary: ContrastVocabulary, analyzer: Analyzer) -> str:
    """The question before (`last`, about `subject`) asked again of a bare 「那X呢」's X."""
    if contrast_sides(last, vocabulary):
        return f"{subject}的{bare}"  # 「那联系呢」 after a comparison asks about another aspect
    condition = _CONDITION_CLAUSE.search(last) if _WHEN.search(bare) else None
    if condition:  # 「那关掉浏览器的时候呢」 after 「打开或刷新网页时，Applet会先执行哪个方法」
        return last[: condition.start()] + bare + last[condition.end() :]
    counterpart = _latin_counterpart(last, bare)
    if counterpart:  # 「那换成 bgsave 呢」 after 「redis 用 save 命令…」: bgsave in place of save
        return _in_place_of(last, counterpart, bare)
    if owned := _owned_in_place(last, bare, analyzer):
        return owned
    if subject and subject in last:
        return _in_place_of(last, subject, bare)
    return f"{bare}{last}"


def _owned_in_place(last: str, bare: str, analyzer: Analyzer) -> str | None:
    """「那接口里的方法呢」 after 「接口里定义的成员变量会自动带上哪些修饰符」: X's owner (接口里) is
    said before, so X's head (方法) takes the place of the thing the earlier question says of it
    (成员变量, after the 的 that follows the owner)."""
    owner, _, head = bare.rpartition("的")
    at = last.find(owner) if owner and head else -1
    of = last.find("的", at + len(owner)) if at >= 0 else -1
    thing = _noun_phrase(last[of + 1 :], analyzer.tokenizer) if of >= 0 else ""
    if not thing or not last.startswith(thing, of + 1):
        return None
    return last[: of + 1] + head + last[of + 1 + len(thing) :]


def _topic_clause(folded: str) -> tuple[str, str]:
    """(X, the question after it) of 「那X呢？…」, or ("", "") when the question does not open so
    or X only asks: 「那市场部怎么办呢？它…」 names 市场部 before it asks, 「那怎么办呢？」 nothing."""
    topic = _TOPIC_CLAUSE.match(folded)
    named = ASKING_PHRASES.split(topic.group(1), maxsplit=1)[0].strip() if topic else ""
    return (named, topic.group(2)) if topic and named else ("", "")


def _latin_counterpart(last: str, bare: str) -> str:
    """The Latin name of `last` that the follow-up's bare Latin name contains or is part of
    (「save」 for 「bgsave」), or else shares the most of its start or end with (「m-mode」 for
    「s-mode」, not 「risc-v」; 「ipv4」 for 「ipv6」), which it takes the place of; "" when there is none."""
    if not _LATIN_NAME.fullmatch(bare):
        return ""
    names = [w for w in _LATIN_NAME.findall(last) if w != bare and min(len(w), len(bare)) >= 3]
    held = next((w for w in names if w in bare or bare in w), "")
    if held:
        return held
    shared = {w: max(len(commonprefix([w, bare])), len(commonprefix([w[::-1], bare[::-1]]))) for w in names}
    best = max(shared, key=lambda w: shared[w], default="")
    return best if best and shared[best] >= MIN_SHARED_AFFIX else ""


def focus_of(question: str, completed: str) -> str:
    """What a 「那X呢」 follow-up asks about now (「那销售部呢」 → 销售部, 「那销售看什么」 → 销售):
    the longest start of its bare words that the completed question holds; for 「它」, what it
    stands for in the completed question (「它算是赚钱的部门吗」 after 「市场部主要负责哪些事？」 →
    市场部: not the other department a sentence on 赚钱的部门 may be about); "" for 「它们」,
    which asks about the same sides as before."""
    folded = _QUESTION_MARKS.sub("", fold(question).strip())
    said = fold(completed)
    topic = _TOPIC_CLAUSE.match(folded)
    if topic and topic.group(1).strip() in said:
        return topic.group(1).strip()
    if _PLURAL.search(folded):
        return ""
    body = _CLOSER.sub("", _OPENER.sub("", folded))
    pronoun = _SINGULAR.search(body)
    if pronoun is not None:
        before, after = body[: pronoun.start()], body[pronoun.end() :]
        fits = said.startswith(before) and said.endswith(after) and len(said) > len(before + after)
        return said[len(before) : len(said) - len(after)] if fits else ""
    if _SINGULAR.search(folded):
        return ""
    named = next((body[:n] for n in range(len(body), 1, -1) if body[:n] in said), "")
    return _WHEN.sub("", named) or named  # 「那 JDK 9 以后呢」 asks about JDK 9 (「从 JDK9 开始…」)


def _in_place_of(text: str, subject: str, new: str) -> str:
    """`text` with its (first) `subject` replaced by `new`, where `new` may already hold what
    follows the subject: 「亚马逊河口的潮波…」, whose subject is 亚马逊河, asked again about 黄河口
    reads 「黄河口的潮波…」, not 「黄河口口的潮波…」."""
    at = text.find(subject)
    end = at + len(subject)
    overlap = next((k for k in range(len(new) - 1, 0, -1) if text.startswith(new[-k:], end)), 0)
    return text[:at] + new + text[end + overlap :]
