"""A procedure numbered over several slides is quoted step by step (series.py, answer.quoted_steps)."""

import dataclasses
import re

import pytest

from kb import KnowledgeBase
from kb.answering.citing import joined_text
from kb.answering.evidence import Evidence
from kb.answering.plan import plan_from_words
from kb.answering.sections import listed_under_a_colon
from kb.answering.sentence_quality import junk_reason
from kb.answering.series import (
    all_series,
    commented_steps,
    continues,
    document_lines,
    heading_blocks,
    item_number,
    transcripts,
    walkthroughs,
)
from kb.answering.steps import quoted_steps
from kb.answering.units import is_code
from kb.profile import default_profile
from kb.testing import BigramEmbedder
from kb.types import Hit, Passage

# Slides exported to text: each slide repeats its title with 「（续）」, detail lines sit under
# each numbered step, so the steps end up in different passages.
FILLER = "仓库每天的出入库记录都要在当天下班前录入系统，并由仓库主管复核签字。"
SLIDES = "\n".join(
    [
        "第三章 仓库管理",
        "3.2 库存盘点",
        "库存盘点用于核对账面数量与实际数量是否一致，一般每个季度进行一次。",
        "盘点开始以前要冻结库存，暂停全部出入库作业，并通知相关部门。",
        "库存盘点的步骤",
        "（1）打印盘点清单并分发到各个小组",
        "清单按货架编号排序",
        "库存盘点的步骤（续）",
        "（2）逐个货架清点实物数量",
        "清点时两人一组，一人负责点数，另一人负责记录，两人都要签名",
        "发现破损或者过期的货物要单独登记，拍照留存，并放到待处理区域",
        "库存盘点的步骤（续）",
        "（3）核对差异并调整账面数量",
        "差异超过百分之五的货架必须安排另一个小组重新盘点一次",
        "调整账面数量需要财务部门审批，审批单要和盘点清单一起归档",
        "3.3 出库管理",
        FILLER * 3,
        "出库时要核对提货单上的货物名称、规格和数量，确认无误以后才能放行。",
    ]
)
STEPS = ["（1）打印盘点清单并分发到各个小组", "（2）逐个货架清点实物数量", "（3）核对差异并调整账面数量"]
# Other documents of the knowledge base, so that its words have document frequencies.
OTHERS = {
    "采购管理.txt": "采购申请由使用部门提出，经部门经理审批以后交给采购部。采购部比较几家报价，选最合适的一家。",
    "人事制度.txt": "新员工入职第一周参加公司培训，了解规章制度和安全要求。试用期一般为三个月，期满考核合格以后转正。",
    "财务报销.txt": "员工出差回来以后一周内提交报销单，附上发票和行程单。报销单经部门经理签字，再交财务部门审核付款。",
}


@pytest.fixture(scope="module")
def slides_kb(tmp_path_factory):
    folder = tmp_path_factory.mktemp("slides")
    (folder / "仓库管理.txt").write_text(SLIDES + "\n", encoding="utf-8")
    for name, text in OTHERS.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    index = tmp_path_factory.mktemp("slides_index") / "index"
    embedder = BigramEmbedder()
    KnowledgeBase.build([folder], index, embedder=embedder)
    with KnowledgeBase.open(index, embedder=embedder) as opened:
        yield opened


def test_the_steps_are_spread_over_passages(slides_kb):
    """The premise of the tests below: no passage holds every step."""
    passages = slides_kb.index.passages()
    assert not any(all(step in p.text for step in STEPS) for p in passages)


def test_a_how_to_answer_quotes_every_step_in_order_each_cited_one_to_a_line(slides_kb):
    answer = slides_kb.ask("怎么盘点库存？", k=2)
    lines = answer.text.split("\n")
    assert lines[0].startswith("库存盘点的步骤")
    quoted = [next(i for i, line in enumerate(lines) if line.startswith(step)) for step in STEPS]
    assert quoted == sorted(quoted)  # in order, each on a line of its own
    assert all(re.search(r"\[\d+\]", lines[i]) for i in quoted)  # each step cited
    # The detail lines and the repeated 「（续）」 titles between the steps are left out, also
    # where two steps are in one passage.
    assert any(sum(step in h.passage.text for step in STEPS) >= 2 for h in answer.hits)
    assert "清单按货架编号排序" not in answer.text and "两人一组" not in answer.text and "（续）" not in answer.text
    by_rank = {h.rank: h.passage for h in answer.hits}
    for sentence in answer.sentences:
        passage = by_rank[sentence.citations[0]]
        assert passage.text[sentence.start - passage.start : sentence.end - passage.start] == sentence.text
    # Passages beyond the two shown are listed after them, and only because a step is quoted from them.
    cited = {n for s in answer.sentences for n in s.citations}
    assert [h.rank for h in answer.hits] == list(range(1, len(answer.hits) + 1))
    assert all(h.rank in cited for h in answer.hits[2:])
    assert len(answer.text) <= 300


