"""Contrast questions (营销和销售的区别): find the two sides and fill an aspect table.

Comparison articles are full of parallel statements — «市场是…；销售是…», «销售是把产品卖好，
营销是让产品好卖» — so each sentence is cut into clauses at 「；」 and 「，而」, and a clause that
opens with a side's name describes that side. A side's names are the question's word, its alias
group in the profile (kb/data/profile.toml), and the short names the retrieved text defines
(「客户服务（简称客服）」). A clause's aspect is the article's numbered label or heading (「1、目标不同：」
→ 目标; 「301 Moved Permanently：」 is no item 301), else the profile's cue words. Every cell is a
verbatim clause of a retrieved passage and carries its citation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from kb.answering import aspects as clause_forms
from kb.answering.aspects import DEFINITION_ASPECT, SideClause, common_words, lead_in_aspect, parallel_rows
from kb.answering.doc_tables import Beside, table_cells
from kb.answering.outline import compared_in_one_document, outline_cells
from kb.answering.sentence_quality import SECTION_NUMBER
from kb.answering.side_names import find_name, of_the_other_side, side_cores, side_names
from kb.ingest.chunk import BULLET, is_heading
from kb.language.text import comparable, fold, sentence_spans
from kb.types import CitedSpan, Contrast, ContrastRow, Hit

_CLAUSE_BREAK = re.compile(r"[；;]|[，,](?=而|但|则|相比之下)|。")
_CONNECTOR = re.compile(r"(?:而且|而|但是|但|则|那么|(?:相比之下|另外|同时|其次|首先|总之)[，,]?)")
_LABEL = re.compile(r"^[(（]?(?:[一二三四五六七八九十]+|\d{1,2})[)）、.．]?\s*([^：:]{1,12})[：:]")
# A heading that names an aspect: 「2、思考的角度不同」, 「三、目标上的区别」, 「衡量标准：」.
_ASPECT_HEADING = re.compile(
    r"^\s*(?:[(（]?[一二三四五六七八九十\d]+(?:\.\d+)?[)）、.．]\s*)?(.{1,10}?)(?:上|方面)?(?:的)?(?:不同|区别|差异|差别|之别|不一样)?\s*[：:]?\s*$"
)
_NUMBERED = re.compile(r"^\s*[(（]?[一二三四五六七八九十\d]+(?:\.\d+)?[)）、.．]")
_DIFFERENCE_WORDS = re.compile(r"不同|区别|差异|差别|之别|不一样")
MIN_CELL_CHARS, MAX_CELL_CHARS = 6, 90
# Bullets that slides and exports put before a line: private-use glyphs (U+F06E), ■, •, ➢ ….
_BULLET = re.compile(r"[\s\ue000-\uf8ff•·▪■□◆◇○●❖➢➤►▶√※*‒–-]*")
_ITEM_NUMBER = re.compile(r"\s*(?:[（(]\d{1,2}[)）]|\d{1,2}[、.．](?!\d)|[①-⑳])?\s*")
MIN_ROWS, MAX_ROWS = 1, 7  # a table has at least / at most this many rows
_WORDS = re.compile(r"[\u3400-\u9fff]|[A-Za-z]{2}")  # an aspect's name is words, not 「1.」
_QUOTE = "[`'\"“‘「『《【]?"  # a mark that may open a side's name: 「，`Hashtable` 是…」 (code in notes)
_CLOSING_MARKS = "`'\"”’」』》】 "  # after a side's name: 「`Cookie` 和 `Session` 都是…」 joins them
SIDE_WINDOW = 4  # a side's name must start within this many characters of the clause
TABLE_CELL_SCORE = 5.0  # a document's own table cell beats any clause under its aspect
MIN_TABLE_ROWS = 2  # rows of a document's table that make the whole contrast table


@dataclass(frozen=True)
class Aspect:
    """A row of contrast tables: its name and the cue words of clauses that speak to it."""

    name: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class ContrastVocabulary:
    """A profile's words for contrasts (the `[contrast]` table of kb/data/profile.toml), folded;
    `aliases` are groups of names for the same side, each listed longest first."""

    asking: tuple[str, ...]
    relating: tuple[str, ...]
    aliases: tuple[tuple[str, ...], ...]
    aspects: tuple[Aspect, ...]

    @property
    def asking_words(self) -> frozenset[str]:
        """Words that say what kind of answer is wanted (区别, 不同, 联系 …), not its subject."""
        return frozenset(self.asking + self.relating)


def _aspect_of_heading(heading: str, names: set[str]) -> str | None:
    """The aspect a numbered label or heading names (「2、思考的角度不同」 → 思考的角度), if
    any; a heading that names a side (「营销与销售的区别」) names no aspect."""
    if not (_NUMBERED.match(heading) or _DIFFERENCE_WORDS.search(heading)):
        return None
    match = _ASPECT_HEADING.match(heading)
    name = match.group(1).strip() if match else ""
    if not 2 <= len(name) <= 8 or not _WORDS.search(name) or _DIFFERENCE_WORDS.search(name):
        return None
    if any(n in name for n in names):
        return None
    return name


def _section_headings(text: str) -> list[tuple[int, str]]:
    """(position, folded text) of the heading lines inside a passage text."""
    return [(s, fold(text[s:e])) for s, e in sentence_spans(text) if is_heading(text, s, e)]


def _clauses(text: str, s: int, e: int, breaks: re.Pattern[str] = _CLAUSE_BREAK) -> Iterator[tuple[int, int]]:
    """(start, end) of the clauses of the sentence text[s:e]: pieces cut at ；, ，而 and 。 (or
    `breaks`), connectors stripped."""
    cursor = s
    for brk in list(breaks.finditer(text, s, e)) + [None]:
        end = brk.start() if brk else e
        start = _skip(_BULLET, text, _skip(_CONNECTOR, text, cursor, end), end)
        if end > start:
            yield start, end
        cursor = brk.end() if brk else e


def _skip(pattern: re.Pattern[str], text: str, start: int, end: int) -> int:
    """Where text[start:end] goes on after what `pattern` matches at its start."""
    match = pattern.match(text, start, end)
    return match.end() if match else start


def _is_title(text: str, s: int, e: int) -> bool:
    """A heading or slide title, never a cell: a numbered section line (「1.3 接口」), a short
    line of its own that states nothing (「接口的定义与使用」: no predicate), or a bulleted
    label over its dashed items (「• 静态路由选择策略」: is_heading only takes such a bullet)."""
    line = text[s:e]
    if SECTION_NUMBER.match(line):
        return True
    return is_heading(text, s, e) and (not clause_forms.says_something(line) or BULLET.match(line) is not None)


def profile_knows(sides: list[str], vocabulary: ContrastVocabulary) -> bool:
    """The profile's aspects are for its subject: they apply when it names a side (in
    `[contrast.aliases]`). Elsewhere their cue words mislead (the marketing aspect 方法 on a
    Java 「方法」)."""
    return any(side in group for group in vocabulary.aliases for side in sides)


def _opening(body: str, names: tuple[str, ...], cores: tuple[str, ...] = ()) -> tuple[int, int] | None:
    """(position, length) of the earliest of a side's names, if within the opening window; a
    core name (see side_cores) only where it opens the body: 「口令是动态变化的」 is not about 动态转储."""
    found = [(at, -len(n)) for n in names if 0 <= (at := find_name(body, n)) <= SIDE_WINDOW]
    found += [(0, -len(c)) for c in cores if find_name(body, c) == 0]
    if not found:
        return None
    position, negative_length = min(found)
    return position, -negative_length


def _side_of(
    body: str, names: list[tuple[str, ...]], asking: tuple[str, ...], cores: Sequence[tuple[str, ...]] = ((), ())
) -> int | None:
    """Which side a clause body is about: the one whose name opens it. A body that joins both
    sides (「市场营销和销售虽然…」) or talks about the difference itself (区别, 不同 …) describes
    neither."""
    if any(word in body for word in asking):
        return None
    found = (_opening(body, n, c) for n, c in zip(names, cores))
    openings = sorted((o, i) for i, o in enumerate(found) if o is not None)
    if not openings:
        return None
    (position, length), side = openings[0]
    if body[position + length :].lstrip(_CLOSING_MARKS)[:1] in {"和", "与", "及", "、", "跟", "同"}:
        return None
    return side


def _aspect(body: str, label: str, sides: list[tuple[str, ...]], aspects: tuple[Aspect, ...]) -> str | None:
    """The aspect a clause speaks to: a generic aspect whose cue it (or its label) holds, else
    the aspect its label or heading names. Cues that are a side's own name do not count
    (comparing 战略 and 战术, 「战略」 says nothing about the aspect)."""
    names = {n for group in sides for n in group}
    for aspect in aspects:
        if any(c not in names and (c in label or (not label and c in body)) for c in aspect.cues):
            return aspect.name
    named = _aspect_of_heading(label, names) if label else None
    if named:
        return named
    for aspect in aspects:
        if any(c in body and c not in names for c in aspect.cues):
            return aspect.name
    return None


@dataclass(frozen=True)
class _Sides:
    """How clauses are told apart by side: every name of each side (longest first), the
    shorter cores they share a head or tail without, the profile's aspects that apply, the
    words asking about the difference, where a sentence is cut into clauses, the index's tokenizer."""

    names: list[tuple[str, ...]]
    cores: list[tuple[str, ...]]
    aspects: tuple[Aspect, ...]
    asking: tuple[str, ...]
    breaks: re.Pattern[str]
    tokenize: Callable[[str], Sequence[str]] | None = None


