"""Write a StudyGuide as Markdown, a self-contained HTML page, an Anki deck and CSV."""

from __future__ import annotations

import csv
import hashlib
import html
import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from kb.answering.citing import cite, joined_text
from kb.errors import KbError
from kb.study.guide import ClozeItem, StudyGuide
from kb.types import Answer

FORMATS = ("md", "html", "pdf", "anki", "csv")  # what "all" writes
FILE_NAMES = {
    "md": "study.md",
    "html": "study.html",
    "pdf": "study.pdf",
    "anki": "flashcards.apkg",
    "csv": "flashcards.csv",
}
Paper = Literal["a4", "letter"]
PAPER_SIZES: dict[Paper, str] = {"a4": "A4", "letter": "letter"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 52rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.7; color: #222; }
h1 { border-bottom: 2px solid #333; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #bbb; padding: .4rem .6rem; vertical-align: top; text-align: left; }
td, p.answer { white-space: pre-line; }  /* a list or a slide label over its item keeps its lines */
th { background: #f1f1f1; }
th.aspect { width: 4.2em; min-width: 4.2em; }
a.cite { text-decoration: none; font-size: .8em; vertical-align: super; }
ol.sources li { margin-bottom: .8rem; }
blockquote { margin: .3rem 0; padding: .3rem .8rem; border-left: 3px solid #999; background: #fafafa; }
.meta { color: #666; font-size: .85em; }
.notfound { color: #a00; }
.choices { color: #333; margin-top: .2rem; }
@media print { body { max-width: none; margin: 0; } a { color: inherit; } h2 { page-break-after: avoid; }
               section.question { page-break-after: always; } section.page { page-break-before: always; } }
"""


def write_study_guide(
    guide: StudyGuide, out_dir: Path, formats: tuple[str, ...] = FORMATS, paper: Paper = "a4"
) -> list[Path]:
    """Write the chosen formats into out_dir; returns the files written. KbError when the
    folder cannot be written (read-only, full, a file in the way) or when --out or one of the
    files is a symbolic link: a link planted there would otherwise send the write to its target."""
    refuse_links(out_dir, formats)
    try:
        return _write_formats(guide, out_dir, formats, paper)
    except OSError as exc:
        raise KbError(f"cannot write study files to {out_dir}: {exc.strerror or exc}; choose a writable --out") from exc


def refuse_links(out_dir: Path, formats: tuple[str, ...]) -> None:
    """One-line KbError when the --out folder or a file kb study is about to write is a
    symbolic link (dangling or not), before anything is written."""
    if out_dir.is_symlink():
        raise KbError(f"--out {out_dir} is a symbolic link; kb study writes only into a real folder")
    for name in (FILE_NAMES[f] for f in formats):
        if (out_dir / name).is_symlink():
            raise KbError(f"{out_dir / name} is a symbolic link; kb study does not write through links: remove it")


def _write_formats(guide: StudyGuide, out_dir: Path, formats: tuple[str, ...], paper: Paper) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    writers: dict[str, Callable[[Path], object]] = {
        "md": lambda path: path.write_text(to_markdown(guide), "utf-8"),
        "html": lambda path: path.write_text(to_html(guide, paper), "utf-8"),
        "csv": lambda path: write_csv(guide, path),
        "anki": lambda path: write_anki(guide, path),
        "pdf": lambda path: write_pdf(guide, path, paper),
    }
    return [replace_file(out_dir / FILE_NAMES[f], writers[f]) for f in FORMATS if f in formats]


def replace_file(path: Path, write: Callable[[Path], object]) -> Path:
    """Write a new file beside `path` and rename it over `path`: the rename replaces a link
    planted there instead of following it, and a reader never sees a half-written file."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666))
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _anchor(number: int) -> str:
    return f"src-{number}"


def _md(text: str) -> str:
    """Corpus text as Markdown shows it: its <, > and & as entities, so a scraped
    「<img onerror=…>」 is read, not rendered, by any Markdown viewer."""
    return html.escape(text, quote=False)


def _renumbered(guide: StudyGuide, q: int, citations: tuple[int, ...]) -> tuple[int, ...]:
    """A question's passage ranks as the pack's source numbers."""
    numbers = guide.source_numbers[q] if q < len(guide.source_numbers) else {}
    return tuple(sorted({numbers.get(n, n) for n in citations}))


def _answer_text(guide: StudyGuide, q: int, answer: Answer) -> str:
    if not answer.found:
        return answer.text
    return joined_text([(s.text, _renumbered(guide, q, s.citations), s.code) for s in answer.sentences])


def _cited_sources(guide: StudyGuide, q: int) -> list[int]:
    """The pack's numbers of the sources question q cites (StudyGuide numbers only those)."""
    return sorted(set(guide.source_numbers[q].values()))


def _choices(item: ClozeItem) -> str:
    return "  ".join(f"{letter}. {choice}" for letter, choice in zip("ABCD", item.choices))


def _key(item: ClozeItem) -> str:
    letter = "ABCD"[item.choices.index(item.answer)] + ". " if item.answer in item.choices else ""
    return letter + item.answer


def to_markdown(guide: StudyGuide) -> str:
    """Questions with cited answers; the quiz; its answer key; every source quoted once."""
    lines = [f"# {_md(guide.title)}", ""]
    if guide.topics:
        lines += ["关键主题：" + _md("、".join(guide.topics)), ""]
    for q, answer in enumerate(guide.answers):
        lines += [f"## {q + 1}. {_md(answer.question)}", "", _md(_answer_text(guide, q, answer)), ""]
        if answer.contrast:
            sides = answer.contrast.sides
            lines += ["| 方面 | " + " | ".join(map(_md, sides)) + " |", "|---" * (len(sides) + 1) + "|"]
            for row in answer.contrast.rows:
                # A cell of a slide's items keeps its lines inside the table's one line per row.
                cells = [
                    _md(cite(c.text, _renumbered(guide, q, c.citations))).replace("|", "\\|").replace("\n", "<br>")
                    for c in row.cells
                ]
                lines.append(f"| {_md(row.aspect)} | " + " | ".join(cells) + " |")
            lines.append("")
        if answer.found:
            lines += ["来源：" + "、".join(f"[{n}]" for n in _cited_sources(guide, q)), ""]
    if guide.cloze:
        lines += ["## 填空练习", ""]
        for i, item in enumerate(guide.cloze, start=1):
            lines.append(f"{i}. {_md(item.prompt)}" + (f"  \n   {_md(_choices(item))}" if item.choices else ""))
        lines += ["", "### 答案", ""]
        lines += [
            f"{i}. {_md(_key(item))} — 来源 " + "、".join(f"[{n}]" for n in item.sources)
            for i, item in enumerate(guide.cloze, start=1)
        ]
        lines.append("")
    if guide.sources:
        lines += ["## 资料", ""]
        for number, passage in enumerate(guide.sources, start=1):
            lines += [f"[{number}] **{_md(passage.title)}** — `{passage.cited_as()}`", ""]
            lines += ["> " + _md(line) for line in passage.text.splitlines()] + [""]
    return "\n".join(lines)


def _linked(text: str) -> str:
    """Escape text and turn each [n] into a link to the pack's source n."""
    return re.sub(
        r"\[(\d+)\]",
        lambda m: f'<a class="cite" href="#{_anchor(int(m.group(1)))}">[{m.group(1)}]</a>',
        html.escape(text),
    )


def _answer_html(guide: StudyGuide, q: int, answer: Answer) -> list[str]:
    parts = [f'<section class="question" id="q{q + 1}">', f"<h2>{q + 1}. {html.escape(answer.question)}</h2>"]
    if not answer.found:
        return parts + [f'<p class="notfound">{html.escape(answer.text)}</p>', "</section>"]
    parts.append(f'<p class="answer">{_linked(_answer_text(guide, q, answer))}</p>')
    if answer.contrast:
        parts.append(
            '<table><thead><tr><th class="aspect">方面</th>'
            + "".join(f"<th>{html.escape(s)}</th>" for s in answer.contrast.sides)
            + "</tr></thead><tbody>"
        )
        for row in answer.contrast.rows:
            cells = "".join(f"<td>{_linked(cite(c.text, _renumbered(guide, q, c.citations)))}</td>" for c in row.cells)
            parts.append(f'<tr><th class="aspect">{html.escape(row.aspect)}</th>{cells}</tr>')
        parts.append("</tbody></table>")
    refs = " ".join(f'<a class="cite" href="#{_anchor(n)}">[{n}]</a>' for n in _cited_sources(guide, q))
    return parts + [f'<p class="meta">来源：{refs}（原文见文末“资料”）</p>', "</section>"]


def to_html(guide: StudyGuide, paper: Paper = "a4") -> str:
    """One self-contained page (inline CSS, no scripts, no external resources) that fits a
    phone's width. Printed on `paper`: one page per question, the quiz and its answer key on
    pages of their own, the sources last."""
    body = [f"<h1>{html.escape(guide.title)}</h1>"]
    if guide.topics:
        body.append(f"<p>关键主题：{html.escape('、'.join(guide.topics))}</p>")
    for q, answer in enumerate(guide.answers):
        body += _answer_html(guide, q, answer)
    if guide.cloze:
        body.append('<section id="quiz" class="page"><h2>填空练习</h2><ol>')
        for item in guide.cloze:
            choices = f'<div class="choices">{html.escape(_choices(item))}</div>' if item.choices else ""
            body.append(f"<li>{html.escape(item.prompt)}{choices}</li>")
        body.append('</ol></section><section id="key" class="page"><h2>答案</h2><ol class="key">')
        for item in guide.cloze:
            refs = " ".join(f'<a class="cite" href="#{_anchor(n)}">[{n}]</a>' for n in item.sources)
            body.append(f'<li>{html.escape(_key(item))} <span class="meta">{refs}</span></li>')
        body.append("</ol></section>")
    if guide.sources:
        body.append('<section id="sources" class="page"><h2>资料</h2><ol class="sources">')
        for number, passage in enumerate(guide.sources, start=1):
            body.append(
                f'<li value="{number}" id="{_anchor(number)}"><blockquote>{html.escape(passage.text)}</blockquote>'
                f'<span class="meta">{html.escape(passage.title)} — {html.escape(passage.cited_as())}</span></li>'
            )
        body.append("</ol></section>")
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(guide.title)}</title>"
        f"<style>{_CSS}@page {{ size: {PAPER_SIZES[paper]}; margin: 16mm 14mm; }}\n</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def chromium() -> str | None:
    """The headless browser that prints study.pdf, if one is installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def write_pdf(guide: StudyGuide, path: Path, paper: Paper = "a4") -> Path:
    """The HTML page printed to PDF on `paper` by headless Chromium (the browser the page is
    made for; it takes the paper size from the page's @page rule)."""
    import subprocess
    import tempfile

    browser = chromium()
    if browser is None:
        raise KbError(
            "--format pdf prints with Chromium, which is not installed (Debian: apt install chromium); "
            "or print study.html from a browser"
        )
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "study.html"
        page.write_text(to_html(guide, paper), "utf-8")
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={Path(tmp) / 'profile'}",
        ]
        try:
            subprocess.run(
                [browser, *flags, f"--print-to-pdf={path}", "--no-pdf-header-footer", page.as_uri()],
                capture_output=True,
                timeout=180,
                check=True,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            raise KbError(
                f"Chromium could not print {path.name} ({type(exc).__name__}); print study.html from a browser instead"
            ) from exc
    if not path.is_file() or path.stat().st_size == 0:
        raise KbError(f"Chromium printed no {path.name}; print study.html from a browser instead")
    return path


def write_csv(guide: StudyGuide, path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel reads UTF-8 right
        writer = csv.writer(handle)
        writer.writerow(["front", "back", "sources"])
        writer.writerows(
            [spreadsheet_safe(card.front), spreadsheet_safe(card.back), spreadsheet_safe(card.sources)]
            for card in guide.cards
        )
    return path


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text: corpus text starting with = + - @ (「=HYPERLINK(…)」)
    would otherwise run as a formula when the trainer opens the file, so it gets a leading '."""
    return "'" + cell if cell[:1] in _FORMULA_STARTS else cell


def _stable_id(text: str) -> int:
    """Anki wants stable 31-bit ids for a model and a deck: derive them from names."""
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) & 0x7FFFFFFF


def write_anki(guide: StudyGuide, path: Path) -> Path:
    import genanki

    model = genanki.Model(
        _stable_id("kb flashcard v1"),
        "kb flashcard",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Sources"}],
        templates=[
            {
                "name": "Card",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<br><small>{{Sources}}</small>',
            }
        ],
    )
    deck = genanki.Deck(_stable_id(guide.title), guide.title)
    for card in guide.cards:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[html.escape(card.front), html.escape(card.back), html.escape(card.sources)],
                guid=genanki.guid_for(card.front),
            )
        )
    genanki.Package(deck).write_to_file(str(path))
    return path