@pytest.mark.parametrize("question", ["什么是库存盘点？", "库存盘点多久进行一次？"])
def test_a_question_that_asks_no_how_is_answered_without_the_steps(slides_kb, question):
    answer = slides_kb.ask(question, k=2)
    assert "库存盘点用于核对账面数量与实际数量是否一致" in answer.text
    assert not any(step in answer.text for step in STEPS)
    assert len(answer.hits) == 2


def _passage(id_: int, start: int, text: str) -> Passage:
    return Passage(id_, "d", "T", "d.txt", start, start + len(text), text)


def test_lines_are_read_once_across_overlapping_passages():
    text = "步骤如下\n（1）甲\n细节\n（2）乙\n"
    first, second = _passage(0, 0, text[:11]), _passage(1, 5, text[5:])
    lines = document_lines([second, first])
    assert [line.text for line in lines] == ["步骤如下", "（1）甲", "细节", "（2）乙"]
    assert lines[1].passage is first and lines[3].passage is second


def test_a_slide_s_short_instructions_under_a_heading_are_its_items_not_headings():
    """「为事件源注册事件监听器」 reads as a heading to ingest (no verb of statement), but under
    「事件处理过程」 it is a step; a syllabus's 「了解…」 is no step."""
    text = "\n".join(
        ["事件处理过程", "为事件源注册事件监听器", "实现事件监听器接口", "实现事件处理器"]
        + ["本章目标", "了解事件的分类", "了解布局管理器", "对象的创建", "对象的使用"]
    )
    blocks = heading_blocks(document_lines([_passage(0, 0, text)]))
    procedure = next(b for b in blocks if b.lead_in.text == "事件处理过程")
    assert [item.text for item in procedure.items] == ["为事件源注册事件监听器", "实现事件监听器接口", "实现事件处理器"]
    assert not any(b.lead_in.text in ("本章目标", "了解布局管理器") for b in blocks)  # 对象 is no 对


def test_a_series_stops_where_its_numbering_starts_again_or_its_items_are_far_apart():
    text = "使用游标的步骤\n（1）说明游标\n（2）打开游标\n（1）说明游标\n细节\n（2）打开游标\n"
    found = all_series(document_lines([_passage(0, 0, text)]))
    # The second run of (1), (2) details the steps; with no lead-in of its own it is no series.
    assert [[line.text for line in s.items] for s in found] == [["（1）说明游标", "（2）打开游标"]]
    assert found[0].lead_in.text == "使用游标的步骤"
    far = "步骤如下：\n（1）甲\n" + "细节\n" * 9 + "（2）乙\n"
    assert all_series(document_lines([_passage(0, 0, far)])) == []
    near = "步骤如下：\n（1）甲\n" + "细节\n" * 8 + "（2）乙\n"
    assert len(all_series(document_lines([_passage(0, 0, near)]))) == 1


def test_item_numbers_and_continuation():
    assert item_number("（3）重做") == ("(N)", 3)
    assert item_number("③ 重做") == ("○", 3)
    assert item_number("十二、总结") == ("N、", 12)
    assert item_number("首先扫描日志") is None  # paragraphs opening with 首先 argue, they list no steps
    assert item_number("恢复步骤") is None
    assert continues("恢复步骤\n（1）正向扫描", "（2）撤销处理")
    assert not continues("（1）正向扫描", "（3）重做处理")
    assert not continues("（1）正向扫描", "2. 重做处理")
    # The command under an item is part of it: the next item still follows on.
    assert continues("(3)  启动/停止 MySQL\n```\nnet start mysql\n```", "(4)  登录/退出 MySQL")


def test_unnumbered_steps_under_a_heading_that_names_the_task_are_quoted(tmp_path):
    """A slide lists a procedure without numbers, under a title naming it: with no numbered
    procedure to quote, the answer quotes the title and the lines under it, up to the next
    heading."""
    folder = tmp_path / "docs"
    folder.mkdir()
    slide = "\n".join(
        [
            "第五章 设备维护",
            "打印机卡纸以后会停止工作，面板上的指示灯闪烁。",
            "排除卡纸故障",
            "先关闭打印机电源，再打开前盖",
            "取出卡住的纸张，注意不要撕破",
            "合上前盖，然后重新接通电源",
            "日常保养",
            "每周清洁一次进纸辊，每月检查一次墨粉余量。",
        ]
    )
    (folder / "设备维护.txt").write_text(slide + "\n", encoding="utf-8")
    for name, text in OTHERS.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    embedder = BigramEmbedder()
    KnowledgeBase.build([folder], tmp_path / "index", embedder=embedder)
    with KnowledgeBase.open(tmp_path / "index", embedder=embedder) as kb:
        answer = kb.ask("打印机卡纸了怎么排除故障？")
    lines = [line.strip() for line in answer.text.split("\n")]
    assert [re.sub(r"\[\d+\].*$", "", line) for line in lines[:4]] == [
        "排除卡纸故障",
        "先关闭打印机电源，再打开前盖",
        "取出卡住的纸张，注意不要撕破",
        "合上前盖，然后重新接通电源",
    ]
    assert "日常保养" not in answer.text


