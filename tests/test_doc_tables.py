"""Comparisons answered from the documents' own tables and labelled lists of differences:
technical notes compare in tables (「对比维度 | 静态代理 | 动态代理」) and in items labelled by
aspect (「线程是否安全：HashMap 是…，Hashtable 是…」)."""

from kb.answering.contrast import build_contrast
from kb.profile import default_profile
from kb.types import Hit, Passage

VOCABULARY = default_profile().contrast
TOKENIZE = default_profile().analyzer.tokenize

# A Markdown table as ingest writes it (cells joined by 「 | 」, the header rule left blank), cut
# between two passages of one document: the header in the first, the rows in the second.
_BEFORE = "静态代理和动态代理的对比\n\n对比维度 | 静态代理 | 动态代理\n"
_ROWS = (
    "\n代理关系确定时机 | 编译期 | 运行时（动态生成代理类字节码）\n"
    "实现方式 | 手动编写代理类，一对一绑定 | 无需手动编写代理类，一对多复用\n"
    "接口依赖 | 必须实现接口 | 支持代理接口或直接代理实现类"
)
HEADER = Passage(4, "proxy", "代理", "proxy.md", 0, len(_BEFORE), _BEFORE)
ROWS = Passage(5, "proxy", "代理", "proxy.md", len(_BEFORE), len(_BEFORE) + len(_ROWS), _ROWS)
OTHER = Passage(6, "other", "别的", "other.md", 0, 10, "另一份文档的开头。")


def _beside(passage, step):
    """The neighbours of the proxy notes' passages, as Answerer.beside reads them."""
    neighbours = {(5, -1): HEADER, (4, 1): ROWS, (5, 1): OTHER}
    return neighbours.get((passage.id, step))


def _rows(table):
    return {row.aspect: [cell.text for cell in row.cells] for row in table.rows}


def test_a_document_s_table_whose_header_names_the_sides_gives_the_rows():
    table = build_contrast(["静态代理", "动态代理"], [Hit(1, 1.0, ROWS)], VOCABULARY, tokenize=TOKENIZE, beside=_beside)
    assert table is not None
    assert _rows(table) == {
        "代理关系确定时机": ["编译期", "运行时（动态生成代理类字节码）"],
        "实现方式": ["手动编写代理类，一对一绑定", "无需手动编写代理类，一对多复用"],
        "接口依赖": ["必须实现接口", "支持代理接口或直接代理实现类"],
    }
    for cell in (cell for row in table.rows for cell in row.cells):  # verbatim, citing the passage
        assert cell.citations == (1,) and ROWS.text[cell.start - ROWS.start : cell.end - ROWS.start] == cell.text


def test_without_its_header_a_table_compares_nothing():
    table = build_contrast(["静态代理", "动态代理"], [Hit(1, 1.0, ROWS)], VOCABULARY, tokenize=TOKENIZE)
    assert table is None or "实现方式" not in _rows(table)


