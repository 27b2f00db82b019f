"""OCR of Chinese pages: character accuracy and seconds per page, for RapidOCR (kb's engine)
and, when Debian's tesseract-ocr with tesseract-ocr-chi-sim (and -chi-tra) is installed,
Tesseract (with both languages when both are there).

Pages are drawn from the simplified seed articles with a CJK font (tests/documents.py: A4 at
150 dpi, 26 px text, paragraphs indented): clean prints as a scanner sees them, the same pages
"photographed" (turned 1.5°, grey paper, blurred, noisy, JPEG), and in traditional characters
(OpenCC s2t). Accuracy is 1 − edit distance / length over the text without whitespace, after
NFKC (so 「，」 and 「,」 count as the same character); `strict` keeps the width difference.

    python scripts/bench_ocr.py                 # 2 pages of each kind; exit 1 if kb's engine reads
                                                # any kind below --min-accuracy (0.95)
    python scripts/bench_ocr.py --pages 4 --engine rapidocr
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.formats.ocr import Reader  # noqa: E402
from tests import documents  # noqa: E402

PAGE_CHARS = 520  # about a full A4 page at 26 px


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]


def accuracy(truth: str, read: str, fold: bool = True) -> float:
    def comparable(text: str) -> str:
        return "".join((unicodedata.normalize("NFKC", text) if fold else text).split())

    expected = comparable(truth)
    return max(0.0, 1 - edit_distance(expected, comparable(read)) / len(expected))


def page_texts(count: int) -> list[list[str]]:
    """`count` pages of paragraphs, each from a different simplified seed article (its title
    skipped; the first article is traditional with pinyin debris, 「關(guān)系」)."""
    pages = []
    for path in sorted((ROOT / "corpus").glob("*.txt"))[1 : 1 + count]:
        paragraphs, length = [], 0
        for line in documents.article_lines(path)[1:]:
            if length + len(line) > PAGE_CHARS:
                paragraphs.append(line[: PAGE_CHARS - length])
                break
            paragraphs.append(line)
            length += len(line)
        pages.append(paragraphs)
    return pages


def tesseract() -> Callable[[Path], str] | None:
    if not shutil.which("tesseract"):
        return None
    languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    chinese = "+".join(language for language in ("chi_sim", "chi_tra") if language in languages)
    if not chinese:
        return None
    return lambda image: (
        subprocess.run(["tesseract", str(image), "-", "-l", chinese], capture_output=True, text=True, check=True).stdout
    )


def rapidocr() -> Callable[[Path], str]:
    from PIL import Image

    reader = Reader()
    return lambda image: reader.read(Image.open(image)).text


def cpu_seconds() -> float:
    """This process's and its children's (tesseract's) CPU time: wall time on a shared machine
    counts other people's work too."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2, help="pages of each kind (at most 4)")
    parser.add_argument("--engine", choices=["rapidocr", "tesseract", "both"], default="both")
    parser.add_argument("--min-accuracy", type=float, default=0.95, help="kb's engine, each kind of page")
    args = parser.parse_args()
    texts = page_texts(args.pages)
    engines: dict[str, Callable[[Path], str] | None] = {}
    if args.engine in ("rapidocr", "both"):
        engines["rapidocr"] = rapidocr()
    if args.engine in ("tesseract", "both"):
        engines["tesseract"] = tesseract()
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        kinds: dict[str, list[tuple[Path, str]]] = {"clean": [], "photographed": [], "traditional": []}
        to_traditional = opencc.OpenCC("s2t").convert
        for number, paragraphs in enumerate(texts):
            page = documents.render_page(paragraphs)
            traditional = [to_traditional(paragraph) for paragraph in paragraphs]
            for kind, picture, truth in [
                ("clean", page, paragraphs),
                ("photographed", documents.photographed(page), paragraphs),
                ("traditional", documents.render_page(traditional), traditional),
            ]:
                kinds[kind].append((Path(folder) / f"{kind}{number}.png", "".join(truth)))
                picture.save(kinds[kind][-1][0])
        print(f"{'engine':<10} {'pages':<13} {'accuracy':>8} {'strict':>7} {'min':>6} {'s/page':>7} {'cpu s/page':>10}")
        for name, read in engines.items():
            if read is None:
                print(f"{name:<10} not installed (Debian: tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra)")
                continue
            for kind, pages in kinds.items():
                scores, strict = [], []
                wall, cpu = time.perf_counter(), cpu_seconds()
                for image, truth in pages:
                    text = read(image)
                    scores.append(accuracy(truth, text))
                    strict.append(accuracy(truth, text, fold=False))
                wall, cpu = (time.perf_counter() - wall) / len(pages), (cpu_seconds() - cpu) / len(pages)
                mean = sum(scores) / len(scores)
                print(
                    f"{name:<10} {kind:<13} {mean:>8.1%} {sum(strict) / len(strict):>7.1%} {min(scores):>6.1%} "
                    f"{wall:>7.2f} {cpu:>10.2f}"
                )
                if name == "rapidocr" and mean < args.min_accuracy:
                    failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