# Two procedures of the same form for sibling failures, on consecutive slides: their lead-ins
# say which failure each is for.
TRANSACTION_STEPS = "\n".join(
    [
        "事务故障的恢复步骤",
        "（1）反向扫描日志文件，恢复数据库中该事务的更新",
        "（2）对该事务执行逆操作，写回更新前的值",
    ]
)
SYSTEM_STEPS = "\n".join(
    ["系统故障的恢复步骤", "（1）正向扫描日志文件，找出重做队列和撤销队列", "（2）对撤销队列中的事务进行撤销处理"]
)


def test_the_procedure_whose_lead_in_names_what_is_asked_is_quoted_from_the_slides_around():
    profile = default_profile()
    first = _passage(0, 0, TRANSACTION_STEPS)
    second = _passage(1, len(TRANSACTION_STEPS) + 1, SYSTEM_STEPS)
    plan = plan_from_words("系统故障以后怎么恢复？", profile, shown=1)
    # The transaction slide is the one shown; the system slide is read as one around it.
    hits = [Hit(1, 1.0, first), Hit(2, 0.0, second)]
    quoted = [e.text for e in quoted_steps(plan, hits, profile.analyzer.tokenize)]
    assert quoted and quoted[0].startswith("系统故障的恢复步骤"), quoted


def test_a_bare_lead_in_is_quoted_with_the_line_above_that_says_what_the_steps_are_for():
    """「具体步骤是：」 names no procedure: the line above it says the steps build a checkpoint."""
    profile = default_profile()
    text = "\n".join(
        [
            "动态维护日志文件的方法",
            "周期性地执行如下操作：建立检查点，保存数据库状态。",
            "具体步骤是：",
            "（1）将当前日志缓冲区中的所有日志记录写入磁盘的日志文件上",
            "（2）在日志文件中写入一个检查点记录",
        ]
    )
    plan = plan_from_words("建立检查点具体要做哪几步？", profile, shown=1)
    quoted = [e.text for e in quoted_steps(plan, [Hit(1, 1.0, _passage(0, 0, text))], profile.analyzer.tokenize)]
    assert quoted[0].startswith("周期性地执行如下操作：建立检查点，保存数据库状态。\n具体步骤是：\n（1）"), quoted
    named = text.replace("具体步骤是：", "建立检查点的步骤：")  # a lead-in that names it is enough
    quoted = [e.text for e in quoted_steps(plan, [Hit(1, 1.0, _passage(0, 0, named))], profile.analyzer.tokenize)]
    assert quoted[0].startswith("建立检查点的步骤：\n（1）"), quoted


def test_steps_under_a_bare_outer_number_are_quoted_with_the_command_under_each_step():
    """A lab report numbers its tasks 「1.」 over sub-steps 「(1) …」, each with the command that
    does it in a code block: the steps are a series, and each short command is quoted with its step."""
    profile = default_profile()
    text = "\n".join(
        [
            "三、实验过程",
            "1.",
            "(1)  安装略",
            "(2)  启动 MySQL",
            "```",
            "net start mysql",
            "```",
            "(3)  登录 MySQL",
            "```",
            "mysql -u root -p",
            "```",
            "2.",
            "(1)  创建数据库",
        ]
    )
    plan = plan_from_words("实验里MySQL怎么启动和登录？", profile, shown=1)
    spans = quoted_steps(plan, [Hit(1, 1.0, _passage(0, 0, text))], profile.analyzer.tokenize)
    quoted = "\n".join(e.text for e in spans)
    assert "net start mysql" in quoted and "mysql -u root -p" in quoted, quoted
    assert quoted.startswith("实验过程\n1.\n(1)  安装略") and "创建数据库" not in quoted, quoted


def test_a_heading_leading_in_is_not_quoted_alone_when_the_steps_are_in_the_next_passage():
    profile = default_profile()
    head = "三、实验过程及实验结果\n1."
    steps = "(1)  安装略\n(2)  启动 MySQL\n```\nnet start mysql\n```\n(3)  登录 MySQL\n```\nmysql -u root -p\n```"
    first, second = _passage(0, 0, head), _passage(1, len(head) + 1, steps)
    plan = plan_from_words("实验里MySQL怎么启动和登录？", profile, shown=2)
    spans = quoted_steps(plan, [Hit(1, 1.0, first), Hit(2, 1.0, second)], profile.analyzer.tokenize)
    assert [e.text[:8] for e in spans] == ["(1)  安装略"], [e.text for e in spans]  # no lone 「实验过程及实验结果」


def _steps_quoted(question: str, text: str) -> str:
    """The steps quoted for the question from one passage holding the text, one to a line."""
    profile = default_profile()
    plan = plan_from_words(question, profile, shown=1)
    return "\n".join(e.text for e in quoted_steps(plan, [Hit(1, 1.0, _passage(0, 0, text))], profile.analyzer.tokenize))


