"""Whether a span can stand on its own as an answer sentence.

Scraped and exported documents hold spans that read as junk when quoted alone: a section
number with its heading glued on (「2.2 销售是营销的最终目标营销和…」), a stray list item
(「2、全面掌握…」) without the sentence that introduces the list, a wrap-up or a pointer to
elsewhere (「总之，看了这么多…」, 「下面我们来看看…」, 「再单独说一下…」, 「详见…」), a fragment cut
mid-clause (「，而且…」), or a clause ending in 「：」 whose list is not quoted. The answer never
leads with one of these and `kb eval`/bench_quality count them. The patterns name the *form*
of Chinese discourse (numbering, discourse markers), not any subject's words.
"""

from __future__ import annotations

import re

from kb.formats import CELL_SEPARATOR
from kb.ingest.chunk import BULLET, unbulleted
from kb.language.code import FENCE, only_boilerplate, reads_as_prose, typed_at_prompt
from kb.language.statements import asks_something, names_a_topic, states_something

# A multi-level section number, or a chapter/part marker, at the start: 「2.2 」, 「第三章」.
SECTION_NUMBER = re.compile(r"^\s*(?:\d{1,2}(?:[.．]\d{1,2})+[.．]?|第[一二三四五六七八九十百\d]+[章节部分篇])\s*")
# A list item's marker at the start of a line or span: 「2、」, 「(3)」, 「三、」, 「④」.
ITEM_MARKER = re.compile(r"^\s*(?:[（(]?(\d{1,2})[)）、.．](?!\d)|[（(]?([一二三四五六七八九十]{1,3})[)）、]|([①-⑳]))")
# Discourse markers that sum up or point elsewhere: they never answer by themselves.
WRAP_UP = re.compile(
    r"^\s*(?:总之|总而言之|综上|总的来说|总结一下|最后总结|看了这么多|说了这么多|本文|本篇|本章|本节|本专题|下面(?:我们|就|来|将)|接下来|"
    # A text telling what it tells: 「这篇文章主要介绍…」, 「这篇专题会带你…」.
    r"这篇[^，,。；;]{0,8}?(?:主要|将|会|就|来|重点)?(?:介绍|讲|聊|说|带|梳理|总结|分享|分析)|"
    r"我们来看|我们先来|让我们|那么下面|今天(?:我们|就)|小编|欢迎关注|扫码|点击(?:关注|阅读|查看|下载)|"
    r"(?:这里|下面|再|最后|顺便)(?:单独|简单|重点|格外|额外|专门)?(?:说|讲|聊|提)一下|"
    r"(?:下面|接下来|这里)[^，,。；;！？!?]{0,40}?(?:聊聊|说说|看看|谈谈|讲讲|聊一聊|说一说|看一看|谈一谈|讲一讲)[。！!]?$|"
    r"[^，,；;。]*(?:画了|做了|整理了|绘制了)[一两几]?[张幅][^，,；;。]*图[^，,；;。]*[。！!]?$|"
    r"详见|参见|请参考|可以参考|推荐阅读|相关阅读|延伸阅读|更多(?:内容|细节|信息)?(?:请|可以)?(?:见|看|参考))"
)
# A sentence sending the reader to another text: 「关于 Redis Cluster 的详细介绍，可以查看这篇文章…」.
SENDS_ELSEWHERE = re.compile(
    r"(?:查看|阅读|参考|参阅|看看|看一下|看)(?:一下)?(?:这|那|笔者的?|我的|我写的)(?:篇|本|份|个)?(?:文章|博客|教程|专栏)"
)
# A sentence about the question, not its answer: 「我觉得这个问题很大，没有标准答案」, 「这个问题见仁见智」.
ABOUT_THE_QUESTION = re.compile(
    r"^(?:我觉得|我认为|其实)?[，,]?(?:这个|这一)问题(?:很大|太大)(?!程度)|没有(?:标准|统一|唯一)的?答案|见仁见智|众说纷纭"
)
# A clause that only says where something is told later: 「下面在我们分析 ArrayList 扩容时会讲到这一
# 点内容！」 (not 「下面的代码会分析…」, which describes). As a sentence's first clause it is all the
# sentence says; a later clause may say more (「…使用 2 的幂作为哈希表的大小，后面会介绍到为什么」).
POINTS_AHEAD = re.compile(
    r"^[^，,。；;！？!?]*(?:后面|下面|下文|后文|稍后)(?!的)[^，,。；;！？!?]{0,30}?(?:会|将|再)(?:详细)?"
    r"(?:讲到|讲|介绍|提到|说到|谈到|讲解|分析|说明)"
)
# A reading list's entry that says what a text covers: its title (named as a text: 详解, 总结,
# 入门 …), a colon, a verb of telling or learning (「SSO 单点登录详解：讲解统一认证中心、CAS 协议…」) — what
# the text says is elsewhere. Not a person who tells (讲解员).
DESCRIBES_A_TEXT = re.compile(
    r"^[^，,。；;！？!?：:]{0,28}(?:详解|总结|概述|入门|指南|教程|简介|笔记|解读|分析|汇总|专题|基础|原理)\s*[：:]"
    r"\s*(?:讲解|介绍|梳理|解释|概述|总结|涵盖|分析|带你|理解|了解|掌握|搞懂|弄懂)(?![员师者])"
)
# A text's title naming what it covers (「一致性哈希算法详解：哈希环、虚拟节点、数据倾斜与分布式缓存
# 应用」): a kind of text, a colon, a list of topics and no statement.
TITLE_OF_A_TEXT = re.compile(
    r"^[^，,。；;！？!?：:]{0,28}(?:详解|总结|概述|入门|指南|教程|简介|笔记|解读|汇总|专题)\s*[：:]"
    r"[^，,。；;！？!?：:]*、[^，,。；;！？!?：:]*。?$"
)
# A span that starts inside a clause: with a clause mark or a closing bracket or quote.
# A span opening where a clause continues: its punctuation, or a connective that needs the
# subject before it (「则是按照分布式算法…」, 「而是…」).
MID_CLAUSE = re.compile(r"^\s*(?:[，,、；;：:）)」』”’]|则|而是)")
OPENS_A_LIST = re.compile(r"[：:]\s*$")
# A sentence ending as a question does: a question mark, or 吗/呢 before its stop.
_ENDS_ASKING = re.compile(r"(?:[？?]|[吗呢嗎][。.！!]?)[”」』\"')）]*\s*$")
CLAUSE_MARKS = re.compile(r"[。！？!?；;…，,、：:]")
HEADING_CHARS = 20  # a span this short with no punctuation at all is a heading
# A slide's term on its line and the line of 8 characters or more under it that defines it
# (「动态转储\n转储操作与用户事务并发进行」): a definition, however short, not a heading.
_TERM_AND_DEFINITION = re.compile(r"[^\n]+\n\s*[^\n]{8,}")
CODE_CHARS = re.compile(r"[(){}\[\]=<>]")  # a short line with these is code (`x = y + 1`), not a heading
_FIRST_NUMBERS = {"1", "一", "①"}
# A section number inside a span: two or more make it a table of contents
# (「数据结构及形式化定义 2.1.1 关系 2.1.2 关系模式」), not a statement.
_INNER_SECTION_NUMBER = re.compile(r"(?:^|\s)[1-9]\d?(?:[.．]\d{1,2})+[.．]?\s")
# Numbered items run together on one line without a comma between them: a slide's outline
# (「静态转储与动态转储 （2）海量转储与增量转储 （3）转储方法小结」); one to a line they are a list.
_INNER_ITEM_NUMBER = re.compile(r"[（(]\d{1,2}[)）]")
_PHRASE_MARKS = re.compile(r"[，,、；;：:]")
# A Latin name, then a preposition or an auxiliary: what the name does (「Applet在浏览器中作为一个线程
# 执行」), a statement however short — a title names it with 的 (「Applet的生命周期」).
_NAMED_THEN_PLACED = re.compile(r"[A-Za-z][\w.]*(?:\(\))?\s*(?:在|被|把|将|由|向|从|会|能|可以|只能|必须)")
_ENDS_ON_WHAT = re.compile(r"的[\u4e00-\u9fff]{1,4}$")  # 「Java在企业中的应用」 names what, a title
# A contents line ends no sentence: 「…Redis 在 4.0 之后…。不过，Redis 4.0 增加的…」 numbers versions.
_SENTENCE_END = re.compile(r"[。！？!?]")
# Something to read: a Chinese character or a Latin word of three letters or more. A table's
# header row laid out in columns (「R.A  R.B  S.C」) has neither; a code line (`x = 1`) is not
# laid out in columns.
_WORDS = re.compile(r"[\u3400-\u9fff]|[A-Za-z]{3}")
_COLUMN_GAP = re.compile(r"\S\s{2,}(?=\S)")
# Words set apart in columns by wide gaps, with no clause mark on the line: a figure's labels
# (「静态转储          运行事务           ↓」) or a table's row, not a statement.
_WIDE_GAP = re.compile(r"\S[ \t\u3000]{3,}(?=\S)")
# Lines drawn with characters: box drawing, arrows, runs of dashes (「┴－－－－┴─〉」, 「+-----+----+」).
_DRAWING = re.compile(r"[\u2500-\u257f\u2190-\u21ff]|[-－=＝_+|*.·…]{3,}")
DRAWING_SHARE = 0.3  # a span this much drawn is a figure, not a sentence
# A line of a directory tree (「│   └── rustsbi-qemu.bin(可运行在 qemu 虚拟机上的…)」): a file's place
# and a note on it, drawn; it answers no question by itself.
_TREE_BRANCH = re.compile(r"^[│|\s]*[├└]──")
# Topics listed in one line (a slide's 「重点」 or 「难点」): three or more names, no statement.
_TOPIC_SEPARATORS = re.compile(r"[，,、；;]")
MIN_TOPICS = 3
# A term and its gloss, a slide's title: 「强制存取控制（Mandatory Access Control，简称 MAC）」 (not
# 「启用一个专用的审计日志（Audit Log）」, a phrase: 的 joins it).
_TERM_AND_GLOSS = re.compile(r"[^\s，,。；;：:的（）]{2,10}\s*（[^（）]*(?:[A-Za-z]|简称)[^（）]*）")
# A table row of bare names (a keyword table's 「short | static | super | switch」, a header's
# 「方面 | 营销 | 销售」): three or more cells of one word each, no figure among them. A row of
# data (「int | 32 | －2147483648 ~2147483647」) or of statements says something.
_BARE_NAME = re.compile(r"[A-Za-z_\u3400-\u9fff]{1,12}")
MIN_NAME_CELLS = 3
# A line of one word: a Latin name (with its kind: 「HashMap类」) or up to four Chinese characters (「优点」).
_ONE_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*[\u3400-\u9fff]{0,2}|[\u3400-\u9fff]{1,4}")
# A short claim: a subject, a copula and what it is (「营销是一个系统」, a clause quoted on its own).
_SHORT_CLAIM = re.compile(r"[\u3400-\u9fff]{2,}(?:是|就是|只是|即|为)[\u3400-\u9fff]{2,}")


