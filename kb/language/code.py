"""Where a document's text is code: spans that cleaning leaves verbatim and sentence splitting
should not cut.

Code reaches kb in three shapes. Markdown and the document formats write a block of code between
fence lines (```); formats/ emit the fences themselves around what the source marks as code
(HTML/EPUB <pre>, DOCX/PPTX/PDF runs in a monospace font). Code inside a sentence is written
between backticks (`<div class="x">`), by Markdown authors and by formats/ for HTML/EPUB <code>.
Plain text and Markdown also indent code by four spaces or a tab; such a block counts as code
only when it reads as code (a bracket, brace, `=` or `;` on most of its lines and little
Chinese), since Chinese prose is often indented too (「    营销是……」).
"""

from __future__ import annotations

import bisect
import itertools
import re

FENCE = "```"
# Fonts that documents set code in (PDF names may carry a subset prefix, 「ABCDEF+Consolas」).
_MONOSPACE = re.compile(
    r"mono|courier|consolas|menlo|monaco|inconsolata|lucida ?console|fixedsys|source ?code|fira ?code", re.IGNORECASE
)
FENCE_LINE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*$", re.MULTILINE)  # a Markdown fence
_INDENTED_LINE = re.compile(r"^(?: {4}|\t)[^\n]*\S[^\n]*$", re.MULTILINE)
_CODE_MARK = re.compile(r"[{}();=\[\]<>]|^\s*(?://|#|/\*|\*)")
_INLINE = re.compile(r"(?<!`)(`+)(?!`)[^\n]{1,500}?(?<!`)\1(?!`)")
_HAN = re.compile(r"[\u3400-\u9fff]")
CODE_LINE_SHARE = 0.5  # of an indented block's lines that carry a code mark
MAX_HAN_SHARE = 0.3  # of an indented block's visible characters


def is_monospace(font: str | None) -> bool:
    """A font code is set in: how DOCX, PPTX and PDF mark code, having no code element."""
    return bool(font and _MONOSPACE.search(font))


def fenced(lines: list[str]) -> list[str]:
    """Lines of code between fence lines, as formats/ write a code block."""
    return [FENCE, *lines, FENCE]


def inline(code: str) -> str:
    """Code inside a sentence, as formats/ write it: between backticks (more of them when the
    code holds one)."""
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    return f"{ticks}{code}{ticks}"


def with_inline_code(pieces: list[tuple[str, bool]]) -> str:
    """A paragraph from its runs of text, (text, set in a monospace font): each stretch of code
    between backticks, as `inline` writes it (DOCX and PPTX mark code only by its font)."""
    text = ""
    for is_code, group in itertools.groupby(pieces, key=lambda piece: piece[1]):
        joined = "".join(piece for piece, _ in group)
        core = joined.strip()
        if is_code and core:
            start = joined.index(core)
            joined = joined[:start] + inline(core) + joined[start + len(core) :]
        text += joined
    return text


def code_spans(text: str) -> list[tuple[int, int]]:
    """Spans [start, end) of the code in text, in order: fenced blocks (fences included; one
    left open runs to the end, as Markdown reads it), indented blocks that read as code, and
    code between backticks (backticks included)."""
    spans = _fenced_spans(text)
    spans += [s for s in _indented_spans(text) if not any(a <= s[0] < b for a, b in spans)]
    blocks = sorted(spans)
    starts = [a for a, _ in blocks]
    for match in _INLINE.finditer(text):
        i = bisect.bisect_right(starts, match.start()) - 1
        if i < 0 or blocks[i][1] <= match.start():
            spans.append((match.start(), match.end()))
    return sorted(spans)


def leaves_a_block_open(text: str) -> bool:
    """The text holds an odd number of fence lines: a quote of it opens a block it does not
    close, or closes one it did not open (a block its passage cuts)."""
    return len(FENCE_LINE.findall(text)) % 2 == 1


def passage_code_spans(text: str) -> list[tuple[int, int]]:
    """code_spans of a passage, which may begin inside a block of its document: a first fence
    followed by a line of Chinese prose (「```」 then 「为了确保临时文件创建成功，…」), or ending a
    passage that opens on code, with no prose before it, closes a block opened before the
    passage (the text up to it is that block's code), it opens none. A comment in Chinese
    (「## 发送 SIGHUP（让进程重新加载配置）」) is no prose."""
    first = FENCE_LINE.search(text)
    if first is None:
        return code_spans(text)
    after = next((line for line in text[first.end() :].split("\n") if line.strip()), "")
    before = next((line for line in reversed(text[: first.start()].split("\n")) if line.strip()), "")
    closes = reads_as_prose(after) or (not after.strip() and bool(before))  # prose, or the passage's end
    if not closes or reads_as_prose(before):
        return code_spans(text)  # code or a comment (「## 发送 SIGHUP」) after it, or prose before it: it opens
    # The block it closes runs from the passage's start; what follows is read on its own.
    rest = code_spans(text[first.end() :])
    return [(0, first.end()), *((a + first.end(), b + first.end()) for a, b in rest)]


def reads_as_prose(line: str) -> bool:
    """A line of Chinese that is neither code nor a comment in code."""
    return bool(_HAN.search(line)) and not _in_code_run(line)


def _fenced_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    opening: re.Match[str] | None = None
    for match in FENCE_LINE.finditer(text):
        if opening is None:
            opening = match
        elif match.group(1)[0] == opening.group(1)[0] and len(match.group(1)) >= len(opening.group(1)):
            spans.append((opening.start(), match.end()))
            opening = None
    if opening is not None:
        spans.append((opening.start(), len(text)))
    return spans


