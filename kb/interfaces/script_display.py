"""One script per answer: what a reader sees is in the script of their question.

A corpus often mixes simplified and traditional articles, so an answer to a simplified
question may quote traditional sentences. The answer text is shown in one script (the
question's, or the one asked for); each quoted sentence stays in `Answer.sentences` exactly as
it is in its source, which is what check_grounding verifies and what JSON readers cite.
"""

from __future__ import annotations

import dataclasses

from kb.language.text import Script, in_script
from kb.types import Answer


def question_script(question: str) -> Script:
    """Traditional when the question holds characters that simplify, else simplified."""
    return "traditional" if in_script(question, "simplified") != question else "simplified"


def shown_in_script(answer: Answer, script: Script | None = None) -> Answer:
    """The answer with its text (and the reading notes) in `script`, by default the question's."""
    chosen = script or question_script(answer.question)
    return dataclasses.replace(
        answer,
        text=in_script(answer.text, chosen),
        understood_as=answer.understood_as and in_script(answer.understood_as, chosen),
        corrected=answer.corrected and in_script(answer.corrected, chosen),
        script=chosen,
    )
