"""Bytes → Chinese text, or a reason why not: the encoding is decided by the content.

Chinese files arrive as UTF-8 (with or without BOM), UTF-16, GBK/GB18030 or Big5. Decoding
with the wrong codec gives mojibake that silently poisons every later stage — EUC-KR and EUC-JP
bytes are valid GB18030, and random bytes behind FF FE are valid UTF-16 — so a decoded text is
also checked to read as Chinese: real Chinese text draws ≈ 90 % of its characters from the 1,000
most frequent ones (measured on the seed articles, simplified and traditional), mojibake 4–35 %.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from importlib import resources

from .text import GENERAL_DICTIONARY, fold

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Codecs charset-normalizer chooses between for files that are neither UTF-8 nor UTF-16.
_CJK_CODECS = ("gb18030", "big5", "big5hkscs")
_COMMON = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u206f\x20-\x7e\s]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
COMMON_CHARACTERS = 1000
MIN_COMMON_SHARE = 0.6  # of a text's Han characters, among the most frequent ones
MIN_HAN_TO_JUDGE = 30  # fewer Han characters than this (an English note) are not judged
MAX_FOREIGN_SHARE = 0.1  # kana or Hangul among the letters: Japanese or Korean text


class NotTextError(ValueError):
    """Raised by `decode` for bytes that are not Chinese text in a supported encoding."""


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes, returning (text, encoding name); NotTextError says why not.

    BOMs decide first, then strict UTF-8 (the common case, and never a false positive on
    GBK/Big5 bytes), then UTF-16 without a BOM, then charset-normalizer restricted to the CJK
    codecs kb supports. Whatever decodes must then read as Chinese (see the module docstring).
    """
    text, encoding = _decoded(data)
    if _looks_binary(text):
        raise NotTextError("binary data")
    _check_chinese(text, encoding)
    return text, encoding


def _decoded(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            name = encoding.replace("-sig", "")
            try:
                return data.decode(encoding), name
            except UnicodeDecodeError as exc:
                reason = f"starts with a {name.upper()} byte-order mark but has invalid bytes at {exc.start}"
                raise NotTextError(reason) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16), utf16

    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(_CJK_CODECS)).best()
    if best is None:
        raise NotTextError("binary, or text in an unsupported encoding (kb reads UTF-8, UTF-16, GB18030/GBK and Big5)")
    return str(best), best.encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM, recognised by what it decodes to: almost only common CJK,
    ASCII and punctuation — which GBK/Big5 bytes read as UTF-16 never are (they scatter
    over Hangul, Yi and private-use code points)."""
    if len(data) < 4 or len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if len(_COMMON.findall(text)) >= 0.95 * len(text):
            return codec
    return None


def _looks_binary(text: str) -> bool:
    """Control characters other than tab/newline are rare in text and common in binaries."""
    if "\x00" in text:
        return True
    sample = text[:4096]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 100)


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


def _check_chinese(text: str, encoding: str) -> None:
    """Raise NotTextError for Japanese or Korean text, and for text whose Han characters are
    not distributed as Chinese ones are (another encoding read as this one)."""
    sample = text[:20000]
    letters = sum(1 for char in sample if char.isalpha())
    if letters:
        if len(_HANGUL.findall(sample)) > MAX_FOREIGN_SHARE * letters:
            raise NotTextError("Korean text, not Chinese")
        if len(_KANA.findall(sample)) > MAX_FOREIGN_SHARE * letters:
            raise NotTextError("Japanese text, not Chinese")
    han = _HAN.findall(fold(sample))
    if len(han) < MIN_HAN_TO_JUDGE:
        return
    common = common_characters()
    share = sum(char in common for char in han) / len(han)
    if share < MIN_COMMON_SHARE:
        raise NotTextError(
            f"does not read as Chinese in {encoding} ({share:.0%} common characters): "
            "another encoding (EUC-KR, EUC-JP, Shift-JIS?) or random bytes; save it as UTF-8"
        )
