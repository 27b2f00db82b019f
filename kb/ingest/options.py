"""How to build an index, said once: the CLI or `KnowledgeBase.build` makes one IngestOptions
and hands it down, and each ingest stage reads the fields it needs (rather than a dozen
keywords passed on from layer to layer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from kb.embedding.models import CPU, Embedder
from kb.ingest.chunk import ChunkSettings
from kb.ingest.estimate import Plan
from kb.ingest.extract_worker import Budget
from kb.profile import Profile
from kb.types import Progress, Warn


@dataclass(frozen=True)
class IngestOptions:
    """Everything an ingest may be told besides what to read and where to write.

    What to build: `model` (default: the index's current model, else the shipped one);
    `chunking`; `profile` (a Profile, a kb.toml or a folder holding one, or "default"; without
    it the kb.toml at the top of a corpus folder, else the index's, else the shipped one);
    `follow_links` (also files that links lead to outside the given paths); `budget` (the time
    and memory each file's extraction may take); `reuse_from` (another index built with the
    same model whose vectors are reused too, e.g. moving a local index into Milvus).

    How to embed: `embedder` (a loaded one, else `model` is loaded on `device`: "cpu", "cuda",
    "cuda:N"); `workers` and `ray` spread the embedding over processes or a Ray cluster (the
    index is the same either way).

    Who to tell: `progress` (long stages as they go); `warn` (each file skipped or suspect, as
    soon as it is known); `plan` (what is to be embedded and about how long it takes, before
    embedding starts)."""

    model: str | None = None
    chunking: ChunkSettings = ChunkSettings()
    profile: str | Path | Profile | None = None
    follow_links: bool = False
    budget: Budget = Budget()
    reuse_from: str | Path | None = None
    embedder: Embedder | None = None
    device: str = CPU
    workers: int | None = None
    ray: str | None = None
    progress: Progress | None = None
    warn: Warn | None = None
    plan: Plan | None = None


class IngestKeywords(TypedDict, total=False):
    """IngestOptions' fields as keywords: how `KnowledgeBase.build` took them before there
    were IngestOptions (public API, so they still work)."""

    model: str | None
    chunking: ChunkSettings
    profile: str | Path | Profile | None
    follow_links: bool
    budget: Budget
    reuse_from: str | Path | None
    embedder: Embedder | None
    device: str
    workers: int | None
    ray: str | None
    progress: Progress | None
    warn: Warn | None
    plan: Plan | None


class PipelineKeywords(IngestKeywords, total=False):
    """The keywords `ingest` took, where the chunking was called `settings`."""

    settings: ChunkSettings


def ingest_options(options: IngestOptions | None, keywords: IngestKeywords) -> IngestOptions:
    """`options`, else options made of the keywords. Both at once is a TypeError: neither may
    silently win over the other."""
    if options is None:
        return IngestOptions(**keywords)
    if keywords:
        raise TypeError(f"give IngestOptions or keywords, not both (got {', '.join(sorted(keywords))})")
    return options
