"""Zip packages (.docx, .pptx, .epub) checked before any part of them is unpacked: a 2 MB
document can hold parts that inflate to gigabytes (a zip bomb), which python-docx would read
into memory whole.

Each part's size is what its zip entry declares, and Python's zipfile never inflates a part
beyond it (it stops there and reports a bad CRC), so the declared sizes bound what reading the
package can cost. Media stored as they are (pictures, videos) unpack to about their own size
and cost nothing beyond the file's bytes; the bound is on how much more than its own size a
package unpacks to."""

from __future__ import annotations

import io
import zipfile

from kb.ingest.decoding import NotTextError

MAX_EXPANSION_BYTES = 256 * 2**20  # unpacked beyond the file's own size
_MB = 2**20


def opened(data: bytes, kind: str) -> zipfile.ZipFile:
    """The zip package in `data`, once its declared sizes are within bounds; NotTextError
    naming `kind` ("a Word document") when it is not a zip or unpacks to too much."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise NotTextError(f"damaged or not {kind} ({type(exc).__name__}): open it and save it again") from None
    unpacked = sum(entry.file_size for entry in package.infolist())
    if unpacked - len(data) > MAX_EXPANSION_BYTES:
        raise NotTextError(
            f"its parts unpack to {unpacked / _MB:,.0f} MB from {len(data) / _MB:,.1f} MB (a zip bomb?): "
            f"kb unpacks at most {MAX_EXPANSION_BYTES // _MB} MB more than a file's own size"
        )
    return package


def checked(data: bytes, kind: str) -> bytes:
    """`data`, once `opened` found its package within bounds (for readers that open it
    themselves: python-docx, python-pptx)."""
    opened(data, kind).close()
    return data
