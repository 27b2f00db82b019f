"""The build pipeline in three stages, each closing what it opens:

1. plan: load the model (a device that cannot run it fails before any reading), read the
   corpus, settle the profile; an unchanged corpus ends here, having embedded nothing;
2. build contents: clean, split, tokenise and embed (contents.py), reusing the vectors of
   passages whose text and model are unchanged since the last build (or in --reuse-from);
3. write: store the new version, which replaces the live one only when complete.

The live index (read for its model, profile and vectors) is closed once the contents are
built, and on every other way out, errors included: a version nothing reads any more can be
deleted once replaced.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Unpack

import numpy as np

from kb import formats
from kb._version import __version__
from kb.embedding.models import DEFAULT_MODEL, Embedder, encode_queries, load_embedder
from kb.embedding.questions import encoded_question
from kb.errors import KbError
from kb.ingest.calibrate import answerable_cosine
from kb.ingest.chunk import ChunkSettings
from kb.ingest.contents import (
    cleaning_losses,
    cleaning_warning,
    content_sha256,
    missing_texts,
    passage_hash,
    prepare,
    quotable_sentence_rows,
    retrieval_text,
    vectors_for,
)
from kb.ingest.estimate import plan_embedding
from kb.ingest.loaders import load_paths
from kb.ingest.options import IngestOptions, PipelineKeywords, ingest_options
from kb.ingest.stage_clock import StageClock
from kb.language.text import GENERAL_DICTIONARY
from kb.profile import Profile, resolve_profile
from kb.stores.base import IndexContents, IndexStore
from kb.stores.manifest import FORMAT_VERSION, Counts, Manifest, ModelEntry, ProfileEntry, SourceEntry
from kb.stores.passage_db import StoredDocument
from kb.stores.registry import check_writable, is_store_uri, open_index, previous_index, write_index
from kb.types import Document

BM25_PARAMS = {"k1": 1.2, "b": 0.75}
# Bump when the cleaning, splitting or BM25 code changes; edits to the profile or the general
# dictionary are noticed by themselves. Either way the next ingest rebuilds the index (reusing
# every vector whose passage text is unchanged).
# 33: Markdown emphasis CommonMark leaves as text before a Chinese character dropped (「**…）**的」);
# 32: a Markdown container (「::: tip 标题」 … 「:::」) read as its title and lines, its kind dropped;
# 31: an ASCII 「!」/「?」 before code-like text ends no sentence (「#![no_main]」), a line saying
# what something amounts to (「…为 128MiB」) or corresponds to (对应为) is a claim;
# 30: a Markdown formula in dollars read as its text (pylatexenc);
# 29: a Markdown HTML block's style body and every element tag dropped (marp slides);
# 28: a numbered title whose words recur in it stays whole (「5.2.5 异常遗失、异常重掷…」);
# 27: a Mermaid diagram's labels read as text, a line opening with 可 before how (可通过…) is a claim;
# 26: exercises never quoted, a dash and a space mark an item, a bulleted label over dashed items
# heads them, a numbered item's wrap joined in PDFs, 了/无法 make a line a claim, technical slides
# read as Chinese; 21: a line saying what something means (意味着) or that it need not hold (不一定) is no heading;
# 20: a bullet's wrapped text joined in PDFs, headings name something; 19: Markdown read as its
# text (markdown-it-py); 18: PDF paragraphs indented as a whole
PIPELINE_VERSION = 33


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


@dataclass(frozen=True)
class BuildPlan:
    """What the plan stage settled: the documents to index, under which profile, with which
    embedder, and the fingerprint of the code and profile that turn them into an index."""

    documents: list[Document]
    profile: Profile
    embedder: Embedder
    pipeline: str


def ingest(
    source: Sequence[str | Path] | Sequence[Document],
    index_dir: str | Path,
    *,
    options: IngestOptions | None = None,
    **keywords: Unpack[PipelineKeywords],
) -> IngestReport:
    """Build (or incrementally rebuild) the index at `index_dir` (a folder or a store URI, see
    stores.base) from files or Documents, as `options` say (see IngestOptions).

    The options may be given as keywords instead (`settings` for `chunking`), as before there
    were IngestOptions."""
    if "settings" in keywords and "chunking" not in keywords:  # its name here before IngestOptions
        keywords["chunking"] = keywords.pop("settings")
    options = ingest_options(options, keywords)
    started = time.perf_counter()
    location = index_dir if is_store_uri(index_dir) else Path(index_dir)
    clock = StageClock()
    report = IngestReport(index_dir=location, stage_seconds=clock.seconds)
    check_writable(location)  # a read-only folder or another ingest's lock: said before any work
    with _live_index(location) as previous:
        plan = plan_build(source, previous, options, report, clock)
        if previous and _unchanged(previous, plan, options.chunking):
            report.documents = previous.manifest.counts.documents
            report.passages = report.reused = previous.passage_count
            report.sentences = previous.manifest.counts.sentences
            report.seconds = time.perf_counter() - started
            return report
        contents, manifest = build_contents(plan, previous, options, report, clock)
    write(location, contents, manifest, options, clock)
    report.documents = len(contents.documents)
    report.passages = len(contents.passages)
    report.seconds = time.perf_counter() - started
    return report


def plan_build(
    source: Sequence[str | Path] | Sequence[Document],
    previous: IndexStore | None,
    options: IngestOptions,
    report: IngestReport,
    clock: StageClock,
) -> BuildPlan:
    """Stage 1: the embedder (loaded before the corpus is read, so that a --device that cannot
    run it fails at once), the documents, and the profile."""
    embedder = options.embedder or load_embedder(
        options.model or (previous.model_name if previous else DEFAULT_MODEL), options.device
    )
    documents, roots = _documents(source, options, report, clock)
    profile = options.profile
    if not isinstance(profile, Profile):
        profile = resolve_profile(profile, roots, previous.profile if previous else None)
    report.profile = profile.source
    if (options.workers or 1) > 1 or options.ray is not None:
        from kb.embedding.parallel import SpreadEmbedder

        embedder = SpreadEmbedder(embedder, options.workers, options.ray)
    return BuildPlan(documents, profile, embedder, pipeline_fingerprint(profile))


def build_contents(
    plan: BuildPlan, previous: IndexStore | None, options: IngestOptions, report: IngestReport, clock: StageClock
) -> tuple[IndexContents, Manifest]:
    """Stage 2: clean, split and tokenise the documents, and embed what no donor index (the
    live one, --reuse-from) holds a vector for."""
    stored_docs, passages = prepare(plan.documents, options.chunking, plan.profile, clock)
    _report_cleaning(plan.documents, stored_docs, options, report)
    if not passages:
        raise KbError("the corpus holds no sentences after cleaning: nothing to index")
    embedder, analyzer, progress = plan.embedder, plan.profile.analyzer, options.progress
    texts = [retrieval_text(p) for p in passages]
    hashes = [passage_hash(embedder.name, t) for t in texts]
    sentences, sentence_texts = quotable_sentence_rows(stored_docs, embedder.name, analyzer, clock)
    sentence_hashes = [s.hash for s in sentences]
    with clock.stage("tokenise"):
        passage_terms = [analyzer.index_terms(t) for t in texts]
    known, known_sentences = _donated_vectors(embedder.name, previous, options.reuse_from)
    if options.plan:
        options.plan(
            plan_embedding(
                embedder.name,
                missing_texts(texts, hashes, known),
                missing_texts(sentence_texts, sentence_hashes, known_sentences),
            )
        )
    with clock.stage("encode passages"):
        vectors, report.embedded = vectors_for(texts, hashes, known, embedder, "embed", progress)
    with clock.stage("encode sentences"):
        sentence_vectors, report.sentences_embedded = vectors_for(
            sentence_texts, sentence_hashes, known_sentences, embedder, "embed sentences", progress
        )
    report.reused = len(passages) - report.embedded
    report.sentences = len(sentences)
    contents = IndexContents(
        stored_docs, passages, hashes, vectors, passage_terms, sentences, sentence_vectors, plan.profile
    )
    with clock.stage("calibrate"):
        cosine = _answerable_cosine(contents, embedder)
    return contents, _manifest(plan, options.chunking, contents, cosine)


def _answerable_cosine(contents: IndexContents, embedder: Embedder) -> float | None:
    """How close an answerable question's best passage comes on this corpus (calibrate.py),
    its own sentences asked as `kb ask` asks questions."""
    texts = {document.doc_id: document.text for document in contents.documents}
    return answerable_cosine(
        [(texts[s.doc_id][s.start : s.end], s.doc_id, s.start, s.end) for s in contents.sentences],
        [(p.doc_id, p.start, p.end) for p in contents.passages],
        contents.vectors,
        lambda texts: encode_queries(embedder, [encoded_question(text) for text in texts]),
    )


def write(
    location: str | Path, contents: IndexContents, manifest: Manifest, options: IngestOptions, clock: StageClock
) -> None:
    """Stage 3: store the new version; it replaces the live one only once complete."""
    if options.progress:
        options.progress("index", 0, 1)
    with clock.stage("write"):
        write_index(location, contents, manifest, options.progress)
    if options.progress:
        options.progress("index", 1, 1)


@contextmanager
def _live_index(location: str | Path) -> Iterator[IndexStore | None]:
    """The index live at `location` (None when there is none), closed when the block ends,
    however it ends: once replaced, a version nothing reads any more can be deleted."""
    previous = previous_index(location)
    try:
        yield previous
    finally:
        if previous is not None:
            previous.close()


@contextmanager
def _reused_index(location: str | Path | None, model: str) -> Iterator[IndexStore | None]:
    """The index named by --reuse-from, closed when the block ends; KbError when there is none
    or it holds another model's vectors (either way nothing would be reused, and the whole
    corpus re-embedded in silence)."""
    if location is None:
        yield None
        return
    with open_index(location) as index:
        if index.model_name != model:
            raise KbError(f"--reuse-from {location} holds {index.model_name} vectors, not {model}: nothing to reuse")
        yield index


def _documents(
    source: Sequence[str | Path] | Sequence[Document], options: IngestOptions, report: IngestReport, clock: StageClock
) -> tuple[list[Document], list[str | Path]]:
    """The documents to index and the paths they were read from (none when given Documents);
    KbError when there is nothing to index."""
    if source and all(isinstance(s, Document) for s in source):
        return [s for s in source if isinstance(s, Document)], []
    roots = [s for s in source if not isinstance(s, Document)]
    with clock.stage("extract"):
        loaded = load_paths(roots, options.follow_links, options.warn, options.budget)
    report.skipped, report.notes, report.temporary = loaded.skipped, loaded.notes, loaded.temporary
    report.suspect += loaded.suspect
    if not loaded.documents:
        where = ", ".join(str(s) for s in source) or "(nothing given)"
        raise KbError(f"no text to index in {where}: add files kb reads ({', '.join(formats.extensions())})")
    return loaded.documents, roots


def _unchanged(previous: IndexStore, plan: BuildPlan, chunking: ChunkSettings) -> bool:
    """True when the live index was built from exactly these documents with these settings,
    so there is nothing to rebuild (re-ingesting an unchanged corpus costs only hashing)."""
    manifest = previous.manifest
    sources = {d.source: content_sha256(d) for d in plan.documents}
    return (
        manifest.format_version == FORMAT_VERSION
        and manifest.model.name == plan.embedder.name
        and manifest.chunking == chunking
        and manifest.pipeline == plan.pipeline
        and {source: entry.sha256 for source, entry in manifest.sources.items()} == sources
    )


def _report_cleaning(
    documents: Sequence[Document], stored: Sequence[StoredDocument], options: IngestOptions, report: IngestReport
) -> None:
    """What cleaning took from each document; one that lost much of its text is named in a
    warning, as soon as it is known."""
    report.characters = sum(len(d.text) for d in stored)
    report.removed = cleaning_losses(documents, stored)
    for source, (removed, visible) in report.removed.items():
        message = cleaning_warning(removed, visible)
        if message:
            report.suspect.append((source, message))
            if options.warn:
                options.warn(f"{source}: {message}")


def _donated_vectors(
    model: str, previous: IndexStore | None, reuse_from: str | Path | None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Passage and sentence vectors by content hash, from the indexes built with this model
    that may give them: the live one and --reuse-from."""
    with _reused_index(reuse_from, model) as reused:
        donors = [i for i in (previous, reused) if i is not None and i.model_name == model]
        passages = {h: v for donor in donors for h, v in donor.vectors_by_hash().items()}
        sentences = {h: v for donor in donors for h, v in donor.sentence_vectors_by_hash().items()}
    return passages, sentences


def _manifest(
    plan: BuildPlan, chunking: ChunkSettings, contents: IndexContents, answerable_cosine: float | None
) -> Manifest:
    return Manifest(
        kb_version=__version__,
        pipeline=plan.pipeline,
        created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        model=ModelEntry(plan.embedder.name, contents.vectors.shape[1]),
        chunking=chunking,
        bm25=BM25_PARAMS,
        counts=Counts(len(contents.documents), len(contents.passages), len(contents.sentences)),
        sources={d.source: SourceEntry(d.doc_id, d.sha256, d.encoding) for d in contents.documents},
        profile=ProfileEntry(plan.profile.fingerprint, plan.profile.source),
        answerable_cosine=answerable_cosine,
    )