@dataclass
class _Statements:
    """What the retrieved passages state about each side, gathered clause by clause: cells by
    (aspect, side) with their scores, aspects in the order met, clauses on no named aspect (for
    parallel rows), and every sentence (folded)."""

    by_aspect: dict[tuple[str, int], list[tuple[float, CitedSpan]]]
    order: list[str]
    unplaced: list[tuple[SideClause, CitedSpan]]
    sentences: list[str]


def build_contrast(
    sides: Sequence[str] | None,
    hits: list[Hit],
    vocabulary: ContrastVocabulary,
    min_rows: int = MIN_ROWS,
    tokenize: Callable[[str], Sequence[str]] | None = None,
    subject: Callable[[Iterable[str]], set[str]] | None = None,
    beside: Beside | None = None,
) -> Contrast | None:
    """Fill the aspect table from the hits' passages; None when fewer than min_rows rows fill.
    Rows come first from the documents' own tables that compare the sides (doc_tables.py;
    `beside` reads the passages around a retrieved one), then from the profile's aspects (when it
    names a side), the corpus's numbered labels, headings and lead-ins, and, with `tokenize` (the
    index's analyzer), parallel statements (aspects.py); a row needs a statement about its aspect
    from each side. `subject`: of some words, those the whole index is about (aspects.subject_words)."""
    if not sides or len(sides) < 2:
        return None
    texts = [fold(h.passage.text) for h in hits]
    names = [
        side_names(side, texts, other, vocabulary.aliases)
        for side, other in ((sides[0], sides[1]), (sides[1], sides[0]))
    ]
    cores = side_cores(list(sides))
    aspects = vocabulary.aspects if profile_knows(list(sides), vocabulary) else ()
    read = _Sides(names, cores, aspects, vocabulary.asking, _clause_breaks(names, cores), tokenize)
    found = _side_statements(hits, read)
    for outlined in compared_in_one_document(outline_cells(hits, names, tokenize)):
        rank, text = outlined.cell.citations[0], fold(outlined.cell.text)
        if outlined.aspect is None:
            statement = SideClause(outlined.side, text, text, -1, _cell_score(rank, False, len(text)))
            found.unplaced.append((statement, outlined.cell))
        else:
            _file(found, outlined.aspect, outlined.side, _cell_score(rank, True, 0), outlined.cell)
    tabled = table_cells(hits, names, beside)
    for cell in tabled:
        _file(found, cell.aspect, cell.side, TABLE_CELL_SCORE, cell.cell)
    first = list(dict.fromkeys(cell.aspect for cell in tabled))
    found.order = first + [aspect for aspect in found.order if aspect not in first]
    rows, used_text = _aspect_rows(found, len(sides))
    if tokenize is not None:
        all_names = {n for group in names for n in group}
        common = common_words(found.sentences, tokenize)
        if subject is not None:
            said = {word for clause, _ in found.unplaced for word in tokenize(clause.body)}
            common |= subject(said)
        rows += parallel_rows(found.unplaced, tokenize, all_names, common, {row.aspect for row in rows}, used_text)
    rows = clause_forms.distinct_rows([row for row in rows if not of_the_other_side(row, names)])
    from_tables = [row for row in rows if row.aspect in first]
    rows = (from_tables if len(from_tables) >= MIN_TABLE_ROWS else rows)[:MAX_ROWS]  # the document's table says it all
    return Contrast(list(sides), rows) if len(rows) >= min_rows else None


