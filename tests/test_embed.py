"""The bundled embedders: offline loading, normalised vectors, batching that does not change them."""

import sys

import numpy as np
import pytest

from kb.embedding.models import load_embedder, resolve_model_folder
from kb.errors import KbError

pytestmark = pytest.mark.model
TEXTS = [
    "营销是一个系统，而销售只是营销的一部分。",
    "销售是把产品卖好，营销是让产品好卖。" * 5,
    "市场部",
    "渠道冲突需要市场部协调。",
]


@pytest.mark.parametrize("name", ["e5-small", "m3e-small"])
def test_vectors_are_normalised_and_independent_of_batching(name):
    embedder = load_embedder(name)
    together = embedder.encode(TEXTS, batch_size=4)
    alone = np.stack([embedder.encode([t])[0] for t in TEXTS])
    assert together.shape == (len(TEXTS), embedder.dim)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-4)
    assert np.min(np.sum(together * alone, axis=1)) >= 0.999  # padding in a batch changes nothing


def test_e5_query_and_passage_roles_differ_but_agree():
    embedder = load_embedder("e5-small")
    question = embedder.encode_query("营销和销售有什么区别")
    passages = embedder.encode(["营销是一个系统，而销售只是营销的一部分。", "红烧肉要用五花肉慢炖。"])
    assert passages[0] @ question > passages[1] @ question


def test_unknown_model_name_is_a_clear_error():
    with pytest.raises(KbError, match="neither a bundled model"):
        resolve_model_folder("no-such-model")


def test_a_model_folder_without_the_models_extra_names_it(tmp_path, monkeypatch):
    """torch and sentence-transformers are the `models` extra, not in ./ask's lean install."""
    from kb.embedding.models import SentenceTransformerEmbedder

    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as if not installed
    with pytest.raises(KbError, match=r"\.\[models\]"):
        SentenceTransformerEmbedder(str(tmp_path)).encode(["营销"])