def test_a_table_whose_rows_are_the_sides_gives_a_row_per_column():
    text = (
        "类型 | 优点 | 缺点\n静态转储 | 实现简单 | 降低了数据库的可用性\n"
        "动态转储 | 不用等待事务结束 | 不能保证副本正确有效"
    )
    hit = Hit(1, 1.0, Passage(1, "dump", "转储", "dump.docx", 0, len(text), text))
    table = build_contrast(["静态转储", "动态转储"], [hit], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None
    assert _rows(table) == {
        "优点": ["实现简单", "不用等待事务结束"],
        "缺点": ["降低了数据库的可用性", "不能保证副本正确有效"],
    }


def test_a_row_names_a_side_by_the_head_of_its_name():
    text = "类型 | 说明 | 代表工具\n逻辑备份 | 导出 SQL 等逻辑内容 | mysqldump\n物理备份 | 复制数据文件 | XtraBackup"
    hit = Hit(1, 1.0, Passage(1, "backup", "备份", "backup.md", 0, len(text), text))
    table = build_contrast(["mysql逻辑备份", "物理备份"], [hit], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None
    assert _rows(table) == {"说明": ["导出 SQL 等逻辑内容", "复制数据文件"], "代表工具": ["mysqldump", "XtraBackup"]}


def test_a_row_cut_between_passages_is_only_taken_whole():
    cut = _ROWS[: _ROWS.index("一对一绑定")]  # the passage ends inside the 实现方式 row
    hit = Hit(1, 1.0, Passage(5, "proxy", "代理", "proxy.md", ROWS.start, ROWS.start + len(cut), cut))
    table = build_contrast(["静态代理", "动态代理"], [hit], VOCABULARY, tokenize=TOKENIZE, beside=_beside, min_rows=1)
    assert table is not None and list(_rows(table)) == ["代理关系确定时机"]


def test_a_labelled_item_names_the_aspect_of_its_whole_line():
    text = (
        "HashMap 和 Hashtable 的区别\n"
        "线程是否安全： `HashMap` 是非线程安全的，`Hashtable` 是线程安全的；\n"
        "注意：`HashMap` 可以存储 null 的 key，`Hashtable` 不允许有 null 键\n"
        "设计目的：`HashMap` 主要用于单线程场景。`Hashtable` 主要用于早期的多线程代码。"
    )
    hit = Hit(1, 1.0, Passage(1, "map", "集合", "map.md", 0, len(text), text))
    table = build_contrast(["hashmap", "hashtable"], [hit], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None
    rows = _rows(table)
    assert rows["线程是否安全"] == ["`HashMap` 是非线程安全的", "`Hashtable` 是线程安全的"]
    assert rows["设计目的"] == ["`HashMap` 主要用于单线程场景", "`Hashtable` 主要用于早期的多线程代码"]
    assert "注意" not in rows  # a label that only introduces names no aspect


def test_a_markdown_table_in_a_trainer_s_notes_answers_the_comparison(tmp_path, embedder):
    """Through ingest and `kb ask`: a GFM table is read into rows, and the answerer reads the
    passages around a retrieved one in its own document only."""
    from kb import KnowledgeBase
    from kb.ingest.pipeline import ingest
    from tests.helpers import write_corpus

    notes = (
        "# 代理模式\n\n## 静态代理和动态代理的对比\n\n静态代理和动态代理的核心差异在于代理关系的确定时机。\n\n"
        "| 对比维度 | 静态代理 | 动态代理 |\n| --- | --- | --- |\n"
        "| 实现方式 | 手动编写代理类，一对一绑定 | 无需手动编写代理类，一对多复用 |\n"
        "| 接口依赖 | 必须实现接口 | 支持代理接口或直接代理实现类 |\n"
    )
    corpus = write_corpus(tmp_path, {"proxy.md": notes, "other.md": "# 其他\n\n反射可以在运行时获取类的信息。\n"})
    ingest([corpus], tmp_path / "index", embedder=embedder)
    with KnowledgeBase.open(tmp_path / "index", embedder=embedder) as kb:
        contrast = kb.ask("静态代理和动态代理有什么区别").contrast
        passages = kb.index.passages()
        beside = kb.answerer.beside
        assert all(beside(p, 1) is None or beside(p, 1).doc_id == p.doc_id for p in passages)
        assert beside(passages[0], -1) is None
    assert contrast is not None
    assert _rows(contrast)["实现方式"] == ["手动编写代理类，一对一绑定", "无需手动编写代理类，一对多复用"]


def test_the_table_names_its_sides_as_the_question_writes_them():
    from kb.answering.answer import answer_from_hits

    text = (
        "HashMap 和 Hashtable 的区别\n"
        "线程是否安全： `HashMap` 是非线程安全的，`Hashtable` 是线程安全的；\n"
        "效率：`HashMap` 的效率更高一点，`Hashtable` 基本被淘汰了。"
    )
    answer = answer_from_hits(
        "HashMap 和 Hashtable 有什么区别", [Hit(1, 1.0, Passage(1, "m", "集合", "m.md", 0, len(text), text))]
    )
    assert answer.contrast is not None and answer.contrast.sides == ["HashMap", "Hashtable"]  # not 「hashmap」
