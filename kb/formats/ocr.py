"""Text read from a picture of a page (a scanned PDF page, a photographed slide) by RapidOCR
(rapidocr, Apache-2.0) with PaddleOCR's PP-OCRv6 small detection and recognition models, which
read simplified and traditional Chinese alike, ship inside the wheel (Apache-2.0) and run on
onnxruntime (MIT): nothing is downloaded. Measured against rapidocr-onnxruntime (PP-OCRv4) and
Debian's tesseract-ocr-chi-sim/-chi-tra by scripts/bench_ocr.py (README, "Scanned pages and
pictures").

The engine finds text lines as boxes; paragraphs are rebuilt from them as for a PDF: a line
reaching the right edge of the text continues in the next one, unless that one is indented or
further down than the usual line pitch. Imported only when a page needs reading.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import PIL.Image

ENGINE = ("rapidocr", "onnxruntime")  # the engine and the runtime it runs the models on
INSTALL_HINT = "install kb's OCR support: .venv/bin/pip install -e '.[documents]'"
LOW_CONFIDENCE = 0.9  # mean character score under which a page's text is warned as doubtful
RUN_ON_CHARS = 2  # a line ending within this many characters of the right edge may continue
INDENT_CHARS = 1  # a line starting this many characters right of the left edge starts a paragraph
WIDER_GAP = 1.5  # a gap to the next line this many times the usual pitch starts a paragraph
# Text is found in the picture as it is, shrunk only when its longer side exceeds this. The
# engine's default enlarges the shorter side to 736 px: a 700×200 photo of one slide line
# became 2600×736, seven times the pixels and as much the time, for no better reading.
DETECT_MAX_SIDE = 2000
# The engine's text-direction classifier turns lines it takes for upside down; on an upright
# page it turned a whole first line over and read 「：一」 for 「经常看到一个问题…」 (bench page 2).
# Scans and photos are upright, so it is off.
TURN_LINES = False
SETTINGS = {
    "Det.limit_type": "max",
    "Det.limit_side_len": DETECT_MAX_SIDE,
    "Global.use_cls": TURN_LINES,
    "Global.log_level": "warning",  # not a line per picture on kb's output
}


@dataclass(frozen=True)
class Recognised:
    """A picture's text, a paragraph per line, and the engine's confidence in it: the mean of
    its characters' recognition scores, 0–1 (a clean print scores about 0.99)."""

    text: str
    confidence: float

    @property
    def note(self) -> str:
        """What a location says of text read this way: 「(OCR 97%)」."""
        return f"(OCR {self.confidence:.0%})"

    @property
    def doubtful(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


@dataclass(frozen=True)
class _Box:
    text: str
    score: float
    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def char_width(self) -> float:
        return (self.x1 - self.x0) / max(1, len(self.text))


def installed() -> bool:
    """Whether the OCR engine is installed (without importing it)."""
    return all(importlib.util.find_spec(name) is not None for name in ENGINE)


class Reader:
    """A loaded OCR engine. Loading its models takes about a second, so one reader reads
    all the pages of a file."""

    def __init__(self) -> None:
        from rapidocr import RapidOCR

        self._engine = RapidOCR(params=SETTINGS)

    def read(self, picture: PIL.Image.Image) -> Recognised:
        from rapidocr.utils.output import RapidOCROutput

        found = self._engine(picture.convert("RGB"))
        if not isinstance(found, RapidOCROutput) or found.boxes is None or found.txts is None or found.scores is None:
            return Recognised("", 0.0)
        boxes = [
            _box(points.tolist(), text, float(score))
            for points, text, score in zip(found.boxes, found.txts, found.scores)
            if text.strip()
        ]
        if not boxes:
            return Recognised("", 0.0)
        chars = sum(len(box.text) for box in boxes)
        confidence = sum(box.score * len(box.text) for box in boxes) / chars
        return Recognised(_paragraphs(_rows(boxes)), confidence)


def _box(points: list[list[float]], text: str, score: float) -> _Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return _Box(text.strip(), score, min(xs), max(xs), min(ys), max(ys))


def _rows(boxes: list[_Box]) -> list[_Box]:
    """Boxes side by side on one line (a table row, a gap in the line) merged into one, left to
    right, and the lines top to bottom."""
    rows: list[list[_Box]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        row = rows[-1] if rows else None
        if row and abs((box.y0 + box.y1) / 2 - (row[0].y0 + row[0].y1) / 2) < (row[0].y1 - row[0].y0) / 2:
            row.append(box)
        else:
            rows.append([box])
    merged = []
    for row in rows:
        row.sort(key=lambda b: b.x0)
        text = " ".join(box.text for box in row)
        score = sum(b.score * len(b.text) for b in row) / sum(len(b.text) for b in row)
        merged.append(_Box(text, score, row[0].x0, row[-1].x1, min(b.y0 for b in row), max(b.y1 for b in row)))
    return merged


def _paragraphs(lines: list[_Box]) -> str:
    """The lines, each that reaches the right edge joined to the next (Chinese without a space,
    Latin with one), a paragraph per line of the result."""
    left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
    gaps = sorted(b.y0 - a.y0 for a, b in zip(lines, lines[1:]))
    pitch = gaps[len(gaps) // 2] if gaps else 0.0
    parts = []
    for line, following in zip(lines, [*lines[1:], None]):
        parts.append(line.text)
        if following is None:
            break
        width = line.char_width
        runs_on = line.x1 >= right - RUN_ON_CHARS * width
        indented = following.x0 > left + INDENT_CHARS * width
        wider_gap = following.y0 - line.y0 > WIDER_GAP * pitch
        if not runs_on or indented or wider_gap:
            parts.append("\n")
        elif line.text[-1].isascii() and line.text[-1].isalnum() and following.text[0].isascii():
            parts.append(" ")
    return "".join(parts) + "\n"