# A line of a diagram's source (Mermaid, PlantUML): an arrow between nodes (「C2 --> C3」), a node
# with its quoted label (「Note1["任意一条消息<br/>只需…"]」), a line break written as markup, or a
# statement of its layout. An HTML comment's 「-->」 is no arrow.
_DIAGRAM = re.compile(
    r"-{2,}>|={2,}>|-\.+->|->>|<br\s*/?>|^\s*\w+\s*[\[({]{1,2}\"[^\"]*\"[\])}]{1,2}\s*$"
    r"|^\s*(?:subgraph|classDef|style|direction|participant|flowchart|graph (?:TB|TD|BT|RL|LR)|sequenceDiagram)\b",
    re.MULTILINE,
)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A link, and the most a title before it holds in a reading list's entry (no statement).
_URL = re.compile(r"(?:https?://|www\.)[^\s）)」\]]+")
REFERENCE_TITLE_CHARS = 40
# A picture's credit, ending in its licence: 「CT窗宽窗位对比（肺窗）：Wikimedia Commons - …，CC BY-SA 4.0」.
_CREDIT = re.compile(r"(?:\bCC[ -]?(?:BY|0)\b|Public Domain|公有领域)[\w .,-]*$", re.IGNORECASE)


def item_number(text: str) -> str | None:
    """The number of the list item a span starts with (「2、…」 → "2"), or None."""
    match = ITEM_MARKER.match(text)
    if not match:
        return None
    return next(group for group in match.groups() if group)


