"""A definition question shows the passage that defines its subject (kb/answering/defining.py)."""

from kb.answering.defining import defining_form, with_definition
from kb.types import Hit, Passage


def _hit(rank: int, text: str) -> Hit:
    return Hit(rank, 1.0 - rank / 100, Passage(rank, f"d{rank}", "T", f"d{rank}.txt", 0, len(text), text))


def test_the_defining_form_opens_a_line_or_clause_with_the_subject_and_its_verb():
    form = defining_form("触发器")
    assert form.search("5.7 触发器\n触发器（Trigger）是用户定义在关系表上的一类由事件驱动的特殊过程")
    assert form.search("两段锁协议\n指所有事务必须分两个阶段加锁") is None
    assert defining_form("两段锁协议").search(
        "两段锁协议\n指所有事务必须分两个阶段加锁"
    )  # the verb opens the next line
    for using in ("同一模式下，触发器名必须是唯一的", "表的拥有者才可以在表上创建触发器", "触发器只能定义在基本表上"):
        assert form.search(using) is None, using


def test_a_deeper_defining_passage_takes_the_last_shown_place():
    using = [_hit(r, f"第{r}页：创建触发器的语法，触发器名必须唯一。") for r in range(1, 4)]
    defining = _hit(7, "第五章 目录\n触发器（Trigger）是用户定义在关系表上的一类由事件驱动的特殊过程")
    hits = [*using, _hit(4, "无关"), _hit(5, "无关"), _hit(6, "无关"), defining]
    shown = with_definition(hits, 3, "触发器")
    assert [h.passage.id for h in shown] == [1, 2, 7] and [h.rank for h in shown] == [1, 2, 3]


def test_shown_passages_that_define_the_subject_are_kept_as_ranked():
    hits = [_hit(1, "触发器是由事件驱动的特殊过程。"), _hit(2, "创建触发器。"), _hit(3, "触发器（Trigger）是一种过程")]
    assert with_definition(hits, 2, "触发器") == hits[:2]
    assert with_definition(hits[:2], 2, "") == hits[:2]