def _clause_breaks(names: list[tuple[str, ...]], cores: list[tuple[str, ...]]) -> re.Pattern[str]:
    """Where a sentence is cut into clauses: 「；」, 「，而」 …, and also before a side's name: after
    a comma (「抽象类表达的是…，接口表达的是…」 parts two statements), or after a space on a slide
    (「…<> 选择（续） 选择运算是…」: lines run together) unless the name is Latin, which prose
    sets apart by spaces (「由于没有 binlog 日志…」)."""
    every_name = "|".join(re.escape(n) for group in [*names, *cores] for n in group)
    chinese_names = "|".join(re.escape(n) for group in [*names, *cores] for n in group if not n[:1].isascii())
    after_a_comma = f"[，,](?=\\s*{_CONNECTOR.pattern}?\\s*{_QUOTE}(?:{every_name}))"
    before_a_side = f"{after_a_comma}|(?<=\\S)\\s+(?={_BULLET.pattern}(?:{chinese_names or '(?!)'}))"
    return re.compile(f"{_CLAUSE_BREAK.pattern}|{before_a_side}|\\s*[\\ue000-\\uf8ff]", re.IGNORECASE)


def _side_statements(hits: list[Hit], sides: _Sides) -> _Statements:
    """Every clause of the hits' sentences that opens with a side's name and states something,
    placed under its aspect when it has one (titles and headings are never cells)."""
    found = _Statements({}, [aspect.name for aspect in sides.aspects], [], [])
    names_side = _side_naming(sides)
    coreless = replace(sides, cores=[(), ()])
    for hit in hits:
        p = hit.passage
        headings = _section_headings(p.text)
        here = sides if names_side(fold(f"{p.title}\n{p.heading}\n{p.text}")) else coreless
        line_lead: tuple[str, int] | None = None
        for sentence_start, sentence_end in sentence_spans(p.text):
            found.sentences.append(fold(p.text[sentence_start:sentence_end]))
            if _is_title(p.text, sentence_start, sentence_end):
                continue
            lead, line_lead = _lead(p.text, (sentence_start, sentence_end), line_lead, sides)
            for s, e in _clauses(p.text, sentence_start + (lead[1] if lead else 0), sentence_end, here.breaks):
                _place_clause(found, here, hit, headings, (s, e), lead)
    return found


