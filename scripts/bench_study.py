"""Study-pack quality: what a trainer hands out for the seed corpus (the outline `kb study`
builds without --questions), measured.

- quiz items, multiple-choice items among them;
- distinct answers / items (12 blanks that are all 「销售」 teach one word);
- items whose answer is one of the outline's contrast sides;
- answerable from the pack: the blank's answer appears in a source excerpt the pack quotes
  for that item;
- items with less than 12 characters of context around the blank;
- documents the quiz asks about / documents, and the most items from one document;
- the most items with one answer;
- distinct distractor sets / multiple-choice items, and the most items one distractor is on;
- blanks on jieba word boundaries (of the filled sentence);
- items led by a label such as 「备注：」;
- printed pages (Chromium's print-to-PDF of study.html) per question.

    python scripts/bench_study.py --index index
    python scripts/bench_study.py --index java-index   # kb ingest tests/data/java_course --index java-index
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from kb import KnowledgeBase
from kb.language.text import fold
from kb.study.export import write_study_guide
from kb.study.guide import build_study_guide

MIN_CONTEXT_CHARS = 12


def printed_pages(html: Path) -> int | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    pdf = html.with_suffix(".measure.pdf")
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}", html.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    from pdfminer.pdfpage import PDFPage

    with pdf.open("rb") as handle:
        return sum(1 for _ in PDFPage.get_pages(handle))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", default="index")
    args = parser.parse_args()
    kb = KnowledgeBase.open(args.index)
    guide = build_study_guide(kb, None)
    items = guide.cloze
    sides = {fold(s) for a in guide.answers if a.contrast for s in a.contrast.sides}
    quoted = [fold(p.text) for p in guide.sources]
    answerable = sum(
        any(fold(item.prompt.replace("____", item.answer)) in quoted[n - 1] for n in item.sources) for item in items
    )
    documents = {d.doc_id for d in kb.index.documents()}
    asked = Counter(guide.sources[item.sources[0] - 1].doc_id for item in items if item.sources)
    answers = Counter(fold(item.answer) for item in items)
    mc = [item for item in items if item.choices]
    distractor_sets = [frozenset(item.choices) - {item.answer} for item in mc]
    distractors = Counter(d for ds in distractor_sets for d in ds)
    tokenizer = kb.profile.analyzer.tokenizer
    whole = 0
    for item in items:
        start = item.prompt.index("____")
        bounds = {b for _, s, e in tokenizer.tokenize(fold(item.prompt.replace("____", item.answer))) for b in (s, e)}
        whole += {start, start + len(item.answer)} <= bounds
    labelled = sum(bool(re.match(r"^[^\s，。：:]{1,6}[：:]", item.prompt)) for item in items)
    short = sum(len(item.prompt.replace("____", "")) < MIN_CONTEXT_CHARS for item in items)
    with tempfile.TemporaryDirectory() as tmp:
        written = write_study_guide(guide, Path(tmp), ("html",))
        pages = printed_pages(written[0])
    n = max(len(items), 1)
    choices = sum(bool(getattr(i, "choices", ())) for i in items)
    print(f"questions {len(guide.answers)}; quiz items {len(items)}, multiple choice {choices}")
    print(f"distinct answers / items     {len({fold(i.answer) for i in items}) / n:.2f}")
    print(f"answer is a contrast side    {sum(fold(i.answer) in sides for i in items) / n:.0%}")
    print(f"answerable from the pack     {answerable / n:.0%}")
    print(f"under {MIN_CONTEXT_CHARS} chars of context   {short / n:.0%}")
    most_from_one = max(asked.values(), default=0)
    print(f"documents asked about        {len(asked)}/{len(documents)}, most items from one {most_from_one}")
    print(f"most items with one answer   {max(answers.values(), default=0)}")
    most_on_one = max(distractors.values(), default=0)
    print(f"distinct distractor sets     {len(set(distractor_sets))}/{len(mc)}, most items sharing one {most_on_one}")
    print(f"blanks on word boundaries    {whole / n:.0%}")
    print(f"items led by a label         {labelled}")
    print(f"main contrast                {guide.answers[0].question if guide.answers else ''}")
    print(f"topics: {'、'.join(guide.topics)}")
    if pages is not None:
        print(f"printed pages {pages}, per question {pages / max(len(guide.answers), 1):.1f}")


if __name__ == "__main__":
    main()