WALKTHROUGH = "\n".join(
    [
        "用 rsync 做增量同步",
        "rsync 只传变化的部分，适合大目录的定期同步。",
        "第一次同步前先试运行，看看会传哪些文件：",
        "```",
        "rsync -avn /data/ backup:/data/",
        "```",
        "确认无误以后去掉 n 参数，正式同步：",
        "```",
        "rsync -av /data/ backup:/data/",
        "```",
        "以后每次同步都会跳过没有变化的文件。",
        "要删除目标端多出来的文件，加上 --delete：",
        "```",
        "rsync -av --delete /data/ backup:/data/",
        "```",
        "常见问题",
        "权限不足时要用 root 运行：",
        "```",
        "sudo rsync -av /data/ backup:/data/",
        "```",
    ]
)


def test_sentences_each_introducing_a_command_are_a_walkthrough_quoted_with_its_commands():
    """Notes walk through a procedure as sentences ending in 「：」, each over its command: no
    numbers, yet steps in order. The next heading ends it; a sentence of prose between steps
    is no step."""
    lines = document_lines([_passage(0, 0, WALKTHROUGH)])
    (walk,) = walkthroughs(lines)
    assert walk.title is not None and walk.title.text == "用 rsync 做增量同步"
    assert walk.lead_in.text == "第一次同步前先试运行，看看会传哪些文件："
    assert [item.text for item in walk.items] == [
        "确认无误以后去掉 n 参数，正式同步：",
        "要删除目标端多出来的文件，加上 --delete：",
    ]
    quoted = _steps_quoted("怎么用 rsync 做增量同步？", WALKTHROUGH)
    for command in ("rsync -avn /data/", "rsync -av /data/", "rsync -av --delete"):
        assert command in quoted, quoted
    assert "sudo" not in quoted and "以后每次同步" not in quoted, quoted


def test_a_long_listing_under_a_sentence_is_no_walkthrough_step():
    listing = "\n".join(["```", *(f"line {n};" for n in range(12)), "```"])
    text = f"先建表：\n```\ncreate table t (id int);\n```\n完整的程序如下：\n{listing}\n"
    assert walkthroughs(document_lines([_passage(0, 0, text)])) == []


def test_sentences_saying_which_step_they_are_over_their_commands_are_a_walkthrough():
    """「…首先要找出 Fish 可执行文件的位置。」 over 「$ which fish」, then 「然后，使用 chsh 命令切换
    默认 Shell。」 over 「$ chsh …」: no colon, but each sentence says which step it is. A question
    in a trainee's words shares few words with it; it is quoted when it holds the sentence that
    would lead the answer."""
    text = "\n".join(
        [
            "修改默认 Shell",
            "```",
            "$ cat /etc/shells",
            "```",
            "使用 chsh 命令可以改变默认 Shell。举例来说，要改成 Fish，首先要找出 Fish 可执行文件的位置。",
            "```",
            "$ which fish",
            "```",
            "上面命令找出 Fish 可执行文件的位置。",
            "然后，使用 chsh 命令切换默认 Shell。",
            "```",
            "$ chsh -s /usr/bin/fish",
            "```",
        ]
    )
    passage = _passage(0, 0, text)
    (walk,) = walkthroughs(document_lines([passage]))
    assert walk.title is not None and walk.title.text == "修改默认 Shell"  # not the command above
    assert [item.text for item in walk.items] == ["然后，使用 chsh 命令切换默认 Shell。"]
    profile = default_profile()
    plan = plan_from_words("想把自己账号的默认 shell 换成 fish，具体怎么弄？", profile, shown=1)
    hits = [Hit(1, 1.0, passage)]
    tokenize = profile.analyzer.tokenize
    assert quoted_steps(plan, hits, tokenize) == []  # too few of its words for a procedure on its own
    at = text.index("举例来说")
    lead = Evidence(text[at : text.index("。", at) + 1], passage, 1, at, text.index("。", at) + 1)
    quoted = "\n".join(e.text for e in quoted_steps(plan, hits, tokenize, lead))
    assert "$ which fish" in quoted and "$ chsh -s /usr/bin/fish" in quoted, quoted


