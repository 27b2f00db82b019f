"""How much a PDF's compressed streams inflate to, measured before pdfminer reads them: pdfminer
inflates each stream whole, so a 1 MB file holding a Flate stream of zeros became 2.1 GB of
memory.

Streams are found in the raw file (`stream` after an object's dictionary) and inflated in
slices, counting the output and keeping none of it, up to the bound. Pictures are left out:
pdfminer keeps an image's stream as it is and never inflates it, and a scanned book's page
images rightly inflate to gigabytes."""

from __future__ import annotations

import re
import zlib

from kb.ingest.decoding import NotTextError

MAX_INFLATED_BYTES = 256 * 2**20  # of all the streams pdfminer would inflate, together
DICTIONARY_WINDOW = 4096  # bytes before `stream` searched for the object's dictionary
_SLICE = 2**16  # compressed bytes fed at a time
_OUTPUT = 2**20  # inflated bytes produced at a time (and dropped)
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_MB = 2**20


def check_inflated_size(data: bytes) -> None:
    """NotTextError when the Flate streams that reading the text would inflate hold more than
    MAX_INFLATED_BYTES."""
    total = 0
    for match in _STREAM.finditer(data):
        window = data[max(0, match.start() - DICTIONARY_WINDOW) : match.start()]
        dictionary = window[window.rfind(b"obj") :]
        if b"/FlateDecode" not in dictionary or _IMAGE.search(dictionary):
            continue
        total += _inflated_size(data, match.end(), MAX_INFLATED_BYTES - total)
        if total > MAX_INFLATED_BYTES:
            bound = MAX_INFLATED_BYTES // _MB
            raise NotTextError(
                f"its compressed streams inflate to more than {bound} MB from {len(data) / _MB:,.1f} MB "
                f"(a Flate bomb?): kb inflates at most {bound} MB of a PDF"
            )


def _inflated_size(data: bytes, start: int, bound: int) -> int:
    """The size the zlib stream at `start` inflates to, counted up to just past `bound`; a
    stream that is not zlib data, or is damaged, counts what inflated before the damage."""
    inflater = zlib.decompressobj()
    size = 0
    position = start
    try:
        while size <= bound and not inflater.eof and position < len(data):
            pending = data[position : position + _SLICE]
            position += _SLICE
            while pending and size <= bound:
                size += len(inflater.decompress(pending, _OUTPUT))
                pending = inflater.unconsumed_tail
    except zlib.error:
        pass
    return size
