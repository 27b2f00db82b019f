"""Build contents: documents → cleaned, stored documents → passages and quotable sentences,
each with the text it is embedded as, its content hash, and its vector (reused by hash when a
donor index has it, else embedded). They read and write no index: `pipeline` opens the
indexes that donate vectors, sequences these steps and writes the result."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from kb.embedding.models import Embedder
from kb.errors import KbError
from kb.ingest.chunk import ChunkSettings, headed_sentences, split_passages
from kb.ingest.clean import RuleTooSlow, clean, removed_chars
from kb.ingest.loaders import title_of
from kb.ingest.stage_clock import StageClock
from kb.language.text import Analyzer, fold
from kb.profile import Profile
from kb.provenance import Places, Provenance
from kb.stores.passage_db import StoredDocument, StoredSentence
from kb.types import Document, Passage, Progress

CONTEXT_CHARS = 8  # of a sentence's heading or title, embedded with it
CLEANED_SHARE_WARNING = 0.3  # of a document's visible characters: more removed by cleaning is named
_CHECK_RULES = "if that was content, adjust the [cleaning] rules of the profile (kb profile show)"


def retrieval_text(passage: Passage) -> str:
    """What the rankers see for a passage: its heading as context, then its text, script-folded
    so that traditional and simplified passages embed and tokenise alike."""
    text = passage.text
    if passage.heading and passage.heading not in text:
        text = f"{passage.heading}\n{text}"
    return fold(text)


def passage_hash(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\0{text}".encode()).hexdigest()


def sentence_text(context: str, sentence: str) -> str:
    """What a sentence is embedded as: the heading it stands under (else its document's
    title), then the sentence, script-folded.

    The context says what the sentence is about when the sentence itself does not
    (「体长可达10公分。」 in an article on 溪银汉鱼). On 130 CMRC questions, the sentence whose
    vector is closest to the question held the answer for 68 % of them alone, 82 % with the
    title or heading; on the 50 seed questions, 54 % alone, 44 % with the article title and
    56 % with the nearest heading. The context is cut to CONTEXT_CHARS: each character costs
    embedding time for every sentence under it."""
    return fold(f"{context[:CONTEXT_CHARS]}：{sentence}")


def quotable_sentence_rows(
    documents: Sequence[StoredDocument], model: str, analyzer: Analyzer, clock: StageClock | None = None
) -> tuple[list[StoredSentence], list[str]]:
    """Every quotable sentence of the documents, with its content hash and embedding text;
    `clock` is told the CPU time of splitting ("chunk") and of jieba ("tokenise")."""
    clock = clock or StageClock()
    rows, texts = [], []
    for document in documents:
        with clock.stage("chunk"):
            found = headed_sentences(document.text)
        with clock.stage("tokenise"):
            tokens = [tuple(analyzer.tokenize(document.text[start:end])) for start, end, _ in found]
        for (start, end, heading), sentence_tokens in zip(found, tokens):
            text = sentence_text(heading or document.title, document.text[start:end])
            rows.append(StoredSentence(document.doc_id, start, end, passage_hash(model, text), sentence_tokens))
            texts.append(text)
    return rows, texts


def missing_texts(texts: Sequence[str], hashes: Sequence[str], known: dict[str, np.ndarray]) -> list[str]:
    """The texts to embed: those whose hash has no known vector, each once (overlapping
    passages share sentences)."""
    text_of = dict(zip(hashes, texts))  # one hash, one text
    return [text_of[h] for h in dict.fromkeys(h for h in hashes if h not in known)]


def vectors_for(
    texts: Sequence[str],
    hashes: Sequence[str],
    known: dict[str, np.ndarray],
    embedder: Embedder,
    stage: str,
    progress: Progress | None,
) -> tuple[np.ndarray, int]:
    """One vector per text, reusing known vectors by content hash; returns (vectors, embedded).

    Texts that occur twice (overlapping passages share sentences) are embedded once."""
    missing = list(dict.fromkeys(h for h in hashes if h not in known))
    if missing:
        text_of = dict(zip(hashes, texts))  # one hash, one text
        done = 0

        def on_batch(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(stage, done, len(missing))

        if progress:
            progress(stage, 0, len(missing))  # says up front how much there is to embed
        fresh = embedder.encode([text_of[h] for h in missing], on_batch=on_batch)
        known = known | dict(zip(missing, fresh))
    if not hashes:
        return np.zeros((0, embedder.dim), dtype=np.float32), 0
    return np.stack([np.asarray(known[h], dtype=np.float32) for h in hashes]), len(missing)


def prepare(
    documents: Sequence[Document], settings: ChunkSettings, profile: Profile, clock: StageClock | None = None
) -> tuple[list[StoredDocument], list[Passage]]:
    """Clean (with the profile's rules) and split documents into stored documents and passages
    with global ids; `clock` is told the CPU time of each."""
    clock = clock or StageClock()
    stored: list[StoredDocument] = []
    passages: list[Passage] = []
    for document in documents:
        with clock.stage("clean"):
            try:
                result = clean(document.text, profile.cleaning_rules)
            except RuleTooSlow as exc:
                raise KbError(f"{document.source}: {exc} ({profile.source})") from None
        cleaned = result.text
        if not cleaned.strip():
            continue
        title = title_of(cleaned, document.title)
        provenance = Provenance.of(result.origin, document.places or Places.lines(document.text))
        stored.append(
            StoredDocument(
                document.id, title, document.source, document.encoding, content_sha256(document), cleaned, provenance
            )
        )
        with clock.stage("chunk"):
            spans = split_passages(cleaned, settings)
        for span in spans:
            passages.append(
                Passage(
                    len(passages),
                    document.id,
                    title,
                    document.source,
                    span.start,
                    span.end,
                    cleaned[span.start : span.end],
                    span.heading,
                )
            )
    return stored, passages


def cleaning_losses(documents: Sequence[Document], stored: Sequence[StoredDocument]) -> dict[str, tuple[int, int]]:
    """Per document source, the visible characters cleaning removed and how many it had; a
    document that cleaning emptied (and `prepare` left out) lost them all."""
    cleaned = {d.doc_id: d.text for d in stored}
    losses = {}
    for document in documents:
        visible = len(document.text) - sum(1 for char in document.text if char.isspace())
        losses[document.source] = (removed_chars(document.text, cleaned.get(document.id, "")), visible)
    return losses


def cleaning_warning(removed: int, visible: int) -> str | None:
    """What to tell about a document that cleaning took much of, or None."""
    if visible and removed >= visible:
        return f"cleaning removed all its text ({visible:,} characters), so it is not indexed: {_CHECK_RULES}"
    if visible and removed > CLEANED_SHARE_WARNING * visible:
        share = f"{removed:,} of {visible:,} characters ({100 * removed / visible:.0f} %)"
        return f"cleaning removed {share} as page furniture: {_CHECK_RULES}"
    return None


def content_sha256(document: Document) -> str:
    return hashlib.sha256(document.text.encode("utf-8")).hexdigest()
