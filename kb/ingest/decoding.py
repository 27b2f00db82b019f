"""Bytes → text: the encoding is decided by the content.

Chinese files arrive as UTF-8 (with or without BOM), UTF-16, GBK/GB18030 or Big5. Decoding
with the wrong codec gives mojibake that silently poisons every later stage — EUC-KR and EUC-JP
bytes are valid GB18030, and random bytes behind FF FE are valid UTF-16 — so what decodes is
then judged to read as text (readable.py), for corpus files with the text of every other format.
"""

from __future__ import annotations

import codecs
import re

from kb.ingest.readable import NotTextError, garbled

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


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes a user gave kb (a questions file), returning (text, encoding name), and
    judge that they read as text; NotTextError says why not."""
    text, encoding = decoded(data)
    reason = garbled(text, encoding)
    if reason:
        raise NotTextError(reason)
    return text, encoding


def decoded(data: bytes) -> tuple[str, str]:
    """Decode file bytes, returning (text, encoding name); NotTextError when no supported
    encoding fits (what a format plug-in calls; see decoded_with_warnings)."""
    text, encoding, _ = decoded_with_warnings(data)
    return text, encoding


def decoded_with_warnings(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Decode file bytes, returning (text, encoding name, what a reader should know of the
    file); NotTextError when no supported encoding fits. The text is not judged here:
    loaders.py judges every format's text alike.

    BOMs decide first, then strict UTF-8 (the common case, and never a false positive on
    GBK/Big5 bytes), then UTF-8 that stops inside its last character (a copy or download cut
    short, `head -c`: read without those 1–3 bytes, which hold no whole character, and said so;
    it had been refused as binary), then UTF-16 without a BOM, then charset-normalizer
    restricted to the CJK codecs kb supports.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            name = encoding.replace("-sig", "")
            try:
                return data.decode(encoding), name, ()
            except UnicodeDecodeError as exc:
                reason = f"starts with a {name.upper()} byte-order mark but has invalid bytes at {exc.start}"
                raise NotTextError(reason) from None
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError as exc:
        cut = _inside_last_character(data, exc)
    if cut:
        warning = f"it ends inside a character ({cut} byte{'s' if cut > 1 else ''} of it): cut short?"
        return data[:-cut].decode("utf-8"), "utf-8", (warning,)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16), utf16, ()

    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(_CJK_CODECS)).best()
    if best is None:
        raise NotTextError("binary, or text in an unsupported encoding (kb reads UTF-8, UTF-16, GB18030/GBK and Big5)")
    return str(best), best.encoding, ()


def _inside_last_character(data: bytes, error: UnicodeDecodeError) -> int:
    """How many bytes at the end of `data` are a character it stops inside (1–3), when
    `error`, the first UTF-8 decoding error, is there and nothing went wrong before it; else 0."""
    at_the_end = error.reason == "unexpected end of data" and error.end == len(data) and 0 < error.start
    return len(data) - error.start if at_the_end and len(data) - error.start <= 3 else 0


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
