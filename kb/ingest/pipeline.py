"""The build pipeline: load → clean → split → embed → store, reusing unchanged embeddings.

Each stage is a pure function of the one before; only this module sequences them and only
`store` touches the index folder. Passages whose text (and model) are unchanged since the
last build keep their vectors, so re-ingesting an unchanged corpus embeds nothing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from kb._version import __version__
from kb.embedding.models import DEFAULT_MODEL, Embedder, load_embedder
from kb.errors import KbError
from kb.ingest.chunk import ChunkSettings, headed_sentences, split_passages
from kb.ingest.clean import RuleTooSlow, clean, removed_chars
from kb.ingest.estimate import Plan, plan_embedding
from kb.ingest.extract_worker import Budget
from kb.ingest.loaders import load_paths, title_of
from kb.ingest.stage_clock import StageClock
from kb.language.text import GENERAL_DICTIONARY, Analyzer, fold
from kb.profile import Profile, resolve_profile
from kb.provenance import Places, Provenance
from kb.stores.base import IndexContents, IndexStore
from kb.stores.manifest import FORMAT_VERSION, Counts, Manifest, ModelEntry, ProfileEntry, SourceEntry
from kb.stores.passage_db import StoredDocument, StoredSentence
from kb.stores.registry import check_writable, is_store_uri, open_index, previous_index, write_index
from kb.types import Document, Passage, Progress, Warn

BM25_PARAMS = {"k1": 1.2, "b": 0.75}
# Bump when the cleaning, splitting or BM25 code changes; edits to the profile or the general
# dictionary are noticed by themselves. Either way the next ingest rebuilds the index (reusing
# every vector whose passage text is unchanged).
PIPELINE_VERSION = 11  # 11: section numbers glued into a line start a sentence of their own
CONTEXT_CHARS = 8  # of a sentence's heading or title, embedded with it
CLEANED_SHARE_WARNING = 0.3  # of a document's visible characters: more removed by cleaning is named
_CHECK_RULES = "if that was content, adjust the [cleaning] rules of the profile (kb profile show)"


def pipeline_fingerprint(profile: Profile) -> str:
    """The code version plus hashes of what decides passages and BM25 terms: the general
    dictionary and the profile."""
    dictionary = hashlib.sha256(resources.files("kb").joinpath("data", GENERAL_DICTIONARY).read_bytes()).hexdigest()
    return f"{PIPELINE_VERSION}-{dictionary[:8]}-{profile.fingerprint}"


@dataclass
class IngestReport:
    """What an ingest did, for the CLI summary and benchmarks."""

    index_dir: str | Path  # a folder, or a store URI
    documents: int = 0
    passages: int = 0
    embedded: int = 0
    reused: int = 0
    sentences: int = 0
    sentences_embedded: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # documents indexed that hold no Chinese
    temporary: int = 0  # lock and temporary files left out quietly
    suspect: list[tuple[str, str]] = field(default_factory=list)  # indexed, but named in a warning
    removed: dict[str, tuple[int, int]] = field(default_factory=dict)  # source → (removed, visible) chars
    seconds: float = 0.0
    profile: str = ""  # where the profile came from
    characters: int = 0  # of the cleaned documents
    stage_seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage_clock.STAGES


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


def _missing(texts: Sequence[str], hashes: Sequence[str], known: dict[str, np.ndarray]) -> list[str]:
    """The texts to embed: those whose hash has no known vector, each once (overlapping
    passages share sentences)."""
    text_of = dict(zip(hashes, texts))  # one hash, one text
    return [text_of[h] for h in dict.fromkeys(h for h in hashes if h not in known)]


def _vectors(
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
                document.id, title, document.source, document.encoding, _content_sha256(document), cleaned, provenance
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


def _content_sha256(document: Document) -> str:
    return hashlib.sha256(document.text.encode("utf-8")).hexdigest()


def _unchanged(
    previous: IndexStore, documents: Sequence[Document], model: str, chunking: ChunkSettings, pipeline: str
) -> bool:
    """True when the live index was built from exactly these documents with these settings,
    so there is nothing to rebuild (re-ingesting an unchanged corpus costs only hashing)."""
    manifest = previous.manifest
    sources = {d.source: _content_sha256(d) for d in documents}
    return (
        manifest.format_version == FORMAT_VERSION
        and manifest.model.name == model
        and manifest.chunking == chunking
        and manifest.pipeline == pipeline
        and {source: entry.sha256 for source, entry in manifest.sources.items()} == sources
    )


def _reused_index(location: str | Path | None, model: str) -> IndexStore | None:
    """The index named by --reuse-from; KbError when there is none or it holds another model's
    vectors (either way nothing would be reused, and the whole corpus re-embedded in silence)."""
    if location is None:
        return None
    index = open_index(location)
    if index.model_name != model:
        index.close()
        raise KbError(f"--reuse-from {location} holds {index.model_name} vectors, not {model}: nothing to reuse")
    return index


def ingest(
    source: Sequence[str | Path] | Sequence[Document],
    index_dir: str | Path,
    model: str | None = None,
    settings: ChunkSettings = ChunkSettings(),
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    profile: str | Path | Profile | None = None,
    follow_links: bool = False,
    workers: int | None = None,
    ray: str | None = None,
    reuse_from: str | Path | None = None,
    warn: Warn | None = None,
    budget: Budget = Budget(),
    plan: Plan | None = None,
    device: str = "cpu",
) -> IngestReport:
    """Build (or incrementally rebuild) the index at `index_dir` (a folder or a store URI,
    see index_store) from files or Documents.

    `profile`: a Profile, a kb.toml file or a folder holding one, or "default" (the shipped
    profile). Without it: the kb.toml at the top of a corpus folder, else the profile the
    index was built with, else the shipped one (see profile.resolve_profile). Links that lead
    outside the given paths are skipped unless `follow_links`. `workers` and `ray` spread the
    embedding over processes or a Ray cluster (parallel_embed.SpreadEmbedder); the index is the
    same either way. `reuse_from`: another index (folder or store URI) built with the same
    model whose vectors are reused too, e.g. when moving a local index into Milvus. `warn` is
    told of each file skipped or suspect (cleaning took much of it) as soon as it is known; the
    report lists them all. `budget`: the time and memory each file's extraction may take (one
    over it is skipped, see extract_worker). `plan` is told what is to be embedded, and about how long that will
    take, before embedding starts. `device`: where the encoder runs ("cpu", "cuda", "cuda:N";
    see embed.load_embedder)."""
    started = time.perf_counter()
    clock = StageClock()
    index_dir = index_dir if is_store_uri(index_dir) else Path(index_dir)
    report = IngestReport(index_dir=index_dir, stage_seconds=clock.seconds)
    check_writable(index_dir)  # a read-only folder or another ingest's lock: said before any work
    previous = previous_index(index_dir)
    if embedder is None:  # before reading the corpus: a --device that cannot run it fails at once
        try:
            embedder = load_embedder(model or (previous.model_name if previous else DEFAULT_MODEL), device)
        except KbError:
            if previous:
                previous.close()
            raise
    roots: list[str | Path] = []
    if source and all(isinstance(s, Document) for s in source):
        documents = [s for s in source if isinstance(s, Document)]
    else:
        roots = [s for s in source if not isinstance(s, Document)]
        with clock.stage("extract"):
            loaded = load_paths(roots, follow_links, warn, budget)
        documents, report.skipped, report.notes = loaded.documents, loaded.skipped, loaded.notes
        report.temporary = loaded.temporary
        report.suspect += loaded.suspect
    if not documents:
        if previous:
            previous.close()
        where = ", ".join(str(s) for s in source) or "(nothing given)"
        raise KbError(f"no text to index in {where}: add .txt, .md, .pdf, .docx, .pptx, .epub or .html files")

    if not isinstance(profile, Profile):
        profile = resolve_profile(profile, roots, previous.profile if previous else None)
    report.profile = profile.source
    if (workers or 1) > 1 or ray is not None:
        from kb.embedding.parallel import SpreadEmbedder

        embedder = SpreadEmbedder(embedder, workers, ray)
    pipeline = pipeline_fingerprint(profile)
    if previous and _unchanged(previous, documents, embedder.name, settings, pipeline):
        report.documents = previous.manifest.counts.documents
        report.passages = report.reused = previous.passage_count
        report.sentences = previous.manifest.counts.sentences
        report.seconds = time.perf_counter() - started
        return report
    analyzer = profile.analyzer
    stored_docs, passages = prepare(documents, settings, profile, clock)
    report.characters = sum(len(d.text) for d in stored_docs)
    report.removed = cleaning_losses(documents, stored_docs)
    for source, (removed, visible) in report.removed.items():
        message = cleaning_warning(removed, visible)
        if message:
            report.suspect.append((source, message))
            if warn:
                warn(f"{source}: {message}")
    if not passages:
        raise KbError("the corpus holds no sentences after cleaning: nothing to index")

    texts = [retrieval_text(p) for p in passages]
    hashes = [passage_hash(embedder.name, t) for t in texts]
    sentences, sentence_texts = quotable_sentence_rows(stored_docs, embedder.name, analyzer, clock)
    sentence_hashes = [t.hash for t in sentences]
    with clock.stage("tokenise"):
        passage_terms = [analyzer.index_terms(t) for t in texts]
    reused = _reused_index(reuse_from, embedder.name)
    donors = [i for i in (previous, reused) if i is not None and i.model_name == embedder.name]
    known = {h: v for donor in donors for h, v in donor.vectors_by_hash().items()}
    known_sentences = {h: v for donor in donors for h, v in donor.sentence_vectors_by_hash().items()}
    if plan:
        plan(
            plan_embedding(
                embedder.name,
                _missing(texts, hashes, known),
                _missing(sentence_texts, sentence_hashes, known_sentences),
            )
        )
    with clock.stage("encode passages"):
        vectors, report.embedded = _vectors(texts, hashes, known, embedder, "embed", progress)
    report.reused = len(passages) - report.embedded
    dim = vectors.shape[1]
    with clock.stage("encode sentences"):
        sentence_vectors, report.sentences_embedded = _vectors(
            sentence_texts, sentence_hashes, known_sentences, embedder, "embed sentences", progress
        )
    report.sentences = len(sentences)
    if reused:
        reused.close()

    if progress:
        progress("index", 0, 1)
    contents = IndexContents(
        stored_docs, passages, hashes, vectors, passage_terms, sentences, sentence_vectors, profile
    )
    manifest = Manifest(
        kb_version=__version__,
        pipeline=pipeline,
        created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        model=ModelEntry(embedder.name, dim),
        chunking=settings,
        bm25=BM25_PARAMS,
        counts=Counts(len(stored_docs), len(passages), len(sentences)),
        sources={d.source: SourceEntry(d.doc_id, d.sha256, d.encoding) for d in stored_docs},
        profile=ProfileEntry(profile.fingerprint, profile.source),
    )
    if previous:
        previous.close()  # done reading it: once replaced, it can be deleted
    with clock.stage("write"):
        write_index(index_dir, contents, manifest, progress)
    if progress:
        progress("index", 1, 1)
    report.documents = len(stored_docs)
    report.passages = len(passages)
    report.seconds = time.perf_counter() - started
    return report
