"""Glyphs a PDF maps to the wrong characters, and pages whose glyphs map to none.

PDFs written by macOS Quartz (Keynote, Pages, "Save as PDF") map many CJK glyphs to Kangxi
radicals (U+2F00–2FDF) or CJK compatibility ideographs, often followed by the ideograph itself:
「⼤大纲」 for 「大纲」. Those characters look right but match nothing a user types. NFKC maps them to
the unified ideographs; it is applied to those ranges only (NFKC elsewhere would also fold
full-width punctuation and digits, which stored text keeps). A glyph whose font has no Unicode
map comes out as pdfminer's `(cid:123)`, a NUL or a private-use character.
"""

from __future__ import annotations

import re
import unicodedata

# Kangxi radicals, CJK radicals supplement, CJK compatibility ideographs (BMP and supplement).
_COMPATIBILITY = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
_UNMAPPED = re.compile(r"\(cid:\d+\)|[\x00\ue000-\uf8ff\U000f0000-\U0010ffff\ufffd]")
UNMAPPED_SHARE = 0.3  # of a page's visible characters: more, and the page is named in a warning


def normalise(text: str) -> str:
    """Kangxi radicals and compatibility ideographs as the ideographs they stand for; one that
    is followed by that same ideograph (a doubled glyph run) is dropped."""

    def unified(match: re.Match[str]) -> str:
        char = match.group()
        normal = unicodedata.normalize("NFKC", char)
        following = match.string[match.end() : match.end() + len(normal)]
        return "" if following == normal and normal != char else normal

    return _COMPATIBILITY.sub(unified, text)


def unmapped_share(text: str) -> float:
    """The share of the text's visible characters that are glyphs with no Unicode mapping (each
    `(cid:N)` counts as one)."""
    unmapped = len(_UNMAPPED.findall(text))
    visible = len(re.sub(r"\s+", "", _UNMAPPED.sub("?", text)))
    return unmapped / visible if visible else 0.0


def unmapped_warning(page: int, text: str) -> str | None:
    """A warning naming the page if its text is mostly glyphs with no Unicode mapping."""
    unmapped = unmapped_share(text)
    if unmapped <= UNMAPPED_SHARE:
        return None
    return (
        f"page {page}: {100 * unmapped:.0f} % of its characters are glyphs with no Unicode mapping "
        "(a font without a ToUnicode map?): its text may be garbage; export the PDF again or OCR it"
    )