def _lead(
    text: str, sentence: tuple[int, int], line_lead: tuple[str, int] | None, sides: _Sides
) -> tuple[tuple[str, int] | None, tuple[str, int] | None]:
    """The aspect a sentence's lead-in or label names (aspects.lead_in_aspect) and where its
    statement begins, and the lead of its line so far: a label holds for the whole line
    (「设计目的：接口主要用于…。抽象类主要用于…」). A label naming a side (「HashMap：数组+链表」,
    「HAVING短语：…」 by its core) is that side's own statement (outline.py), no aspect."""
    start, end = sentence
    if start and not text[:start].rstrip(" \t").endswith("\n"):
        return ((line_lead[0], 0) if line_lead else None), line_lead
    lead = lead_in_aspect(fold(text[start:end]))
    if lead and any(
        any(name in lead[0] for name in names) or lead[0].startswith(cores)
        for names, cores in zip(sides.names, sides.cores)
    ):
        lead = None
    return lead, lead


def _side_naming(sides: _Sides) -> Callable[[str], bool]:
    """Whether a passage lets a side's core name the side: where it names a side in full or
    holds what the cores leave out. 「投影操作主要是从列的角度进行运算」 is about 投影运算;
    「静态文档是指…」 on a page about the web, naming no 路由选择, is not about 静态路由选择."""
    full = [name for group in sides.names for name in group]
    rests = {
        rest
        for group, cores in zip(sides.names, sides.cores)
        for core in cores
        for name in group
        if core in name and (rest := name.replace(core, "", 1))
    }
    return lambda passage: any(name in passage for name in full) or any(rest in passage for rest in rests)