def _drawn(text: str) -> bool:
    """Drawn more than written (DRAWING_SHARE), or a branch of a directory tree."""
    drawn = sum(len(m) for m in _DRAWING.findall(text)) >= DRAWING_SHARE * len("".join(text.split()))
    return drawn or _TREE_BRANCH.match(text) is not None


def _names_a_source(text: str) -> bool:
    """A reading list's entry (「Redis AOF 持久化详解 - 程序员历小冰：http://…」; not a command
    fetching one: 「$ git clone https://…」), a text's title or a picture's credit (_CREDIT)."""
    listed = (
        _URL.search(text) and len(_URL.sub("", text).strip()) <= REFERENCE_TITLE_CHARS and not typed_at_prompt(text)
    )
    return bool(listed or _CREDIT.search(text) or DESCRIBES_A_TEXT.match(text) or TITLE_OF_A_TEXT.match(text))


def junk_reason(text: str) -> str | None:
    """Why this span cannot be quoted on its own (a short English tag), or None if it can.

    A span that is a whole list (its first item numbered 1 or its lead-in first) is fine;
    so is a heading number followed by a real sentence once split off (see text.sentence_spans).
    """
    stripped = text.strip()
    if not stripped:
        return "empty"
    if SECTION_NUMBER.match(stripped) and len(SECTION_NUMBER.sub("", stripped)) > 0:
        return "heading"
    if (len(_INNER_SECTION_NUMBER.findall(stripped)) >= 2 and not _SENTENCE_END.search(stripped[:-1])) or (
        len(_INNER_ITEM_NUMBER.findall(stripped)) >= 2 and not _PHRASE_MARKS.search(stripped) and "\n" not in stripped
    ):
        return "contents"
    if not _WORDS.search(stripped) and len(_COLUMN_GAP.findall(stripped)) >= 2:
        return "table header"
    if only_boilerplate(stripped):
        return "boilerplate"
    if _names_a_source(stripped):
        return "reference"
    if _DIAGRAM.search(_HTML_COMMENT.sub("", stripped)):
        return "diagram"
    if _drawn(stripped):
        return "drawing"
    if "\n" not in stripped and len(_WIDE_GAP.findall(stripped)) >= 2 and not CLAUSE_MARKS.search(stripped):
        return "figure labels"
    if opens_past_the_first_item(stripped):
        return "stray item"
    if WRAP_UP.match(stripped) or POINTS_AHEAD.match(stripped) or SENDS_ELSEWHERE.search(stripped):
        return "wrap-up"
    if ABOUT_THE_QUESTION.search(stripped):
        return "about the question"
    if MID_CLAUSE.match(stripped):
        return "mid-clause"
    if "\n" not in stripped and _ENDS_ASKING.search(stripped):
        return "question"  # 「…第 2 条 SQL 查询条件右边加了引号为什么还能用上索引呢。」: it asks, it answers nothing
    if dangling := _dangling(stripped):
        return dangling
    if _TERM_AND_GLOSS.fullmatch(stripped) or _labels_one_word(stripped):
        return "heading"
    if all(_names_only(line) for line in stripped.split("\n")):
        return "table of names"
    topics = _TOPIC_SEPARATORS.split(stripped)
    if len(topics) >= MIN_TOPICS and all(names_a_topic(topic.strip()) for topic in topics if topic.strip()):
        return "contents"  # a slide's 「重点」: 「访问控制，实例成员和类成员，重载和覆盖」 names topics, says nothing
    if (
        len(stripped) <= HEADING_CHARS
        and not _TERM_AND_DEFINITION.fullmatch(stripped)
        and not CLAUSE_MARKS.search(stripped)
        and not CODE_CHARS.search(stripped)
        and not (FENCE in stripped or typed_at_prompt(stripped))  # a block's end, a command (「$ ls」)
        and not (_NAMED_THEN_PLACED.match(stripped) and not _ENDS_ON_WHAT.search(stripped))
        and not states_something(stripped)
        and not (_SHORT_CLAIM.fullmatch(stripped) and not asks_something(stripped))
    ):
        return "heading"  # 「市场营销和销售的含义」: a title, not a statement
    return None


