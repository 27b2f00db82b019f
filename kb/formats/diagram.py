"""The words of a diagram written as text: the labels of a Mermaid source.

Markdown notes draw flowcharts in a fenced block (「```mermaid」): `A["1. 发送 SIGTERM 信号"] -->
B["2. 等待容器优雅退出 (默认 10 秒)"]`. The syntax is no text a reader reads (「direction TB」,
「style Phase3 fill:#F5F7FA」 was indexed and listed as sources), but the labels are what the
picture says: dropping the block lost the only place a document gave its default timeout. Each
source line becomes the labels it defines, in order, joined by 「→」 where an arrow joins them; a
line that only links nodes labelled before says nothing new and stays blank, unless its arrow
is labelled (「test -- "没问题<br/>发布" --> prod」 → 「测试团队 →（没问题 发布） 生产环境」).
"""

from __future__ import annotations

import re

# A node and its label: 「A["…"]」, 「B(…)」, 「C{…}」, 「D((…))」, 「E[(…)]」, 「F>…]」; the id first.
_NODE = re.compile(
    r"""(?P<id>\w+)\s*(?:\[\[|\[\(|\[/|\(\(|\(\[|\{\{|[\[({>])\s*(?:"(?P<quoted>[^"]*)"|(?P<label>[^"\]\)}]*?))"""
    r"""\s*(?:\]\]|\)\]|/\]|\)\)|\]\)|\}\}|[\])}])"""
)
# An arrow, with its label in bars (「-->|创建|」) or inside it (「-- 有问题 -->」, 「== 一致 ==>」).
_ARROW = re.compile(
    r"""(?:--|==|-\.)\s*"?(?P<inner>[^->=|"]+?)"?\s*(?:-->|==>|\.->)|(?:-->|==>|-\.->|---|->>|-->>|->|=>|\.->)(?:\|"?(?P<bar>[^|"]*)"?\|)?"""
)
_SUBGRAPH = re.compile(r"^\s*subgraph\s+(?:[\w-]+\s*)?\[?\s*\"?(?P<title>[^\"\]]*)\"?\]?\s*$")
# A message of a sequence diagram (「用户->>服务器: 发送请求」) or a note (「Note over A,B: …」).
_MESSAGE = re.compile(
    r"^\s*(?:note\s+(?:over|left of|right of)\s+[^:]+|[\w\u4e00-\u9fff]+\s*-[->)x]+\+?-?\s*[\w\u4e00-\u9fff]+)"
    r"\s*:\s*(?P<text>.+)$",
    re.I,
)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_HAN_OR_WORD = re.compile(r"[\u3400-\u9fff]|[A-Za-z]{2}")


def diagram_lines(source: list[str]) -> list[str]:
    """What each line of a diagram's source says: its labels (see the module docstring)."""
    labels: dict[str, str] = {}
    kind = next((line.split()[0].lower() for line in source if line.strip()), "")
    if kind == "mindmap":  # an outline: each line under the keyword a topic, maybe in a shape
        return ["" if not line.strip() or line.strip().lower() == kind else _topic(line) for line in source]
    return [_line_labels(line, labels) for line in source]


def _topic(line: str) -> str:
    """A mindmap's topic: its shape's label (「root((学习方法))」) or the line's words."""
    node = _NODE.search(line)
    return _readable((node.group("quoted") or node.group("label") or "") if node else line)


def _line_labels(line: str, labels: dict[str, str]) -> str:
    """The labels one line of a flowchart defines, or a subgraph's title, or a sequence
    diagram's message; `labels` (each node's label by its id) grows as nodes are defined."""
    line = _BREAK.sub(" ", line)
    subgraph = _SUBGRAPH.match(line)
    if subgraph:
        return _readable(subgraph.group("title"))
    message = _MESSAGE.match(line)
    if message:
        return _readable(message.group("text"))
    parts: list[str] = []
    new = False
    labelled_arrow = False
    position = 0
    while position < len(line):
        node = _NODE.match(line, position)
        arrow = None if node else _ARROW.match(line, position)
        if node:
            label = _readable(node.group("quoted") or node.group("label") or "")
            if label and node.group("id") not in labels:
                labels[node.group("id")] = label
                new = True
            if label:
                parts.append(label)
            position = node.end()
        elif arrow:
            said = _readable(arrow.group("inner") or arrow.group("bar") or "")
            labelled_arrow |= bool(said)
            parts.append(f"→（{said}）" if said else "→")
            position = arrow.end()
        else:
            word = re.match(r"\w+", line[position:])
            if word and word.group() in labels:
                parts.append(labels[word.group()])
            position += word.end() if word else 1
    if not (new or labelled_arrow):
        return ""
    text = " ".join(parts).strip(" →")
    return text if _HAN_OR_WORD.search(text) else ""


def _readable(label: str) -> str:
    return re.sub(r"\s+", " ", _BREAK.sub(" ", label)).strip().strip('"')