def _place_clause(
    found: _Statements,
    sides: _Sides,
    hit: Hit,
    headings: list[tuple[int, str]],
    span: tuple[int, int],
    lead: tuple[str, int] | None,
) -> None:
    """File the clause p.text[s:e] as a cell under its aspect, or as a statement on no named
    aspect, if it is about one side and states something."""
    p = hit.passage
    s, e = span
    label = _LABEL.match(fold(p.text[s:e]))
    if label:  # 「1、对象不同：市场的对象是…」: the label names the aspect, the rest is the cell
        s += label.end()
    else:  # 「（1）选择运算应尽可能先做」: the item's number is not part of the statement
        s = _skip(_ITEM_NUMBER, p.text, s, e)
    body = fold(p.text[s:e])
    if not MIN_CELL_CHARS <= e - s <= MAX_CELL_CHARS or not _stands_as_a_cell(body):
        return
    side = _side_of(body, sides.names, sides.asking, sides.cores)
    if side is None:
        return
    heading = next((h for position, h in reversed(headings) if position < s), fold(p.heading))
    label_text = label.group(0) if label else heading
    glossed = any(body.startswith(f"【{n}】") for n in sides.names[side])  # 「【挂糊】烹饪前将原料…的工艺」
    aspect = _aspect(body, label_text, sides.names, sides.aspects) or (lead[0] if lead else None)
    score = _cell_score(hit.rank, label is not None, e - s)
    cell = CitedSpan(p.text[s:e], (hit.rank,), p.doc_id, p.start + s, p.start + e)
    opening = _opening(body, sides.names[side], sides.cores[side])
    after = body[sum(opening) :] if opening else body
    if not sides.aspects and not clause_forms.says_something(after, sides.tokenize) and not glossed:
        return  # 「1. 选择 2. 投影 3. 连接」, 「HAVING <条件表达式>」: no statement
    aspect = DEFINITION_ASPECT if glossed and aspect is None else aspect
    if aspect is None:
        found.unplaced.append((SideClause(side, body, after, len(found.sentences), score), cell))
        return
    _file(found, aspect, side, score, cell)


def _stands_as_a_cell(body: str) -> bool:
    """Not a question (「Cookie 的作用是什么？」) nor cut in brackets (「Cookie 保存 …），所以…」, 「…《Base: An」)."""
    cut = any(body.count(a) != body.count(b) for a, b in ("()", "（）", "《》"))
    return not cut and not body.rstrip().endswith(("？", "?"))


def _cell_score(rank: int, labelled: bool, length: int) -> float:
    """How good a cell is: better-ranked passages first; labelled statements are the clearest."""
    return 1.0 / (1 + 0.2 * (rank - 1)) + (0.5 if labelled else 0.0) - (0.3 if length > 60 else 0.0)


def _file(found: _Statements, aspect: str, side: int, score: float, cell: CitedSpan) -> None:
    """Keep a cell under its aspect and side."""
    if aspect not in found.order:
        found.order.append(aspect)
    found.by_aspect.setdefault((aspect, side), []).append((score, cell))


def _aspect_rows(found: _Statements, sides: int) -> tuple[list[ContrastRow], set[str]]:
    """A row per aspect with a cell for every side (the best-scored, from an article not yet cited
    where possible, no text used twice, none saying what another does), and the texts used."""
    rows: list[ContrastRow] = []
    used_docs: set[str] = set()
    used_text: set[str] = set()
    for aspect in found.order:
        cells: list[CitedSpan] = []
        for side in range(sides):
            options = [
                (score + (0.6 if cell.doc_id not in used_docs else 0.0), cell)
                for score, cell in found.by_aspect.get((aspect, side), [])
                # 「…注意安全」 and 「…注意安全。」 say one thing of both sides (not 「…八小时」, 「…四小时」)
                if cell.text not in used_text and comparable(cell.text) not in map(comparable, (c.text for c in cells))
            ]
            if not options:
                break
            cells.append(max(options, key=lambda o: o[0])[1])
        if len(cells) == sides:
            rows.append(ContrastRow(aspect, cells))
            used_docs.update(c.doc_id for c in cells)
            used_text.update(c.text for c in cells)
    return rows, used_text
