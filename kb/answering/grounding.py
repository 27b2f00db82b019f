"""Grounding: the proof that an answer quotes its sources, checked before any answer leaves kb.

Every answer sentence and contrast-table cell must be verbatim in the passage it cites first,
at the offsets it claims (offsets are into the cleaned document).
"""

from __future__ import annotations

from kb.types import Answer


class GroundingError(AssertionError):
    """An answer sentence or table cell that is not verbatim in the passage it cites."""


def check_grounding(answer: Answer) -> None:
    """Raise GroundingError unless every sentence and table cell is verbatim in the passage it
    cites first, at the offsets it claims (offsets are into the cleaned document)."""
    by_rank = {h.rank: h.passage for h in answer.hits}
    spans = list(answer.sentences)
    if answer.contrast:
        spans += [cell for row in answer.contrast.rows for cell in row.cells]
    for span in spans:
        if not span.citations or any(n not in by_rank for n in span.citations):
            raise GroundingError(f"uncited or dangling citation for {span.text!r}")
        passage = by_rank[span.citations[0]]
        if (
            not (passage.start <= span.start and span.end <= passage.end)
            or passage.text[span.start - passage.start : span.end - passage.start] != span.text
        ):
            raise GroundingError(f"{span.text!r} is not verbatim in passage [{span.citations[0]}]")
