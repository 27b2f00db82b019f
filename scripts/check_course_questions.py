"""Check tests/data/course_questions.jsonl against the course documents in /work/bench_docs/course.

The text of each document is extracted independently of kb (python-pptx per slide, python-docx per
paragraph and table cell, pdfminer.six per page, lxml for HTML). Every gold string and every step must
occur in its document's text once whitespace is removed; the `place` (p.N or slide N, or several separated
by commas) must hold it; a DOCX place is a heading (§ …) and is not checked. Gold strings are 6-30 characters.

    python scripts/check_course_questions.py                 # exit 1 on any miss
    python scripts/check_course_questions.py --dump /tmp/t   # also write each document's text, by place
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = Path("/work/bench_docs/course")
QUESTIONS = ROOT / "tests" / "data" / "course_questions.jsonl"
KINDS = {"definition": 8, "fact": 6, "why": 5, "comparison": 6, "howto": 6, "unanswerable": 6}


def collapse(text: str) -> str:
    """Whitespace removed entirely: PDF and slide text breaks lines inside CJK words."""
    return re.sub(r"\s+", "", text)


def extract(path: Path) -> list[tuple[str, str]]:
    """(place, text) per page, slide or paragraph block."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LTTextContainer

        pages = []
        for number, layout in enumerate(extract_pages(str(path)), 1):
            text = "\n".join(box.get_text() for box in layout if isinstance(box, LTTextContainer))
            pages.append((f"p.{number}", text))
        return pages
    if suffix == ".pptx":
        from pptx import Presentation

        slides = []
        for number, slide in enumerate(Presentation(str(path)).slides, 1):
            parts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
            if slide.has_notes_slide:
                parts.append(slide.notes_slide.notes_text_frame.text)
            slides.append((f"slide {number}", "\n".join(parts)))
        return slides
    if suffix == ".docx":
        from docx import Document

        document = Document(str(path))
        parts = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            parts.extend(cell.text for row in table.rows for cell in row.cells)
        return [("§", "\n".join(parts))]
    if suffix in {".html", ".htm"}:
        from lxml import html

        return [("§", html.fromstring(path.read_bytes()).text_content())]
    raise ValueError(f"unsupported file: {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dump", type=Path, help="write <doc>.txt with the extracted text of each document")
    parser.add_argument("--docs", type=Path, default=DOCS, help=f"the course documents (default {DOCS})")
    parser.add_argument("--doc", help="check only the questions on this document (a quick check)")
    args = parser.parse_args()
    if not args.docs.is_dir():
        print(f"no course documents at {args.docs}: run scripts/fetch_course_corpus.py --out {args.docs}")
        return 2
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.doc:
        questions = [question for question in questions if question.get("doc") == args.doc]
    texts: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(args.docs.iterdir()):
        if args.doc and path.name != args.doc:
            continue
        texts[path.name] = extract(path)
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            body = "".join(f"\n===== {place} =====\n{text}" for place, text in texts[path.name])
            (args.dump / f"{path.name}.txt").write_text(body, encoding="utf-8")
    failures = 0
    for question in questions:
        doc = question.get("doc")
        spans = list(question["gold"]) + list(question.get("steps", []))
        if question["kind"] == "unanswerable":
            if spans:
                print(f"{question['id']}: unanswerable with gold")
                failures += 1
            continue
        if doc not in texts:
            print(f"{question['id']}: no document {doc}")
            failures += 1
            continue
        whole = collapse("".join(text for _, text in texts[doc]))
        places = {place.strip() for place in question["place"].split(",")}
        at_place = collapse("".join(text for place, text in texts[doc] if place in places))
        for span in question["gold"]:
            if not 6 <= len(collapse(span)) <= 30:
                print(f"{question['id']}: gold of {len(collapse(span))} characters: {span}")
                failures += 1
        for span in spans:
            if collapse(span) not in whole:
                print(f"{question['id']}: not in {doc}: {span}")
                failures += 1
            elif not question["place"].startswith("§") and collapse(span) not in at_place:
                print(f"{question['id']}: not at {question['place']} of {doc}: {span}")
                failures += 1
    kinds = Counter(question["kind"] for question in questions)
    for kind, least in KINDS.items():
        if kinds[kind] < least and not args.doc:
            print(f"only {kinds[kind]} {kind} questions, {least} wanted")
            failures += 1
    splits = Counter((question["kind"], question["split"]) for question in questions)
    print(f"{len(questions)} questions, {dict(kinds)}; splits {dict(sorted(splits.items()))}; {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
