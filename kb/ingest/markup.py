"""HTML debris in text: the tags and script/style bodies a web page saved as text carries, told
apart from angle brackets that are content (`List<Integer>`, `Map<K, V>`, `<resultMap>`, a
`<script>` tag named in a sentence).

A tag is debris only when it names a known HTML element and also looks like markup: it has
attributes (`<a href=…>`), closes itself or is a line break (`<br />`, `<br>`), or has its
partner (`<p>…</p>`). A lone `<script>` or `<p>` in prose has none of these and stays. A
script or style element goes with its body when it is closed and the body holds no Chinese
prose; one left open at the end of a saved page goes to the end of its line when the rest of
the line holds no Chinese.
"""

from __future__ import annotations

import bisect
import re

Edit = tuple[int, int, str]  # (start, end, replacement) of a span of the text

# The elements of the HTML Living Standard, plus the obsolete ones scraped pages still carry.
HTML_ELEMENTS = frozenset(
    """a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption
    center cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset
    figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i
    iframe img input ins kbd label legend li link main map mark menu meta meter nav noscript object ol
    optgroup option output p param picture pre progress q rp rt ruby s samp script search section
    select slot small source span strike strong style sub summary sup table tbody td template textarea
    tfoot th thead time title tr track tt u ul var video wbr""".split()
)
# Line breaks and a page's frame are debris even bare (`<br>`, an `<html>` never closed); other
# elements (`<img>`, `<p>`) only with attributes, a closing slash or their partner: bare, they
# are more often named in a sentence.
BARE_DEBRIS = frozenset({"br", "hr", "wbr", "html", "head", "body"})
_TAG = re.compile(r"<\s{0,8}(/?)\s{0,8}([A-Za-z][A-Za-z0-9]*)(\s[^<>]{0,200}?)?\s{0,8}(/?)\s{0,8}>")
_ATTRIBUTE = re.compile(r"[A-Za-z_:][-\w:.]*\s*=|^\s*[A-Za-z_:][-\w:.]*\s*$")
_SCRIPT_OPEN = re.compile(r"<(script|style)\b[^<>]{0,200}>", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</(script|style)\b[^<>]{0,20}>?", re.IGNORECASE)
_CHINESE_PROSE = re.compile(r"[\u3400-\u9fff][，。；！？、]")
_HAN = re.compile(r"[\u3400-\u9fff]")


def script_edits(text: str) -> list[Edit]:
    """Script and style elements with their bodies (see the module docstring). Linear in the
    text: each opener finds its closer by bisection, and the next Chinese prose or character
    after it from a cursor that only moves forward."""
    closers: dict[str, list[tuple[int, int]]] = {}
    for match in _SCRIPT_CLOSE.finditer(text):
        closers.setdefault(match.group(1).lower(), []).append((match.start(), match.end()))
    prose = _NextMatch(_CHINESE_PROSE, text)
    han = _NextMatch(_HAN, text)
    edits: list[Edit] = []
    cursor = 0
    for opener in _SCRIPT_OPEN.finditer(text):
        if opener.start() < cursor:
            continue
        candidates = closers.get(opener.group(1).lower(), [])
        i = bisect.bisect_left(candidates, (opener.end(), 0))
        closer = candidates[i] if i < len(candidates) else None
        if closer is not None and prose.after(opener.end()) >= closer[0]:
            edits.append((opener.start(), closer[1], ""))
            cursor = closer[1]
            continue
        line_end = text.find("\n", opener.end())
        line_end = len(text) if line_end < 0 else line_end
        if closer is None and han.after(opener.end()) >= line_end:
            edits.append((opener.start(), line_end, ""))
            cursor = line_end
    return edits


class _NextMatch:
    """Where a pattern next matches at or after a position, for positions that only grow: each
    part of the text is searched once."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self.pattern, self.text = pattern, text
        self.found = -1  # start of the last match found (or len(text): none left)

    def after(self, position: int) -> int:
        if self.found < position:
            match = self.pattern.search(self.text, position)
            self.found = match.start() if match else len(self.text)
        return self.found


def tag_edits(text: str) -> list[Edit]:
    """HTML tags that are markup, not content (see the module docstring)."""
    debris: set[tuple[int, int]] = set()
    open_tags: dict[str, list[tuple[int, int]]] = {}
    for match in _TAG.finditer(text):
        closing, name, attributes, self_closing = match.group(1), match.group(2).lower(), match.group(3), match.group(4)
        if name not in HTML_ELEMENTS:
            continue
        span = (match.start(), match.end())
        if closing:
            if open_tags.get(name):
                debris.update((open_tags[name].pop(), span))
            elif name in BARE_DEBRIS:
                debris.add(span)
        elif self_closing or name in BARE_DEBRIS:
            debris.add(span)
        else:
            open_tags.setdefault(name, []).append(span)
            if attributes and _ATTRIBUTE.search(attributes):
                debris.add(span)
    return [(start, end, "") for start, end in sorted(debris)]


def element_edits(text: str) -> list[Edit]:
    """Every tag naming a known HTML element, paired or not: for text that is HTML by its form
    (a Markdown file's HTML block), where a lone 「</div>」 closes what an earlier block opened.
    A tag that is no element (`<resultMap>`) stays."""
    return [(m.start(), m.end(), "") for m in _TAG.finditer(text) if m.group(2).lower() in HTML_ELEMENTS]