def _names_only(line: str) -> bool:
    """A table row (cells joined by CELL_SEPARATOR) of MIN_NAME_CELLS or more bare names."""
    cells = line.strip().split(CELL_SEPARATOR.strip())
    return len(cells) >= MIN_NAME_CELLS and all(_BARE_NAME.fullmatch(cell.strip()) for cell in cells)


def _labels_one_word(span: str) -> bool:
    """A slide's label over a bulleted item of one word (「• 分布式（distributed）」 / 「– Applet」):
    a list cut short, not a statement."""
    lines = span.split("\n")
    return len(lines) == 2 and bool(BULLET.match(lines[1])) and bool(_ONE_WORD.fullmatch(unbulleted(lines[1]).strip()))


def _dangling(span: str) -> str | None:
    """What a span introduces and leaves out: 「聚簇索引和非聚簇索引：」 over nothing (its picture
    gone) but the next section's title question, 「使用 UID/GID\n\n```」 over a listing's opening
    fence only."""
    first_line, *other_lines = span.split("\n")
    if OPENS_A_LIST.search(first_line) and all(
        line.strip().endswith(("？", "?")) for line in other_lines if line.strip()
    ):
        return "dangling colon"
    return "dangling block" if ends_opening_a_block(span) else None


def ends_opening_a_block(span: str) -> bool:
    """The span ends on a fence that opens a block, not one closing it: no block is whole in it
    and the line before that fence is Chinese prose, not code or its comment (code.reads_as_prose)."""
    span = span.rstrip()
    if not span.endswith(FENCE) or span.count(FENCE) % 2 == 0:
        return False
    return reads_as_prose(span[: -len(FENCE)].rstrip().rsplit("\n", 1)[-1].strip())


def opens_past_the_first_item(text: str) -> bool:
    """Whether a span opens with a list item numbered past the first (「2、全面掌握…」): alone, a
    stray item of a list whose opening is elsewhere."""
    number = item_number(text.strip())
    return number is not None and number not in _FIRST_NUMBERS
