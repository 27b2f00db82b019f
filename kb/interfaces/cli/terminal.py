"""Text between kb and the terminal: questions read from a file or stdin (decoded as corpus
files are), and messages cleaned of what a terminal would act on."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from kb.errors import KbError

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Line breaks a file name may hold: in a one-line message they are shown escaped, so a name
# cannot print as lines of its own (a fake 「Indexed …」 among the warnings).
_LINE_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r", "\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def question_lines(path: Path) -> list[str]:
    """The lines of a questions file ('-': stdin), decoded as corpus files are."""
    from kb.ingest.loaders import read_text
    from kb.language.text import file_lines

    if str(path) == "-":
        return file_lines(read_text(sys.stdin.buffer.read(), "standard input"))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KbError(f"cannot read questions file {path}: {exc.strerror or exc}") from exc
    return file_lines(read_text(data, f"questions file {path}"))


def one_line(text: str) -> str:
    """A message as one terminal line: line breaks escaped, other control characters dropped."""
    return shown(text.translate(_LINE_BREAKS))


def shown(text: str) -> str:
    """Text as the terminal may print it: control characters from a question or the corpus
    (an ESC sequence that clears the screen or recolours it) are dropped."""
    return _CONTROL.sub("", text)