def test_a_list_asked_for_is_answered_by_the_walkthrough_the_best_sentence_concludes():
    """「需要做哪些设置」 asks for a list; the notes walk through it, and the sentence saying what it
    leads to (「以后不管在什么目录…」), right after its last command, would lead the answer."""
    text = "\n".join(
        [
            "建议新建一个~/bin子目录存放脚本，然后把~/bin加入PATH。",
            "```",
            "export PATH=$PATH:~/bin",
            "```",
            "可以将这一行加到~/.bashrc里面，然后重新加载一次.bashrc。",
            "```",
            "$ source ~/.bashrc",
            "```",
            "以后不管在什么目录，直接输入脚本文件名，脚本就会执行。",
        ]
    )
    passage = _passage(0, 0, text)
    profile = default_profile()
    plan = plan_from_words("想在任何目录下直接敲文件名就能跑脚本，需要做哪些设置？", profile, shown=1)
    assert plan.kind == "list"
    at = text.index("以后不管")
    lead = Evidence(text[at:], passage, 1, at, len(text))
    quoted = "\n".join(e.text for e in quoted_steps(plan, [Hit(1, 1.0, passage)], profile.analyzer.tokenize, lead))
    assert "export PATH=$PATH:~/bin" in quoted and "$ source ~/.bashrc" in quoted, quoted
    other = Passage(1, "faq", "T", "faq.txt", 0, 20, "脚本要有执行权限才能直接运行，详见上文。")
    elsewhere = Evidence(other.text, other, 2, 0, len(other.text))  # a lead neither in nor after it: no steps
    hits = [Hit(1, 1.0, passage), Hit(2, 0.9, other)]
    assert quoted_steps(plan, hits, profile.analyzer.tokenize, elsewhere) == []


def test_of_headings_naming_what_is_asked_the_one_over_instructions_is_the_procedure():
    """「按钮点击这种事件处理要怎么写，有哪几步」: 按钮点击 is an example of 事件处理; both 「• 事件处理器」
    and 「事件处理过程」 name it, but only the lines under the second say what to do."""
    text = "\n".join(
        [
            "• 事件处理器",
            "– 即事件监听器接口规定的针对这类事件的处理方法",
            "– 常见事件处理器有很多种",
            "事件处理过程",
            "为事件源注册事件监听器",
            "实现事件监听器接口",
            "实现事件处理器",
        ]
    )
    quoted = _steps_quoted("按钮点击这种事件处理要怎么写，有哪几步", text)
    assert "为事件源注册事件监听器\n实现事件监听器接口\n实现事件处理器" in quoted, quoted
    assert "针对这类事件" not in quoted


def test_a_block_is_shown_where_a_shown_passage_holds_it_though_a_lower_one_holds_it_first():
    """Passages overlap: the lines of 「事件处理过程」 belong first to a passage ranked below the shown
    one, which holds them too; the shown passage's block is still the procedure."""
    block = "事件处理过程\n为事件源注册事件监听器\n实现事件监听器接口\n实现事件处理器"
    text = "图形界面组件\n" + block
    profile = default_profile()
    plan = plan_from_words("事件处理要怎么写？", profile, shown=1)
    lower, shown = _passage(0, 0, text), _passage(1, len("图形界面组件\n"), block)
    steps = quoted_steps(plan, [Hit(1, 1.0, shown), Hit(2, 0.5, lower)], profile.analyzer.tokenize)
    assert "为事件源注册事件监听器" in "\n".join(e.text for e in steps)


EXCEPTION_SLIDES = "\n".join(
    [
        "5.2.2 异常处理语句",
        "1.假设此处产生异常，系统将抛出一个异常对象e，e是某个异常类的实例",
        "2.在catch子句中依次查找e是某个异常类或其子类的实例，则有相应的catch子句捕获e并处理",
        "3.若所有catch都没有捕获异常对象，e将由虚拟机捕获并处理，程序将终止",
        "5.2.3 抛出异常",
        "• throw关键字",
        "– 异常的抛出除了可以由系统自动完成外，还可以由用户指定抛出某种异常对象，这时需要使用throw关键字",
        "• throws 关键字",
        "– 若本方法中未能处理，则需要在方法的声明中指出可能抛出的异常类型",
        "ExceptionMethods.java",
        "5.2.4 自定义异常类",
        "可通过定义Exception类的子类创建自己的异常类",
    ]
)


def test_a_section_whose_numbered_heading_names_what_is_asked_answers_before_steps_of_another():
    """「如何抛出一个异常」: the numbered steps of 「5.2.2 异常处理语句」 say 「系统将抛出一个异常对象e」
    (how one is caught); the slide headed 「5.2.3 抛出异常」 says how one is thrown, and is quoted,
    its heading without its number, a file's name left out. A heading holding the series is no
    other section: 「异常处理语句怎么写」 still quotes the steps."""
    quoted = _steps_quoted("如何抛出一个异常", EXCEPTION_SLIDES)
    assert quoted.startswith("抛出异常\n• throw关键字\n– 异常的抛出"), quoted
    assert "throws 关键字" in quoted and "系统将抛出" not in quoted and ".java" not in quoted
    # No numbered procedure at all: the section named is still what answers.
    assert _steps_quoted("怎么自定义一个异常类", EXCEPTION_SLIDES).startswith("自定义异常类\n可通过定义Exception类")
    assert "系统将抛出一个异常对象e" in _steps_quoted("异常处理语句怎么写", EXCEPTION_SLIDES)


