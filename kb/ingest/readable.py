"""Does a text read as text? One judgement for the text of every format (decoded .txt, PDF,
Word, PowerPoint, web pages, EPUB), made where all of them pass (loaders.py), so that garbage
is never indexed as text and answered from.

What goes wrong, and how each is recognised without knowing the document:
- binary data read as text: control characters, which text almost never holds;
- glyphs the extractor could not map to characters: pdfminer writes `(cid:768)` for a glyph of
  a font without a ToUnicode map, decoders write U+FFFD, some fonts map every glyph to the
  private-use area (symbol fonts map a few bullets there, which is fine);
- mojibake: UTF-8 read as Latin-1/Windows-1252 (「è¥é…」) — runs of those characters that,
  encoded back, are valid multi-byte UTF-8, which real Latin-script text never forms; GBK or
  Big5 read as Shift-JIS — half-width katakana, which no text uses now;
- another encoding read as Chinese: real Chinese draws ≈ 90 % of its Han characters from the
  1,000 most frequent (a slide of technical terms, 「聚氯乙烯 / 屏蔽层 / 绝缘层」, 60 %), text
  decoded in the wrong encoding 3–32 % (the seed articles as GBK read as Big5 or Shift-JIS,
  Big5 as GBK, UTF-8 as either);
- Japanese or Korean text, which kb does not segment;
- data with no Chinese and no prose (a password file, a CSV of numbers): text with no Han
  characters is judged by whether its words are words. English prose passes, with a note.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from kb.language.text import GENERAL_DICTIONARY, fold


class NotTextError(ValueError):
    """Bytes or extracted text that is not text kb can answer from; the message says why."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNMAPPED = re.compile(r"\(cid:\d+\)|\ufffd")
