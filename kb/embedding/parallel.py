"""Embedding spread over worker processes on this machine or over a Ray cluster, one model
per worker.

Workers get the batches a single process would encode (texts sorted by length, cut every
`batch_size`), whole, so each vector comes from exactly the same batch as without workers and
an index built with workers is the index built without them. The model travels to workers
pickled: kb's embedders pickle as "load model X", so each worker loads its own copy.

More workers pay only where there are more cores than one model keeps busy: on a 2-core
machine the e5 engine already uses both (see README, "Scaling out").
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

import numpy as np

from kb.embedding.models import Embedder, OnBatch, length_batches
from kb.errors import KbError

RAY_LOCAL = "local"  # --ray local: start a Ray cluster inside this process, on this machine's cores


class _WorkerModel:
    """The one model of a worker process (set by the pool's initializer in that process)."""

    embedder: Embedder | None = None


def _start_worker(embedder: Embedder, threads: int) -> None:
    os.environ["OMP_NUM_THREADS"] = str(threads)  # before the model's engine starts its threads
    _WorkerModel.embedder = embedder
    embedder.encode(["预热"])  # load now, not inside the first batch


def _encode_in_worker(texts: list[str]) -> np.ndarray:
    assert _WorkerModel.embedder is not None, "the pool initializer sets the model"
    return _WorkerModel.embedder.encode(texts, batch_size=len(texts))


class SpreadEmbedder:
    """An Embedder whose `encode` runs on workers; questions are still encoded here."""

    def __init__(self, embedder: Embedder, workers: int | None = None, ray_address: str | None = None) -> None:
        """`workers`: models at once (default: 1 here; on Ray, one per CPU of the cluster).
        `ray_address`: a Ray cluster ("auto", "ray://host:10001", or "local" to start one
        on this machine's cores); None: processes on this machine."""
        if workers is not None and workers < 1:
            raise KbError(f"--workers must be at least 1, got {workers}")
        self.local = embedder
        self.name = embedder.name
        self.workers = workers
        self.ray_address = ray_address

    @property
    def dim(self) -> int:
        return self.local.dim

    def encode_query(self, question: str) -> np.ndarray:
        return self.local.encode_query(question)

    def encode(self, texts: Sequence[str], batch_size: int = 32, on_batch: OnBatch | None = None) -> np.ndarray:
        batches = length_batches(texts, batch_size)
        batch_texts = [[texts[i] for i in batch] for batch in batches]
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        if self.ray_address is not None:
            done = _on_ray(self.local, batch_texts, self.workers, self.ray_address)
        elif self.workers is None or self.workers == 1 or len(batches) == 1:
            done = ((n, self.local.encode(b, batch_size=len(b))) for n, b in enumerate(batch_texts))
        else:
            done = _on_processes(self.local, batch_texts, self.workers)
        for number, batch_vectors in done:
            vectors[batches[number]] = batch_vectors
            if on_batch:
                on_batch(len(batches[number]))
        return vectors


def _on_processes(embedder: Embedder, batches: list[list[str]], workers: int) -> Iterator[tuple[int, np.ndarray]]:
    threads = max(1, (os.cpu_count() or 1) // workers)
    # spawn, not fork: the parent's OpenMP and FAISS threads do not survive a fork.
    with ProcessPoolExecutor(workers, get_context("spawn"), _start_worker, (embedder, threads)) as pool:
        yield from enumerate(pool.map(_encode_in_worker, batches))


def _on_ray(
    embedder: Embedder, batches: list[list[str]], workers: int | None, address: str
) -> Iterator[tuple[int, np.ndarray]]:
    """Ray Data: an actor pool of `workers` models (default: one per CPU of the cluster), one
    CPU each, fed one batch at a time."""
    try:
        import ray
    except ImportError as exc:
        raise KbError("--ray needs the scale extra: pip install 'kb[scale]'") from exc
    started_here = not ray.is_initialized()
    if started_here:
        try:
            if address == RAY_LOCAL:
                ray.init(
                    num_cpus=workers or os.cpu_count(),
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.WARNING,
                )
            else:
                ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
        except Exception as exc:  # ConnectionError, RuntimeError, ValueError: one line either way
            raise KbError(f"cannot reach a Ray cluster at {address}: {str(exc).splitlines()[0]}") from exc
    ray.data.DataContext.get_current().print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # kb reports progress itself
    try:
        workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        items = [{"number": n, "texts": texts} for n, texts in enumerate(batches)]
        dataset = ray.data.from_items(items).map_batches(
            _ray_encoder(embedder), batch_size=1, compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1
        )
        for row in dataset.iter_rows():
            vectors = np.frombuffer(row["vectors"], dtype=np.float32).reshape(-1, embedder.dim)
            yield int(row["number"]), vectors
    finally:
        if started_here:
            ray.shutdown()


def _ray_encoder(embedder: Embedder) -> type:
    """A Ray Data actor class holding the model (in its definition, so it travels with the
    class rather than as constructor arguments in the object store)."""

    class RayEncoder:
        """Loads the model once per actor, then encodes one batch per call."""

        def __call__(self, rows: dict[str, Any]) -> dict[str, Any]:
            texts = [str(t) for t in rows["texts"][0]]
            vectors = np.asarray(embedder.encode(texts, batch_size=len(texts)), dtype=np.float32)
            # As bytes: batches differ in length, and Arrow columns of ragged tensors are fragile.
            return {"number": rows["number"], "vectors": np.array([vectors.tobytes()], dtype=object)}

    return RayEncoder
