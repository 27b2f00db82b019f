"""Pictures of text — photographed slides and whiteboards, scanned pages saved as PNG/JPEG —
read by OCR (formats/ocr.py). The whole picture is one place, labelled with the engine's
confidence: `slide.png (OCR 97%)`."""

from __future__ import annotations

import io

from kb.formats import Extracted
from kb.formats.ocr import INSTALL_HINT, Reader, installed
from kb.ingest.decoding import NotTextError
from kb.provenance import Places


def extract(data: bytes) -> Extracted:
    if not installed():
        raise NotTextError(f"pictures are read by OCR, which is not installed: {INSTALL_HINT}")
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        picture = Image.open(io.BytesIO(data))
        picture.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise NotTextError(f"damaged or not an image ({type(exc).__name__})") from None
    # A phone stores how it was held in EXIF; the pixels are as the sensor saw them.
    recognised = Reader().read(ImageOps.exif_transpose(picture))
    if not recognised.text.strip():
        raise NotTextError("no text found in the picture (OCR)")
    doubt = f"read by OCR with low confidence ({recognised.confidence:.0%}): check the text"
    places = Places("image", (0,), (recognised.note,))
    return Extracted(recognised.text, places, "ocr", (doubt,) if recognised.doubtful else ())