def _indented_spans(text: str) -> list[tuple[int, int]]:
    """Runs of indented lines (blank lines between them allowed) that start after a blank line
    or at the text's start, as in Markdown."""
    spans = []
    block: list[tuple[int, int]] = []  # (start, end) of each line of the current block
    for line in _INDENTED_LINE.finditer(text):
        if block and not text[block[-1][1] : line.start()].strip():
            block.append((line.start(), line.end()))
            continue
        spans += _if_code(text, block)
        before = text.rfind("\n", 0, max(0, line.start() - 1))
        after_blank = line.start() == 0 or not text[before + 1 : line.start()].strip()
        block = [(line.start(), line.end())] if after_blank else []
    return spans + _if_code(text, block)


def _if_code(text: str, block: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if not block:
        return []
    lines = [text[s:e] for s, e in block]
    visible = "".join(lines).replace(" ", "")
    marked = sum(1 for line in lines if _CODE_MARK.search(line))
    if marked < CODE_LINE_SHARE * len(lines) or len(_HAN.findall(visible)) > MAX_HAN_SHARE * max(1, len(visible)):
        return []
    return [(block[0][0], block[-1][1])]


def ends_in_code(text: str, end: int) -> bool:
    """Whether a span of text ending at `end` ends in code (a line of a code block, code between
    backticks): such a span is quoted as it is, never given a 「。」."""
    return any(a < end <= b for a, b in code_spans(text))


_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*|--\s[^\n]*|^\s*[%#][^\n]*|(?<=[;\s])%(?=[^'\"\n]*$)[^\n]*|\s#\s[^\n]*")
# A string literal: its text may be Chinese (「title("原图");」) without the line being prose.
_STRING = re.compile(r'"[^"\n]*"|\'[^\'\n]*\'')
_STATEMENT = re.compile(r"[;{}]\s*$|\w\(.*\)|\w\s*=\s*\S|\w\s*[<>!=]=\s*\S")
# A line of code too short to show a statement's shape: a block's keyword or brace.
_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,11};?|[{}()\[\]]+;?")
MIN_CODE_STATEMENTS = 2  # lines of a run that read as code, for the run to be code


def reads_as_code(line: str) -> bool:
    """A line that is code by its own form, where no fence or font marked it (slides exported to
    PDF): its comments and string literals aside, no Chinese, and a statement's shape
    (「EXEC SQL CLOSE SX;」, `x = f(y)`, `title("原图");`)."""
    bare = _STRING.sub('""', _COMMENT.sub("", line)).strip()
    return bool(bare) and not _HAN.search(bare) and bool(_STATEMENT.search(bare))


# A shell prompt opening a line of a console session: 「$ docker ps」, 「[root@s26 lib]# mv docker
# /storage/」, 「user@host:~$ make」 — a command typed, not its output.
_PROMPT = re.compile(r"^\s*(?:\$|\[[^\]\n]{1,40}\][#$]|[\w.-]+@[\w.-]+(?::[^\s#$]*)?[#$])\s+\S")


def typed_at_prompt(line: str) -> bool:
    """A command typed at a shell prompt (_PROMPT): code, however it reads."""
    return _PROMPT.match(line) is not None


# Lines every program opens or closes with, which say nothing of how anything is done: a package
# or import declaration, an include, a namespace, a lone brace.
_BOILERPLATE = re.compile(
    r"\s*(?:package\s+[\w.]+;?|import\s+(?:static\s+)?[\w.*]+(?:\s+as\s+\w+)?;?|from\s+[\w.]+\s+import\s+[\w, *]+"
    r"|#\s*include\s*[<\"][^>\"]+[>\"]|using\s+(?:namespace\s+)?[\w.:]+;|[{}()\[\];]+)\s*",
    re.ASCII,  # a declaration names code, in Latin letters: 「import 包」 is a sentence
)


def only_boilerplate(text: str) -> bool:
    """Nothing but declarations and braces (「import java.lang.reflect.Method;」, 「}」): what a
    listing opens or closes with, never the line that answers how."""
    lines = [line for line in text.split("\n") if line.strip() and line.strip() != FENCE]
    return bool(lines) and all(_BOILERPLATE.fullmatch(line) for line in lines)


def bare_code(text: str) -> bool:
    """Lines of code and nothing said about them (「{ int n;」, 「sum=(float)1/2;」): no Chinese,
    not even a comment. They show how, but cannot say why, what something is or whether it
    holds; a line with a comment (「int a[n]; // 不能用变量说明数组大小」) can."""
    lines = [line for line in text.split("\n") if line.strip() and line.strip() != FENCE]
    return bool(lines) and all(reads_as_code(line) and not _HAN.search(line) for line in lines)


def code_by_form(lines: list[str]) -> list[bool]:
    """Which lines are code by their form, where neither font nor fence marks it (Word and WPS
    set code in the body font, so a Word-exported PDF or a pasted listing shows no mark): runs
    of lines each a statement, a comment or a block's keyword (「end」, 「else」), holding
    MIN_CODE_STATEMENTS statements or more and statements on most of its lines."""
    flags = [False] * len(lines)
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and _in_code_run(lines[end]):
            end += 1
        statements = sum(reads_as_code(line) for line in lines[start:end])
        if statements >= MIN_CODE_STATEMENTS and statements >= CODE_LINE_SHARE * (end - start):
            flags[start:end] = [True] * (end - start)
        start = max(end, start + 1)
    return flags


def _in_code_run(line: str) -> bool:
    stripped = line.strip()
    return reads_as_code(line) or bool(_COMMENT.fullmatch(stripped) or _BARE.fullmatch(stripped))
