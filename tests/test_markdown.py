"""Markdown study notes read as a reader sees them: no table of contents, image blocks,
emphasis marks or link targets in the stored text, code verbatim, places at the file's lines."""

from kb.formats.markdown import extract
from kb.ingest.chunk import ChunkSettings
from kb.ingest.contents import prepare
from kb.ingest.loaders import load_paths
from kb.profile import default_profile

NOTES = """# Redis
<!-- GFM-TOC -->
* [Redis](#redis)
    * [一、概述](#一概述)
    * [二、持久化](#二持久化)
<!-- GFM-TOC -->

## 一、概述

Redis 是速度非常快的**非关系型**（NoSQL）内存键值数据库，详见 [官方文档](https://redis.io/docs)。

<div align="center"> <img src="https://example.com/redis.png"/> </div><br>

Git 会使用 \\<\\<\\<\\<\\<\\<\\< 标记出冲突的内容，配置文件里写 <resultMap> 描述映射。

## 二、持久化

1. 将写命令添加到 AOF 文件的末尾；
2. 根据同步选项把文件写入磁盘。

- **SQL 线程** ：负责读取中继日志

| 选项 | 同步频率 |
| --- | --- |
| always | 每个写命令都同步 |

```
appendfsync everysec
```

**参考答案**：[Redis 内存碎片详解](https://javaguide.cn/redis-memory-fragmentation.html)。

## 参考资料

- [Redis 设计与实现](http://redisbook.com/)
"""


def test_markdown_syntax_is_not_stored_and_lines_keep_their_numbers():
    extracted = extract(NOTES.encode("utf-8"))
    text = extracted.text
    lines = text.split("\n")
    assert len(lines) == len(NOTES.split("\n"))  # one line for each line of the file
    assert "#一概述" not in text and "[" not in text and "](" not in text  # contents and link syntax gone
    assert "<img" not in text and "GFM-TOC" not in text and "设计与实现" not in text  # nor a reading list
    assert "内存碎片详解" not in text  # nor a link under a label: a pointer to another text
    assert "Redis 是速度非常快的非关系型（NoSQL）内存键值数据库，详见 官方文档。" in lines
    assert "Git 会使用 <<<<<<< 标记出冲突的内容，配置文件里写 <resultMap> 描述映射。" in lines
    assert lines[7] == "一、概述" and lines[0] == "Redis"  # headings without their marks
    assert "1. 将写命令添加到 AOF 文件的末尾；" in lines  # a numbered step keeps its number
    assert "SQL 线程 ：负责读取中继日志" in lines
    assert "always | 每个写命令都同步" in lines
    assert lines[lines.index("appendfsync everysec") - 1] == "```"  # code fenced, verbatim


SLIDES = """# 死锁

<style>
.container{
  display: flex;
}
</style>

<div class="container">

<div class="col">

1. 死锁问题

</div>

</div>

<resultMap>

由于竞争资源，两个或更多线程永远相互等待。
"""


def test_a_slide_deck_s_style_and_closing_tags_are_no_text():
    """Marp slides carry a style element and close their layout divs in blocks of their own:
    「.container{ display: flex; }」 and 「</div>」 were indexed and quoted. A tag that names no
    HTML element, alone in its block, stays."""
    lines = extract(SLIDES.encode("utf-8")).text.split("\n")
    assert len(lines) == len(SLIDES.split("\n"))
    said = [line.strip() for line in lines if line.strip()]
    assert said == ["死锁", "1. 死锁问题", "<resultMap>", "由于竞争资源，两个或更多线程永远相互等待。"]


def test_a_formula_in_dollars_is_read_as_its_text_and_prices_stay():
    """Slides write 「W(t, $\\Delta$)」 and 「常驻集 $\\supseteq$ 工作集」: LaTeX was indexed and quoted.
    Dollars that are prices (「$5 和 $10」) are no formula; a display formula keeps its lines."""
    source = (
        "工作集 W(t, $\\Delta$)，窗口大小 $\\tau=10$\n\n常驻集 $\\supseteq$ 工作集时，缺页较少\n\n"
        "价格是 $5 和 $10\n\n$$\nx = \\frac{a}{b}\n$$\n"
    )
    lines = extract(source.encode("utf-8")).text.split("\n")
    assert len(lines) == len(source.split("\n"))
    assert lines[0] == "工作集 W(t, Δ)，窗口大小 τ=10"
    assert lines[2] == "常驻集 ⊇ 工作集时，缺页较少"
    assert lines[4] == "价格是 $5 和 $10"
    assert extract("echo $HOME/$USER 看看".encode()).text == "echo $HOME/$USER 看看"  # no LaTeX in them
    assert "x = a/b" in lines and "\\frac" not in "\n".join(lines)


