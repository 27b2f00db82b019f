"""Text and Markdown files: decoded by content (decoding.py); places are lines."""

from __future__ import annotations

from ..decoding import decode
from ..provenance import Places
from . import Extracted


def extract(data: bytes) -> Extracted:
    text, encoding = decode(data)
    return Extracted(text, Places.lines(text), encoding)
