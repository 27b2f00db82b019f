"""Put on PYTHONPATH by tests/test_scripts.py: every Python process started with it (a script
and the `python -m kb` processes it starts) resolves the model name "test-bigram" to the tests'
stand-in embedder, so scripts run on the session's stub index without the real model."""

import kb.answering.retrieve
import kb.embedding.models
import kb.ingest.pipeline
from tests.conftest import BigramEmbedder

_load_embedder = kb.embedding.models.load_embedder


def _load(
    name_or_path: str = kb.embedding.models.DEFAULT_MODEL, device: str = kb.embedding.models.CPU
) -> kb.embedding.models.Embedder:
    return BigramEmbedder() if name_or_path == BigramEmbedder.name else _load_embedder(name_or_path, device)


for _module in (kb.embedding.models, kb.ingest.pipeline, kb.answering.retrieve):
    _module.load_embedder = _load
