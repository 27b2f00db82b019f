"""Property tests: any Unicode through clean → split keeps exact offsets and never crashes."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.ingest.chunk import ChunkSettings, split_passages
from kb.ingest.clean import clean
from kb.language.text import sentence_spans
from kb.profile import default_profile
from kb.stores.base import top_scores

# Chinese text with the punctuation, debris and oddities scraped pages carry.
PIECES = st.sampled_from(
    [
        "营销",
        "銷售",
        "市场部",
        "。",
        "，",
        "！",
        "？",
        "；",
        "\n",
        "\n\n",
        " ",
        "\t",
        "\r\n",
        "mdash;",
        "區(qū)別",
        "【/s2/】",
        "[S2/]",
        "(www.daowen.com)",
        "Comments are closed.",
        "版權聲明:",
        "- 格式:doc",
        "“",
        "”",
        "😀",
        "\x00",
        "\x07",
        "a,b",
        "1.2",
    ]
)
TEXT = st.one_of(st.text(max_size=400), st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=80).map("".join))
# Long runs of whitespace, blank lines and punctuation: where a careless rule goes quadratic
# (scripts/bench_clean.py times them; here they must clean correctly).
RUNS = st.sampled_from([" ", "\n", "\u3000", "\t", "（", "<", "。", "-", "\n \n", "<script>", "</script"]).flatmap(
    lambda piece: st.integers(200, 3000).map(lambda n: piece * n)
)
LONG_RUNS = st.lists(st.one_of(PIECES, RUNS), min_size=1, max_size=12).map("".join)
REPLACED = {"，": ",", "：": ":", "；": ";", "？": "?", "！": "!", "（": "(", "）": ")"}

RULES = default_profile().cleaning_rules
ANALYZER = default_profile().analyzer


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, LONG_RUNS))
def test_clean_maps_every_character_back_to_the_original(raw):
    result = clean(raw, RULES)
    assert len(result.origin) == len(result.text) + 1
    assert all(0 <= o <= len(raw) for o in result.origin)
    assert all(a <= b for a, b in zip(result.origin, result.origin[1:]))
    for i, char in enumerate(result.text):
        source = raw[result.origin[i]] if result.origin[i] < len(raw) else ""
        # Kept characters are the original ones; the rest come from a rule's replacement
        # (width/punctuation, entities, line breaks) — never from nowhere.
        assert (
            char == source
            or REPLACED.get(char) == source
            or char in '—–…“”‘’·•× \n\xa0&<>"'
            or source in "\r\u3000"
            or source.isspace()
            or unicodedata_fullwidth(source, char)
        )


def unicodedata_fullwidth(source: str, char: str) -> bool:
    return len(source) == 1 and 0xFF01 <= ord(source) <= 0xFF5E and ord(source) - 0xFEE0 == ord(char)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(20, 400), st.integers(0, 3))
def test_passages_are_exact_spans_of_the_cleaned_text(raw, max_chars, overlap):
    text = clean(raw, RULES).text
    passages = split_passages(text, ChunkSettings(max_chars, overlap))
    for p in passages:
        assert 0 <= p.start < p.end <= len(text)
        assert text[p.start : p.end] == text[p.start : p.end].strip() != ""
    starts = [p.start for p in passages]
    assert starts == sorted(starts)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_sentences_and_tokens_never_crash_and_stay_in_bounds(raw):
    spans = sentence_spans(raw)
    assert all(0 <= s < e <= len(raw) for s, e in spans)
    assert all(b[0] >= a[1] for a, b in zip(spans, spans[1:]))
    assert all(t.strip() for t in ANALYZER.tokenize(raw))
    ANALYZER.index_terms(raw)


LONG_LINE = st.tuples(
    st.text(alphabet=st.sampled_from("营销销售市场。，😀a "), min_size=1, max_size=40), st.integers(150, 600)
).map(lambda t: t[0] * t[1])


@settings(max_examples=50, deadline=None)
@given(LONG_LINE)
def test_very_long_lines_split_into_bounded_passages(raw):
    text = clean(raw, RULES).text
    for p in split_passages(text):
        assert p.end - p.start <= 240


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 5), max_size=300), st.integers(1, 60))
def test_top_scores_is_a_full_stable_sort_cut_to_n(raw, n):
    """Partial selection must rank exactly as sorting everything: ties in id order, zeros out."""
    import numpy as np

    scores = np.array(raw, dtype=np.float32)
    full = np.argsort(-scores, kind="stable")[:n]
    ids, kept = top_scores(scores, n)
    assert ids.tolist() == full[scores[full] > 0].tolist() and kept.tolist() == scores[ids].tolist()