# Symbol fonts (Wingdings bullets in decks) map to the private-use area too, so only a text made
# mostly of private-use characters is a font that maps its glyphs there instead of to Unicode.
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
# Characters UTF-8 bytes turn into when read as Latin-1 or Windows-1252.
_LATIN_RUN = re.compile(
    "[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{2,}"
)
# Half-width katakana: no text of any language uses them now; Chinese bytes read as Shift-JIS
# turn into runs of them (「ｲｻﾍｬﾀ獎ﾍｵﾄ」).
_HALFWIDTH_KANA = re.compile(r"[\uff66-\uff9f]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
# A word of prose: letters (any script), perhaps joined by ' or -, perhaps with punctuation around.
_WORD = re.compile(r"\W*[^\W\d_]+(?:['’-][^\W\d_]+)*\W*")
SAMPLE_CHARS = 20000
LANGUAGE_SAMPLE_CHARS = 4000  # enough to tell Chinese, prose and data apart
COMMON_CHARACTERS = 1000
MIN_COMMON_SHARE = 0.45  # of a text's Han characters, among the most frequent ones: between 32 % and 60 %
MIN_HAN_TO_JUDGE = 30  # fewer Han characters than this are too few to judge their distribution
# Nor are fewer different ones: a slide repeating 「函数调用」, 「函数结束」 ten times is Chinese.
MIN_DISTINCT_HAN = 15
MAX_FOREIGN_SHARE = 0.1  # kana or Hangul among the letters: Japanese or Korean text
MAX_UNMAPPED_SHARE = 0.1  # of the visible characters: glyphs without a character
MAX_PRIVATE_USE_SHARE = 0.5  # of the visible characters (bullets of a symbol font: up to 15 % of a slide)
MAX_MOJIBAKE_SHARE = 0.1  # of the visible characters: UTF-8 read as Latin-1
MIN_CHINESE_SHARE = 0.1  # Han characters among the letters, below which a text is not Chinese
MIN_WORD_SHARE = 0.4  # of the whitespace-separated tokens of prose, words (a password file: 12 %)
MAX_WORD_CHARS = 30
NOT_CHINESE = "no Chinese text: indexed as text in another language"


def garbled(text: str, read_as: str) -> str | None:
    """Why a text (a document, or one page or slide of it) is not text, or None when it reads
    as text. `read_as` names the encoding or format, for the message."""
    sample = text[:SAMPLE_CHARS]
    if "\x00" in sample or len(_CONTROL.findall(sample[:4096])) > max(2, len(sample[:4096]) // 100):
        return "binary data"
    markers = _UNMAPPED.findall(sample)
    visible = len("".join(sample.split())) - sum(len(marker) - 1 for marker in markers)
    private = len(_PRIVATE_USE.findall(sample))
    if visible and (len(markers) > MAX_UNMAPPED_SHARE * visible or private > MAX_PRIVATE_USE_SHARE * visible):
        return (
            f"{len(markers) + private} of {visible} characters are glyphs without a Unicode mapping ((cid:N), "
            "U+FFFD or private-use characters): its font lacks a ToUnicode map; OCR it, e.g. `ocrmypdf --force-ocr`"
        )
    mojibake = sum(len(run) for run in _LATIN_RUN.findall(sample) if _is_utf8_read_as_latin(run))
    if visible and mojibake > MAX_MOJIBAKE_SHARE * visible:
        return f"mojibake: UTF-8 read as Latin-1 or Windows-1252 ({mojibake} of {visible} characters); save it as UTF-8"
    halfwidth = len(_HALFWIDTH_KANA.findall(sample))
    if visible and halfwidth > MAX_MOJIBAKE_SHARE * visible:
        return (
            f"mojibake: Chinese read as Shift-JIS ({halfwidth} of {visible} characters half-width katakana); "
            "save it as UTF-8"
        )
    letters = sum(1 for char in sample if char.isalpha())
    if letters and len(_HANGUL.findall(sample)) > MAX_FOREIGN_SHARE * letters:
        return "Korean text, not Chinese"
    if letters and len(_KANA.findall(sample)) > MAX_FOREIGN_SHARE * letters:
        return "Japanese text, not Chinese"
    han = _HAN.findall(fold(sample))
    if len(han) >= MIN_HAN_TO_JUDGE and len(set(han)) >= MIN_DISTINCT_HAN:
        common = common_characters()
        share = sum(char in common for char in han) / len(han)
        if share < MIN_COMMON_SHARE:
            return (
                f"does not read as Chinese in {read_as} ({share:.0%} common characters): another encoding "
                "(EUC-KR, EUC-JP, Shift-JIS?), a font without a Unicode map, or random bytes; save it as UTF-8"
            )
    return None


def language_note(text: str) -> str | None:
    """For a whole document: None for Chinese text (a course handout full of SQL included), a
    note for prose with no Chinese (it is indexed: English handouts are fine), NotTextError for
    text with neither — data such as a password file or a table of numbers, which no question
    should be answered from."""
    han = sum(map(len, _HAN_RUN.findall(text[:SAMPLE_CHARS])))
    if han >= MIN_HAN_TO_JUDGE:  # Chinese, however much code or English surrounds it
        return None
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    letters = sum(1 for char in sample if char.isalpha())
    if letters and han >= MIN_CHINESE_SHARE * letters:  # a short Chinese note
        return None
    tokens = sample.split()
    words = sum(1 for token in tokens if len(token) <= MAX_WORD_CHARS and _WORD.fullmatch(token))
    if not tokens or words < MIN_WORD_SHARE * len(tokens):
        raise NotTextError(
            f"no Chinese and no prose ({words} of {len(tokens)} tokens are words): data such as a "
            "configuration or password file, not text to answer from"
        )
    return NOT_CHINESE


def _is_utf8_read_as_latin(run: str) -> bool:
    """Whether characters, encoded back as Windows-1252 (Latin-1 for the bytes it leaves
    undefined), are UTF-8 for something else."""
    raw = bytearray()
    for char in run:
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return False
            raw.append(ord(char))
    try:
        return len(raw.decode("utf-8")) < len(run)
    except UnicodeDecodeError:
        return False


@lru_cache(maxsize=1)
def common_characters() -> frozenset[str]:
    """The most frequent Han characters of Chinese, weighted by the word frequencies of kb's
    general jieba dictionary (package data, the same for every knowledge base)."""
    counts: dict[str, int] = {}
    text = resources.files("kb").joinpath("data", GENERAL_DICTIONARY).read_text("utf-8")
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            for char in parts[0]:
                counts[char] = counts.get(char, 0) + int(parts[1])
    ranked = sorted((c for c in counts if _HAN.match(c)), key=counts.__getitem__, reverse=True)
    return frozenset(ranked[:COMMON_CHARACTERS])
