"""The sentences an answer's first sentence points back to, quoted with it.

「嵌入式SQL引入了游标的概念，用来协调这两种不同的处理方式」 answers 「为什么要引入游标」 only once
the reader knows which two ways: the lines before it say (「SQL语言是面向集合的…」, 「主语言是面向
记录的…」). A sentence leading an answer with 「这两种」, 「这些」, 「上述」 or 「前者」 is quoted from
the sentences before it in its passage, as far as they run on without a heading between.
Answering how, one saying what 「上面的命令」 does is quoted with the code block right above it,
and one saying how with the block, or the chain of steps (「A———B———C」), right under it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from kb.answering.evidence import Evidence
from kb.answering.units import chain_below, is_code, span_text
from kb.language.code import FENCE, leaves_a_block_open
from kb.language.text import fold

# Words that stand for something said before: 「这两种方式」, 「这些问题」, 「上述步骤」, 「前者」; 「以上」
# opening a clause (「以上三点」; not 「10%以上」, an amount).
_POINTS_BACK = re.compile(r"这(?:两|二|三|四|几|些)|上述|前述|前者|后者|(?:^|[，,；;：:\s])以上")
# 「这是」 opening a sentence stands for the sentence before it: 「这是Java跨平台的根本原因」 names the
# cause only with 「只要实现了特定平台下的解释程序，Java字节码就能…运行。」 So does a sentence that
# goes on from it: 「除非它是去壳的生鸡蛋…」 reads after 「绝对不要使用微波炉加热鸡蛋！」.
_POINTS_TO_THE_LAST = re.compile(
    r"^\W*(?:这(?:就|也|正|便)?是|除非|否则|不然|然而|不过|同理|但(?!凡)|在(?:此|这个)基础上|除此之外|此外|另外)"
)
# Named in its own clause first (「营销和销售这两个概念」, 「A、B、C这三种」): nothing to look back for.
_NAMED_IN_CLAUSE = re.compile(r"[和与及跟、]")
# 「上面的命令可以逐行读取文件」, 「上面代码…」: a sentence saying what the code above it does.
_POINTS_TO_CODE = re.compile(r"^\W*(?:上面|上述|以上)(?:的|这段|这个|这些)?(?:命令|代码|脚本|例子|写法|语句|程序|函数)")
# A fenced block right under a sentence (blank lines between at most).
_BLOCK_BELOW = re.compile(r"\s*\n```[\w+#-]*\n((?:[^\n]*\n)*?)```(?=\n|$)")
_BLOCK_TO_THE_END = re.compile(r"\s*\n```[\w+#-]*\n((?:(?!\s*```)[^\n]*\n)*(?!\s*```)[^\n]*)$")
CODE_BELOW_LINES = 8
REFERENT_CHARS = 6  # after the word, where what it stands for is named (「这些古人类」)
_HAN_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def with_antecedents(best: Evidence, candidates: Sequence[Evidence], budget: int, how: bool = False) -> Evidence:
    """`best`, quoted from the sentences before it that it points back to (of `candidates`, the
    quotable spans), as far back as they run on and fit in `budget` characters (one sentence for
    「这是…」); itself when it points back to nothing or nothing quotable stands right before it.
    Answering how (`how`), a sentence saying what the code above it does is quoted with it."""
    folded = fold(best.text)
    if how and _POINTS_TO_CODE.match(folded) and (with_code := _with_code_above(best, budget)) is not best:
        return with_code
    if how and (with_code := _with_code_below(best, budget)) is not best:
        return with_code
    if how and (end := chain_below(best)) is not None and end - best.start <= budget:
        return dataclasses.replace(best, text=span_text(best.passage, (best.start, end)), end=end)
    if _points_back(folded):
        sentences = len(candidates)
    elif _POINTS_TO_THE_LAST.match(folded):
        sentences = 1
    else:
        return best
    first = best
    for _ in range(sentences):
        before = next((c for c in candidates if _runs_into(c, first, best.end)), None)
        if before is None or best.end - before.start > budget:
            break
        first = before
    if first is best:
        return best
    # Quoted from, and cited to, the passage that holds the whole span: of overlapping passages
    # of one document, the one starting at the sentence holds nothing before it.
    span = (first.start, best.end)
    quoted = span_text(first.passage, span)
    return dataclasses.replace(
        best, text=quoted, passage=first.passage, rank=first.rank, start=span[0], citations=(first.rank,)
    )


def _with_code_above(best: Evidence, budget: int) -> Evidence:
    """`best` quoted with the code block right above it in its passage, fences included, when
    the whole fits `budget`: 「上面的命令可以逐行读取文件」 says what that block does."""
    passage = best.passage
    above = passage.text[: best.start - passage.start].rstrip()
    if not above.endswith("\n" + FENCE):
        return best
    opening = above.rfind("\n" + FENCE, 0, len(above) - len(FENCE) - 1)
    start = passage.start + (opening + 1 if opening >= 0 else 0)
    if (opening < 0 and not above.startswith(FENCE)) or best.end - start > budget:
        return best
    return dataclasses.replace(best, text=span_text(passage, (start, best.end)), start=start)


def _with_code_below(best: Evidence, budget: int) -> Evidence:
    """`best` quoted with the code block right under it in its passage (fences included, at most
    CODE_BELOW_LINES lines), when the whole fits `budget`: 「为了保证脚本退出时临时文件被删除，可以使用
    trap命令指定退出时的清除操作。」 says how; the script under it is how."""
    passage = best.passage
    below = passage.text[best.end - passage.start :]
    if leaves_a_block_open(best.text) or not _HAN.search(best.text) or is_code(best):
        # A line of code, a lead-in quoted with its code, or a comment with its code (「## 只指定用户」
        # over 「COPY --chown=node . /app/」): the fence after it closes that block, it opens none.
        return best
    block = _BLOCK_BELOW.match(below) or _BLOCK_TO_THE_END.match(below)  # the passage ends inside: read on after
    too_long = block is not None and len(block.group(1).splitlines()) > CODE_BELOW_LINES
    if block is None or too_long or best.end + block.end() - best.start > budget:
        return best
    end = best.end + block.end()
    return dataclasses.replace(best, text=span_text(passage, (best.start, end)), end=end)


def _runs_into(before: Evidence, after: Evidence, end: int) -> bool:
    """`before` runs on into `after` (only whitespace between them) in a passage of their
    document that holds both, up to `end`."""
    passage = before.passage
    if before.doc_id != after.doc_id or before.end > after.start or passage.end < end:
        return False
    return not span_text(passage, (before.end, after.start)).strip()


def _points_back(folded: str) -> bool:
    """The text holds a word standing for what was said before it: not named in its own clause,
    nor earlier in the sentence (「…就已经有人类活动和定居了，这些古人类大多…」: what follows the
    word repeats two characters said before it)."""
    for match in _POINTS_BACK.finditer(folded):
        before = folded[: match.start()]
        clause = re.split(r"[，,。；;：:！？!?\n]", before)[-1]
        after = folded[match.end() : match.end() + REFERENT_CHARS]
        said = any(_HAN_PAIR.fullmatch(after[i : i + 2]) and after[i : i + 2] in before for i in range(len(after) - 1))
        if not _NAMED_IN_CLAUSE.search(clause) and not said:
            return True
    return False