THREAD_SLIDES = "\n".join(
    [
        "7.1.2 进程和线程",
        "• 线程的引入",
        "– 引入线程：减少程序在并发执行时所付出的时空开销",
        "– 创建进程：分配资源如内存空间、I/O设备",
        "7.2.1 创建线程<方法一>",
        "利用Thread类的子类创建线程对象",
        "ThreadDemo1.java",
        "7.2.1 创建线程<方法二>",
        "利用Thread类和Runnable接口创建线程对象",
        "ThreadDemo2.java",
        "7.2.1 创建线程",
        "• 两种方法的比较",
        "– 第二种方式可以避免由于Java的单继承带来的局限性",
        "7.2.2 线程的生命周期",
        "线程有新建、就绪、运行、阻塞和死亡五种状态",
    ]
)


def test_a_section_numbered_over_several_slides_is_quoted_over_all_of_them():
    """Slides repeat a section's number with each part (「7.2.1 创建线程<方法一>」, 「<方法二>」):
    「怎么创建一个线程」 is answered by the section over all its slides, each part's title an
    item, not by the bulleted block 「• 线程的引入」 that also says 线程 and 创建."""
    quoted = _steps_quoted("怎么创建一个线程？", THREAD_SLIDES)
    assert quoted.startswith("创建线程<方法一>\n利用Thread类的子类创建线程对象"), quoted
    assert "创建线程<方法二>\n利用Thread类和Runnable接口创建线程对象" in quoted
    assert "线程的引入" not in quoted and "生命周期" not in quoted and ".java" not in quoted


MONITOR_SLIDES = "\n".join(
    [
        "一般的操作系统会自动为管程建立等待队列",
        "管程中的共享变量在管程外部是不可见的",
        "",
        "为什么引入管程？",
        "",
        "传统PV和锁机制的可读性差",
        "程序不利于修改和维护：任一段代码的修改都可能影响全局",
        "正确性难以保证：很难保证一个复杂的系统没有逻辑错误",
        "",
        "临界区访问规则",
        "",
        "```",
        "entry section",
        "   critical section",
        "```",
        "1. 空闲则入：没有线程在临界区时，任何线程可进入",
        "2. 忙则等待：有线程在临界区时，其他线程均不能进入临界区",
        "",
        "管程的组成",
        "由一个锁和多个条件变量组成",
    ]
)


def test_the_lines_under_a_heading_restating_the_question_answer_why_and_which():
    """A slide titled 「为什么引入管程？」 answers 「已经有信号量和锁了，为什么还要引入管程」 in short
    lines ingest stores as no sentences; one titled 「临界区访问规则」 lists them under its listing,
    which is left out. A heading that states something (「一般的操作系统会自动为管程建立…」) asks
    no why: its lines are no reasons."""
    why = _steps_quoted("已经有信号量和锁了，为什么还要引入管程？", MONITOR_SLIDES)
    assert why.startswith("为什么引入管程？") and why.endswith("正确性难以保证：很难保证一个复杂的系统没有逻辑错误")
    assert "传统PV和锁机制的可读性差" in why and "临界区" not in why
    rules = _steps_quoted("临界区的访问规则有哪几条？", MONITOR_SLIDES)
    assert rules.startswith("1. 空闲则入") and "2. 忙则等待" in rules and "entry section" not in rules
    assert _steps_quoted("操作系统为什么会自动为管程建立等待队列？", MONITOR_SLIDES) == ""
    # An outline's heading over its numbered section titles is a contents list, no answer; the
    # slide that heading names further on is.
    outline = "\n".join(
        ["提纲", "", "死锁处理办法", "2.1 死锁预防", "2.2 死锁避免", ""]
        + ["死锁处理办法", "死锁预防", "确保系统永远不会进入死锁状态"]
    )
    listed = _steps_quoted("死锁的处理办法有哪些？", outline)
    assert "2.1" not in listed and "确保系统永远不会进入死锁状态" in listed


JDBC_LISTING = "\n".join(
    [
        "JDBC 访问数据库",
        "下面的程序连接数据库并查询学生表：",
        "```",
        "import java.sql.*;",
        "// 1. 加载驱动",
        'Class.forName("com.mysql.cj.jdbc.Driver");',
        "// 2. 获取连接",
        "Connection conn = DriverManager.getConnection(url, user, password);",
        "// 3. 执行查询",
        "ResultSet rs = conn.createStatement().executeQuery(sql);",
        "// 4. 关闭连接",
        "conn.close();",
        "```",
        "使用 PreparedStatement 可以防止 SQL 注入。",
    ]
)


