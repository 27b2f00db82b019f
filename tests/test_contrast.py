"""Contrast questions: recognising the sides, filling a cited, verbatim aspect table."""

import pytest

from kb.contrast import build_contrast, contrast_sides
from kb.types import Hit, Passage


@pytest.mark.parametrize(
    "question, sides",
    [
        ("营销和销售的区别", ["营销", "销售"]),
        ("市場營銷與銷售有什麼不同", ["市场营销", "销售"]),
        ("请问营销跟推销的差异是什么", ["营销", "推销"]),
        ("市场部和销售部之间的区别", ["市场部", "销售部"]),
        ("什么是销售漏斗", None),
        ("营销和营销的区别", None),
    ],
)
def test_contrast_sides(question, sides):
    assert contrast_sides(question) == sides


def _hit(rank, doc, text, start=0):
    return Hit(rank, 1.0 / rank, Passage(rank, doc, doc, f"{doc}.txt", start, start + len(text), text))


def test_parallel_statements_fill_rows_with_verbatim_cited_cells():
    hits = [
        _hit(1, "a", "营销是一个系统，而销售只是营销的一部分。销售是把产品卖好；营销是让产品好卖。", 100),
        _hit(2, "b", "1、对象不同：市场的对象是整体目标市场。\n销售的工作对象是具体的潜在客户。"),
        _hit(3, "c", "营销是一种战略思考，关心长远。销售是一种战术思考，关心眼前。"),
        _hit(4, "d", "营销和销售的区别很大。销售则更注重短期的业绩。市场营销更注重长期的品牌。"),
        _hit(5, "e", "营销的方法是把用户拉到产品上。销售的方法是把产品推给用户。"),
    ]
    table = build_contrast(["营销", "销售"], hits, min_rows=5)
    assert table is not None and table.sides == ["营销", "销售"]
    passages = {h.rank: h.passage for h in hits}
    for row in table.rows:
        assert len(row.cells) == 2
        for cell in row.cells:
            p = passages[cell.citations[0]]
            assert p.text[cell.start - p.start : cell.end - p.start] == cell.text
            assert not any(w in cell.text for w in ("区别", "不同"))
    aspects = {row.aspect: row for row in table.rows}
    assert aspects["层次"].cells[1].text == "销售只是营销的一部分"
    assert aspects["对象"].cells[0].text == "市场的对象是整体目标市场"  # label 「1、对象不同：」 stripped


def test_too_few_rows_give_no_table():
    hits = [_hit(1, "a", "营销是一个系统，而销售只是营销的一部分。")]
    assert build_contrast(["营销", "销售"], hits, min_rows=5) is None
