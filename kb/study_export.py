"""Write a StudyGuide as Markdown, a self-contained HTML page, an Anki deck and CSV."""

from __future__ import annotations

import csv
import hashlib
import html
import re
from pathlib import Path

from .answer import cite
from .errors import KbError
from .study import StudyGuide
from .types import Answer

FORMATS = ("md", "html", "anki", "csv")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 52rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.7; color: #222; }
h1 { border-bottom: 2px solid #333; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #bbb; padding: .4rem .6rem; vertical-align: top; text-align: left; }
th { background: #f1f1f1; }
a.cite { text-decoration: none; font-size: .8em; vertical-align: super; }
ol.sources li { margin-bottom: .8rem; }
blockquote { margin: .3rem 0; padding: .3rem .8rem; border-left: 3px solid #999; background: #fafafa; }
.meta { color: #666; font-size: .85em; }
.notfound { color: #a00; }
@media print { body { max-width: none; margin: 0; } a { color: inherit; } h2 { page-break-after: avoid; }
               section.question { page-break-inside: avoid; } }
"""


def write_study_guide(guide: StudyGuide, out_dir: Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write the chosen formats into out_dir; returns the files written. KbError when the
    folder cannot be written (read-only, full, a file in the way)."""
    try:
        return _write_formats(guide, out_dir, formats)
    except OSError as exc:
        raise KbError(f"cannot write study files to {out_dir}: {exc.strerror or exc}; choose a writable --out") from exc


def _write_formats(guide: StudyGuide, out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if "md" in formats:
        written.append(_write(out_dir / "study.md", to_markdown(guide)))
    if "html" in formats:
        written.append(_write(out_dir / "study.html", to_html(guide)))
    if "csv" in formats:
        written.append(write_csv(guide, out_dir / "flashcards.csv"))
    if "anki" in formats:
        written.append(write_anki(guide, out_dir / "flashcards.apkg"))
    return written


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def _anchor(q: int, n: int) -> str:
    return f"q{q}-src{n}"


def _md(text: str) -> str:
    """Corpus text as Markdown shows it: its <, > and & as entities, so a scraped
    「<img onerror=…>」 is read, not rendered, by any Markdown viewer."""
    return html.escape(text, quote=False)


def to_markdown(guide: StudyGuide) -> str:
    lines = [f"# {_md(guide.title)}", ""]
    if guide.topics:
        lines += ["关键主题：" + _md("、".join(guide.topics)), ""]
    for q, answer in enumerate(guide.answers, start=1):
        lines += [f"## {q}. {_md(answer.question)}", "", _md(answer.text), ""]
        if answer.contrast:
            sides = answer.contrast.sides
            lines += ["| 方面 | " + " | ".join(map(_md, sides)) + " |", "|---" * (len(sides) + 1) + "|"]
            for row in answer.contrast.rows:
                cells = [_md(cite(c.text, c.citations)).replace("|", "\\|") for c in row.cells]
                lines.append(f"| {_md(row.aspect)} | " + " | ".join(cells) + " |")
            lines.append("")
        if answer.found:
            lines += ["来源：", ""]
            for hit in answer.hits:
                p = hit.passage
                lines += [f"[{hit.rank}] **{_md(p.title)}** — `{p.cited_as()}`", ""]
                lines += ["> " + _md(line) for line in p.text.splitlines()] + [""]
    if guide.cloze:
        lines += ["## 填空练习", ""]
        lines += [f"{i}. {_md(item.prompt)}" for i, item in enumerate(guide.cloze, start=1)] + ["", "### 答案", ""]
        lines += [f"{i}. {_md(item.answer)} — {_md(item.citation)}" for i, item in enumerate(guide.cloze, start=1)] + [
            ""
        ]
    return "\n".join(lines)


def _linked(text: str, q: int) -> str:
    """Escape text and turn each [n] into a link to question q's source excerpt n."""
    return re.sub(
        r"\[(\d+)\]",
        lambda m: f'<a class="cite" href="#{_anchor(q, int(m.group(1)))}">[{m.group(1)}]</a>',
        html.escape(text),
    )


def _answer_html(answer: Answer, q: int) -> list[str]:
    parts = [f'<section class="question" id="q{q}">', f"<h2>{q}. {html.escape(answer.question)}</h2>"]
    if not answer.found:
        return parts + [f'<p class="notfound">{html.escape(answer.text)}</p>', "</section>"]
    parts.append(f"<p>{_linked(answer.text, q)}</p>")
    if answer.contrast:
        parts.append(
            "<table><thead><tr><th>方面</th>"
            + "".join(f"<th>{html.escape(s)}</th>" for s in answer.contrast.sides)
            + "</tr></thead><tbody>"
        )
        for row in answer.contrast.rows:
            cells = "".join(f"<td>{_linked(cite(c.text, c.citations), q)}</td>" for c in row.cells)
            parts.append(f"<tr><th>{html.escape(row.aspect)}</th>{cells}</tr>")
        parts.append("</tbody></table>")
    parts.append('<h3>来源</h3><ol class="sources">')
    for hit in answer.hits:
        p = hit.passage
        parts.append(
            f'<li value="{hit.rank}" id="{_anchor(q, hit.rank)}"><blockquote>{html.escape(p.text)}</blockquote>'
            f'<span class="meta">{html.escape(p.title)} — {html.escape(p.cited_as())}</span></li>'
        )
    return parts + ["</ol>", "</section>"]


def to_html(guide: StudyGuide) -> str:
    """One self-contained page (inline CSS, no scripts, no external resources)."""
    body = [f"<h1>{html.escape(guide.title)}</h1>"]
    if guide.topics:
        body.append(f"<p>关键主题：{html.escape('、'.join(guide.topics))}</p>")
    for q, answer in enumerate(guide.answers, start=1):
        body += _answer_html(answer, q)
    if guide.cloze:
        body.append('<section id="quiz"><h2>填空练习</h2><ol>')
        body += [f"<li>{html.escape(item.prompt)}</li>" for item in guide.cloze]
        body.append('</ol><h3>答案</h3><ol class="key">')
        body += [
            f'<li>{html.escape(item.answer)} <span class="meta">{html.escape(item.citation)}</span></li>'
            for item in guide.cloze
        ]
        body.append("</ol></section>")
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        f"<title>{html.escape(guide.title)}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


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