def test_front_matter_and_a_contents_marker_are_no_text_but_the_title_is():
    notes = "---\ntitle: '进程管理'\ndate: 2020-05-01 11:36:41\ntags: [Operating System]\npublished: true\n"
    notes += (
        "feature: /post-images/jin-cheng-guan-li.jpg\n\n---\n\n[TOC]\n\n## 线程与进程\n进程是资源分配的基本单位。\n"
    )
    lines = extract(notes.encode("utf-8")).text.split("\n")
    assert len(lines) == len(notes.split("\n"))
    assert lines[1] == "进程管理" and lines.index("进程是资源分配的基本单位。") == 12
    text = "\n".join(lines)
    assert not any(word in text for word in ("published", "true", "post-images", "2020-05-01", "TOC"))
    # A document that opens with a rule, not front matter, keeps what follows it.
    assert "正文：第一段。" in extract("---\n\n正文：第一段。\n".encode()).text


def test_a_quoted_markdown_sentence_is_placed_at_its_line(tmp_path):
    (tmp_path / "redis.md").write_text(NOTES, "utf-8")
    stored, _ = prepare(load_paths([tmp_path / "redis.md"]).documents, ChunkSettings(), default_profile())
    document = stored[0]
    start = document.text.index("将写命令添加到")
    line = NOTES.split("\n").index("1. 将写命令添加到 AOF 文件的末尾；") + 1
    assert document.provenance.locate(start, start + 10).label == f"L{line}"


def test_a_diagram_s_syntax_is_no_text_its_labels_are_and_code_stays():
    """A Mermaid flowchart's labels are what the picture says (「等待容器优雅退出 (默认 10 秒)」 was the
    only place a document gave its default); its syntax (ids, 「style … fill:」) is no text."""
    notes = (
        "## 停止容器\n\n处理流程如下。\n\n```mermaid\nflowchart TB\n"
        '    M1["发送 SIGTERM 信号 (PID 1)"] --> M2["等待容器优雅退出 (默认 10 秒)"]\n'
        "    M2 -->|超时| M3(发送 SIGKILL)\n    M1 --> M3\n    style Phase1 fill:#F5F7FA\n```\n\n"
        "```java\nproducer.send(msg);\n```\n"
    )
    lines = extract(notes.encode("utf-8")).text.split("\n")
    assert len(lines) == len(notes.split("\n"))
    assert not any("M1" in line or "fill:" in line or "flowchart" in line for line in lines)
    assert lines[6] == "发送 SIGTERM 信号 (PID 1) → 等待容器优雅退出 (默认 10 秒)"  # on its source line
    assert lines[7] == "等待容器优雅退出 (默认 10 秒) →（超时） 发送 SIGKILL"
    assert lines[8] == ""  # links two nodes labelled before: nothing new said
    assert "producer.send(msg);" in lines and lines.index("处理流程如下。") == 2


def test_a_footnote_is_text_on_its_line_and_its_reference_mark_is_gone():
    """GitHub footnotes: 「[^1]: 软炸是…」 without a space read as a link definition and its text was
    lost; 「[^2]」 was quoted next to kb's own citation marks."""
    notes = (
        "油温在 120°C-140°C 之间：适合软炸[^1]、滑炒[^2]。\n\n"
        "[^1]: 软炸是将小块、片或条形的材料挂糊，放入油锅，炸成七八成熟的油炸方法\n"
        "[^2]: 滑炒，选用质嫩的动物性原料，用温油滑散\n"
    )
    lines = extract(notes.encode("utf-8")).text.split("\n")
    assert lines[0] == "油温在 120°C-140°C 之间：适合软炸、滑炒。"
    assert lines[2] == "软炸是将小块、片或条形的材料挂糊，放入油锅，炸成七八成熟的油炸方法"
    assert lines[3] == "滑炒，选用质嫩的动物性原料，用温油滑散"


def test_a_container_is_read_as_its_title_and_lines_and_stray_emphasis_marks_go():
    """VitePress notes: 「::: info 🎨 窗宽窗位」 … 「:::」 left 「info 🎨 窗宽窗位…」 in the text, quoted
    as an answer; CommonMark leaves 「**…）**的」 as written before a Chinese character."""
    source = (
        "# CT\n\n::: info 🎨 窗宽窗位：CT图像的调色板\n通过调整窗宽和窗位，可以突出显示不同的组织。\n:::\n\n"
        "DICOM的核心是**信息对象定义（IOD）和服务类（Service Classes）**的组合。\n\n"
        "幂运算 2**3 等于 8，`a**b` 是代码。\n"
    )
    text = extract(source.encode()).text
    lines = text.split("\n")
    assert lines[2] == "窗宽窗位：CT图像的调色板" and lines[3].startswith("通过调整窗宽") and lines[4] == ""
    assert "DICOM的核心是信息对象定义（IOD）和服务类（Service Classes）的组合。" in lines
    assert "`a**b`" in text and "info" not in text and ":::" not in text
