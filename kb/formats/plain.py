"""Text and Markdown files: decoded by content (decoding.py; loaders.py judges that the text
reads as text, as for every format); places are lines."""

from __future__ import annotations

from kb.formats import Extracted, check_text_size
from kb.ingest.decoding import cut_short_warning, decoded
from kb.provenance import Places


def extract(data: bytes) -> Extracted:
    text, encoding = decoded(data)
    check_text_size(text)  # before its lines are counted
    return Extracted(text, Places.lines(text), encoding, cut_short_warning(data))