def test_comments_numbering_a_listing_s_steps_are_a_procedure_quoted_whole_across_passages():
    """Tutorials write a procedure as one listing, each step's comment over its code
    (「// 1. 加载驱动」 …): the comments are its items, the listing its code, the sentence above it
    its lead-in. A question in other words than the comments' (「用 Java 怎么连上 MySQL 查数据」)
    is answered by the listing, read whole from the two passages that cut it."""
    cut = JDBC_LISTING.index("// 3.")
    first, second = _passage(0, 0, JDBC_LISTING[: cut - 1]), _passage(1, cut, JDBC_LISTING[cut:])
    (steps,) = commented_steps(document_lines([first, second]))
    assert steps.lead_in.text == "下面的程序连接数据库并查询学生表："
    assert [item.text[3:] for item in steps.items] == ["1. 加载驱动", "2. 获取连接", "3. 执行查询", "4. 关闭连接"]
    assert steps.code[0].text == "```" and steps.code[-1].text == "```"
    profile = default_profile()
    plan = plan_from_words("用 Java 怎么连上 MySQL 查数据？", profile, shown=2)
    hits = [Hit(1, 1.0, first), Hit(2, 0.9, second)]
    quoted = "\n".join(e.text for e in quoted_steps(plan, hits, profile.analyzer.tokenize))
    for line in ("下面的程序连接数据库", "// 1. 加载驱动", "getConnection", "// 4. 关闭连接", "conn.close();"):
        assert line in quoted, quoted
    assert quoted.rstrip().endswith("```") and "PreparedStatement" not in quoted, quoted


def test_comments_numbered_out_of_order_or_one_alone_are_no_procedure():
    once = JDBC_LISTING.replace("// 2. 获取连接", "// 获取连接").replace("// 3.", "// 5.")
    assert commented_steps(document_lines([_passage(0, 0, once)])) == []
    prose = JDBC_LISTING.replace("// ", "")  # numbered lines outside a listing's comments are all_series'
    assert commented_steps(document_lines([_passage(0, 0, prose)])) == []


def test_a_book_s_steps_under_a_sentence_naming_them_are_quoted_one_statement_each():
    """A book names its steps in a sentence ending in 「。」 (「…，之后就是平时练习的步骤了。」) and
    explains each on its own line after its first sentence; the section's heading (「精读的方法」,
    the passage's context) says what they are for. The steps are quoted, each by what it says
    first."""
    text = "\n".join(
        [
            "道理都已经清楚了（其实道理很简单，难的是每天都做），之后就是平时练习的步骤了。",
            "",
            "1. 挣扎着搞清楚每一句话的确切含义。运用一切可以运用的手段，查词典，查语法书。",
            "2. 理解每句话之间、每个段落之间的关系。处理段落还有另外一个任务，就是概括。",
            "3. 整理词汇。自己动手整理词汇，远比背单词书效率高出许多。",
            "4. 复述文章。能够书面或者口头复述刚刚读过的文章，需要很多综合能力。",
        ]
    )
    passage = Passage(0, "book", "第七章", "book.md", 0, len(text), text, heading="5. 精读的方法")
    (series,) = all_series(document_lines([passage]))
    assert series.lead_in.text.endswith("之后就是平时练习的步骤了。") and len(series.items) == 4
    profile = default_profile()
    plan = plan_from_words("英文文章怎么精读？", profile, shown=1)
    quoted = "\n".join(e.text for e in quoted_steps(plan, [Hit(1, 1.0, passage)], profile.analyzer.tokenize))
    for step in (
        "步骤了。",
        "1. 挣扎着搞清楚每一句话的确切含义。",
        "2. 理解每句话之间、每个段落之间的关系。",
        "4. 复述文章。",
    ):
        assert step in quoted, quoted
    assert "运用一切" not in quoted and "处理段落" not in quoted and "综合能力" not in quoted, quoted
    untitled = dataclasses.replace(passage, heading="")
    assert quoted_steps(plan, [Hit(1, 1.0, untitled)], profile.analyzer.tokenize) == []  # too little of the question


def test_a_heading_spelling_out_the_asked_compound_names_what_is_asked():
    """「事件处理过程」 is cut 事件 / 处理 / 处理过程, never 事件处理: the question's 「事件处理」 is still
    what it names, and its lines are the procedure for 「Java的事件处理代码要怎么写」."""
    text = "6.2.2 事件处理方法\n事件处理过程\n为事件源注册事件监听器\n实现事件监听器接口\n实现事件监听器接口规定的方法"
    quoted = _steps_quoted("想让按钮被点击后做出响应，Java的事件处理代码要怎么写？", text)
    assert "为事件源注册事件监听器\n实现事件监听器接口\n实现事件监听器接口规定的方法" in quoted, quoted


CONSOLE_FAQ = "\n".join(
    [
        "如何更改日志目录的位置？",
        "答：日志默认写在 /var/log/app，如果系统盘不够用，可以用软链接把它搬到别的分区。",
        "例如，如下操作将日志目录迁移到 /data/log。",
        "```",
        "[root@web ~]# df -h",
        "Filesystem      Size  Used Avail Use% Mounted on",
        "/dev/sda1        50G   48G  2.0G  96% /",
        "[root@web ~]# systemctl stop app",
        "[root@web ~]# mv /var/log/app /data/log/",
        "[root@web ~]# ln -s /data/log/app /var/log/app",
        "[root@web ~]# systemctl start app",
        "```",
    ]
)


