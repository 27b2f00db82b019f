"""`--device` for the encoder (issue 26.6): plumbed from ingest, ask and serve to the model, a
one-line error when the GPU is not there or the model cannot use one. Whether vectors on a GPU
equal the CPU's can only be measured on a machine with one."""

import pickle
import sys
import types

import pytest
from click.testing import CliRunner

import kb.ingest.pipeline
import kb.knowledge_base
from kb.embedding.models import SentenceTransformerEmbedder, load_embedder
from kb.errors import KbError
from kb.interfaces.cli import main
from tests.conftest import CORPUS, BigramEmbedder


def _recording_loader(monkeypatch, module):
    """Replaces `module.load_embedder` by one that records (model, device) and returns the stand-in."""
    asked: list[tuple[str, str]] = []

    def load(name, device="cpu"):
        asked.append((name, device))
        return BigramEmbedder()

    monkeypatch.setattr(module, "load_embedder", load)
    return asked


def _one_line_error(result, *needles):
    assert result.exit_code == 1, result.output
    message = result.output.strip()
    assert message.startswith("Error:") and "\n" not in message
    for needle in needles:
        assert needle in message


@pytest.fixture
def gpu_seen(monkeypatch):
    """torch reports one CUDA GPU, and SentenceTransformer records the device it is given."""
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    devices: list[str] = []

    class Recorder:
        def __init__(self, path, device):
            devices.append(device)

    fake = types.ModuleType("sentence_transformers")
    fake.SentenceTransformer = Recorder
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    return devices


def test_ingest_hands_the_device_to_the_model_it_loads(tmp_path, monkeypatch):
    asked = _recording_loader(monkeypatch, kb.ingest.pipeline)
    opened = _recording_loader(monkeypatch, kb.knowledge_base)
    result = CliRunner().invoke(main, ["ingest", str(CORPUS), "--index", str(tmp_path / "i"), "--device", "cuda:0"])
    assert result.exit_code == 0, result.output
    assert asked == [("e5-small", "cuda:0")]
    assert opened == [("test-bigram", "cuda:0")]  # the index opened after building: the same device


def test_ask_and_serve_encode_questions_on_the_device(stub_index, monkeypatch):
    from kb.interfaces.server import create_app

    index, _ = stub_index
    asked = _recording_loader(monkeypatch, kb.knowledge_base)
    result = CliRunner().invoke(main, ["ask", "营销和销售的区别", "--index", str(index), "--device", "cuda"])
    assert result.exit_code == 0, result.output
    create_app(index, device="cuda")
    assert asked == [("test-bigram", "cuda"), ("test-bigram", "cuda")]


def test_on_the_cpu_the_model_still_loads_with_the_first_question(stub_index, monkeypatch):
    asked = _recording_loader(monkeypatch, kb.knowledge_base)
    kb.knowledge_base.KnowledgeBase.open(stub_index[0])
    assert asked == []  # a cold `kb ask` on the CPU pays for the model only when it needs it


def test_a_sentence_transformers_model_is_built_on_the_device(gpu_seen):
    embedder = load_embedder("m3e-small", "cuda")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    embedder.model  # noqa: B018 - loads it
    copy = pickle.loads(pickle.dumps(embedder))  # a --workers process loads it on the same device
    copy.model  # noqa: B018
    assert gpu_seen == ["cuda", "cuda"]


def test_cuda_without_a_gpu_is_a_one_line_error_and_builds_nothing(tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    index = tmp_path / "index"
    result = CliRunner().invoke(
        main, ["ingest", str(CORPUS), "--index", str(index), "--model", "m3e-small", "--device", "cuda"]
    )
    _one_line_error(result, "--device cuda", "0 CUDA GPUs", "--device cpu")
    assert not index.exists()


def test_a_gpu_number_beyond_those_there_is_an_error(gpu_seen):
    with pytest.raises(KbError, match="torch sees 1 CUDA GPU on"):
        load_embedder("m3e-small", "cuda:1")


def test_e5_small_says_its_engine_is_cpu_only(tmp_path):
    result = CliRunner().invoke(main, ["ingest", str(CORPUS), "--index", str(tmp_path / "i"), "--device", "cuda"])
    _one_line_error(result, "e5-small", "CPU-only", "--model m3e-small")


def test_a_device_that_is_no_device_is_named(stub_index):
    result = CliRunner().invoke(main, ["ask", "营销", "--index", str(stub_index[0]), "--device", "gpu"])
    _one_line_error(result, "'gpu' is not a device", "cuda:N")
