"""Text and Markdown files: decoded by content (decoding.py; loaders.py judges that the text
reads as text, as for every format); places are lines."""

from __future__ import annotations

from kb.formats import Extracted, check_text_size
from kb.ingest.decoding import decoded_with_warnings
from kb.provenance import Places


def extract(data: bytes) -> Extracted:
    text, encoding, warnings = decoded_with_warnings(data)
    check_text_size(text)  # before its lines are counted
    return Extracted(text, Places.lines(text), encoding, warnings)