def test_a_console_session_under_the_answer_s_sentence_is_quoted_command_by_command():
    """A FAQ answers how by doing it at a prompt: the question (「系统盘快满了，日志该怎么处理」)
    shares few words with the commands, but the sentence that would lead the answer
    stands in the session's section. The commands typed at the prompt are quoted, what they
    print is not, each command on a line of its own."""
    (session,) = transcripts(document_lines([_passage(0, 0, CONSOLE_FAQ)]))
    assert session.title is not None and session.title.text == "如何更改日志目录的位置？"
    assert len(session.items) == 5 and all("#" in item.text for item in session.items)
    passage = _passage(0, 0, CONSOLE_FAQ)
    profile = default_profile()
    plan = plan_from_words("系统盘快满了，日志该怎么处理？", profile, shown=1)
    at = CONSOLE_FAQ.index("答：")
    end = CONSOLE_FAQ.index("\n", at)
    lead = Evidence(CONSOLE_FAQ[at:end], passage, 1, at, end)
    spans = quoted_steps(plan, [Hit(1, 1.0, passage)], profile.analyzer.tokenize, lead)
    quoted = "\n".join(e.text for e in spans)
    for command in ("systemctl stop app", "mv /var/log/app /data/log/", "ln -s /data/log/app", "systemctl start app"):
        assert command in quoted, quoted
    assert "Avail" not in quoted and "48G" not in quoted, quoted
    assert spans[0].text.startswith("答："), quoted  # the answer's sentence first, where both fit
    text = joined_text([(e.text, e.citations, is_code(e)) for e in spans])
    assert "\n[root@web ~]# df -h" in text and "。[root@web" not in text, text


def test_a_listing_without_prompts_or_with_one_command_is_no_console_session():
    one = CONSOLE_FAQ.replace("[root@web ~]# ", "", 4)  # only the last command keeps its prompt
    assert transcripts(document_lines([_passage(0, 0, one)])) == []
    assert junk_reason("$ docker image ls") is None  # a command is no heading
    assert junk_reason("$ git clone https://github.com/example/app.git new_app") is None  # nor a reading list


def test_a_slide_s_instructions_under_a_colon_lead_in_are_quoted_as_its_steps():
    """Markdown slides lose their bullets: 「调用 run_next_app 函数切换到下一个应用程序：」 over five
    lines that each say what to do. A how-to question in other words than the slide's (coverage
    under what a numbered list needs) is answered by them; lines that say what something is
    (「无胶片化：…」 under 「…改变了医院的影像管理方式：」) are no procedure, nor is an item of a
    numbered list that ends in a colon."""
    slide = "\n".join(
        [
            "切换到下一个应用程序",
            "",
            "调用 run_next_app 函数切换到下一个应用程序：",
            "构造应用程序开始执行所需的 Trap 上下文；",
            "恢复应用程序执行的部分寄存器；",
            "设置 sepc CSR 的内容为应用程序入口点；",
            "执行 sret 从 S 特权级切换到 U 特权级。",
        ]
    )
    (listed,) = listed_under_a_colon(document_lines([_passage(0, 0, slide)]))
    assert listed.title is not None and listed.title.text == "切换到下一个应用程序" and len(listed.items) == 4
    quoted = _steps_quoted("批处理系统里，内核要切换到下一个应用程序去运行，具体得做哪几步？", slide)
    assert quoted.startswith("调用 run_next_app") and "执行 sret 从 S 特权级切换到 U 特权级" in quoted, quoted
    features = (
        "PACS系统彻底改变了医院的影像管理方式：\n无胶片化：从传统胶片到数字影像\n即时访问：医生可在任何终端查看影像"
    )
    assert _steps_quoted("PACS系统的影像管理方式怎么做？", features) == ""
    numbered = "2.\n日志提交 Journal Commit：\n将事务提交块写入日志\n3. 加检查点 Checkpoint"
    assert listed_under_a_colon(document_lines([_passage(0, 0, numbered)])) == []


def test_a_restated_heading_s_block_runs_on_over_a_blank_line_after_a_colon():
    """Notes put a blank line between a lead-in ending in 「：」 and its items: 「PET：为什么必须做
    衰减校正？」 / 「…导致探测到的符合事件减少：」 / (blank) / 「不校正：深部结构会“偏暗”…」. The items
    answer the why; a blank line after them still ends the block."""
    text = "\n".join(
        [
            "PET：为什么必须做衰减校正？",
            "",
            "PET 的 γ 光子在体内传播会被组织吸收/散射，导致探测到的符合事件减少：",
            "",
            "不校正：深部结构会“偏暗”，SUV 等定量指标会系统性偏低",
            "校正后：不同体位/不同个体之间可比性更强",
            "",
            "超声：为什么要做增益补偿？",
        ]
    )
    quoted = _steps_quoted("PET为什么一定要做衰减校正，不做会怎样？", text)
    assert "不校正：深部结构会“偏暗”" in quoted and "超声" not in quoted, quoted
